import type {AnyModule} from '../module.js';

/** `pb modules`: one line per module. */
export function moduleList(registry: ReadonlyMap<string, AnyModule>): string {
	const width = Math.max(...[...registry.keys()].map(name => name.length));
	return [...registry.values()].sort((a, b) => a.name.localeCompare(b.name)).map(module => `${module.name.padEnd(width)}  ${module.summary}`).join('\n');
}

/** `pb doc MODULE`: parameters, defaults and an example, from the module's own schema. */
export function moduleDoc(module: AnyModule): string {
	const lines = [`${module.name}: ${module.summary}`, ''];
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
