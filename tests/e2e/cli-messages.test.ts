import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_CENTRE_PATH } from '../../hub/config/load.ts';
import { HUB_BIN, REPO_ROOT, runHubCli, spawnHub, type HubProcess } from '../helpers/hub-process.ts';
import { lanRequest } from '../helpers/lan-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Issue 14, item 10: the messages a new user meets say what was expected, what was got
 * and what to do, without telling a stranger which tokens exist.
 */
describe('messages of the CLI and the HTTP API (its own processes)', () => {
  const dir = tempDir('huduma-messages-');
  let hub: HubProcess;
  const cli = (...args: string[]) => runHubCli([...args, '--data-dir', dir.path]);
  const token = async (...args: string[]) => JSON.parse((await cli('token', 'create', ...args)).stdout).token as string;
  const get = (path: string, headers: Record<string, string> = {}) => lanRequest(hub.httpPort, { path, headers });

  beforeAll(async () => {
    hub = await spawnHub(['--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
  });
  afterAll(async () => {
    await hub?.kill();
    dir.remove();
  });

  it('token create and revoke: a kiosk token takes no counter; revoking garbage or an unknown id says why', async () => {
    const kiosk = await cli('token', 'create', '--role', 'kiosk', '--counter', 'c01');
    expect(kiosk).toMatchObject({ code: 64, stdout: '' });
    expect(kiosk.stderr).toMatch(/a kiosk token is for the whole centre, not one counter: drop --counter/);
    const garbage = await cli('token', 'revoke', 'garbage');
    expect(garbage).toMatchObject({ code: 64, stdout: '' });
    expect(garbage.stderr).toMatch(/"garbage" is neither a token id \(12 hex digits, as token list shows\) nor a token/);
    const unknown = await cli('token', 'revoke', '0123456789ab');
    expect(unknown.code).toBe(65);
    expect(JSON.parse(unknown.stdout)).toEqual({ revoked: false, reason: expect.stringMatching(/^no active token has id 0123456789ab/) });
    expect(unknown.stderr).toMatch(/nothing was revoked; token list --all/);
  });

  it('an unknown flag gets the nearest one', async () => {
    const typo = await cli('device', 'list', '--al');
    expect(typo.code).toBe(64);
    const tokens = await cli('token', 'list', '--al');
    expect(tokens.stderr).toMatch(/unknown flag --al; did you mean --all\?/);
    expect(typo.stderr).toMatch(/unknown flag --al; the flags here are --data-dir, --config/);
  });

  it('tells no token, a bad token and the wrong role apart, with "an officer"', async () => {
    const none = await get('/api/feedback/recent');
    expect(none.status).toBe(401);
    expect(none.json.error.message).toMatch(/^no token sent: add the header "Authorization: Bearer TOKEN" with a technician or manager token/);
    const unknown = await get('/api/feedback/recent', { authorization: `Bearer ${'x'.repeat(43)}` });
    const malformed = await get('/api/feedback/recent', { authorization: 'Bearer abc' });
    expect(unknown.json.error.message).toMatch(/^this token is not valid: mistyped, expired or revoked/);
    // A malformed token and a well-formed unknown one read the same: nothing about which tokens exist.
    expect(malformed.json.error.message).toBe(unknown.json.error.message);
    const notBearer = await get('/api/feedback/recent', { authorization: 'Token abc' });
    expect(notBearer.json.error.message).toMatch(/must read "Bearer TOKEN"/);
    const officer = await token('--role', 'officer', '--counter', 'c01');
    const wrongRole = await get('/api/feedback/recent', { authorization: `Bearer ${officer}` });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.json.error.message).toBe('this needs a technician or manager token; yours is an officer token');
  });

  it('a bad query names what it expected and what it got; an unregistered device is not "not connected"', async () => {
    const technician = { authorization: `Bearer ${await token('--role', 'technician')}` };
    const limit = await get('/api/feedback/recent?limit=abc', technician);
    expect(limit.status).toBe(400);
    expect(limit.json.error.message).toBe('limit: expected number, got "abc"');
    const command = (deviceId: string) => lanRequest(hub.httpPort, { method: 'POST', path: `/api/devices/${deviceId}/commands`, headers: { ...technician, 'content-type': 'application/json' }, body: { op: 'identify' } });
    const unregistered = await command('eifd-nobody');
    expect(unregistered.status).toBe(404);
    expect(unregistered.json.error.message).toMatch(/device "eifd-nobody" is not registered with this hub/);
    expect((await cli('device', 'add', 'eifd-off', '--counter', 'c02')).code).toBe(0);
    const offline = await command('eifd-off');
    expect(offline.status).toBe(409);
    expect(offline.json.error.message).toMatch(/is registered but not connected/);
  });

  it('the start page at / links every page, and a production hub shows no token or PIN on it', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    for (const path of ['/kiosk', '/counter', '/board', '/health', '/metrics']) expect(page.text).toContain(`href="${path}"`);
    expect(page.text).not.toMatch(/token=|PIN \d|Bearer [A-Za-z0-9_-]{20}/);
  });

  it('a config with a JSON syntax error gives line and column; a service prefix O or I is refused, naming the field', async () => {
    const broken = join(dir.path, 'broken.json');
    writeFileSync(broken, '{\n  "centre": { "id": "x" },\n  "services": [,]\n}\n');
    const syntax = await runHubCli(['start', '--config', broken, '--data-dir', join(dir.path, 'other')]);
    expect(syntax.code).toBe(78);
    expect(syntax.stderr).toMatch(/not valid JSON: line 3, column 16: /);
    const config = JSON.parse(readFileSync(SAMPLE_CENTRE_PATH, 'utf8')) as { services: Array<{ prefix: string }> };
    config.services[1]!.prefix = 'O';
    const withO = join(dir.path, 'o.json');
    writeFileSync(withO, JSON.stringify(config));
    const prefix = await runHubCli(['start', '--config', withO, '--data-dir', join(dir.path, 'other')]);
    expect(prefix.code).toBe(78);
    expect(prefix.stderr).toMatch(/services\[1\]\.prefix: must not use the letters O or I, which read as the digits 0 and 1 on a ticket \("O001" as "0001"\); choose another letter/);
  });

  it('the demo suggests the nearest flag and documents its port flags', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [HUB_BIN, 'demo', ...args], { cwd: REPO_ROOT }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
      });
    const typo = await run(['--mqtt-prot', '1884']);
    expect(typo.code).toBe(64);
    expect(typo.stderr).toMatch(/unknown flag --mqtt-prot; did you mean --mqtt-port\?/);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--mqtt-port N/);
    expect(help.stdout).toMatch(/--http-port N/);
    expect(help.stdout).toMatch(/--verbose/);
  });
});
