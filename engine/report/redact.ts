import type {EventSink, RunEvent} from './events.js';

/** Variables that hold secrets: their values never reach any output. */
export const secretVariables = ['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password', 'ansible_become_password', 'ansible_become_pass'];

const mask = '********';

function redactValue(value: unknown, secrets: readonly string[]): unknown {
	if (typeof value === 'string') {
		return secrets.reduce((text, secret) => text.replaceAll(secret, mask), value);
	}

	if (Array.isArray(value)) {
		return value.map(item => redactValue(item, secrets));
	}

	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, secrets)]));
	}

	return value;
}

/**
 * Masks every known secret's value in the events it passes on, whatever a task did with it (a
 * debug of the variable, a command line holding it, an error quoting it): at every verbosity,
 * in the JSON stream too. Secrets found during the run (a become password from play vars) are
 * added as they are met.
 */
export class Redactor {
	/** Longest first, so a secret that contains another is masked whole. */
	private secrets: string[] = [];

	add(secret: unknown): void {
		const text = secret === undefined || secret === null ? '' : String(secret);
		if (text.length > 0 && !this.secrets.includes(text)) {
			this.secrets = [...this.secrets, text].sort((a, b) => b.length - a.length);
		}
	}

	addFrom(vars: Readonly<Record<string, unknown>>): void {
		for (const name of secretVariables) {
			this.add(vars[name]);
		}
	}

	sink(next: EventSink): EventSink {
		return event => {
			if (this.secrets.length === 0) {
				next(event);
				return;
			}

			const text = JSON.stringify(event);
			next(this.secrets.some(secret => text.includes(JSON.stringify(secret).slice(1, -1))) ? redactValue(event, this.secrets) as RunEvent : event);
		};
	}
}
