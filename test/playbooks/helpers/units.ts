import type {ExecutionContext} from 'ava';
import type {LabHost} from '../../lab/lab.js';

/** What proves a unit was or was not restarted: its main process and when it last became active. */
export interface UnitRun {
	readonly activeState: string;
	readonly unitFileState: string;
	readonly mainPid: string;
	readonly activeSince: string;
}

type Sh = (t: ExecutionContext, host: LabHost, command: string) => Promise<string>;

export async function unitRun(t: ExecutionContext, sh: Sh, host: LabHost, unit: string): Promise<UnitRun> {
	const text = await sh(t, host, `systemctl show ${unit} -p ActiveState -p UnitFileState -p MainPID -p ActiveEnterTimestamp`);
	const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1] ?? '';
	return {activeState: value('ActiveState'), unitFileState: value('UnitFileState'), mainPid: value('MainPID'), activeSince: value('ActiveEnterTimestamp')};
}
