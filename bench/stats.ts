export interface Spread {
	readonly median: number;
	readonly min: number;
	readonly max: number;
	readonly count: number;
}

export function spread(values: readonly number[]): Spread | undefined {
	if (values.length === 0) {
		return undefined;
	}

	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
	return {median, min: sorted[0]!, max: sorted.at(-1)!, count: sorted.length};
}
