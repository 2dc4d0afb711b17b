import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/clock.ts';
import { LOCKOUT_MS } from '../../hub/auth/officer-pins.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { lanAddress, lanRequest } from '../helpers/lan-client.ts';

let fixture: HubFixture | null = null;
afterEach(async () => {
  await fixture?.stop();
  fixture = null;
});

/**
 * The officer lock-out and the counter sign-in rule on the injected clock, to the
 * millisecond (docs/security.md, docs/queue.md); the same attacks on a spawned hub are
 * tests/e2e/officer-login-attack.test.ts.
 */
describe('officer sign-in rules on the injected clock', () => {
  async function hub() {
    const clock = new ManualClock(Date.parse('2026-12-07T05:00:00Z')); // 08:00 in Nairobi
    fixture = await startHub({ clock });
    await fixture.admin.queue.officers.add('wanjiru', 'Wanjiru K.', '4821');
    await fixture.admin.queue.officers.add('otieno', 'Otieno A.', '1357');
    const port = fixture.ports.http;
    const login = (officerId: string, pin: string, counterId: string, from = lanAddress(0)) => lanRequest(port, { from, path: '/api/officer/login', body: { counterId, officerId, pin } });
    return { clock, fixture, login };
  }

  it('50 concurrent wrong PINs hash 5; the lock-out lasts exactly its time, with Retry-After', async () => {
    const { clock, fixture, login } = await hub();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => login('wanjiru', String(9000 + i), 'c05', lanAddress(i))));
    expect(fixture.hub.health().http.pinHashes).toBe(5);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(4);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(46);
    const refused = await login('wanjiru', '4821', 'c05', lanAddress(60));
    expect(refused.json.error.code).toBe('login_locked');
    expect(refused.headers['retry-after']).toBe(String(LOCKOUT_MS / 1000));
    clock.advance(LOCKOUT_MS - 1);
    expect((await login('wanjiru', '4821', 'c05', lanAddress(61))).status).toBe(429);
    clock.advance(1);
    expect((await login('wanjiru', '4821', 'c05', lanAddress(62))).status).toBe(200);
    expect(fixture.hub.health().http.pinHashes).toBe(6);
    expect(fixture.hub.health().http.refusedByReason).toMatchObject({ login_locked: 48 });
  });

  it('a counter is held by its officer until the session ends; a CLI officer token holds nothing', async () => {
    const { clock, fixture, login } = await hub();
    const first = await login('wanjiru', '4821', 'c05');
    expect(first.json.expiresAt).toBe('2026-12-07T17:00:00.000Z');
    const taken = await login('otieno', '1357', 'c05');
    expect(taken.status).toBe(409);
    expect(taken.json.error.message).toMatch(/^counter c05 is signed in by Wanjiru K\. until 20:00/);
    expect((await login('wanjiru', '4821', 'c05')).status).toBe(200);
    // A token from `token create --role officer` is not an officer's session.
    fixture.admin.tokens.create('officer', 'c06', new Set(['c06']));
    expect((await login('otieno', '1357', 'c06')).status).toBe(200);
    clock.advance(12 * 3_600_000 - 1);
    expect((await login('otieno', '1357', 'c05')).status).toBe(409);
    clock.advance(1);
    expect((await login('otieno', '1357', 'c05')).status).toBe(200);
  });
});
