import {readFile, stat} from 'node:fs/promises';

/** The credentials to offer a host, in the order ssh offers them. */
export interface SshCredentials {
	readonly privateKeyFile?: string | undefined;
	readonly password?: string | undefined;
	/** ssh-agent socket; undefined: $SSH_AUTH_SOCK; false: no agent. */
	readonly agent?: string | false | undefined;
}

type MethodName = 'publickey' | 'agent' | 'password' | 'keyboard-interactive';

/** What ssh2 needs to authenticate, and a record of what was tried, for the message when all fails. */
export interface SshAuthentication {
	readonly privateKey: string | undefined;
	readonly agent: string | undefined;
	readonly password: string | undefined;
	/** ssh2's authHandler: offers our methods in turn, skipping those the server does not accept. */
	readonly authHandler: (methodsLeft: string[] | null, partialSuccess: boolean | null, next: (method: MethodName | false) => void) => void;
	/** e.g. "tried publickey (/root/.ssh/id_ed25519), password; the server accepts publickey". */
	describeFailure(): string;
}

/** Reads the key file and finds the agent; throws a message for people when there is nothing to offer. */
export async function prepareAuthentication(credentials: SshCredentials): Promise<SshAuthentication> {
	const privateKey = credentials.privateKeyFile === undefined ? undefined : await readPrivateKey(credentials.privateKeyFile);
	const agent = await findAgent(credentials.agent);
	const methods: MethodName[] = [];
	const labels = new Map<MethodName, string>();
	if (privateKey !== undefined) {
		methods.push('publickey');
		labels.set('publickey', `publickey (${credentials.privateKeyFile})`);
	}

	if (agent !== undefined) {
		methods.push('agent');
		labels.set('agent', `publickey from ssh-agent (${agent})`);
	}

	if (credentials.password !== undefined) {
		// Servers that check passwords through PAM often offer only keyboard-interactive.
		methods.push('password', 'keyboard-interactive');
	}

	if (methods.length === 0) {
		throw new Error('no credentials to offer: set ansible_ssh_private_key_file or ansible_password, or run an ssh-agent (SSH_AUTH_SOCK)');
	}

	const tried: MethodName[] = [];
	let serverAccepts: string[] | undefined;
	return {
		privateKey,
		agent,
		password: credentials.password,
		authHandler(methodsLeft, _partialSuccess, next) {
			serverAccepts = methodsLeft ?? serverAccepts;
			const method = methods.find(candidate => !tried.includes(candidate) && (methodsLeft === null || methodsLeft.includes(serverName(candidate))));
			if (method !== undefined) {
				tried.push(method);
			}

			next(method ?? false);
		},
		describeFailure() {
			const offered = tried.length > 0 ? `tried ${tried.map(method => labels.get(method) ?? method).join(', ')}` : `had only ${methods.map(method => labels.get(method) ?? method).join(', ')} to offer`;
			const accepts = serverAccepts === undefined ? 'the server did not say what it accepts' : `the server accepts ${serverAccepts.join(', ')}`;
			return `${offered}; ${accepts}`;
		},
	};
}

function serverName(method: MethodName): string {
	return method === 'agent' ? 'publickey' : method;
}

async function readPrivateKey(file: string): Promise<string> {
	try {
		return await readFile(file, 'utf8');
	} catch (error) {
		throw new Error(`cannot read the private key file ${file} (ansible_ssh_private_key_file): ${(error as Error).message}`, {cause: error});
	}
}

/** The agent socket to use, if one is there: a stale SSH_AUTH_SOCK must not stop a key or password from working. */
async function findAgent(agent: string | false | undefined): Promise<string | undefined> {
	const socket = agent === false ? undefined : agent ?? process.env['SSH_AUTH_SOCK'];
	if (socket === undefined || socket === '') {
		return undefined;
	}

	try {
		return (await stat(socket)).isSocket() ? socket : undefined;
	} catch {
		return undefined;
	}
}
