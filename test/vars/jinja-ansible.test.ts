import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {dumpYaml, readYaml} from '../../engine/load/yaml.js';
import {compileCondition, evaluateCondition} from '../../engine/vars/condition.js';
import {renderFile, renderValue, setYamlCodec} from '../../engine/vars/template.js';
import {caseVars, jinjaCases, type JinjaCase} from './fixtures/jinja-cases.js';

// The same cases through ansible-core's own Templar (Debian's ansible-core, run by the system's
// Python): what pb renders must be what ansible-playbook renders.
const source = fileURLToPath(new URL('../../../test/vars/', import.meta.url));
const basedir = `${source}fixtures/lookups`;

interface AnsibleResult {
	readonly value?: unknown;
	readonly error?: string;
}

function renderWithAnsible(cases: readonly JinjaCase[]): AnsibleResult[] {
	const run = spawnSync('/usr/bin/python3', [`${source}helpers/ansible-render.py`], {
		input: JSON.stringify({basedir, cases: cases.map(item => ({...item, vars: {...caseVars, playbook_dir: basedir}}))}),
		encoding: 'utf8',
	});
	if (run.status !== 0) {
		throw new Error(`ansible-core's Templar did not run (is Debian's ansible-core installed? .ci/run installs it):\n${run.stderr}`);
	}

	return JSON.parse(run.stdout) as AnsibleResult[];
}

function renderWithPb(item: JinjaCase): AnsibleResult {
	const vars = {...caseVars, playbook_dir: basedir};
	const where = {file: '<case>', line: 1, column: 1};
	try {
		switch (item.kind) {
			case 'file': {
				return {value: renderFile(item.template, vars, `${basedir}/case.j2`)};
			}

			case 'condition': {
				return {value: evaluateCondition(compileCondition(item.template, where), vars)};
			}

			default: {
				return {value: renderValue(item.template, vars, where)};
			}
		}
	} catch (error) {
		return {error: error instanceof Error ? error.message : String(error)};
	}
}

setYamlCodec({dump: dumpYaml, load: readYaml});
const ansible = renderWithAnsible(jinjaCases);

for (const [index, item] of jinjaCases.entries()) {
	test(`${item.kind ?? 'value'}: ${item.template.replaceAll('\n', '\\n')}`, t => {
		const expected = ansible[index]!;
		t.is(expected.error, undefined, 'the case itself must render under ansible-core');
		t.deepEqual(renderWithPb(item), {value: expected.value});
	});
}

test('an undefined variable fails in both, and pb names it', t => {
	const [expected] = renderWithAnsible([{template: '{{ nope.x }}'}]);
	t.regex(expected?.error ?? '', /AnsibleUndefinedVariable: 'nope' is undefined/);
	t.is(renderWithPb({template: '{{ nope.x }}'}).error, 'undefined variable "nope.x": "nope" is undefined');
});
