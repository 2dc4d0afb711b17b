import BetterSqlite3 from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceTopic } from '../../protocol/topics.ts';
import { hubDatabasePath } from '../../hub/store/database.ts';
import { newBootId, uptimeSince } from '../helpers/device-client.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const CENTRE = 'demo-centre';

/** Fills the file system holding `dir` to the last byte; returns the filler's path. */
function fillDisk(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  try {
    for (const size of [256 * 1024, 4096, 512]) {
      const block = Buffer.alloc(size, 0xaa);
      try {
        for (;;) writeSync(fd, block);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

/**
 * A full disk, for real: the hub's data dir is a 4 MB tmpfs filled to the brim. A
 * commit that cannot be written fails its whole batch, so no PUBACK goes out and the
 * device (its connection dropped) sends the presses again; once there is room they
 * are stored, each exactly once. (Mounting needs root, as CI runs.)
 */
describe('disk full', () => {
  const mount = tempDir('huduma-diskfull-');
  let fx: HubFixture;
  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount.path]);
    fx = await startHub({ dataDir: mount.path, configure: (config) => {
        config.feedback.pressBudgetPerMinute = 6000;
        // This test is about the disk filling faster than the budget looks (a 4 MB
        // tmpfs is below every default threshold); disk-budget.test.ts covers the budget.
        config.store.disk = { ...config.store.disk, warnFreeMb: 0, criticalFreeMb: 0, refuseFreeMb: 0 };
      },
    });
  });
  afterAll(async () => {
    await fx.hub.stop();
    execFileSync('umount', [mount.path]);
    mount.remove();
  });

  it('acknowledges nothing it could not write, keeps serving, and stores everything once there is room', async () => {
    const creds = fx.addDevice('eifd-71');
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${fx.ports.mqtt}`, { clientId: creds.deviceId, username: creds.deviceId, password: creds.password, reconnectPeriod: 20 });
    const boot = newBootId();
    const uptime = uptimeSince();
    const acked = new Set<number>();
    const publish = (seq: number) =>
      client.publishAsync(deviceTopic(CENTRE, 'eifd-71', 'press'), JSON.stringify({ seq, boot, rating: 3, upMs: seq * 3000, sentUpMs: uptime() }), { qos: 1 }).then(() => {
        acked.add(seq);
      });
    for (let seq = 1; seq <= 20; seq++) await publish(seq);

    const filler = fillDisk(mount.path);
    const pending: Array<Promise<void>> = [];
    let seq = 20;
    while (fx.hub.health().store.failedCommits === 0 && seq < 20_000) {
      pending.push(publish(++seq));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const ackedWhileFull = acked.size;
    expect(fx.hub.health().store.failedCommits).toBeGreaterThan(0);
    expect(fx.logs.text()).toMatch(/group commit failed; nothing in the batch is acknowledged/);
    // Still serving: health over HTTP answers while the disk is full.
    expect((await fetch(`http://127.0.0.1:${fx.ports.http}/health`)).status).toBe(200);

    rmSync(filler);
    await Promise.all(pending);
    await client.endAsync();
    expect(acked.size).toBe(seq);
    expect(acked.size).toBeGreaterThan(ackedWhileFull);

    const db = new BetterSqlite3(hubDatabasePath(mount.path), { readonly: true });
    try {
      const stored = (db.prepare('SELECT device_seq AS s FROM presses ORDER BY device_seq').all() as Array<{ s: number }>).map((r) => r.s);
      expect(stored).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
      expect(db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE type = 'feedback.pressed'").get()).toEqual({ n: seq });
    } finally {
      db.close();
    }
  });
});
