/**
 * Python's meanings for the values a Jinja template handles, as Ansible's Jinja2 gives them:
 * str() and repr(), comparisons, arithmetic, and the methods of str, list and dict that
 * templates call (`x.split(',')`, `d.items()`). Lists are JavaScript arrays (tuples too), dicts
 * plain objects, None is null.
 */
import {isEqual, isIn, isMapping, isTruthy, split} from '../filters.js';

export {isEqual, isIn, isMapping, isTruthy};

/** Python's name for a value's type, for messages. */
export function typeName(value: unknown): string {
	if (value === null) {
		return 'NoneType';
	}

	if (Array.isArray(value)) {
		return 'list';
	}

	switch (typeof value) {
		case 'string': {
			return 'str';
		}

		case 'boolean': {
			return 'bool';
		}

		case 'number': {
			return Number.isInteger(value) ? 'int' : 'float';
		}

		case 'object': {
			return 'dict';
		}

		default: {
			return typeof value;
		}
	}
}

function numberText(value: number): string {
	if (Number.isNaN(value)) {
		return 'nan';
	}

	if (!Number.isFinite(value)) {
		return value > 0 ? 'inf' : '-inf';
	}

	return String(value);
}

const tupleMark = Symbol('tuple');

/** A Python tuple: a list to everything but repr(), which writes it `(a, b)`. */
export function tuple<T extends unknown[]>(items: T): T {
	Object.defineProperty(items, tupleMark, {value: true});
	return items;
}

function isTuple(value: unknown[]): boolean {
	return Object.hasOwn(value, tupleMark);
}

/** Python's repr() of a string: single quotes unless the text holds one and no double quote. */
function stringRepr(text: string): string {
	const quote = text.includes('\'') && !text.includes('"') ? '"' : '\'';
	const escaped = text
		.replaceAll('\\', '\\\\')
		.replaceAll('\n', '\\n')
		.replaceAll('\r', '\\r')
		.replaceAll('\t', '\\t');
	return `${quote}${quote === '\'' ? escaped.replaceAll('\'', '\\\'') : escaped}${quote}`;
}

export function pyRepr(value: unknown): string {
	if (typeof value === 'string') {
		return stringRepr(value);
	}

	if (Array.isArray(value)) {
		const items = value.map(item => pyRepr(item)).join(', ');
		if (isTuple(value)) {
			return value.length === 1 ? `(${items},)` : `(${items})`;
		}

		return `[${items}]`;
	}

	if (isMapping(value)) {
		return `{${Object.entries(value).map(([key, item]) => `${stringRepr(key)}: ${pyRepr(item)}`).join(', ')}}`;
	}

	return pyStr(value);
}

/** Python's str(): what `{{ value }}` prints. */
export function pyStr(value: unknown): string {
	if (typeof value === 'string') {
		return value;
	}

	if (value === null || value === undefined) {
		return 'None';
	}

	if (typeof value === 'boolean') {
		return value ? 'True' : 'False';
	}

	if (typeof value === 'number') {
		return numberText(value);
	}

	return pyRepr(value);
}

/** Python's <, <=, >, >=: numbers with numbers, strings with strings, lists item by item. */
export function compare(left: unknown, right: unknown, operator: string): boolean {
	const order = ordering(left, right, operator);
	switch (operator) {
		case '<': {
			return order < 0;
		}

		case '<=': {
			return order <= 0;
		}

		case '>': {
			return order > 0;
		}

		default: {
			return order >= 0;
		}
	}
}

function ordering(left: unknown, right: unknown, operator: string): number {
	const numeric = (value: unknown) => typeof value === 'number' || typeof value === 'boolean';
	if (numeric(left) && numeric(right)) {
		return Math.sign(Number(left) - Number(right));
	}

	if (typeof left === 'string' && typeof right === 'string') {
		return left < right ? -1 : (left > right ? 1 : 0);
	}

	if (Array.isArray(left) && Array.isArray(right)) {
		for (let index = 0; index < Math.min(left.length, right.length); index++) {
			if (!isEqual(left[index], right[index])) {
				return ordering(left[index], right[index], operator);
			}
		}

		return Math.sign(left.length - right.length);
	}

	throw new TypeError(`'${operator}' not supported between instances of '${typeName(left)}' and '${typeName(right)}'`);
}

/** Python's arithmetic operators, with its errors for mismatched types. */
export function arithmetic(operator: string, left: unknown, right: unknown): unknown {
	const numbers = (typeof left === 'number' || typeof left === 'boolean') && (typeof right === 'number' || typeof right === 'boolean');
	const [a, b] = [Number(left), Number(right)];
	if (operator === '+') {
		if (numbers) {
			return a + b;
		}

		if (typeof left === 'string' && typeof right === 'string') {
			return left + right;
		}

		if (Array.isArray(left) && Array.isArray(right)) {
			return [...left, ...right];
		}
	} else if (operator === '*') {
		if (numbers) {
			return a * b;
		}

		if (typeof left === 'string' && Number.isInteger(right)) {
			return left.repeat(Math.max(0, b));
		}

		if (Array.isArray(left) && Number.isInteger(right)) {
			return Array.from({length: Math.max(0, b)}, () => left).flat();
		}
	} else if (operator === '%' && typeof left === 'string') {
		return percentFormat(left, Array.isArray(right) ? right : [right]);
	} else if (numbers) {
		if ((operator === '/' || operator === '//' || operator === '%') && b === 0) {
			throw new TypeError(operator === '%' ? 'integer modulo by zero' : 'division by zero');
		}

		switch (operator) {
			case '-': {
				return a - b;
			}

			case '/': {
				return a / b;
			}

			case '//': {
				return Math.floor(a / b);
			}

			case '%': {
				return a - (b * Math.floor(a / b));
			}

			case '**': {
				return a ** b;
			}

			default: {
				break;
			}
		}
	}

	throw new TypeError(`unsupported operand type(s) for ${operator}: '${typeName(left)}' and '${typeName(right)}'`);
}

/** Python's `'%s-%d' % (a, b)`. */
export function percentFormat(format: string, values: readonly unknown[]): string {
	let next = 0;
	return format.replaceAll(/%([-+ 0#]*\d*(?:\.\d+)?)([sdirfx%])/g, (_match, flags: string, kind: string) => {
		if (kind === '%') {
			return '%';
		}

		const value = values[next++];
		const width = Number(/\d+$/.exec(flags.split('.')[0] ?? '')?.[0] ?? 0);
		const precision = /\.(\d+)/.exec(flags)?.[1];
		let text: string;
		switch (kind) {
			case 'd':
			case 'i': {
				text = String(Math.trunc(Number(value)));
				break;
			}

			case 'f': {
				text = Number(value).toFixed(precision === undefined ? 6 : Number(precision));
				break;
			}

			case 'x': {
				text = Math.trunc(Number(value)).toString(16);
				break;
			}

			case 'r': {
				text = pyRepr(value);
				break;
			}

			default: {
				text = pyStr(value);
			}
		}

		return flags.includes('-') ? text.padEnd(width) : text.padStart(width, flags.includes('0') && kind !== 's' ? '0' : ' ');
	});
}

/** Python's iteration: a list's items, a string's characters, a dict's keys. `user` names who asks, for the error. */
export function pyIterate(value: unknown, user?: string): unknown[] {
	if (Array.isArray(value)) {
		return value;
	}

	if (typeof value === 'string') {
		return [...value];
	}

	if (isMapping(value)) {
		return Object.keys(value);
	}

	throw new TypeError(`${user ? `${user}: ` : ''}'${typeName(value)}' object is not iterable`);
}

/** A Python index: negative counts from the end. Undefined when out of range. */
export function pyIndex(length: number, index: number): number | undefined {
	const position = index < 0 ? length + index : index;
	return Number.isInteger(position) && position >= 0 && position < length ? position : undefined;
}

/** Python's slice [start:stop:step] of a list or string. */
export function pySlice<T extends string | readonly unknown[]>(value: T, start: unknown, stop: unknown, step: unknown): T {
	const length = value.length;
	const by = step === null || step === undefined ? 1 : Number(step);
	if (by === 0) {
		throw new TypeError('slice step cannot be zero');
	}

	const clamp = (bound: unknown, fallback: number) => {
		if (bound === null || bound === undefined) {
			return fallback;
		}

		const index = Number(bound) < 0 ? length + Number(bound) : Number(bound);
		return by > 0 ? Math.min(Math.max(index, 0), length) : Math.min(Math.max(index, -1), length - 1);
	};

	const [from, to] = by > 0 ? [clamp(start, 0), clamp(stop, length)] : [clamp(start, length - 1), clamp(stop, -1)];
	const picked: unknown[] = [];
	for (let index = from; by > 0 ? index < to : index > to; index += by) {
		picked.push(value[index]);
	}

	return (typeof value === 'string' ? picked.join('') : picked) as T;
}

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

