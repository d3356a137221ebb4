import {PbError, type SourcePosition} from '../errors.js';
import type {InventoryBuilder} from './builder.js';
import {parseIniValue} from './python-literal.js';
import {parseHostEntry} from './ranges.js';
import {splitWords, UnclosedQuoteError} from '../shell-words.js';

// The same shapes Ansible's ini plugin accepts: no blanks, ':' or ']' inside a group name.
const sectionPattern = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const groupNamePattern = /^([^:\]\s]+)\s*(?:#.*)?$/;

type SectionKind = 'hosts' | 'children' | 'vars';

/** A group used before this file declared it: Ansible allows that, if a declaration follows. */
interface Pending {
	readonly kind: 'children' | 'vars';
	readonly where: SourcePosition;
	readonly parents: string[];
}

/**
 * Reads an Ansible INI inventory into the builder. Lines before the first section list
 * ungrouped hosts; [g] lists hosts with key=value vars, [g:children] child groups, [g:vars]
 * key=value group vars.
 */
export function parseIni(text: string, file: string, builder: InventoryBuilder): void {
	const pending = new Map<string, Pending>();
	let group = 'ungrouped';
	let kind: SectionKind = 'hosts';
	for (const [index, raw] of text.split(/\r?\n/).entries()) {
		const line = raw.trim();
		if (line === '' || line.startsWith('#') || line.startsWith(';')) {
			continue;
		}

		const at = (offset = 0): SourcePosition => ({file, line: index + 1, column: raw.indexOf(line) + offset + 1});
		const section = sectionPattern.exec(line);
		if (section) {
			group = section[1] ?? '';
			kind = readSectionKind(section[2], line, at());
			declare(group, kind, at(), builder, pending);
		} else if (line.startsWith('[')) {
			throw new PbError(`invalid section header ${line}`, {
				where: at(),
				hint: 'A section header is [NAME], [NAME:children] or [NAME:vars], with no blanks inside the brackets.',
			});
		} else if (kind === 'hosts') {
			readHostLine(line, group, file, at, builder);
		} else if (kind === 'vars') {
			const equals = line.indexOf('=');
			if (equals === -1) {
				throw new PbError(`expected key=value in [${group}:vars], got '${line}'`, {
					where: at(),
					hint: 'Each line of a :vars section sets one variable, such as ntp_server=10.0.0.1.',
				});
			}

			builder.setGroupVar(group, line.slice(0, equals).trim(), parseIniValue(line.slice(equals + 1).trim()), at());
		} else {
			const child = groupNamePattern.exec(line)?.[1];
			if (child === undefined) {
				throw new PbError(`expected one group name in [${group}:children], got '${line}'`, {
					where: at(),
					hint: 'A :children section lists one group per line; hosts go in a [NAME] section.',
				});
			}

			if (builder.groups.has(child)) {
				builder.addChild(group, child, at());
			} else {
				const waiting = pending.get(child);
				if (waiting) {
					waiting.parents.push(group);
				} else {
					pending.set(child, {kind: 'children', where: at(), parents: [group]});
				}
			}
		}
	}

	for (const [name, waiting] of pending) {
		if (waiting.kind === 'vars') {
			throw new PbError(`section [${name}:vars] is for group '${name}', which is not defined`, {
				where: waiting.where,
				hint: `Add a [${name}] section listing its hosts (or a [${name}:children] section), or fix the name.`,
			});
		}

		throw new PbError(`[${waiting.parents.at(-1) ?? ''}:children] names group '${name}', which is not defined`, {
			where: waiting.where,
			hint: `Add a [${name}] section (it may be empty), or fix the name.`,
		});
	}
}

function readSectionKind(text: string | undefined, line: string, where: SourcePosition): SectionKind {
	if (text === undefined || text === 'hosts' || text === 'children' || text === 'vars') {
		return text ?? 'hosts';
	}

	throw new PbError(`section ${line} has unknown type '${text}'`, {
		where,
		hint: 'A section is [NAME] for hosts, [NAME:children] for child groups or [NAME:vars] for variables.',
	});
}

/** [g] and [g:children] declare a group; [g:vars] only creates it and must find a declaration. */
function declare(group: string, kind: SectionKind, where: SourcePosition, builder: InventoryBuilder, pending: Map<string, Pending>): void {
	if (!builder.groups.has(group) && kind === 'vars' && !pending.has(group)) {
		pending.set(group, {kind: 'vars', where, parents: []});
	}

	builder.addGroup(group);
	const waiting = pending.get(group);
	if (kind === 'vars' || !waiting) {
		return;
	}

	pending.delete(group);
	for (const parent of waiting.parents) {
		builder.addChild(parent, group, waiting.where);
	}
}

function readHostLine(line: string, group: string, file: string, at: (offset?: number) => SourcePosition, builder: InventoryBuilder): void {
	let words;
	try {
		words = splitWords(line, {comments: true});
	} catch (error) {
		if (error instanceof UnclosedQuoteError) {
			throw new PbError(error.message, {where: at(error.offset), hint: 'Close the quote, or escape it with a backslash.'});
		}

		throw error;
	}

	const [first, ...rest] = words;
	if (!first) {
		return;
	}

	const entry = parseHostEntry(first.text, at(first.offset));

	if (entry.names.includes('---')) {
		throw new PbError('\'---\' is not a host name: this file looks like YAML', {
			where: at(first.offset),
			hint: 'Name a YAML inventory with a .yml or .yaml extension.',
		});
	}

	const vars: Record<string, unknown> = {};
	for (const word of rest) {
		const equals = word.text.indexOf('=');
		if (equals === -1) {
			throw new PbError(`expected key=value after the host name, got '${word.text}'`, {
				where: at(word.offset),
				hint: 'Set host variables as key=value, and quote values that hold blanks: motd="hello world".',
			});
		}

		vars[word.text.slice(0, equals)] = parseIniValue(word.text.slice(equals + 1));
	}

	for (const name of entry.names) {
		Object.assign(builder.addHost(name, group, file, entry.port).vars, vars);
	}
}
