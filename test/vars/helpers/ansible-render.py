"""
Renders templates with ansible-core's own Templar, for tests that compare pb's Jinja with
Ansible's: reads a JSON list of cases on stdin, writes a JSON list of results.
A case: {"template": str, "vars": {...}, "kind": "value" | "file" | "condition"}.
A result: {"value": ...} or {"error": "ExceptionName: first line"}.
"""
import json
import sys

from ansible.parsing.dataloader import DataLoader
from ansible.playbook.conditional import Conditional
from ansible.template import Templar


def render(case, loader):
    variables = case.get('vars', {})
    templar = Templar(loader=loader, variables=variables)
    kind = case.get('kind', 'value')
    if kind == 'condition':
        conditional = Conditional(loader=loader)
        conditional.when = [case['template']]
        return conditional.evaluate_conditional(templar, variables)
    if kind == 'file':
        return templar.do_template(case['template'], preserve_trailing_newlines=True, escape_backslashes=False)
    return templar.template(case['template'])


def main():
    request = json.load(sys.stdin)
    loader = DataLoader()
    loader.set_basedir(request['basedir'])
    results = []
    for case in request['cases']:
        try:
            results.append({'value': render(case, loader)})
        except Exception as error:  # every failure is a result to compare
            results.append({'error': type(error).__name__ + ': ' + str(error).split('\n')[0]})
    print(json.dumps(results, default=str))


main()
