import { createHash, randomUUID } from 'node:crypto';
import { openHubDatabase } from '../../hub/store/database.ts';
import { Outbox } from '../../hub/store/outbox.ts';

/**
 * Writes `count` feedback.pressed events (and their press rows) straight into a hub
 * database, spread evenly over `spanMs` ending at `endMs`, as if the hub had run
 * that long with the WAN down. Run it while no hub runs on the data dir.
 */
export function writeBacklog(dataDir: string, options: { count: number; spanMs: number; endMs: number; devices?: number }): { lastSeq: number } {
  const db = openHubDatabase(dataDir, { role: 'cli' });
  try {
    const outbox = new Outbox(db);
    const insertPress = db.prepare(`INSERT INTO presses (device_id, boot, device_seq, counter_id, rating, misuse, pressed_at, received_at,
      device_at, up_ms, sent_up_ms, clock_quality, event_seq) VALUES (?, ?, ?, ?, ?, 0, ?, ?, NULL, ?, ?, 'uptime', ?)`);
    const devices = options.devices ?? 10;
    const boots = Array.from({ length: devices }, () => randomUUID());
    const step = options.count > 1 ? options.spanMs / (options.count - 1) : 0;
    // Every device booted just before the span and sent each press as it was made, so
    // the rows tell a story the hub's device-clock checks believe (docs/security.md).
    const bootedAt = options.endMs - options.spanMs - 1000;
    db.transaction(() => {
      for (let i = 0; i < options.count; i++) {
        const at = Math.round(options.endMs - options.spanMs + i * step);
        const d = i % devices;
        const deviceId = `eifd-${String(d + 1).padStart(2, '0')}`;
        const counterId = `c${String((d % 10) + 1).padStart(2, '0')}`;
        const deviceSeq = Math.floor(i / devices) + 1;
        const rating = ((i * 7) % 4) + 1;
        const iso = new Date(at).toISOString();
        const upMs = at - bootedAt;
        const seq = outbox.append(
          {
            type: 'feedback.pressed',
            data: { deviceId, counterId, boot: boots[d]!, deviceSeq, rating: rating as 1 | 2 | 3 | 4, misuse: false, pressedAt: iso, receivedAt: iso, deviceAt: null, upMs, sentUpMs: upMs, clockQuality: 'uptime' },
          },
          at,
        );
        insertPress.run(deviceId, boots[d]!, deviceSeq, counterId, rating, at, at, upMs, upMs, seq);
      }
    })();
    return { lastSeq: outbox.head().lastSeq };
  } finally {
    db.close();
  }
}

/** SHA-256 over (seq, hash) of the hub's outbox rows through `throughSeq`, in seq order. */
export function hubOutboxDigest(dataDir: string): { count: number; lastSeq: number; digest: string; hashes: Map<number, string> } {
  const db = openHubDatabase(dataDir, { role: 'cli' });
  try {
    const rows = db.prepare('SELECT seq, hash FROM outbox ORDER BY seq').all() as Array<{ seq: number; hash: Buffer }>;
    const hashes = new Map(rows.map((r) => [r.seq, r.hash.toString('hex')]));
    return { count: rows.length, lastSeq: rows.at(-1)?.seq ?? 0, digest: digestOf(rows.map((r) => [r.seq, r.hash.toString('hex')])), hashes };
  } finally {
    db.close();
  }
}

export function digestOf(rows: Array<[number, string]>): string {
  const h = createHash('sha256');
  for (const [seq, hex] of rows) h.update(`${seq}:${hex}\n`);
  return h.digest('hex');
}
