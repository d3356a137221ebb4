/** The known name closest to a misspelt one, if it is close enough to be what was meant. */
function closestName(name: string, known: Iterable<string>): string | undefined {
	let best: string | undefined;
	let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
	for (const candidate of known) {
		const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
		if (distance < bestDistance) {
			best = candidate;
			bestDistance = distance;
		}
	}

	return best;
}

/** ` (did you mean 'x'?)`, or nothing: for misspelt modules, keywords, parameters, variables and helpers. */
export function didYouMean(name: string, known: Iterable<string>): string {
	const closest = closestName(name, known);
	return closest === undefined ? '' : ` (did you mean '${closest}'?)`;
}

function editDistance(a: string, b: string): number {
	let previous = Array.from({length: b.length + 1}, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
			current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
		}

		previous = current;
	}

	return previous[b.length] ?? 0;
}
