import type {Connection} from './connection.js';
import {LocalConnection} from './local.js';
import {openSsh, type SshOptions} from './ssh.js';

/** How to reach one host, from its inventory connection variables. */
export type ConnectionSettings =
	| {readonly connection: 'local'; readonly host: string}
	| ({readonly connection: 'ssh'} & SshOptions);

/** Opens the connection a host's settings ask for (ansible_connection: ssh or local). */
export async function openConnection(settings: ConnectionSettings): Promise<Connection> {
	return settings.connection === 'local' ? new LocalConnection(settings.host) : openSsh(settings);
}
