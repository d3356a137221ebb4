import test from 'ava';
import type {AnyModule} from '../../engine/module.js';
import {modules} from '../../modules/index.js';
import {pb} from '../helpers/playbook-run.js';

/*
 * Every registered module, whoever added it: `pb modules` shows it with its FQCNs, and `pb doc`
 * describes each of its parameters, names its FQCNs (by which `pb doc` finds it too) and gives an example.
 */

const each = [...new Set(modules.values())];
const fqcnsOf = (module: AnyModule) => [...modules].filter(([name, entry]) => entry === module && name !== module.name).map(([name]) => name);

test('pb modules lists every module once, with its FQCNs (ansible.legacy ones left out) and its summary', t => {
	const listing = pb(['modules']);
	t.is(listing.code, 0, listing.stderr);
	const lines = listing.stdout.trimEnd().split('\n');
	t.is(lines.length, each.length);
	for (const module of each) {
		const line = lines.find(row => row.split(/\s+/)[0] === module.name);
		t.truthy(line, `${module.name} is listed`);
		const shown = fqcnsOf(module).filter(name => !name.startsWith('ansible.legacy.'));
		for (const fqcn of shown) {
			t.true(line!.includes(fqcn), `${module.name}: ${fqcn} in ${line!}`);
		}

		t.true(line!.includes(shown.length === 0 ? ' - ' : shown.join(', ')), line);
		t.true(line!.trimEnd().endsWith(module.summary), line);
	}
});

for (const module of each) {
	test(`pb doc ${module.name}: every parameter described, an example that is YAML of a task`, t => {
		const doc = pb(['doc', module.name]);
		t.is(doc.code, 0, doc.stderr);
		t.true(doc.stdout.startsWith(`${module.name}: ${module.summary}\n`), doc.stdout);
		for (const [name, spec] of Object.entries(module.params)) {
			t.true(spec.description.trim().length > 0, `${module.name}: ${name} has a description`);
			t.regex(doc.stdout, new RegExp(`^  ${name}(?: \\(free form\\))?  \\[.*\\]\\n {6}${spec.description.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
		}

		t.true(module.example.trim().startsWith('- '), `${module.name}'s example is a task list`);
		t.true(doc.stdout.includes(`Example:\n${module.example.split('\n').map(line => `  ${line}`).join('\n')}`));
		t.true(doc.stdout.includes(fqcnsOf(module).length === 0 ? '' : `Also named: ${fqcnsOf(module).join(', ')}\n`));
	});
}
