/** The variables plus a few more (the loop item, a registered result), without rendering any. */
export function extendVars(vars: Readonly<Record<string, unknown>>, extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
	const extended = Object.defineProperties({}, Object.getOwnPropertyDescriptors(vars)) as Record<string, unknown>;
	for (const [name, value] of Object.entries(extra)) {
		Object.defineProperty(extended, name, {value, enumerable: true, configurable: true, writable: true});
	}

	return extended;
}
