import test from 'ava';
import {brokenRule} from '../../engine/playbook/param-rules.js';

const rules = {
	mutually_exclusive: [['insertafter', 'insertbefore']],
	required_one_of: [['path', 'dest']],
	required_together: [['owner', 'group']],
	required_if: [
		{param: 'state', value: 'present', needs: ['line']},
		{param: 'backrefs', value: true, needs: ['regexp', 'search_string'], anyOf: true},
	],
};

const check = (set: Record<string, unknown>, defaults: Record<string, unknown> = {state: 'present', backrefs: false}, valuesKnown = true) => brokenRule(rules, set, {...defaults, ...set}, valuesKnown);

test('each rule is broken in Ansible\'s words, and kept otherwise', t => {
	t.is(check({path: '/a', line: 'x'}), undefined);
	t.is(check({path: '/a', line: 'x', insertafter: 'EOF', insertbefore: 'BOF'}), 'parameters are mutually exclusive: insertafter|insertbefore');
	t.is(check({line: 'x'}), 'one of the following is required: path, dest');
	t.is(check({path: '/a', line: 'x', owner: 'root'}), 'parameters are required together: owner, group');
	t.is(check({path: '/a'}), 'state is present but all of the following are missing: line');
	t.is(check({path: '/a', line: 'x', backrefs: true}), 'backrefs is true but any of the following are missing: regexp, search_string');
	t.is(check({path: '/a', line: 'x', backrefs: true, search_string: 'y'}), undefined);
});

test('null counts as not given; defaults count only for required_if', t => {
	t.is(check({path: '/a', line: 'x', insertafter: null, insertbefore: 'BOF'}), undefined);
	t.is(check({path: '/a'}, {state: 'absent', backrefs: false}), undefined);
});

test('while values hold templates, required_if waits for the run', t => {
	t.is(check({path: '/a', state: '{{ wanted }}'}, {backrefs: false}, false), undefined);
	t.is(check({state: '{{ wanted }}'}, {backrefs: false}, false), 'one of the following is required: path, dest');
});
