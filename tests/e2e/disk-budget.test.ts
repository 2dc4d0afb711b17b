import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closed, connectDevice, newBootId, publishPress, uptimeSince } from '../helpers/device-client.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { waitUntil } from '../helpers/hub-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const MB = 1024 * 1024;

/**
 * The disk budget on a real 48 MB tmpfs (mounting needs root, as CI runs): filling
 * the disk raises `warn`, then `critical` in /health while presses are still taken,
 * and only at `refusing` are new presses refused: no PUBACK, so the device keeps
 * the vote and sends it again once space is back, when it is stored exactly once.
 */
describe('disk budget', () => {
  const mount = tempDir('huduma-diskbudget-');
  let fx: HubFixture;
  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mount.path]);
    fx = await startHub({
      dataDir: join(mount.path, 'hub'),
      configure: (config) => {
        config.store.disk = { ...config.store.disk, warnFreeMb: 30, criticalFreeMb: 20, refuseFreeMb: 10, checkIntervalMs: 50 };
      },
    });
  });
  afterAll(async () => {
    await fx?.stop();
    execFileSync('umount', [mount.path]);
    mount.remove();
  });

  /** Leaves about `freeMb` free on the tmpfs. */
  const leaveFree = (freeMb: number) => {
    const filler = join(mount.path, 'filler');
    rmSync(filler, { force: true });
    const free = Number(execFileSync('df', ['--output=avail', '-B1', mount.path]).toString().split('\n')[1]);
    writeFileSync(filler, Buffer.alloc(Math.max(0, free - freeMb * MB)));
  };
  const diskState = (state: string) => waitUntil(async () => fx.hub.health(), (h) => h.store.diskState === state, `disk state ${state}`);

  it('warns early, refuses late, and loses no vote', async () => {
    const credentials = fx.addDevice('eifd-01');
    const boot = newBootId();
    const uptime = uptimeSince();
    let client = await connectDevice(fx.ports.mqtt, credentials);
    await publishPress(client, 'demo-centre', 'eifd-01', { seq: 1, boot, rating: 4, upMs: 1000, sentUpMs: uptime() });

    leaveFree(25);
    const warned = await diskState('warn');
    expect(warned.status).toBe('ok');
    expect(warned.warnings.join()).toMatch(/disk warn: \d+ MB free/);
    await publishPress(client, 'demo-centre', 'eifd-01', { seq: 2, boot, rating: 3, upMs: 9000, sentUpMs: uptime() });

    leaveFree(15);
    expect((await diskState('critical')).status).toBe('ok');
    await publishPress(client, 'demo-centre', 'eifd-01', { seq: 3, boot, rating: 2, upMs: 17_000, sentUpMs: uptime() });
    expect(fx.hub.health().ingest.pressesTotal).toBe(3);

    leaveFree(5);
    const refusing = await diskState('refusing');
    expect(refusing.status).toBe('degraded');
    expect(refusing.problems.join()).toMatch(/new presses are refused/);
    // Refused as an error: the connection drops and no PUBACK comes.
    let acked = false;
    const dropped = closed(client);
    client.publish('huduma/v1/demo-centre/devices/eifd-01/press', JSON.stringify({ seq: 4, boot, rating: 1, upMs: 25_000, sentUpMs: uptime() }), { qos: 1 }, (error) => (acked = !error));
    await dropped;
    expect(acked).toBe(false);
    expect(fx.hub.health().ingest.pressesTotal).toBe(3);
    client.end(true);

    leaveFree(40);
    expect((await diskState('ok')).status).toBe('ok');
    client = await connectDevice(fx.ports.mqtt, credentials);
    await publishPress(client, 'demo-centre', 'eifd-01', { seq: 4, boot, rating: 1, upMs: 25_000, sentUpMs: uptime() });
    await publishPress(client, 'demo-centre', 'eifd-01', { seq: 4, boot, rating: 1, upMs: 25_000, sentUpMs: uptime() });
    await client.endAsync();
    const health = fx.hub.health();
    expect(health.ingest.pressesTotal).toBe(4);
    expect(health.ingest.duplicatesTotal).toBe(1);
  });
});
