import type {AnyModule} from '../module.js';

/** The other names a module answers to in the registry: its FQCNs. */
function fqcnsOf(registry: ReadonlyMap<string, AnyModule>, module: AnyModule): string[] {
	return [...registry].filter(([name, each]) => each === module && name !== module.name).map(([name]) => name);
}

/** `pb modules`: one line per module: its name, its FQCNs (each ansible.builtin.X also answers as ansible.legacy.X), what it does. */
export function moduleList(registry: ReadonlyMap<string, AnyModule>): string {
	const shown = (module: AnyModule) => fqcnsOf(registry, module).filter(name => !name.startsWith('ansible.legacy.')).join(', ') || '-';
	const rows = [...new Set(registry.values())].sort((a, b) => a.name.localeCompare(b.name)).map(module => [module.name, shown(module), module.summary] as const);
	const nameWidth = Math.max(...rows.map(([name]) => name.length));
	const fqcnWidth = Math.max(...rows.map(([, fqcns]) => fqcns.length));
	return rows.map(([name, fqcns, summary]) => `${name.padEnd(nameWidth)}  ${fqcns.padEnd(fqcnWidth)}  ${summary}`).join('\n');
}

/** `pb doc MODULE`: its names, parameters, defaults and an example, from the module's own schema. */
export function moduleDoc(module: AnyModule, registry: ReadonlyMap<string, AnyModule>): string {
	const fqcns = fqcnsOf(registry, module);
	const lines = [`${module.name}: ${module.summary}`, ...(fqcns.length > 0 ? [`Also named: ${fqcns.join(', ')}`] : []), ''];
	const params = Object.entries(module.params);
	if (params.length === 0) {
		lines.push(module.freeParams ? 'Parameters: any names, each set as a variable.' : 'Parameters: none.');
	} else {
		lines.push('Parameters:');
		for (const [name, spec] of params) {
			const facts = [
				spec.required ? 'required' : undefined,
				spec.type + (spec.elements ? ` of ${spec.elements}` : ''),
				spec.choices ? `one of ${spec.choices.join(', ')}` : undefined,
				spec.default === undefined ? undefined : `default ${JSON.stringify(spec.default)}`,
				spec.aliases?.length ? `aliases ${spec.aliases.join(', ')}` : undefined,
			].filter(Boolean);
			lines.push(`  ${name}${name === module.freeForm ? ' (free form)' : ''}  [${facts.join('; ')}]`, `      ${spec.description}`);
		}
	}

	lines.push('', 'Example:', ...module.example.split('\n').map(line => `  ${line}`));
	return lines.join('\n');
}
