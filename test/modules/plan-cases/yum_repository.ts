import yumRepository from '../../../modules/yum_repository.js';
import {absent, file, type PlanCase} from './states.js';

const module = yumRepository;
const site = '[site]\nbaseurl = http://10.213.0.1/el9/\nenabled = 1\ngpgcheck = 0\nname = Site packages\n\n';
const params = {name: 'site', description: 'Site packages', baseurl: ['http://10.213.0.1/el9/'], gpgcheck: false, enabled: true};

export const yumRepositoryCases: PlanCase[] = [
	{
		title: 'a new file as configparser writes it: keys sorted, booleans as 1 and 0, description as name, a blank line after the section',
		module, state: absent('/etc/yum.repos.d/site.repo'), params,
		plan: {changed: true, msg: '/etc/yum.repos.d/site.repo: section site added', diff: [{header: '/etc/yum.repos.d/site.repo', before: '', after: site}], steps: {write: {steps: {content: Buffer.from(site)}}}, result: {repo: 'site', state: 'present'}},
	},
	{
		title: 'the same section with its keys in another order and other spacing is up to date, as Ansible compares them sorted',
		module, state: file('/etc/yum.repos.d/site.repo', '[site]\nname=Site packages\ngpgcheck=0\nenabled=1\nbaseurl=http://10.213.0.1/el9/\n'), params,
		plan: {changed: false, msg: '/etc/yum.repos.d/site.repo: section site is up to date'},
	},
	{
		title: 'a section added to a file with another keeps the other, and several baseurls go one per line',
		module, state: file('/etc/yum.repos.d/all.repo', '[other]\nbaseurl = http://a/\nname = Other\n\n'), params: {...params, file: 'all', baseurl: ['http://a/', 'http://b/']},
		plan: {changed: true, steps: {write: {steps: {content: Buffer.from('[other]\nbaseurl = http://a/\nname = Other\n\n[site]\nbaseurl = http://a/\n\thttp://b/\nenabled = 1\ngpgcheck = 0\nname = Site packages\n\n')}}}},
	},
	{
		title: 'absent: the last section removed takes the file with it',
		module, state: file('/etc/yum.repos.d/site.repo', site), params: {name: 'site', state: 'absent'},
		plan: {changed: true, msg: '/etc/yum.repos.d/site.repo: removed (its last section, site, gone)', steps: {remove: '/etc/yum.repos.d/site.repo'}, predicts: [{path: '/etc/yum.repos.d/site.repo', type: 'absent'}]},
	},
	{
		title: 'absent: no such file is nothing to do',
		module, state: absent('/etc/yum.repos.d/site.repo'), params: {name: 'site', state: 'absent'},
		plan: {changed: false, msg: '/etc/yum.repos.d/site.repo: no section site'},
	},
];
