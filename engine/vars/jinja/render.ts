/**
 * Runs a Jinja template's statements (output, if, for, set, macro, include, filter blocks) with
 * Jinja2's scoping: a loop body and a macro call get frames of their own, `set` inside a loop
 * does not leak out, a `namespace()` carries values across. Output is Python's str() of each
 * value, with None printed as nothing, as Ansible prints it.
 */
import {Context, Namespace, RenderFailure, Undefined, type Callable, type Interpreter, type RenderHost} from './context.js';
import {evaluate, resolved} from './evaluate.js';
import {isMapping, isTruthy, pyIterate, pyStr} from './python.js';
import {children, field, parseTemplateFile, type JinjaNode} from './syntax.js';

/** Ansible prints None as nothing (its finalize), everything else as Python's str(). */
function finalize(value: unknown): string {
	return value === null ? '' : pyStr(value);
}

/** Binds a loop's or set's target: one name, or several unpacked from a list (`for k, v in ...`). */
function bind(target: JinjaNode, value: unknown, context: Context): void {
	if (target.typename === 'Symbol') {
		context.set(String(target['value']), value);
		return;
	}

	const names = children(target);
	const items = pyIterate(value);
	if (items.length !== names.length) {
		throw new TypeError(`cannot unpack ${items.length} values into ${names.length} names`);
	}

	names.forEach((name, index) => {
		bind(name, items[index], context);
	});
}

/** Jinja's `loop`: index, index0, revindex, revindex0, first, last, length, previtem, nextitem, cycle(). */
function loopObject(items: readonly unknown[], index: number, depth: number): Record<string, unknown> {
	const loop: Record<string, unknown> = {
		index: index + 1,
		index0: index,
		revindex: items.length - index,
		revindex0: items.length - index - 1,
		first: index === 0,
		last: index === items.length - 1,
		length: items.length,
		depth,
		depth0: depth - 1,
		previtem: index > 0 ? items[index - 1] : new Undefined('loop.previtem', ': this is the first item'),
		nextitem: index < items.length - 1 ? items[index + 1] : new Undefined('loop.nextitem', ': this is the last item'),
		cycle: ((args: readonly unknown[]) => args[index % args.length]) satisfies Callable,
		changed: ((args: readonly unknown[]) => index === 0 || pyStr(args) !== pyStr(items[index - 1])) satisfies Callable,
	};
	return loop;
}

function renderFor(node: JinjaNode, context: Context, out: string[]): void {
	const iterable = field(node, 'arr');
	let items = pyIterate(resolved(evaluate(iterable, context), iterable));
	const filter = node['loopFilter'] as JinjaNode | undefined;
	if (filter) {
		items = items.filter(item => {
			const scope = context.inner();
			bind(field(node, 'name'), item, scope);
			return isTruthy(resolved(evaluate(filter, scope), filter));
		});
	}

	if (items.length === 0) {
		renderInto(children(field(node, 'else_')), context, out);
		return;
	}

	const outer = context.lookup('loop');
	const depth = isMapping(outer) && typeof outer['depth'] === 'number' && context.has('loop') ? outer['depth'] + 1 : 1;
	items.forEach((item, index) => {
		const scope = context.inner();
		bind(field(node, 'name'), item, scope);
		scope.set('loop', loopObject(items, index, depth));
		renderInto(children(field(node, 'body')), scope, out);
	});
}

function renderSet(node: JinjaNode, context: Context): void {
	const body = node['body'] as JinjaNode | null;
	const value = body ? renderBody(children(field(body, 'body')), context) : resolved(evaluate(field(node, 'value'), context), field(node, 'value'));
	const targets = node['targets'] as JinjaNode[];
	for (const target of targets) {
		if (target.typename === 'LookupVal') {
			const owner = resolved(evaluate(field(target, 'target'), context), target);
			if (!(owner instanceof Namespace)) {
				throw new TypeError('only a namespace() can have its attributes set: {% set ns = namespace(x=1) %}{% set ns.x = 2 %}');
			}

			owner.attributes[String(field(target, 'val')['value'])] = value;
		} else if (targets.length === 1) {
			bind(target, value, context);
		} else {
			bind({typename: 'Array', lineno: target.lineno, colno: target.colno, children: targets}, value, context);
			return;
		}
	}
}

function defineMacro(node: JinjaNode, context: Context): void {
	const parameters: Array<{name: string; fallback?: JinjaNode}> = [];
	for (const arg of children(field(node, 'args'))) {
		if (arg.typename === 'KeywordArgs') {
			for (const pair of children(arg)) {
				parameters.push({name: String(field(pair, 'key')['value']), fallback: field(pair, 'value')});
			}
		} else {
			parameters.push({name: String(arg['value'])});
		}
	}

	const macro: Callable = (args, named) => {
		const scope = context.inner();
		parameters.forEach((parameter, index) => {
			const given = index < args.length ? args[index] : named[parameter.name];
			scope.set(parameter.name, given ?? (parameter.fallback ? resolved(evaluate(parameter.fallback, context), parameter.fallback) : new Undefined(parameter.name)));
		});
		scope.set('varargs', args.slice(parameters.length));
		scope.set('kwargs', Object.fromEntries(Object.entries(named).filter(([name]) => !parameters.some(parameter => parameter.name === name))));
		return renderBody(children(field(node, 'body')), scope);
	};

	context.set(String(field(node, 'name')['value']), macro);
}

function renderInclude(node: JinjaNode, context: Context, out: string[]): void {
	const name = pyStr(resolved(evaluate(field(node, 'template'), context), field(node, 'template')));
	let file;
	try {
		file = context.host.loadTemplate(name, context.file);
	} catch (error) {
		if (node['ignoreMissing']) {
			return;
		}

		throw error;
	}

	out.push(renderTemplate(file.path, file.text, context.forFile(file.path)));
}

const unsupported: Readonly<Record<string, string>> = {
	Extends: 'template inheritance ({% extends %})',
	Import: '{% import %}',
	FromImport: '{% from ... import %}',
	Switch: '{% switch %} (a nunjucks tag, not Jinja\'s)',
	CallExtension: 'this tag',
	Caller: '{% call %}',
};

function renderNode(node: JinjaNode, context: Context, out: string[]): void {
	switch (node.typename) {
		case 'Output': {
			for (const child of children(node)) {
				out.push(child.typename === 'TemplateData' ? String(child['value']) : finalize(resolved(evaluate(child, context), child)));
			}

			return;
		}

		case 'If':
		case 'IfAsync': {
			const condition = field(node, 'cond');
			const branch = isTruthy(resolved(evaluate(condition, context), condition)) ? field(node, 'body') : node['else_'] as JinjaNode | null;
			if (branch) {
				renderNode(branch, context, out);
			}

			return;
		}

		case 'For': {
			renderFor(node, context, out);
			return;
		}

		case 'Set': {
			renderSet(node, context);
			return;
		}

		case 'Macro': {
			defineMacro(node, context);
			return;
		}

		case 'Include': {
			renderInclude(node, context, out);
			return;
		}

		case 'Block': {
			renderNode(field(node, 'body'), context, out);
			return;
		}

		case 'Root':
		case 'NodeList': {
			renderInto(children(node), context, out);
			return;
		}

		default: {
			throw new RenderFailure(`pb's Jinja does not support ${unsupported[node.typename] ?? node.typename}`, node.lineno + 1, node.colno + 1);
		}
	}
}

function renderInto(nodes: readonly JinjaNode[], context: Context, out: string[]): void {
	for (const node of nodes) {
		renderNode(node, context, out);
	}
}

function renderBody(nodes: readonly JinjaNode[], context: Context): string {
	const out: string[] = [];
	renderInto(nodes, context, out);
	return out.join('');
}

/** Renders a template file's text (its `#jinja2:` header honoured) in a context. */
function renderTemplate(path: string, text: string, context: Context): string {
	return renderBody(children(parseTemplateFile(text, path)), context);
}

export const interpreter: Interpreter = {
	renderBody,
	renderFile(path, context) {
		const file = context.host.loadTemplate(path, context.file);
		return renderTemplate(file.path, file.text, context.forFile(file.path));
	},
};

/** Renders a parsed template with the variables. */
export function renderTree(root: JinjaNode, vars: Readonly<Record<string, unknown>>, host: RenderHost, file: string | undefined): string {
	return renderBody(children(root), new Context(vars, host, interpreter, file));
}

/** Evaluates a parsed expression alone, keeping its type (conditions); an undefined result fails. */
export function evaluateTree(expression: JinjaNode, vars: Readonly<Record<string, unknown>>, host: RenderHost): unknown {
	return resolved(evaluate(expression, new Context(vars, host, interpreter, undefined)), expression);
}
