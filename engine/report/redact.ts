import type {EventSink, RunEvent} from './events.js';

/** Inventory variables that hold secrets: their values never reach any output. */
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
 * Passes events on with every secret's value masked, whatever a task did with it (a debug of
 * the variable, a command line that holds it, an error that quotes it): at every verbosity,
 * in the JSON stream too.
 */
export function redactingSink(secrets: ReadonlySet<string>, sink: EventSink): EventSink {
	// Longest first, so a secret that contains another is masked whole.
	const values = [...secrets].filter(secret => secret.length > 0).sort((a, b) => b.length - a.length);
	if (values.length === 0) {
		return sink;
	}

	return event => {
		const text = JSON.stringify(event);
		sink(values.some(secret => text.includes(JSON.stringify(secret).slice(1, -1))) ? redactValue(event, values) as RunEvent : event);
	};
}
