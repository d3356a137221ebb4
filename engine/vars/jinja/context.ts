/**
 * What a Jinja template runs against: the variables, the frames its own `set`, `for` and macros
 * add (Jinja2's scoping: a loop's body does not leak), and the undefined values Ansible's Jinja
 * keeps until something uses them.
 */
import type {JinjaNode} from './syntax.js';

/**
 * A name or path that found nothing. Ansible's Jinja lets it travel (`a.b.c | default(1)`,
 * `x is defined`) and fails only where it is used: printed, compared, iterated.
 */
export class Undefined {
	constructor(
		readonly path: string,
		readonly detail = '',
		/** The path up to the first part that is missing: `missing` in `missing.rc`. */
		readonly gap = path,
	) {}

	/** The same absence one step (`.x`, `[0]`) further down: it stays undefined, naming the first gap. */
	child(step: string): Undefined {
		return new Undefined(`${this.path}${step}`, this.detail || `: "${this.path}" is undefined`, this.gap);
	}
}

/** An undefined value was used; the place is 1-based inside the template text. */
export class UndefinedUse extends Error {
	constructor(readonly undefinedValue: Undefined, readonly line: number, readonly column: number) {
		super(`undefined variable "${undefinedValue.path}"${undefinedValue.detail}`);
	}
}

/** Anything else that went wrong while rendering: a filter's error, a bad type, with the place. */
export class RenderFailure extends Error {
	constructor(message: string, readonly line: number, readonly column: number, override readonly cause?: unknown) {
		super(message);
	}
}

/** A callable a template defines or is given: a macro, range(), lookup(). */
export type Callable = (args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>) => unknown;

/** A Jinja `namespace()`: the one object whose attributes `{% set ns.x = 1 %}` may change. */
export class Namespace {
	constructor(readonly attributes: Record<string, unknown>) {}
}

interface TemplateFile {
	readonly path: string;
	readonly text: string;
}

/** What rendering needs from outside the template: other templates (include) and where it runs. */
export interface RenderHost {
	/** Reads a template named by `{% include %}` or `lookup('template')`, relative to `from`. */
	readonly loadTemplate: (name: string, from: string | undefined) => TemplateFile;
}

/**
 * The statement interpreter (render.ts), given to each context so that expressions can hold a
 * block (`{% filter %}`) or render a file (`lookup('template')`) without importing it back.
 */
export interface Interpreter {
	readonly renderBody: (nodes: readonly JinjaNode[], context: Context) => string;
	readonly renderFile: (path: string, context: Context) => string;
}

export class Context {
	private readonly frames: Array<Map<string, unknown>>;

	constructor(
		readonly vars: Readonly<Record<string, unknown>>,
		readonly host: RenderHost,
		readonly interpreter: Interpreter,
		/** The template file being rendered, for includes and messages; undefined for a value. */
		readonly file: string | undefined,
		frames: Array<Map<string, unknown>> = [new Map()],
	) {
		this.frames = frames;
	}

	/** A new innermost frame, as a loop body or a macro call gets. */
	inner(): Context {
		return new Context(this.vars, this.host, this.interpreter, this.file, [...this.frames, new Map()]);
	}

	/** The same frames rendering another file (an include sees the includer's variables). */
	forFile(file: string): Context {
		return new Context(this.vars, this.host, this.interpreter, file, this.frames);
	}

	lookup(name: string): unknown {
		for (let index = this.frames.length - 1; index >= 0; index--) {
			const frame = this.frames[index]!;
			if (frame.has(name)) {
				return frame.get(name);
			}
		}

		return Object.hasOwn(this.vars, name) ? this.vars[name] : undefined;
	}

	has(name: string): boolean {
		return this.frames.some(frame => frame.has(name)) || Object.hasOwn(this.vars, name);
	}

	set(name: string, value: unknown): void {
		this.frames.at(-1)!.set(name, value);
	}
}
