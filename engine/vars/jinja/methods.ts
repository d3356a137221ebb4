/**
 * The methods of str, list and dict that Ansible's templates call (`x.split(',')`,
 * `name.startswith('web')`, `d.items()`, `xs.append(1)`), with Python's behaviour.
 */
import {split} from '../filters.js';
import {isEqual, isMapping, pyIndex, pyRepr, pyStr, tuple} from './python.js';

type Method = (self: never, ...args: unknown[]) => unknown;

const text = (value: unknown) => String(value);
const strip = (self: string, chars: unknown, where: 'both' | 'start' | 'end') => {
	if (chars === undefined || chars === null) {
		return where === 'both' ? self.trim() : (where === 'start' ? self.trimStart() : self.trimEnd());
	}

	const set = new Set(text(chars));
	let [from, to] = [0, self.length];
	while (where !== 'end' && from < to && set.has(self[from]!)) {
		from++;
	}

	while (where !== 'start' && to > from && set.has(self[to - 1]!)) {
		to--;
	}

	return self.slice(from, to);
};

const affixes = (affix: unknown) => (Array.isArray(affix) ? affix.map(item => text(item)) : [text(affix)]);

/** str.format: `{}`, `{0}` and `{name}` fields. */
function strFormat(self: string, args: readonly unknown[]): string {
	let next = 0;
	const named = isMapping(args.at(-1)) ? args.at(-1) as Record<string, unknown> : {};
	return self.replaceAll(/\{\{|\}\}|\{([^{}]*)\}/g, (match, field: string | undefined) => {
		if (match === '{{' || match === '}}') {
			return match[0]!;
		}

		const key = field!.split(':')[0]!;
		const value = key === '' ? args[next++] : (/^\d+$/.test(key) ? args[Number(key)] : named[key]);
		return pyStr(value);
	});
}

const strMethods: Record<string, Method> = {
	split: (self: string, separator?: unknown, limit?: unknown) => {
		const parts = split(self, separator ?? undefined);
		if (limit === undefined || Number(limit) < 0 || parts.length <= Number(limit) + 1) {
			return parts;
		}

		const joiner = separator === undefined || separator === null ? ' ' : text(separator);
		return [...parts.slice(0, Number(limit)), parts.slice(Number(limit)).join(joiner)];
	},
	rsplit: (self: string, separator?: unknown, limit?: unknown) => {
		const parts = split(self, separator ?? undefined);
		if (limit === undefined || Number(limit) < 0 || parts.length <= Number(limit) + 1) {
			return parts;
		}

		const joiner = separator === undefined || separator === null ? ' ' : text(separator);
		return [parts.slice(0, parts.length - Number(limit)).join(joiner), ...parts.slice(parts.length - Number(limit))];
	},
	splitlines: (self: string) => self.split(/\r?\n/).filter((line, index, lines) => index < lines.length - 1 || line !== ''),
	strip: (self: string, chars?: unknown) => strip(self, chars, 'both'),
	lstrip: (self: string, chars?: unknown) => strip(self, chars, 'start'),
	rstrip: (self: string, chars?: unknown) => strip(self, chars, 'end'),
	startswith: (self: string, prefix: unknown) => affixes(prefix).some(item => self.startsWith(item)),
	endswith: (self: string, suffix: unknown) => affixes(suffix).some(item => self.endsWith(item)),
	lower: (self: string) => self.toLowerCase(),
	upper: (self: string) => self.toUpperCase(),
	title: (self: string) => self.toLowerCase().replaceAll(/(^|[^a-z])([a-z])/g, (_match, before: string, letter: string) => before + letter.toUpperCase()),
	capitalize: (self: string) => self.charAt(0).toUpperCase() + self.slice(1).toLowerCase(),
	replace: (self: string, old: unknown, replacement: unknown, count?: unknown) => {
		const parts = self.split(text(old));
		const limit = count === undefined || Number(count) < 0 ? parts.length : Number(count) + 1;
		return [parts.slice(0, limit).join(text(replacement)), ...parts.slice(limit)].join(text(old));
	},
	find: (self: string, needle: unknown) => self.indexOf(text(needle)),
	rfind: (self: string, needle: unknown) => self.lastIndexOf(text(needle)),
	index(self: string, needle: unknown) {
		const found = self.indexOf(text(needle));
		if (found < 0) {
			throw new TypeError('substring not found');
		}

		return found;
	},
	count: (self: string, needle: unknown) => self.split(text(needle)).length - 1,
	join: (self: string, items: unknown) => (Array.isArray(items) ? items.map(item => pyStr(item)).join(self) : [...text(items)].join(self)),
	format: (self: string, ...args: unknown[]) => strFormat(self, args),
	isdigit: (self: string) => /^\d+$/.test(self),
	isalpha: (self: string) => /^[a-z]+$/i.test(self),
	isalnum: (self: string) => /^[a-z\d]+$/i.test(self),
	isspace: (self: string) => /^\s+$/.test(self),
	islower: (self: string) => /[a-z]/.test(self) && self === self.toLowerCase(),
	isupper: (self: string) => /[A-Z]/.test(self) && self === self.toUpperCase(),
	zfill: (self: string, width: unknown) => self.padStart(Number(width), '0'),
	ljust: (self: string, width: unknown, fill?: unknown) => self.padEnd(Number(width), fill === undefined ? ' ' : text(fill)),
	rjust: (self: string, width: unknown, fill?: unknown) => self.padStart(Number(width), fill === undefined ? ' ' : text(fill)),
	center(self: string, width: unknown) {
		const total = Math.max(0, Number(width) - self.length);
		const left = Math.floor(total / 2) + (total % 2 === 1 && self.length % 2 === 1 ? 1 : 0);
		return ' '.repeat(left) + self + ' '.repeat(total - left);
	},
	partition(self: string, separator: unknown) {
		const at = self.indexOf(text(separator));
		return at < 0 ? [self, '', ''] : [self.slice(0, at), text(separator), self.slice(at + text(separator).length)];
	},
};

const listMethods: Record<string, Method> = {
	index(self: unknown[], item: unknown) {
		const found = self.findIndex(element => isEqual(element, item));
		if (found < 0) {
			throw new TypeError(`${pyRepr(item)} is not in list`);
		}

		return found;
	},
	count: (self: unknown[], item: unknown) => self.filter(element => isEqual(element, item)).length,
	// Ansible's templates are not sandboxed: `{% set _ = xs.append(1) %}` is a known idiom.
	append(self: unknown[], item: unknown) {
		self.push(item);
		return null;
	},
	extend(self: unknown[], items: unknown) {
		self.push(...(Array.isArray(items) ? items : []));
		return null;
	},
	insert(self: unknown[], index: unknown, item: unknown) {
		self.splice(Number(index), 0, item);
		return null;
	},
	pop(self: unknown[], index?: unknown) {
		const position = pyIndex(self.length, index === undefined ? -1 : Number(index));
		if (position === undefined) {
			throw new TypeError('pop index out of range');
		}

		return self.splice(position, 1)[0];
	},
	remove(self: unknown[], item: unknown) {
		self.splice(listMethods['index']!(self as never, item) as number, 1);
		return null;
	},
	copy: (self: unknown[]) => [...self],
};

const dictMethods: Record<string, Method> = {
	items: (self: Record<string, unknown>) => Object.entries(self).map(pair => tuple(pair)),
	keys: (self: Record<string, unknown>) => Object.keys(self),
	values: (self: Record<string, unknown>) => Object.values(self),
	get: (self: Record<string, unknown>, key: unknown, fallback: unknown = null) => (Object.hasOwn(self, text(key)) ? self[text(key)] : fallback),
	copy: (self: Record<string, unknown>) => ({...self}),
	update(self: Record<string, unknown>, other: unknown) {
		Object.assign(self, isMapping(other) ? other : {});
		return null;
	},
	pop(self: Record<string, unknown>, key: unknown, ...fallback: unknown[]) {
		if (!Object.hasOwn(self, text(key))) {
			if (fallback.length > 0) {
				return fallback[0];
			}

			throw new TypeError(`KeyError: ${pyRepr(key)}`);
		}

		const value = self[text(key)];
		delete self[text(key)];
		return value;
	},
	setdefault(self: Record<string, unknown>, key: unknown, fallback: unknown = null) {
		self[text(key)] ??= fallback;
		return self[text(key)];
	},
};

/** The method `name` of a value, bound to it, or undefined when its type has none by that name. */
export function methodOf(value: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
	const table = typeof value === 'string' ? strMethods : (Array.isArray(value) ? listMethods : (isMapping(value) ? dictMethods : undefined));
	const method = table && Object.hasOwn(table, name) ? table[name] : undefined;
	return method && ((...args: unknown[]) => method(value as never, ...args));
}

