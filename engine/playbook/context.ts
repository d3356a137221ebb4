import {dirname} from 'node:path';
import {PbError, type SourcePosition} from '../errors.js';
import type {YamlDocument} from '../load/yaml.js';
import type {AnyModule} from '../module.js';
import type {RoleInstance} from '../roles/role.js';
import {didYouMean} from '../did-you-mean.js';
import type {LoadedRole, ModuleTask} from './types.js';

/** The roles one play reads while it is parsed. */
export interface RoleReading {
	/** The playbook's folder: roles/ beside it is searched first, then rolesPath. */
	readonly playDir: string;
	readonly rolesPath: readonly string[];
	/** By folder and the values given: a role named again with the same ones is the same instance (Ansible runs it once). */
	readonly read: Map<string, LoadedRole>;
	/** The roles the whole play sees (roles:, import_role, their dependencies), each once, dependencies first. */
	readonly shared: RoleInstance[];
	/** The handlers of those roles, in the order read. */
	readonly handlers: ModuleTask[];
}

export function roleReading(playDir: string, rolesPath: readonly string[]): RoleReading {
	return {playDir, rolesPath, read: new Map(), shared: [], handlers: []};
}

/** What parsing one file needs: its document (for positions), its folder, the modules, and the play's roles. */
export class ParseContext {
	readonly doc: YamlDocument;
	readonly dir: string;
	readonly registry: ReadonlyMap<string, AnyModule>;
	/** Files being imported, outermost first: an import cycle is an error, not a hang. */
	readonly importing: readonly string[];
	readonly roles: RoleReading;
	/** The role whose file this is. */
	readonly role: RoleInstance | undefined;

	constructor(doc: YamlDocument, registry: ReadonlyMap<string, AnyModule>, roles: RoleReading, importing: readonly string[] = [], role?: RoleInstance) {
		this.doc = doc;
		this.dir = dirname(doc.file);
		this.registry = registry;
		this.roles = roles;
		this.importing = [...importing, doc.file];
		this.role = role;
	}

	/** The same file, reading roles afresh: for each play, and for each include_role. */
	forRoles(roles: RoleReading): ParseContext {
		return new ParseContext(this.doc, this.registry, roles, this.importing.slice(0, -1), this.role);
	}

	/** Another file read from this one (an import, a role's file), in the same play. */
	forFile(doc: YamlDocument, role: RoleInstance | undefined = this.role): ParseContext {
		return new ParseContext(doc, this.registry, this.roles, this.importing, role);
	}

	at(node: unknown, key?: string | number, part: 'key' | 'value' = 'value'): SourcePosition {
		return this.doc.where(node, key, part);
	}

	fail(message: string, where: SourcePosition, hint?: string): never {
		throw new PbError(message, {where, hint});
	}

	mapping(node: unknown, what: string, where: SourcePosition): Record<string, unknown> {
		if (node === null || typeof node !== 'object' || Array.isArray(node)) {
			this.fail(`${what} must be a mapping (key: value), got ${Array.isArray(node) ? 'a list' : JSON.stringify(node)}`, where);
		}

		return node as Record<string, unknown>;
	}

	list(node: unknown, what: string, where: SourcePosition): unknown[] {
		if (node === null || node === undefined) {
			return [];
		}

		if (!Array.isArray(node)) {
			this.fail(`${what} must be a list (lines starting with '- '), got ${JSON.stringify(node)}`, where);
		}

		return node;
	}

	string(node: unknown, what: string, where: SourcePosition): string {
		if (typeof node === 'string') {
			return node;
		}

		if (typeof node === 'number' || typeof node === 'boolean') {
			return String(node);
		}

		this.fail(`${what} must be a string, got ${JSON.stringify(node)}`, where);
	}

	bool(node: unknown, what: string, where: SourcePosition): boolean | undefined {
		if (node === undefined || node === null) {
			return undefined;
		}

		if (typeof node === 'boolean') {
			return node;
		}

		this.fail(`${what} must be true or false, got ${JSON.stringify(node)}`, where, 'Write true/false (or yes/no) without quotes.');
	}

	int(node: unknown, what: string, where: SourcePosition, fallback: number): number {
		if (node === undefined || node === null) {
			return fallback;
		}

		if (typeof node === 'number' && Number.isInteger(node) && node >= 0) {
			return node;
		}

		if (typeof node === 'string' && /^\d+$/.test(node)) {
			return Number(node);
		}

		this.fail(`${what} must be a whole number from 0 up, got ${JSON.stringify(node)}`, where);
	}

	/** A string or a list of strings (tags, notify): always a list. */
	strings(node: unknown, what: string, where: SourcePosition): string[] {
		if (node === undefined || node === null) {
			return [];
		}

		const items = Array.isArray(node) ? node : [node];
		return items.map(item => this.string(item, what, where));
	}

	/** Fails on keys outside `known`, suggesting the closest one. */
	onlyKeys(node: Record<string, unknown>, known: Iterable<string>, what: string): void {
		const allowed = new Set(known);
		for (const key of Object.keys(node)) {
			if (!allowed.has(key)) {
				this.fail(`unknown ${what} keyword '${key}'${didYouMean(key, allowed)}`, this.at(node, key, 'key'));
			}
		}
	}
}
