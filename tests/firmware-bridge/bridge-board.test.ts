import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bridge } from '../../firmware-bridge/bridge.ts';
import { BridgeConfig } from '../../firmware-bridge/config.ts';
import { AvrFirmataBoard } from '../../hardware/firmata/avr/avr-firmata-board.ts';
import { openPtyPair } from '../../hardware/serial/pty-pair.ts';
import { armed, linked, pressButton } from '../helpers/bridge-fixture.ts';
import { waitUntil } from '../helpers/hub-process.ts';
import { bridgeScenario, nextStored, outputsOf } from '../helpers/bridge-scenario.ts';
import { capturingLogger } from '../helpers/log-capture.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const { hub, bridge, emulator, cleanups } = bridgeScenario();

describe('bridge ↔ board: real firmware, replugging, technician commands', () => {
  it('real StandardFirmata in avr8js through a real PTY: a press is stored once, and the firmware drives the LED and buzzer', async () => {
    const h = await hub();
    const creds = h.addDevice('eifd-c06', 'c06');
    const board = new AvrFirmataBoard();
    cleanups.push(() => board.close());
    const outputs = outputsOf(board);
    const b = await bridge({ hubPort: h.ports.mqtt, via: 'pty', boards: [{ ...creds, board }] });
    const device = b.device('eifd-c06');
    await armed(device);
    await linked(device);
    const stored = nextStored(h);
    const vote = await pressButton(board, device, 3);
    expect(vote).toMatchObject({ repeat: false, signal: 'vote-accepted', press: { rating: 3 } });
    const [press] = await stored;
    expect(press).toMatchObject({ deviceId: 'eifd-c06', rating: 3, misuse: false, deviceSeq: 1 });
    // The AVR's own pins: D9 (the LED of D3) and D8 (buzzer) went high.
    expect(outputs).toContainEqual(expect.objectContaining({ pin: 9, high: true }));
    expect(outputs).toContainEqual(expect.objectContaining({ pin: 8, high: true }));
    expect(h.hub.health().ingest.pressesTotal).toBe(1);
  }, 60_000);

  it('USB unplugged and replugged: the hub sees the device go offline, then the bridge re-arms it and votes flow again', async () => {
    const h = await hub();
    const creds = h.addDevice('eifd-c08', 'c08');
    const ptyDir = await mkdtemp(join(tmpdir(), 'huduma-replug-'));
    cleanups.push(() => rm(ptyDir, { recursive: true, force: true }));
    let pair = await openPtyPair({ dir: ptyDir });
    const board = emulator();
    let attachment = await board.attachSerial(pair.devicePath);
    const dataDir = tempDir('huduma-bridge-');
    const config = BridgeConfig.parse({
      hub: `mqtt://127.0.0.1:${h.ports.mqtt}`,
      dataDir: dataDir.path,
      boards: [{ deviceId: creds.deviceId, password: creds.password, serial: pair.hostPath }],
      boardProbeIntervalMs: 200,
    });
    const logs = capturingLogger();
    const bridgeInstance = new Bridge({ config, log: logs.log });
    bridgeInstance.start();
    cleanups.push(async () => {
      await bridgeInstance.stop();
      await attachment.close();
      await pair.close();
      dataDir.remove();
    });
    const device = bridgeInstance.devices[0]!;
    await armed(device);
    const online = (want: boolean) =>
      new Promise<void>((resolve) => {
        if (h.hub.health().devices.online === (want ? 1 : 0)) return resolve();
        const on = ({ deviceId, online: now }: { deviceId: string; online: boolean }) => {
          if (deviceId === creds.deviceId && now === want) {
            h.hub.bus.off('device.presence', on);
            resolve();
          }
        };
        h.hub.bus.on('device.presence', on);
      });
    await online(true);

    const lost = once(device.board, 'lost');
    await attachment.close();
    await pair.close();
    const [reason] = await lost;
    expect(reason).toMatch(/stopped answering|closed|error/);
    await online(false);

    // Left unplugged long enough for two failed reopen attempts (the path is gone:
    // ENOENT, as for a /dev/serial/by-id link): the bridge keeps trying, never crashes.
    await once(device.board, 'unavailable');
    const [why] = await once(device.board, 'unavailable');
    expect(why).toMatch(/ENOENT|No such file/);
    pair = await openPtyPair({ dir: ptyDir });
    attachment = await board.attachSerial(pair.devicePath);
    await once(device.board, 'armed');
    await online(true);
    const stored = nextStored(h);
    await pressButton(board, device, 2);
    expect((await stored)[0]).toMatchObject({ rating: 4, deviceId: 'eifd-c08' });
  });

  it('technician commands: identify blinks and beeps; selftest reports the buttons and flags a stuck one; an offline device is a 409', async () => {
    const h = await hub();
    const creds = h.addDevice('eifd-c09', 'c09');
    const technician = h.admin.tokens.create('technician', null, new Set(h.config.counters.map((c) => c.id))).token;
    const command = (deviceId: string, body: unknown) =>
      fetch(`http://127.0.0.1:${h.ports.http}/api/devices/${deviceId}/commands`, {
        method: 'POST',
        headers: { authorization: `Bearer ${technician}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const board = emulator();
    const b = await bridge({ hubPort: h.ports.mqtt, via: 'transport', boards: [{ ...creds, board }] });
    const device = b.device('eifd-c09');
    await armed(device);
    await linked(device);
    await waitUntil(async () => h.hub.health().devices.online, (online) => online === 1, 'the device online at the hub');

    const outputs = outputsOf(board);
    const identify = await command('eifd-c09', { op: 'identify' });
    expect(identify.status).toBe(200);
    expect(await identify.json()).toMatchObject({ result: { ok: true } });
    // Every LED and the buzzer went on together.
    for (const pin of [6, 9, 10, 11, 8]) expect(outputs).toContainEqual(expect.objectContaining({ pin, high: true }));

    const healthy = (await (await command('eifd-c09', { op: 'selftest' })).json()) as { result: unknown };
    expect(healthy.result).toMatchObject({ ok: true, data: { buttons: [{ pin: 2, rating: 4, state: 'released' }, { pin: 3, state: 'released' }, { pin: 4, state: 'released' }, { pin: 5, state: 'released' }] } });

    board.setInput(5, false); // a jammed "poor" button
    await once(device.board, 'level');
    const stuck = (await (await command('eifd-c09', { op: 'selftest' })).json()) as { result: unknown };
    expect(stuck.result).toMatchObject({ ok: false, error: { code: 'button_stuck' } });
    board.setInput(5, true);

    expect((await command('eifd-c09', { op: 'reboot' })).status).toBe(400);
    const unregistered = await command('eifd-zz', { op: 'identify' });
    expect(unregistered.status).toBe(404);
    expect(await unregistered.json()).toMatchObject({ error: { code: 'device_unknown' } });
  });
});
