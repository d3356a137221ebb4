/** A filter's, test's or function's arguments as Python passes them: positional, then by name. */
export interface Arguments {
	readonly positional: readonly unknown[];
	readonly named: Readonly<Record<string, unknown>>;
}

/** The argument at `index`, or given by `name`, or the fallback. */
export function argument(call: Arguments, index: number, name: string, fallback?: unknown): unknown {
	if (index < call.positional.length) {
		return call.positional[index];
	}

	return Object.hasOwn(call.named, name) ? call.named[name] : fallback;
}

