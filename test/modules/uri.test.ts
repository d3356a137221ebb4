import test from 'ava';
import {parseResponse} from '../../modules/uri/parse.js';
import {curlConfig, markers, requestScript} from '../../modules/uri/script.js';

const request = {
	url: 'http://api/x', method: 'POST', headers: {'Content-Type': 'application/json'}, body: '@{"a": "b\\"c"}\n', follow: false,
	timeout: 30, insecure: true, agent: 'ansible-httpget', user: 'admin', password: 'p"w', forceBasicAuth: false, unixSocket: undefined,
};

test('the curl config: every value quoted with curl\'s escapes, a body sent as it is, credentials only after a challenge unless forced', t => {
	t.is(curlConfig(request), [
		'url = "http://api/x"',
		'request = "POST"',
		'user-agent = "ansible-httpget"',
		'max-time = 30',
		'header = "Content-Type: application/json"',
		'data-raw = "@{\\"a\\": \\"b\\\\\\"c\\"}\\n"',
		'insecure',
		'anyauth',
		'user = "admin:p\\"w"',
		'',
	].join('\n'));
	t.regex(curlConfig({...request, forceBasicAuth: true}), /^basic$/m);
	t.regex(curlConfig({...request, method: 'HEAD', body: undefined, follow: true}), /^head\n[\s\S]*^location$/m);
});

test('the request script writes dest only for a wanted status (never 304), into a folder under the URL\'s name', t => {
	const script = requestScript({path: '/srv/dl/', fileName: 'status.json', statuses: [200, 304]});
	t.true(script.includes('case "$code" in 200)'));
	t.true(script.includes('if [ -d "$dest" ]; then dest="${dest%/}"/status.json; fi'));
	t.true(script.includes('if [ -f "$dest" ]; then set -- --time-cond "$dest"; fi'));
	t.false(requestScript(undefined).includes('dest'));
});

test('the response: curl\'s status, the last header block after redirects, the body', t => {
	const stdout = [
		'0',
		'200 http://api/y',
		'',
		markers.headers,
		'HTTP/1.1 302 Found\r',
		'Location: /y\r',
		'\r',
		'HTTP/1.1 200 OK\r',
		'Content-Type: application/json\r',
		'Set-Cookie: a=1; Path=/\r',
		'\r',
		markers.body,
		Buffer.from('{"ok": true}').toString('base64'),
		`${markers.written} /srv/y`,
		'',
	].join('\n');
	t.deepEqual(parseResponse(stdout), {
		curlStatus: 0, curlError: '', status: 200, reason: 'OK', url: 'http://api/y',
		headers: [['content-type', 'application/json'], ['set-cookie', 'a=1; Path=/']], body: Buffer.from('{"ok": true}'), written: '/srv/y',
	});
	const failed = parseResponse(['7', '000 ', 'curl: (7) Failed to connect ', markers.headers, markers.body, '', ''].join('\n'));
	t.like(failed, {curlStatus: 7, status: -1, curlError: 'curl: (7) Failed to connect', written: undefined});
});
