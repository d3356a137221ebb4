/**
 * Python's meanings for the values a Jinja template handles, as Ansible's Jinja2 gives them:
 * str() and repr(), comparisons, arithmetic, indexes and slices (their methods: methods.ts).
 * Lists are JavaScript arrays (tuples too), dicts plain objects, None is null.
 */
import {isEqual, isIn, isMapping, isTruthy} from '../filters.js';

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
