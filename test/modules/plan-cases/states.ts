import {createHash} from 'node:crypto';
import type {AnyModule} from '../../../engine/module.js';
import type {FileState} from '../../../engine/host/file-state.js';

/** One plan case: given this state and these params, plan is like `plan` (ava's t.like). */
export interface PlanCase {
	readonly title: string;
	readonly module: AnyModule;
	readonly state: unknown;
	readonly params: Record<string, unknown>;
	readonly plan: Record<string, unknown>;
}

export function absent(path: string, parentIsDir = true): FileState {
	return {path, exists: false, parentIsDir};
}

type Existing = Extract<FileState, {exists: true}>;

const root = {uid: 0, gid: 0, owner: 'root', group: 'root', mtime: 1_700_000_000};

export function file(path: string, text: string, overrides: Partial<Existing> = {}): FileState {
	const content = Buffer.from(text);
	return {
		path, exists: true, type: 'file', mode: 0o644, ...root, size: content.length, inode: '2049:100',
		sha256: createHash('sha256').update(content).digest('hex'), content, ...overrides,
	};
}

export function directory(path: string, overrides: Partial<Existing> = {}): FileState {
	return {path, exists: true, type: 'directory', mode: 0o755, ...root, size: 4096, inode: '2049:200', ...overrides};
}

export function link(path: string, target: string, overrides: Partial<Existing> = {}): FileState {
	return {path, exists: true, type: 'link', mode: 0o777, ...root, size: target.length, inode: '2049:300', linkTarget: target, ...overrides};
}

/** copy's view of what it is asked to write. */
export function source(text: string | Buffer): {content: Buffer; sha256: string} {
	const content = Buffer.from(text);
	return {content, sha256: createHash('sha256').update(content).digest('hex')};
}
