import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AccessTokens, DEFAULT_TTL_MS } from '../../hub/auth/access-tokens.ts';
import { ManualClock, systemClock } from '../../runtime/clock.ts';
import { digestSecret } from '../../hub/devices/credentials.ts';
import { hubDatabasePath, openHubDatabase } from '../../hub/store/database.ts';
import { loadMigrations, migrate } from '../../hub/store/migrate.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const COUNTERS = new Set(['c01', 'c02']);

let dir: ReturnType<typeof tempDir>;
afterEach(() => dir?.remove());

describe('access tokens: lifetimes, list, revoke (docs/security.md, "token lifetimes")', () => {
  it('every token expires: kiosk 365 days, staff and officer 12 hours, or the ttl asked for', () => {
    dir = tempDir('huduma-tokens-');
    const db = openHubDatabase(dir.path, { role: 'cli' });
    const clock = new ManualClock(Date.parse('2026-12-07T06:00:00Z'));
    const tokens = new AccessTokens(db, clock);
    expect(DEFAULT_TTL_MS).toEqual({ kiosk: 365 * DAY, officer: 12 * HOUR, technician: 12 * HOUR, manager: 12 * HOUR });
    const kiosk = tokens.create('kiosk', null, COUNTERS);
    const technician = tokens.create('technician', null, COUNTERS);
    const officer = tokens.create('officer', 'c01', COUNTERS, { ttlMs: 2 * HOUR });
    expect(kiosk.expiresAt).toBe('2027-12-07T06:00:00.000Z');
    expect(technician.expiresAt).toBe('2026-12-07T18:00:00.000Z');
    expect(officer.expiresAt).toBe('2026-12-07T08:00:00.000Z');
    expect(() => tokens.create('manager', null, COUNTERS, { ttlMs: 800 * DAY })).toThrow(/1 minute to 730 days/);

    clock.advance(2 * HOUR - 1);
    expect(tokens.verify(officer.token)).toMatchObject({ role: 'officer', counterId: 'c01' });
    clock.advance(1);
    expect(tokens.verify(officer.token)).toBeNull();
    clock.advance(10 * HOUR);
    expect(tokens.verify(technician.token)).toBeNull();
    expect(tokens.verify(kiosk.token)).toMatchObject({ role: 'kiosk' });
    clock.advance(365 * DAY);
    expect(tokens.verify(kiosk.token)).toBeNull();
    db.close();
  });

  it('lists tokens by a short id, never the token or its whole digest, and revokes by id or by token', () => {
    dir = tempDir('huduma-tokens-');
    const db = openHubDatabase(dir.path, { role: 'cli' });
    const clock = new ManualClock(Date.parse('2026-12-07T06:00:00Z'));
    const tokens = new AccessTokens(db, clock);
    const kiosk = tokens.create('kiosk', null, COUNTERS);
    clock.advance(1000);
    const manager = tokens.create('manager', null, COUNTERS);
    clock.advance(1000);
    const officer = tokens.create('officer', 'c02', COUNTERS);
    expect(kiosk.id).toBe(digestSecret(kiosk.token).toString('hex').slice(0, 12));

    const listed = tokens.list();
    expect(listed.map((t) => [t.id, t.role, t.counterId])).toEqual([[officer.id, 'officer', 'c02'], [manager.id, 'manager', null], [kiosk.id, 'kiosk', null]]);
    expect(listed[2]).toEqual({ id: kiosk.id, role: 'kiosk', counterId: null, officerId: null, createdAt: '2026-12-07T06:00:00.000Z', expiresAt: '2027-12-07T06:00:00.000Z', revoked: false, expired: false });
    const text = JSON.stringify(listed);
    for (const issued of [kiosk, manager, officer]) {
      expect(text).not.toContain(issued.token);
      expect(text).not.toContain(digestSecret(issued.token).toString('hex'));
    }

    expect(tokens.revoke(manager.id)).toBe(true);
    expect(tokens.revoke(manager.id)).toBe(false);
    expect(tokens.revoke(officer.token)).toBe(true);
    expect(tokens.verify(manager.token)).toBeNull();
    expect(tokens.list().map((t) => t.id)).toEqual([kiosk.id]);
    expect(tokens.list({ all: true }).map((t) => [t.id, t.revoked])).toEqual([[officer.id, true], [manager.id, true], [kiosk.id, false]]);
    db.close();
  });

  it('migration 007 gives tokens made before (no expiry) the lifetime of their role, counted from the upgrade', () => {
    dir = tempDir('huduma-tokens-');
    const old = new BetterSqlite3(hubDatabasePath(dir.path));
    migrate(old, loadMigrations().filter((m) => m.version <= 6));
    const insert = old.prepare('INSERT INTO access_tokens (token_sha256, role, counter_id, created_at) VALUES (?, ?, ?, ?)');
    insert.run(digestSecret('old-kiosk-token-aaaaaaaaaaaa'), 'kiosk', null, Date.parse('2025-01-01T00:00:00Z'));
    insert.run(digestSecret('old-technician-token-bbbbbbb'), 'technician', null, Date.parse('2025-01-01T00:00:00Z'));
    old.close();

    const upgradedAt = Date.now();
    const db = openHubDatabase(dir.path, { role: 'cli' });
    const rows = db.prepare('SELECT role, expires_at AS expiresAt FROM access_tokens ORDER BY role').all() as Array<{ role: string; expiresAt: number }>;
    expect(rows.map((r) => r.role)).toEqual(['kiosk', 'technician']);
    expect(Math.abs(rows[0]!.expiresAt - (upgradedAt + 365 * DAY))).toBeLessThan(60_000);
    expect(Math.abs(rows[1]!.expiresAt - (upgradedAt + 12 * HOUR))).toBeLessThan(60_000);
    // Still accepted now, on the wall clock.
    expect(new AccessTokens(db, systemClock).verify('old-kiosk-token-aaaaaaaaaaaa')).toMatchObject({ role: 'kiosk' });
    db.close();
  });
});
