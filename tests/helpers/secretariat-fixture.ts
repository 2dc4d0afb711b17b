import BetterSqlite3 from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { digestOf } from './outbox-backlog.ts';
import { Secretariat, type SecretariatOptions } from '../../secretariat/secretariat.ts';
import { openSecretariatStore } from '../../secretariat/store/open-store.ts';
import type { CentreSummary } from '../../secretariat/store/store.ts';
import { withDeadline, WAIT_MS } from './deadline.ts';
import { capturingLogger } from './log-capture.ts';
import { tempDir } from './temp-dir.ts';

export interface SecretariatFixture {
  secretariat: Secretariat;
  port: number;
  url: string;
  dataDir: string;
  logs: ReturnType<typeof capturingLogger>;
  /** Registers a centre (as `centre add` does) and returns its signing secret. */
  addCentre(centreId: string): Promise<string>;
  centre(centreId: string): Promise<CentreSummary & Record<string, unknown>>;
  health(): Promise<Record<string, unknown>>;
  /** What the Secretariat holds for a centre, read from its SQLite file: seqs in order and their digest. */
  held(centreId: string): { seqs: number[]; digest: string; quarantined: number[] };
  stop(): Promise<void>;
}

/** A real Secretariat receiver in this process: fastify on a free port, SQLite in a temp dir. */
export async function startSecretariat(options: Partial<Omit<SecretariatOptions, 'log'>> = {}): Promise<SecretariatFixture> {
  const dir = options.dataDir ? null : tempDir('huduma-secretariat-');
  const dataDir = options.dataDir ?? dir!.path;
  const logs = capturingLogger();
  const secretariat = new Secretariat({ host: '127.0.0.1', port: 0, explicitPort: true, ...options, dataDir, log: logs.log });
  const { httpPort } = await withDeadline(secretariat.start(), WAIT_MS, 'the in-process Secretariat to start');
  const url = `http://127.0.0.1:${httpPort}`;
  const getJson = <T,>(path: string): Promise<T> =>
    withDeadline(
      (async () => {
        const response = await fetch(`${url}${path}`);
        if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
        return (await response.json()) as T;
      })(),
      WAIT_MS,
      `the Secretariat's answer to GET ${path}`,
    );
  return {
    secretariat,
    port: httpPort,
    url,
    dataDir,
    logs,
    async addCentre(centreId) {
      const secret = randomBytes(32).toString('base64url');
      const store = await withDeadline(openSecretariatStore({ dataDir, ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}) }), WAIT_MS, 'the Secretariat store to open');
      try {
        await withDeadline(store.addCentre(centreId, secret, Date.now()), WAIT_MS, `centre ${centreId} to be added`);
      } finally {
        await withDeadline(store.close(), WAIT_MS, 'the Secretariat store to close');
      }
      return secret;
    },
    centre: (centreId) => getJson(`/api/centres/${centreId}`),
    health: () => getJson('/health'),
    held(centreId) {
      const db = new BetterSqlite3(join(dataDir, 'secretariat.db'), { readonly: true, fileMustExist: true });
      try {
        const rows = db.prepare('SELECT seq, hash, quarantine_reason AS q FROM events WHERE centre_id = ? ORDER BY seq').all(centreId) as Array<{ seq: number; hash: string; q: string | null }>;
        return { seqs: rows.map((r) => r.seq), digest: digestOf(rows.map((r) => [r.seq, r.hash])), quarantined: rows.filter((r) => r.q !== null).map((r) => r.seq) };
      } finally {
        db.close();
      }
    },
    async stop() {
      await withDeadline(secretariat.stop(), WAIT_MS, 'the in-process Secretariat to stop');
      dir?.remove();
    },
  };
}
