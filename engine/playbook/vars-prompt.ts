import type {SourcePosition} from '../errors.js';
import type {ParseContext} from './context.js';

/** One vars_prompt entry: asked on the terminal when its play starts, unless -e gives the variable. */
export interface VarsPrompt {
	readonly name: string;
	/** The question; the variable's name when none is written. */
	readonly prompt: string;
	/** Input not echoed, and the value kept out of every output (Ansible's default: true). */
	readonly private: boolean;
	readonly default: string | undefined;
	/** Asked twice; asked again until both answers agree. */
	readonly confirm: boolean;
	readonly where: SourcePosition;
}

const keys = ['name', 'prompt', 'private', 'default', 'confirm', 'unsafe', 'encrypt', 'salt', 'salt_size'];

export function parseVarsPrompt(ctx: ParseContext, node: unknown, where: SourcePosition): VarsPrompt[] {
	const list = ctx.list(node, 'vars_prompt', where);
	return list.map((item, index) => {
		const at = ctx.at(list, index);
		const raw = ctx.mapping(item, 'a vars_prompt entry', at);
		ctx.onlyKeys(raw, keys, 'vars_prompt entry');
		if (raw.encrypt !== undefined) {
			ctx.fail('vars_prompt\'s encrypt (hashing the answer with passlib) is not something pb does', ctx.at(raw, 'encrypt'), 'Leave encrypt out and hash the value where it is used, or pass the hash with -e.');
		}

		const name = ctx.string(raw.name, 'vars_prompt name', ctx.at(raw, 'name'));
		return {
			name,
			prompt: raw.prompt === undefined ? name : ctx.string(raw.prompt, 'vars_prompt prompt', ctx.at(raw, 'prompt')),
			private: ctx.bool(raw.private, 'private', ctx.at(raw, 'private')) ?? true,
			default: raw.default === undefined || raw.default === null ? undefined : String(raw.default),
			confirm: ctx.bool(raw.confirm, 'confirm', ctx.at(raw, 'confirm')) ?? false,
			where: at,
		};
	});
}
