/**
 * YAML for templates (`to_yaml`, `from_yaml`), given at startup by the program: js-yaml is
 * imported in one place only (engine/load/), and templating must not become a second.
 */

export interface YamlDumpOptions {
	/** As Ansible's filter of that name writes it (PyYAML's layout), rather than pb's own. */
	readonly ansible?: 'to_yaml' | 'to_nice_yaml';
	/** Spaces per level (Ansible's to_nice_yaml: 4). */
	readonly indent?: number;
	/** Keys in sorted order, as PyYAML writes them. */
	readonly sortKeys?: boolean;
}

export interface YamlCodec {
	readonly dump: (value: unknown, options?: YamlDumpOptions) => string;
	readonly load: (text: string) => unknown;
}

let codec: Partial<YamlCodec> = {};

export function setYamlCodec(given: Partial<YamlCodec>): void {
	codec = {...codec, ...given};
}

export function yamlCodec(): YamlCodec {
	const {dump, load} = codec;
	if (!dump || !load) {
		throw new Error('templates have no YAML codec: the program must call setYamlCodec at startup');
	}

	return {dump, load};
}

/** The dumper alone, for callers that never read YAML (Handlebars' to_yaml). */
export function yamlDumper(): YamlCodec['dump'] {
	if (!codec.dump) {
		throw new Error('to_yaml has no YAML emitter: the program must call setYamlCodec at startup');
	}

	return codec.dump;
}
