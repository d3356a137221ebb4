/** The PLAY RECAP of pb's text output, without its last line (the run's time, which differs run to run). */
export function recapText(stdout: string): string {
	const start = stdout.lastIndexOf('\nPLAY RECAP ');
	const end = stdout.lastIndexOf('\nfinished in ');
	if (start < 0 || end < start) {
		throw new Error(`no PLAY RECAP in:\n${stdout}`);
	}

	return stdout.slice(start, end).trim();
}
