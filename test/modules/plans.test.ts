import test from 'ava';
import {withDefaults} from '../helpers/host-context.js';
import {authorizedKeyCases} from './plan-cases/authorized_key.js';
import {controlCases} from './plan-cases/control.js';
import {aptCases} from './plan-cases/apt.js';
import {copyCases} from './plan-cases/copy.js';
import {downloadCases} from './plan-cases/download.js';
import {fileCases} from './plan-cases/file.js';
import {gitCases} from './plan-cases/git.js';
import {hostnameCases} from './plan-cases/hostname.js';
import {modprobeCases} from './plan-cases/modprobe.js';
import {mountCases} from './plan-cases/mount.js';
import {fileEditCases} from './plan-cases/file-edits.js';
import {getUrlCases} from './plan-cases/get_url.js';
import {runCases} from './plan-cases/run.js';
import {serviceCases} from './plan-cases/service.js';
import {sysctlCases} from './plan-cases/sysctl.js';
import {systemdCases} from './plan-cases/systemd.js';
import {templateCases} from './plan-cases/template.js';
import {unarchiveCases} from './plan-cases/unarchive.js';
import {untarCases} from './plan-cases/untar.js';
import {userCases} from './plan-cases/user.js';
import {waitCases} from './plan-cases/waits.js';
import {yumCases} from './plan-cases/yum.js';
import {yumRepositoryCases} from './plan-cases/yum_repository.js';
import type {PlanCase} from './plan-cases/states.js';

/** Every case: the params pass the module's own checks, and the plan is like the one expected. */
const plans = test.macro({
	exec(t, planCase: PlanCase) {
		const params = withDefaults(planCase.module, planCase.params);
		t.is(planCase.module.validate?.(params), undefined);
		t.like(planCase.module.plan(planCase.state, params), planCase.plan);
	},
	title: (_, planCase: PlanCase) => `${planCase.module.name}: ${planCase.title}`,
});

for (const planCase of [...aptCases, ...authorizedKeyCases, ...controlCases, ...copyCases, ...downloadCases, ...fileCases, ...fileEditCases, ...getUrlCases, ...gitCases, ...hostnameCases, ...modprobeCases, ...mountCases, ...runCases, ...serviceCases, ...sysctlCases, ...systemdCases, ...templateCases, ...unarchiveCases, ...untarCases, ...userCases, ...waitCases, ...yumCases, ...yumRepositoryCases]) {
	test(plans, planCase);
}
