import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHubCli, spawnHub, type HubProcess } from '../helpers/hub-process.ts';
import { lanRequest } from '../helpers/lan-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Issue 12, item 6d (docs/security.md, "token lifetimes"): `token create` prints an
 * expiry, `token list` shows tokens without revealing them, `token revoke ID` works
 * while the hub runs (it reads the token table on every request).
 */
describe('huduma-hub token create | list | revoke (its own processes, a running hub)', () => {
  const dir = tempDir('huduma-token-cli-');
  let hub: HubProcess;

  const cli = (...args: string[]) => runHubCli([...args, '--data-dir', dir.path]);
  const json = async (...args: string[]) => {
    const result = await cli(...args);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    // The CLI's JSON; fields are checked one by one.
    return JSON.parse(result.stdout) as any;
  };
  const recent = (token: string) => lanRequest(hub.httpPort, { path: '/api/feedback/recent', headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    hub = await spawnHub(['--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
  });
  afterAll(async () => {
    await hub?.kill();
    dir.remove();
  });

  it('prints expiresAt: a year for a kiosk, 12 hours for staff, or --ttl', async () => {
    const now = Date.now();
    const kiosk = await json('token', 'create', '--role', 'kiosk');
    expect(Object.keys(kiosk).sort()).toEqual(['counterId', 'expiresAt', 'id', 'officerId', 'role', 'token']);
    expect(Math.abs(Date.parse(kiosk.expiresAt) - (now + 365 * DAY))).toBeLessThan(60_000);
    const technician = await json('token', 'create', '--role', 'technician');
    expect(Math.abs(Date.parse(technician.expiresAt) - (now + 12 * HOUR))).toBeLessThan(60_000);
    const manager = await json('token', 'create', '--role', 'manager', '--ttl', '90m');
    expect(Math.abs(Date.parse(manager.expiresAt) - (now + 90 * 60_000))).toBeLessThan(60_000);
    const bad = await cli('token', 'create', '--role', 'manager', '--ttl', '3 weeks');
    expect(bad.code).toBe(64);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/--ttl must be a number with m, h or d \(e\.g\. 90m, 12h, 30d\)/);
    expect((await recent(technician.token)).status).toBe(200);
  });

  it('lists active tokens by id without the token, and revokes by id while the hub runs', async () => {
    const technician = await json('token', 'create', '--role', 'technician');
    const officer = await json('token', 'create', '--role', 'officer', '--counter', 'c03');
    const listed = await cli('token', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(technician.token);
    const { tokens } = JSON.parse(listed.stdout) as { tokens: Array<Record<string, unknown>> };
    expect(tokens.find((t) => t.id === technician.id)).toEqual({ id: technician.id, role: 'technician', counterId: null, officerId: null, createdAt: expect.any(String), expiresAt: technician.expiresAt, revoked: false, expired: false });
    expect(tokens.find((t) => t.id === officer.id)).toMatchObject({ role: 'officer', counterId: 'c03' });

    expect((await recent(technician.token)).status).toBe(200);
    expect(await json('token', 'revoke', technician.id)).toEqual({ revoked: true });
    const refused = await recent(technician.token);
    expect(refused.status).toBe(401);
    expect(refused.json.error.message).toMatch(/expired or revoked/);
    const again = await cli('token', 'revoke', technician.id);
    expect(again.code).toBe(65);
    expect(JSON.parse(again.stdout)).toEqual({ revoked: false, reason: expect.stringMatching(/no active token has id .*already revoked or expired/) });
    expect((await json('token', 'list')).tokens.map((t: { id: string }) => t.id)).not.toContain(technician.id);
    expect((await json('token', 'list', '--all')).tokens.find((t: { id: string }) => t.id === technician.id)).toMatchObject({ revoked: true });
  });
});
