/**
 * Walks and rewrites Handlebars syntax trees. The node types below are the part of Handlebars' AST
 * we touch, declared here so that template.ts stays the one file importing handlebars.
 */

/** Handlebars positions: line 1-based, column 0-based. */
interface Loc {
	readonly start: {readonly line: number; readonly column: number};
}

export interface PathNode {
	type: 'PathExpression';
	data: boolean;
	depth: number;
	parts: string[];
	original: string;
	loc?: Loc;
}

interface LiteralNode {
	type: 'StringLiteral' | 'NumberLiteral' | 'BooleanLiteral' | 'UndefinedLiteral' | 'NullLiteral';
	value?: unknown;
	original?: unknown;
}

interface SubExpressionNode {
	type: 'SubExpression';
	path: PathNode;
	params: ExpressionNode[];
	hash?: HashNode | undefined;
	loc?: Loc;
}

type ExpressionNode = PathNode | SubExpressionNode | LiteralNode;

interface HashNode {
	pairs: Array<{key: string; value: ExpressionNode}>;
}

interface MustacheNode {
	type: 'MustacheStatement';
	path: ExpressionNode;
	params: ExpressionNode[];
	hash?: HashNode | undefined;
	loc?: Loc;
}

interface BlockNode {
	type: 'BlockStatement';
	path: PathNode;
	params: ExpressionNode[];
	hash?: HashNode | undefined;
	program?: ProgramNode;
	inverse?: ProgramNode;
	loc?: Loc;
}

type StatementNode = MustacheNode | BlockNode | {type: 'ContentStatement' | 'CommentStatement' | 'PartialStatement' | 'PartialBlockStatement' | 'DecoratorBlock' | 'Decorator'};

export interface ProgramNode {
	type: 'Program';
	body: StatementNode[];
	blockParams?: string[];
}

/** A helper call found in a template: its name and where it is (1-based). */
export interface HelperUse {
	readonly name: string;
	readonly line: number;
	readonly column: number;
}

/** Helpers whose first argument may be undefined: that is how a template tests for a variable. */
const lenientFirstArgument = new Set(['default', 'if', 'unless']);

/** Helpers that move `this` to something else, so bare names inside them are not variables. */
const contextChanging = new Set(['each', 'with']);

/** Every helper a template calls, so unknown ones can be reported before anything runs. */
export function helperUses(program: ProgramNode): HelperUse[] {
	const uses: HelperUse[] = [];
	const call = (path: ExpressionNode, loc: Loc | undefined) => {
		if (path.type === 'PathExpression') {
			uses.push({name: path.original, line: loc?.start.line ?? 1, column: (loc?.start.column ?? 0) + 1});
		}
	};

	walkCalls(program, (node, isHelperCall) => {
		if (isHelperCall) {
			call(node.path, node.loc);
		}
	});
	return uses;
}

/**
 * Root variable names the template needs defined: every path in a mustache or a helper argument,
 * except names bound by blocks (#each/#with items, `as |x|`, @index...) and arguments that may be
 * undefined by design (`default`'s first, `#if`/`#unless`'s).
 */
export function rootVariables(program: ProgramNode): string[] {
	const names = new Set<string>();
	collectRoots(program, 0, new Set(), names);
	return [...names];
}

function collectRoots(program: ProgramNode, contextDepth: number, blockParams: ReadonlySet<string>, names: Set<string>): void {
	const path = (node: ExpressionNode) => {
		if (node.type === 'SubExpression') {
			args(node);
			return;
		}

		if (node.type !== 'PathExpression') {
			return;
		}

		const name = rootOf(node, contextDepth, blockParams);
		if (name !== undefined) {
			names.add(name);
		}
	};

	const args = (node: {path: ExpressionNode; params: ExpressionNode[]; hash?: HashNode | undefined}) => {
		const helper = node.path.type === 'PathExpression' ? node.path.original : '';
		for (const [index, param] of node.params.entries()) {
			if (index > 0 || !lenientFirstArgument.has(helper)) {
				path(param);
			}
		}

		for (const pair of node.hash?.pairs ?? []) {
			path(pair.value);
		}
	};

	for (const statement of program.body) {
		if (statement.type === 'MustacheStatement') {
			if (isCall(statement)) {
				args(statement);
			} else {
				path(statement.path);
			}
		} else if (statement.type === 'BlockStatement') {
			args(statement);
			const changes = contextChanging.has(statement.path.original);
			for (const inner of [statement.program, statement.inverse]) {
				if (inner) {
					const bound = new Set([...blockParams, ...(inner.blockParams ?? [])]);
					collectRoots(inner, contextDepth + (changes && inner === statement.program ? 1 : 0), bound, names);
				}
			}
		}
	}
}

function rootOf(path: PathNode, contextDepth: number, blockParams: ReadonlySet<string>): string | undefined {
	if (path.data) {
		// @root.x is the variable x; @index, @key, @first... belong to blocks.
		return path.parts[0] === 'root' ? path.parts[1] : undefined;
	}

	const [head] = path.parts;
	if (head === undefined || path.depth < contextDepth || (path.depth === 0 && blockParams.has(head))) {
		return undefined;
	}

	return head;
}

/**
 * Rewrites every variable lookup `a.b.c` into `(check a "a.b.c" line column "a" "b" "c")`, so that the
 * `check` helper can walk the path and name the first missing part. Handlebars' own strict mode
 * names only the last segment, and throws a TypeError on `{{default a.b 'x'}}` when `a` is missing.
 */
export function checkLookups(program: ProgramNode, check: string): void {
	walkCalls(program, (node, isHelperCall) => {
		if (!isHelperCall) {
			// A bare {{a.b}}: the lookup itself becomes the call.
			const wrapped = checkedLookup(node.path as PathNode, check);
			node.path = wrapped.path;
			node.params = wrapped.params;
			return;
		}

		const helper = node.path.type === 'PathExpression' ? node.path.original : '';
		node.params = node.params.map((param, index) =>
			param.type === 'PathExpression' && (index > 0 || !lenientFirstArgument.has(helper)) ? checkedLookup(param, check) : param);
		for (const pair of node.hash?.pairs ?? []) {
			if (pair.value.type === 'PathExpression') {
				pair.value = checkedLookup(pair.value, check);
			}
		}
	});
}

/** Turns a template that is one mustache into a call of `capture` with that mustache's value. */
export function captureSoleMustache(program: ProgramNode, capture: string): boolean {
	const [sole] = program.body;
	if (program.body.length !== 1 || sole?.type !== 'MustacheStatement' || sole.path.type !== 'PathExpression') {
		return false;
	}

	const inner: SubExpressionNode = {type: 'SubExpression', path: sole.path, params: sole.params, hash: sole.hash, loc: sole.loc};
	sole.path = helperPath(capture);
	sole.params = [inner];
	sole.hash = undefined;
	return true;
}

type CallNode = MustacheNode | BlockNode | SubExpressionNode;

/**
 * Visits mustaches, blocks and subexpressions, children first so a visitor's rewrite of a node does
 * not get visited again. A mustache with no arguments is a lookup (isHelperCall false).
 */
function walkCalls(program: ProgramNode, visit: (node: CallNode, isHelperCall: boolean) => void): void {
	const expression = (node: ExpressionNode) => {
		if (node.type === 'SubExpression') {
			call(node);
		}
	};

	const call = (node: CallNode) => {
		node.params.forEach(expression);
		for (const pair of node.hash?.pairs ?? []) {
			expression(pair.value);
		}

		if (node.type === 'BlockStatement') {
			for (const inner of [node.program, node.inverse]) {
				if (inner) {
					walkCalls(inner, visit);
				}
			}
		}

		if (node.type !== 'MustacheStatement' || node.path.type === 'PathExpression') {
			visit(node, node.type !== 'MustacheStatement' || isCall(node));
		}
	};

	for (const statement of program.body) {
		if (statement.type === 'MustacheStatement' || statement.type === 'BlockStatement') {
			call(statement);
		}
	}
}

function isCall(node: MustacheNode): boolean {
	return node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;
}

function checkedLookup(path: PathNode, check: string): SubExpressionNode {
	const [head, ...rest] = path.parts;
	const root: PathNode = head === undefined ? path : {...path, parts: [head]};
	const loc = path.loc?.start ?? {line: 1, column: 0};
	return {
		type: 'SubExpression',
		path: helperPath(check),
		params: [
			root,
			literal('StringLiteral', path.original),
			literal('NumberLiteral', loc.line),
			literal('NumberLiteral', loc.column + 1),
			literal('StringLiteral', head === undefined ? path.original : `${path.data ? '@' : '../'.repeat(path.depth)}${head}`),
			...rest.map(part => literal('StringLiteral', part)),
		],
		loc: path.loc,
	};
}

function helperPath(name: string): PathNode {
	return {type: 'PathExpression', data: false, depth: 0, parts: [name], original: name};
}

function literal(type: 'StringLiteral' | 'NumberLiteral', value: string | number): LiteralNode {
	return {type, value, original: value};
}
