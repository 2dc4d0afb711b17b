import BetterSqlite3 from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventHash, type SyncHeartbeat } from '../../protocol/sync/index.ts';
import { openSecretariatStore, type OpenStoreOptions } from '../../secretariat/store/open-store.ts';
import { PostgresSecretariatStore } from '../../secretariat/store/postgres-store.ts';
import { SECRETARIAT_DB_FILE, SqliteSecretariatStore } from '../../secretariat/store/sqlite-store.ts';
import { StoreError, type IncomingBatch, type IncomingEvent, type SecretariatStore, type StoreErrorCode } from '../../secretariat/store/store.ts';
import { createSecretsKeyFile } from '../../secretariat/secrets/secrets-key.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** Fresh, empty storage for one test: new store instances on it, and raw SQL for checks. */
interface Backing {
  make(): SecretariatStore;
  openOptions: OpenStoreOptions;
  /** Runs SQL straight on the database (both dialects accept what the tests send). */
  sql(text: string): Promise<Array<Record<string, unknown>>>;
}

interface StoreFactory {
  setup(): Promise<void>;
  teardown(): Promise<void>;
  backing(): Promise<Backing>;
}

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const EPOCH_A = '0b0c5f3e-5d53-4d1e-9d7e-2f1a6c0f0a01';
const EPOCH_B = '7d2e9a41-3b8f-4c55-8e0a-6b9d2c1e4f02';
const TODAY = '2025-01-15';

function event(seq: number, options: Partial<IncomingEvent> & { variant?: string } = {}): IncomingEvent {
  const type = options.type ?? 'ticket.issued';
  const at = options.at ?? new Date(T0 + seq * 1000).toISOString();
  const dataJson = options.dataJson ?? JSON.stringify({ n: seq, variant: options.variant ?? 'a' });
  const { variant: _variant, ...rest } = options;
  return { seq, type, at, dataJson, hash: eventHash(type, at, dataJson).toString('hex'), ...rest };
}

function range(from: number, to: number, options: Partial<IncomingEvent> & { variant?: string } = {}): IncomingEvent[] {
  return Array.from({ length: to - from + 1 }, (_, i) => event(from + i, options));
}

function batch(centreId: string, events: IncomingEvent[], options: { epoch?: string; at?: number } = {}): IncomingBatch {
  return { centreId, epoch: options.epoch ?? EPOCH_A, receivedAtMs: options.at ?? T0, events };
}

function feedback(seq: number, day: string, rating: 1 | 2 | 3 | 4, misuse = false): IncomingEvent {
  return event(seq, { type: 'feedback.pressed', feedback: { day, rating, misuse } });
}

function heartbeat(centreId: string): SyncHeartbeat {
  return {
    v: 1, centreId, epoch: EPOCH_A, at: new Date(T0).toISOString(), version: '0.1.0', lastSeq: 12, ackedThroughSeq: 9,
    backlogEvents: 3, backlogBytes: 900, oldestUnsyncedAgeS: 42, lastSyncAt: null, devicesOnline: 3, devicesTotal: 4,
    clockOffsetMs: -120, freeDiskBytes: null, diskState: 'ok', quarantinedTotal: 0,
    feedbackToday: { day: TODAY, presses: 5, byRating: { 1: 1, 2: 0, 3: 1, 4: 3 } },
  };
}

async function expectStoreError(promise: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).code).toBe(code);
  return error as StoreError;
}

async function countRows(backing: Backing, table: string, centreId: string): Promise<number> {
  const rows = await backing.sql(`SELECT COUNT(*) AS n FROM ${table} WHERE centre_id = '${centreId}'`);
  return Number(rows[0]!.n);
}

function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`SecretariatStore contract: ${name}`, () => {
    let backing: Backing;
    let store: SecretariatStore;
    const opened: SecretariatStore[] = [];

    async function open(on = backing): Promise<SecretariatStore> {
      const instance = on.make();
      opened.push(instance);
      await instance.init();
      return instance;
    }

    beforeAll(() => factory.setup());
    afterAll(() => factory.teardown());
    beforeEach(async () => {
      backing = await factory.backing();
      store = await open();
      await store.addCentre('alpha', 'secret-a', T0 - 60_000);
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((instance) => instance.close()));
    });

    it('registers centres with their secret, once', async () => {
      expect(await store.centreSecret('alpha')).toBe('secret-a');
      expect(await store.centreSecret('nowhere')).toBeUndefined();
      await expectStoreError(store.addCentre('alpha', 'other', T0), 'centre_exists');
      expect(await store.centreSecret('alpha')).toBe('secret-a');
    });

    it('refuses a batch for an unknown centre and stores nothing of it', async () => {
      await expectStoreError(store.applyBatch(batch('beta', range(1, 3))), 'centre_unknown');
      await store.addCentre('beta', 'secret-b', T0);
      expect(await countRows(backing, 'events', 'beta')).toBe(0);
      expect((await store.applyBatch(batch('beta', range(1, 3)))).stored).toBe(3);
    });

    it('stores each seq once: a re-sent event is a duplicate', async () => {
      const first = await store.applyBatch(batch('alpha', range(1, 5)));
      expect(first).toEqual({ ackedThroughSeq: 5, highestSeq: 5, stored: 5, duplicates: 0, conflicts: 0, conflictSeqs: [], quarantined: [] });
      const again = await store.applyBatch(batch('alpha', range(3, 7)));
      expect(again).toMatchObject({ ackedThroughSeq: 7, highestSeq: 7, stored: 2, duplicates: 3 });
      const resent = await store.applyBatch(batch('alpha', range(1, 7)));
      expect(resent).toMatchObject({ stored: 0, duplicates: 7, conflicts: 0 });
      const summary = (await store.getCentre('alpha', { today: TODAY }))!;
      expect(summary.eventsTotal).toBe(7);
      expect(summary.duplicatesIgnored).toBe(10);
      expect(await countRows(backing, 'events', 'alpha')).toBe(7);
    });

    it('keeps a conflicting copy aside and never overwrites the held row', async () => {
      await store.applyBatch(batch('alpha', [event(1), event(3)]));
      // Seq 2 is new, seq 3 arrives with other data (other hash) from the same epoch:
      // the whole batch is refused (the sender's seqs are not ours), seq 2 included.
      const outcome = await store.applyBatch(batch('alpha', [event(2), event(3, { variant: 'b' })], { at: T0 + 5000 }));
      expect(outcome).toMatchObject({ stored: 0, duplicates: 0, conflicts: 1, conflictSeqs: [3], ackedThroughSeq: 1, highestSeq: 3 });
      expect(await store.applyBatch(batch('alpha', [event(2)]))).toMatchObject({ stored: 1, ackedThroughSeq: 3 });
      // From another epoch (a restored hub) it is a conflict too.
      const restored = await store.applyBatch(batch('alpha', [event(1, { variant: 'c' })], { epoch: EPOCH_B, at: T0 + 9000 }));
      expect(restored).toMatchObject({ stored: 0, duplicates: 0, conflicts: 1, conflictSeqs: [1], ackedThroughSeq: 3 });
      // The held rows still carry the original hashes: the originals are duplicates.
      expect(await store.applyBatch(batch('alpha', [event(1), event(3)]))).toMatchObject({ duplicates: 2, conflicts: 0 });
      const conflicts = await backing.sql("SELECT seq, epoch, hash, type, at, data, received_at FROM conflicts WHERE centre_id = 'alpha' ORDER BY seq");
      const copy3 = event(3, { variant: 'b' });
      const copy1 = event(1, { variant: 'c' });
      expect(conflicts.map((row) => ({ ...row, seq: Number(row.seq), received_at: Number(row.received_at) }))).toEqual([
        { seq: 1, epoch: EPOCH_B, hash: copy1.hash, type: copy1.type, at: copy1.at, data: copy1.dataJson, received_at: T0 + 9000 },
        { seq: 3, epoch: EPOCH_A, hash: copy3.hash, type: copy3.type, at: copy3.at, data: copy3.dataJson, received_at: T0 + 5000 },
      ]);
      // The same conflicting copy again is reported, but kept (and counted) once.
      expect((await store.applyBatch(batch('alpha', [event(3, { variant: 'b' })]))).conflicts).toBe(1);
      const summary = (await store.getCentre('alpha', { today: TODAY }))!;
      expect(summary).toMatchObject({ conflictsTotal: 2, eventsTotal: 3, ackedThroughSeq: 3 });
      expect(await countRows(backing, 'conflicts', 'alpha')).toBe(2);
    });

    it('holds quarantined records in their seq without counting them as events', async () => {
      const bad: IncomingEvent = {
        seq: 3, type: 'bogus\u0000type', at: '', dataJson: '{"seq":3,"junk":true}', hash: '',
        quarantine: { reason: 'invalid_event', message: 'type: unknown event type' },
      };
      const outcome = await store.applyBatch(batch('alpha', [event(1), event(2), bad, event(4), event(5, { type: 'queue.called' })]));
      expect(outcome).toEqual({
        ackedThroughSeq: 5, highestSeq: 5, stored: 4, duplicates: 0, conflicts: 0, conflictSeqs: [],
        quarantined: [{ seq: 3, reason: 'invalid_event', message: 'type: unknown event type' }],
      });
      expect(await store.applyBatch(batch('alpha', [bad]))).toMatchObject({ stored: 0, duplicates: 1, quarantined: [] });
      const summary = (await store.getCentre('alpha', { today: TODAY }))!;
      expect(summary).toMatchObject({ eventsTotal: 4, quarantinedTotal: 1, ackedThroughSeq: 5, eventsByType: { 'ticket.issued': 3, 'queue.called': 1 } });
      const held = await backing.sql("SELECT quarantine_reason FROM events WHERE centre_id = 'alpha' AND seq = 3");
      expect(held).toEqual([{ quarantine_reason: 'invalid_event' }]);
    });

    it('acks the contiguous run only, and fills gaps past a held higher run', async () => {
      expect(await store.applyBatch(batch('alpha', range(1, 3)))).toMatchObject({ ackedThroughSeq: 3, highestSeq: 3 });
      expect(await store.applyBatch(batch('alpha', range(7, 9)))).toMatchObject({ ackedThroughSeq: 3, highestSeq: 9 });
      expect(await store.applyBatch(batch('alpha', range(4, 6)))).toMatchObject({ ackedThroughSeq: 9, highestSeq: 9 });
      // One batch with a main run and a fresh lane above a gap.
      expect(await store.applyBatch(batch('alpha', [...range(10, 11), ...range(20, 21)]))).toMatchObject({ ackedThroughSeq: 11, highestSeq: 21 });
      expect(await store.applyBatch(batch('alpha', range(13, 19)))).toMatchObject({ ackedThroughSeq: 11, highestSeq: 21 });
      expect(await store.applyBatch(batch('alpha', [event(12)]))).toMatchObject({ ackedThroughSeq: 21 });
      // Never decreases: a batch of old seqs reports the same position.
      expect(await store.applyBatch(batch('alpha', range(1, 2)))).toMatchObject({ ackedThroughSeq: 21, highestSeq: 21 });
      expect((await store.getCentre('alpha', { today: TODAY }))!).toMatchObject({ ackedThroughSeq: 21, highestSeq: 21, eventsTotal: 21 });
    });

    it('walks ackedThroughSeq up from the stored value, never re-reading below it', async () => {
      await store.applyBatch(batch('alpha', range(1, 5)));
      // Remove a row below the ack behind the store's back: a full rescan would drop to 1.
      await backing.sql("DELETE FROM events WHERE centre_id = 'alpha' AND seq = 2");
      expect(await store.applyBatch(batch('alpha', [event(6)]))).toMatchObject({ ackedThroughSeq: 6 });
    });

    it('keeps event and feedback counts in counts tables, not by counting events', async () => {
      await store.applyBatch(batch('alpha', [
        event(1), feedback(2, TODAY, 4), feedback(3, TODAY, 4), feedback(4, TODAY, 1),
        feedback(5, TODAY, 2, true), feedback(6, '2025-01-14', 3), event(7, { type: 'queue.called' }),
      ]));
      await store.applyBatch(batch('alpha', [feedback(8, TODAY, 4), feedback(2, TODAY, 4)]));
      const summary = (await store.getCentre('alpha', { today: TODAY }))!;
      expect(summary.eventsTotal).toBe(8);
      expect(summary.eventsByType).toEqual({ 'ticket.issued': 1, 'feedback.pressed': 6, 'queue.called': 1 });
      expect(summary.feedbackHeldToday).toEqual({ presses: 5, byRating: { 1: 1, 2: 0, 3: 0, 4: 3 } });
      expect((await store.getCentre('alpha', { today: '2025-01-14' }))!.feedbackHeldToday).toEqual({ presses: 1, byRating: { 1: 0, 2: 0, 3: 1, 4: 0 } });
      // Deleting held rows does not move the counters: they are not COUNT(*) at read time.
      await backing.sql("DELETE FROM events WHERE centre_id = 'alpha'");
      expect((await store.getCentre('alpha', { today: TODAY }))!.eventsTotal).toBe(8);
      const counts = await backing.sql("SELECT type, count FROM event_counts WHERE centre_id = 'alpha' ORDER BY type");
      expect(counts.map((row) => [row.type, Number(row.count)])).toEqual([['feedback.pressed', 6], ['queue.called', 1], ['ticket.issued', 1]]);
    });

    it('sets lastSyncAt and epoch on every successful batch', async () => {
      const before = (await store.getCentre('alpha', { today: TODAY }))!;
      expect(before).toMatchObject({ epoch: null, lastSyncAt: null, lastHeartbeatAt: null, heartbeat: null, eventsTotal: 0, eventsByType: {} });
      await store.applyBatch(batch('alpha', range(1, 2), { at: T0 + 1000 }));
      expect((await store.getCentre('alpha', { today: TODAY }))!).toMatchObject({ epoch: EPOCH_A, lastSyncAt: new Date(T0 + 1000).toISOString() });
      // A batch of only duplicates still confirms: lastSyncAt and epoch move.
      await store.applyBatch(batch('alpha', range(1, 2), { at: T0 + 2000, epoch: EPOCH_B }));
      expect((await store.getCentre('alpha', { today: TODAY }))!).toMatchObject({ epoch: EPOCH_B, lastSyncAt: new Date(T0 + 2000).toISOString() });
    });

    it('records heartbeats and answers with the sync position', async () => {
      await store.applyBatch(batch('alpha', [...range(1, 4), event(9)]));
      const sent = heartbeat('alpha');
      expect(await store.recordHeartbeat('alpha', sent, T0 + 7000)).toEqual({ ackedThroughSeq: 4, highestSeq: 9 });
      const summary = (await store.getCentre('alpha', { today: TODAY }))!;
      expect(summary.heartbeat).toEqual(sent);
      expect(summary.lastHeartbeatAt).toBe(new Date(T0 + 7000).toISOString());
      await expectStoreError(store.recordHeartbeat('nowhere', heartbeat('nowhere'), T0), 'centre_unknown');
    });

    it('lists centres sorted by id; an unknown centre is undefined', async () => {
      await store.addCentre('zulu', 's', T0);
      await store.addCentre('mike', 's', T0 + 1);
      await store.applyBatch(batch('mike', [feedback(1, TODAY, 3)]));
      const list = await store.listCentres({ today: TODAY });
      expect(list.map((centre) => centre.centreId)).toEqual(['alpha', 'mike', 'zulu']);
      expect(list[0]!.createdAt).toBe(new Date(T0 - 60_000).toISOString());
      expect(list[1]).toMatchObject({ eventsTotal: 1, eventsByType: { 'feedback.pressed': 1 }, feedbackHeldToday: { presses: 1, byRating: { 3: 1 } } });
      expect(list[2]).toMatchObject({ eventsTotal: 0, feedbackHeldToday: { presses: 0, byRating: { 1: 0, 2: 0, 3: 0, 4: 0 } } });
      expect(list[1]).toEqual(await store.getCentre('mike', { today: TODAY }));
      expect(await store.getCentre('nowhere', { today: TODAY })).toBeUndefined();
    });

    it('applies a batch atomically: a failure mid-way stores nothing and moves no counter', async () => {
      await store.applyBatch(batch('alpha', range(1, 10)));
      const before = await store.getCentre('alpha', { today: TODAY });
      const events = [
        ...range(11, 1509, { type: 'feedback.pressed', feedback: { day: TODAY, rating: 2, misuse: false } }),
        { ...event(1510), quarantine: { reason: 'invalid_data' as const, message: 'bad' } },
        // Past the first insert chunks: data NOT NULL fails in the database itself.
        { ...event(1511), dataJson: null as unknown as string },
      ];
      await expectStoreError(store.applyBatch(batch('alpha', events, { at: T0 + 1000, epoch: EPOCH_B })), 'store_unavailable');
      expect(await store.getCentre('alpha', { today: TODAY })).toEqual(before);
      expect(await countRows(backing, 'events', 'alpha')).toBe(10);
      expect(await countRows(backing, 'conflicts', 'alpha')).toBe(0);
      expect(await countRows(backing, 'feedback_daily', 'alpha')).toBe(0);
      // The store is still usable and the same seqs store normally.
      const retry = await store.applyBatch(batch('alpha', events.slice(0, -1)));
      expect(retry).toMatchObject({ stored: 1499, conflicts: 0, ackedThroughSeq: 1510 });
    });

    it('serialises concurrent batches per centre (two store instances, overlapping seqs)', async () => {
      const other = await open();
      await store.addCentre('beta', 's', T0);
      const alphaBatches = Array.from({ length: 8 }, (_, i) => batch('alpha', range(i * 100 + 1, i * 100 + 250)));
      const betaBatches = Array.from({ length: 4 }, (_, i) => batch('beta', range(i * 100 + 1, i * 100 + 100)));
      const [alpha, beta] = await Promise.all([
        Promise.all(alphaBatches.map((b, i) => (i % 2 === 0 ? store : other).applyBatch(b))),
        Promise.all(betaBatches.map((b, i) => (i % 2 === 0 ? other : store).applyBatch(b))),
      ]);
      const sum = (outcomes: typeof alpha, key: 'stored' | 'duplicates') => outcomes.reduce((total, o) => total + o[key], 0);
      expect(sum(alpha, 'stored')).toBe(950);
      expect(sum(alpha, 'stored') + sum(alpha, 'duplicates')).toBe(8 * 250);
      expect(sum(beta, 'stored')).toBe(400);
      expect(await countRows(backing, 'events', 'alpha')).toBe(950);
      expect((await store.getCentre('alpha', { today: TODAY }))!).toMatchObject({ eventsTotal: 950, ackedThroughSeq: 950, highestSeq: 950, duplicatesIgnored: 1050 });
      expect((await other.getCentre('beta', { today: TODAY }))!).toMatchObject({ eventsTotal: 400, ackedThroughSeq: 400, duplicatesIgnored: 0 });
    });

    it('rawInsert writes plain rows that applyBatch then sees as held', async () => {
      await store.rawInsert('alpha', range(1, 700), T0);
      expect(await countRows(backing, 'events', 'alpha')).toBe(700);
      expect(await store.applyBatch(batch('alpha', range(650, 705)))).toMatchObject({ stored: 5, duplicates: 51 });
    });

    it('takes a batch of 5000 events, and 5000 conflicts', async () => {
      expect(await store.applyBatch(batch('alpha', range(1, 5000)))).toMatchObject({ stored: 5000, ackedThroughSeq: 5000 });
      expect(await store.applyBatch(batch('alpha', range(1, 5000, { variant: 'z' }), { epoch: EPOCH_B }))).toMatchObject({ stored: 0, conflicts: 5000 });
      expect((await store.getCentre('alpha', { today: TODAY }))!).toMatchObject({ eventsTotal: 5000, conflictsTotal: 5000 });
    });

    it('migrates once when several instances init at once, and keeps data across reopening', async () => {
      const fresh = await factory.backing();
      const [first] = await Promise.all([open(fresh), open(fresh), open(fresh)]);
      await first!.addCentre('gamma', 'secret-g', T0);
      await first!.applyBatch(batch('gamma', range(1, 3)));
      await first!.close();
      const reopened = await open(fresh);
      expect(await reopened.getCentre('gamma', { today: TODAY })).toMatchObject({ eventsTotal: 3, ackedThroughSeq: 3 });
      expect(await reopened.centreSecret('gamma')).toBe('secret-g');
    });

    it('reads and rewrites the secrets and the key check in one transaction, keeping the rest of each row', async () => {
      await store.addCentre('beta', 'secret-b', T0);
      await store.applyBatch(batch('beta', range(1, 4)));
      await store.recordHeartbeat('beta', heartbeat('beta'), T0 + 5);
      const before = await store.getCentre('beta', { today: TODAY });
      let seen: unknown;
      await store.updateSecrets((stored) => {
        seen = stored;
        return { keyCheck: 'check-1', secrets: [{ centreId: 'beta', secret: 'sealed-b' }] };
      });
      expect(seen).toEqual({ keyCheck: null, centres: [{ centreId: 'alpha', secret: 'secret-a' }, { centreId: 'beta', secret: 'secret-b' }] });
      expect(await store.centreSecret('beta')).toBe('sealed-b');
      expect(await store.centreSecret('alpha')).toBe('secret-a');
      expect(await store.getCentre('beta', { today: TODAY })).toEqual(before);
      expect(await store.applyBatch(batch('beta', range(5, 6)))).toMatchObject({ stored: 2, ackedThroughSeq: 6 });

      // An error from the plan rolls everything back and reaches the caller as thrown.
      const refusal = new Error('the plan refuses');
      await expect(store.updateSecrets(() => {
        throw refusal;
      })).rejects.toBe(refusal);
      await store.updateSecrets((stored) => {
        seen = stored;
        return {};
      });
      expect(seen).toMatchObject({ keyCheck: 'check-1', centres: [{ centreId: 'alpha', secret: 'secret-a' }, { centreId: 'beta', secret: 'sealed-b' }] });
    });

    it('is what openSecretariatStore opens; a closed store fails with store_unavailable', async () => {
      const viaOpen = await openSecretariatStore(backing.openOptions);
      opened.push(viaOpen);
      expect(await viaOpen.centreSecret('alpha')).toBe('secret-a');
      await viaOpen.close();
      await expectStoreError(viaOpen.addCentre('delta', 's', T0), 'store_unavailable');
    });
  });
}

describeStoreContract('SQLite', (() => {
  const dirs: Array<ReturnType<typeof tempDir>> = [];
  return {
    async setup() {},
    async teardown() {
      for (const dir of dirs.splice(0)) dir.remove();
    },
    async backing() {
      const dir = tempDir('huduma-secretariat-');
      dirs.push(dir);
      const dataDir = join(dir.path, 'data');
      return {
        make: () => new SqliteSecretariatStore({ dataDir }),
        openOptions: { dataDir },
        async sql(text: string) {
          const db = new BetterSqlite3(join(dataDir, SECRETARIAT_DB_FILE));
          try {
            const statement = db.prepare(text);
            return statement.reader ? (statement.all() as Array<Record<string, unknown>>) : (statement.run(), []);
          } finally {
            db.close();
          }
        },
      };
    },
  };
})());

const ADMIN_URL = process.env.HUDUMA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** One database per run of this file; one schema per test (search_path in the URL). */
/** Postgres is never given a generated key: the tests make one, as an operator would with `key create`. */
const keyDir = tempDir('huduma-secretariat-key-');
const POSTGRES_KEY = { path: join(keyDir.path, 'secrets.key'), from: 'the test' };
createSecretsKeyFile(POSTGRES_KEY.path);
afterAll(() => keyDir.remove());

describeStoreContract('Postgres', (() => {
  const database = `huduma_test_${randomBytes(6).toString('hex')}`;
  let admin: pg.Client | undefined;
  let client: pg.Client | undefined;
  let schemas = 0;
  /** Set when the server cannot be reached: every test then fails with it (never skips). */
  let unreachable: Error | undefined;
  const testUrl = new URL(ADMIN_URL);
  testUrl.pathname = `/${database}`;
  return {
    async setup() {
      admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
      try {
        await admin.connect();
      } catch (error) {
        admin = undefined;
        unreachable = new Error(`PostgreSQL is not reachable at ${ADMIN_URL.replace(/:[^:@/]*@/, ':***@')} (${(error as Error).message}): `
          + 'start PostgreSQL (CI installs and starts it) or point HUDUMA_TEST_DATABASE_URL at a server', { cause: error });
        return;
      }
      await admin.query(`CREATE DATABASE ${database}`);
      client = new pg.Client({ connectionString: testUrl.toString() });
      await client.connect();
    },
    async teardown() {
      await client?.end();
      await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin?.end();
    },
    async backing() {
      if (unreachable) throw unreachable;
      const schema = `t${++schemas}`;
      await client!.query(`CREATE SCHEMA ${schema}`);
      const url = new URL(testUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const connectionString = url.toString();
      return {
        make: () => new PostgresSecretariatStore({ connectionString }),
        openOptions: { dataDir: '/nonexistent', databaseUrl: connectionString, secretsKeyFile: POSTGRES_KEY },
        async sql(text: string) {
          await client!.query(`SET search_path TO ${schema}`);
          return (await client!.query(text)).rows as Array<Record<string, unknown>>;
        },
      };
    },
  };
})());

describe('openSecretariatStore', () => {
  it('opens SQLite under the data dir when no URL is given', async () => {
    const dir = tempDir();
    try {
      const store = await openSecretariatStore({ dataDir: join(dir.path, 'nested', 'data') });
      await store.close();
      expect(existsSync(join(dir.path, 'nested', 'data', SECRETARIAT_DB_FILE))).toBe(true);
    } finally {
      dir.remove();
    }
  });

  it('refuses other URL schemes, naming the problem without the password', async () => {
    const error = await expectStoreError(openSecretariatStore({ dataDir: '/nonexistent', databaseUrl: 'mysql://app:hunter2@db.example/huduma' }), 'store_unavailable');
    expect(error.message).toContain('mysql://app:***@db.example/huduma');
    expect(error.message).toContain('postgres://');
    expect(error.message).not.toContain('hunter2');
  });

  it('reports an unreachable Postgres as store_unavailable without the password', async () => {
    const error = await expectStoreError(openSecretariatStore({ dataDir: '/nonexistent', databaseUrl: 'postgresql://app:hunter2@127.0.0.1:1/huduma', secretsKeyFile: POSTGRES_KEY }), 'store_unavailable');
    expect(error.message).toContain('postgresql://app:***@127.0.0.1:1/huduma');
    expect(error.message).not.toContain('hunter2');
  });
});
