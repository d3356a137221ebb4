#!/usr/bin/env node
// `npm run lab -- up N | down | status`: throwaway hosts for trying playbooks by hand.
import process from 'node:process';
import {startLab} from './lab.js';
import {readState} from './lab-state.js';
import {stopLab} from './lab-teardown.js';
import {isRunning} from './processes.js';
import {sshCommand} from './ssh-keys.js';

const usage = 'usage: npm run lab -- up N (start N hosts, 1 to 200) | down (stop them) | status';

async function up(count: string | undefined): Promise<void> {
	const hosts = Number(count);
	if (!/^\d+$/.test(count ?? '') || hosts < 1) {
		throw new UsageError(`Expected the number of hosts after \`up\`, got \`${count ?? ''}\`\n${usage}`);
	}

	const started = Date.now();
	const lab = await startLab({hosts, persistent: true, log: line => console.error(line)});
	console.log(`${hosts} host${hosts === 1 ? '' : 's'} up in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
	for (const host of lab.hosts) {
		console.log(`  ${host.name}  ${host.address}  changes in ${host.upperDirectory}`);
	}

	const first = lab.hosts[0];
	console.log(`inventory: ${lab.inventoryPath}`);
	if (first) {
		console.log(`log in:    ${sshCommand(lab.identity, first.address, '', 10).join(' ').trim()}`);
	}

	console.log('stop with: npm run lab -- down');
}

async function down(): Promise<void> {
	console.log(await stopLab('cli') ? 'lab stopped' : 'no lab from `npm run lab -- up` was running (leftovers of crashed runs, if any, are cleared)');
}

async function status(): Promise<void> {
	const {labs} = await readState();
	if (labs.length === 0) {
		console.log('no lab is running');
		return;
	}

	for (const lab of labs) {
		const owner = lab.owner ? `test process ${lab.owner.pid}${await isRunning(lab.owner) ? '' : ' (dead: the next start clears it)'}` : '`npm run lab -- up`';
		console.log(`lab ${lab.id}, started by ${owner}, in ${lab.directory}`);
		for (const host of lab.hosts) {
			const running = host.nspawn && await isRunning(host.nspawn) ? `running (nspawn PID ${host.nspawn.pid})` : 'stopped';
			console.log(`  ${host.name}  ${host.address}  ${running}`);
		}
	}
}

class UsageError extends Error {}

const [command, ...rest] = process.argv.slice(2);
try {
	if (command === 'up' && rest.length === 1) {
		await up(rest[0]);
	} else if (command === 'down' && rest.length === 0) {
		await down();
	} else if (command === 'status' && rest.length === 0) {
		await status();
	} else {
		throw new UsageError(usage);
	}
} catch (error) {
	console.error(error instanceof Error ? error.message : String(error));
	process.exitCode = error instanceof UsageError ? 5 : 1;
}
