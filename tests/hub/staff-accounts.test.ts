import { afterEach, describe, expect, it } from 'vitest';
import { AccessTokens, actorOf } from '../../hub/auth/access-tokens.ts';
import { generateReadablePassword } from '../../hub/auth/password-hash.ts';
import { StaffAccounts } from '../../hub/auth/staff-accounts.ts';
import { isHubError } from '../../hub/errors.ts';
import { openHubDatabase } from '../../hub/store/database.ts';
import { ManualClock } from '../../runtime/clock.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const MINUTE = 60_000;
const RULE = { maxFailures: 5, windowMs: 15 * MINUTE, lockoutMs: 15 * MINUTE };

let dir: ReturnType<typeof tempDir>;
afterEach(() => dir?.remove());

function setUp() {
  dir = tempDir('huduma-staff-');
  const db = openHubDatabase(dir.path, { role: 'cli' });
  const clock = new ManualClock(Date.parse('2026-12-07T06:00:00Z'));
  return { db, clock, staff: new StaffAccounts(db, clock, RULE) };
}

describe('staff accounts (docs/security.md, "Staff login")', () => {
  it('a generated password is shown once, stored only as a hash, and logs in', async () => {
    const { db, staff } = setUp();
    const added = await staff.add('amina', 'technician');
    expect(added.password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    const row = db.prepare('SELECT * FROM staff').get() as Record<string, unknown>;
    expect(JSON.stringify(row)).not.toContain(added.password);
    expect(await staff.check('amina', added.password)).toEqual({ ok: true, name: 'amina', role: 'technician' });
    expect(await staff.check('amina', 'wrong-pass-word-xxxx')).toEqual({ ok: false, reason: 'invalid_login' });
    // An unknown name answers exactly as a wrong password does.
    expect(await staff.check('nobody', added.password)).toEqual({ ok: false, reason: 'invalid_login' });
    expect(staff.list()).toEqual([{ name: 'amina', role: 'technician', locked: false, createdAt: '2026-12-07T06:00:00.000Z' }]);
  });

  it('refuses a second add of a name without --force, a bad name, and removing a stranger', async () => {
    const { staff } = setUp();
    const first = await staff.add('otieno', 'manager');
    await expect(staff.add('otieno', 'manager')).rejects.toThrow(/exists already; add --force/);
    await expect(staff.add('Otieno Big', 'manager')).rejects.toThrow(/lower-case letters/);
    const again = await staff.add('otieno', 'technician', true);
    expect(again.password).not.toBe(first.password);
    expect((await staff.check('otieno', first.password)).ok).toBe(false);
    expect(await staff.check('otieno', again.password)).toEqual({ ok: true, name: 'otieno', role: 'technician' });
    try {
      staff.remove('stranger');
      expect.unreachable();
    } catch (error) {
      expect(isHubError(error) && error.code).toBe('staff_unknown');
    }
  });

  it('5 wrong passwords within 15 minutes lock the name, the right password included, until the lock-out passes', async () => {
    const { staff, clock } = setUp();
    const { password } = await staff.add('amina', 'technician');
    for (let i = 0; i < 4; i++) expect((await staff.check('amina', `guess-${i}`)).ok).toBe(false);
    const fifth = await staff.check('amina', 'guess-4');
    expect(fifth).toEqual({ ok: false, reason: 'login_locked', untilMs: clock.now() + RULE.lockoutMs, hashed: true });
    expect(await staff.check('amina', password)).toMatchObject({ ok: false, reason: 'login_locked', hashed: false });
    expect(staff.list()[0]!.locked).toBe(true);
    clock.advance(RULE.lockoutMs - 1);
    expect((await staff.check('amina', password)).ok).toBe(false);
    clock.advance(1);
    expect(await staff.check('amina', password)).toMatchObject({ ok: true });
  });

  it('failures spread beyond the window do not lock; a right password clears the count', async () => {
    const { staff, clock } = setUp();
    const { password } = await staff.add('amina', 'manager');
    for (let i = 0; i < 4; i++) expect(await staff.check('amina', 'x')).toEqual({ ok: false, reason: 'invalid_login' });
    clock.advance(RULE.windowMs);
    for (let i = 0; i < 4; i++) expect(await staff.check('amina', 'x')).toEqual({ ok: false, reason: 'invalid_login' });
    expect((await staff.check('amina', password)).ok).toBe(true);
    for (let i = 0; i < 4; i++) expect(await staff.check('amina', 'x')).toEqual({ ok: false, reason: 'invalid_login' });
    expect((await staff.check('amina', password)).ok).toBe(true);
  });

  it('parallel guesses cannot buy more than 5 failures per window', async () => {
    const { staff } = setUp();
    const { password } = await staff.add('amina', 'technician');
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => staff.check('amina', `guess-${i}`)));
    expect(answers.filter((a) => !a.ok && a.reason === 'invalid_login').length).toBeLessThan(5);
    expect(answers.filter((a) => !a.ok && a.reason === 'login_locked' && a.hashed).length).toBeLessThanOrEqual(1);
    expect(answers.filter((a) => !a.ok && a.reason === 'login_locked' && !a.hashed).length).toBeGreaterThanOrEqual(25);
    expect((await staff.check('amina', password)).ok).toBe(false);
  });

  it('a staff session names its member for the audit trail, and removing the member ends it', async () => {
    const { db, clock, staff } = setUp();
    await staff.add('amina', 'technician');
    const tokens = new AccessTokens(db, clock);
    const session = tokens.create('technician', null, new Set(), { staffName: 'amina' });
    const automation = tokens.create('technician', null, new Set());
    expect(actorOf(tokens.verify(session.token)!)).toBe('amina');
    expect(actorOf(tokens.verify(automation.token)!)).toBe(`token:${automation.id}`);
    staff.remove('amina');
    expect(tokens.revokeStaff('amina')).toBe(1);
    expect(tokens.verify(session.token)).toBeNull();
    expect(tokens.verify(automation.token)).not.toBeNull();
  });

  it('generated passwords are distinct and readable', () => {
    const seen = new Set(Array.from({ length: 500 }, generateReadablePassword));
    expect(seen.size).toBe(500);
    for (const password of seen) expect(password).not.toMatch(/[01ilo]/);
  });
});
