import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { VoteRecord } from '../../firmware-bridge/eifd-device.ts';
import { armed, linked, pressButton } from '../helpers/bridge-fixture.ts';
import { bridgeScenario, nextStored, outputsOf, storedPresses } from '../helpers/bridge-scenario.ts';
import type { FeedbackPressedData } from '../../protocol/events/feedback.ts';
import { startHub } from '../helpers/hub-fixture.ts';
import { freePort, waitUntil } from '../helpers/hub-process.ts';

const { hub, bridge, emulator } = bridgeScenario();

describe('bridge ↔ hub with an emulated EIFD', () => {
  it('through a real PTY: a press is stored once with its rating, and the LED and buzzer acknowledge it', async () => {
    const h = await hub();
    const creds = h.addDevice('eifd-c03', 'c03');
    const board = emulator('2.5');
    const b = await bridge({ hubPort: h.ports.mqtt, via: 'pty', boards: [{ ...creds, board }] });
    const device = b.device('eifd-c03');
    await armed(device);
    await linked(device);
    const outputs = outputsOf(board);
    const stored = nextStored(h);
    const vote = await pressButton(board, device, 3);
    expect(vote).toMatchObject({ repeat: false, signal: 'vote-accepted', kept: true, press: { rating: 3, seq: 1 } });
    // D3's LED is D9; the buzzer is D8 (default profile).
    expect(outputs).toContainEqual(expect.objectContaining({ pin: 9, high: true }));
    expect(outputs).toContainEqual(expect.objectContaining({ pin: 8, high: true }));
    const [press] = await stored;
    expect(press).toMatchObject({ deviceId: 'eifd-c03', counterId: 'c03', rating: 3, misuse: false, deviceSeq: 1, clockQuality: 'uptime' });
    expect(h.hub.health().ingest.pressesTotal).toBe(1);
    // The PUBACK reaches the bridge just after the hub's commit.
    await waitUntil(async () => device.journal.size, (size) => size === 0, 'the journal to empty');
  });

  it('Firmata 2.4 (no INPUT_PULLUP mode): buttons still work with the legacy pull-up', async () => {
    const h = await hub();
    const creds = h.addDevice('eifd-c01');
    const board = emulator('2.4');
    const b = await bridge({ hubPort: h.ports.mqtt, via: 'transport', boards: [{ ...creds, board }] });
    const device = b.device('eifd-c01');
    await armed(device);
    await linked(device);
    const stored = nextStored(h, 4);
    for (const pin of [2, 3, 4, 5]) await pressButton(board, device, pin);
    expect((await stored).map((p) => p.rating)).toEqual([4, 3, 2, 1]);
  });

  it('bounce gives one vote; a second vote inside the lock-out is sent, acknowledged quietly, and flagged misuse by the hub', async () => {
    const h = await hub();
    const creds = h.addDevice('eifd-c02', 'c02');
    const board = emulator();
    const b = await bridge({ hubPort: h.ports.mqtt, via: 'transport', boards: [{ ...creds, board }] });
    const device = b.device('eifd-c02');
    await armed(device);
    await linked(device);
    const votes: unknown[] = [];
    device.on('vote', (v) => votes.push(v));
    const stored = nextStored(h, 2);
    // A bouncy press: the contact chatters (closed 10–15 ms, open 9 ms, six times),
    // slow enough to pass johnny-five's 7 ms filter, so the bridge's own 45 ms debounce
    // is what must hold it to one vote; then it settles closed. The waits are the
    // stimulus itself, the physical timing of a bouncing contact.
    const bounces: boolean[] = [];
    device.board.on('level', (_pin, down) => bounces.push(down));
    const firstVote = once(device, 'vote') as Promise<[VoteRecord]>;
    for (let i = 0; i < 6; i++) {
      board.setInput(4, false);
      await new Promise((resolve) => setTimeout(resolve, 10 + (i % 2) * 5));
      board.setInput(4, true);
      await new Promise((resolve) => setTimeout(resolve, 9));
    }
    board.setInput(4, false);
    const [first] = await firstVote;
    board.setInput(4, true);
    const second = await pressButton(board, device, 5);
    expect(votes).toHaveLength(2);
    // The bounce reached the bridge as edges, and none of them became a vote.
    expect(bounces.filter((down) => down).length).toBeGreaterThanOrEqual(2);
    expect(first).toMatchObject({ repeat: false, press: { rating: 2 } });
    expect(second).toMatchObject({ repeat: true, signal: 'vote-repeated', press: { rating: 1 } });
    const presses = await stored;
    expect(presses.map((p) => [p.rating, p.misuse])).toEqual([
      [2, false],
      [1, true],
    ]);
  });

  it('hub down: votes are saved and acknowledged locally, then delivered once, in order, when it returns', async () => {
    const mqttPort = await freePort();
    const first = await startHub({ overrides: { mqttPort } });
    const dataDir = first.dataDir;
    const creds = first.addDevice('eifd-c04', 'c04');
    const board = emulator();
    const b = await bridge({ hubPort: mqttPort, via: 'transport', boards: [{ ...creds, board }] });
    const device = b.device('eifd-c04');
    await armed(device);
    await linked(device);
    const dropped = once(device.link, 'disconnected');
    await first.hub.stop();
    await dropped;

    const signals: string[] = [];
    for (const pin of [2, 5, 3, 4, 2]) signals.push((await pressButton(board, device, pin)).signal);
    expect(signals[0]).toBe('vote-saved-offline');
    expect(device.journal.size).toBe(5);

    let stored: FeedbackPressedData[] = [];
    let all: Promise<FeedbackPressedData[]> = Promise.resolve([]);
    const second = await hub({
      dataDir,
      overrides: { mqttPort },
      beforeStart: (started) => {
        stored = storedPresses({ hub: started });
        all = nextStored({ hub: started }, 5);
      },
    });
    await all;
    expect(stored.map((p) => p.rating)).toEqual([4, 1, 3, 2, 4]);
    expect(stored.map((p) => p.deviceSeq)).toEqual([1, 2, 3, 4, 5]);
    // Dated from the bridge's uptime, restamped at the resend, not from the outage.
    expect(stored.every((p) => p.clockQuality === 'uptime')).toBe(true);
    expect(second.hub.health().ingest.pressesTotal).toBe(5);
    expect(second.hub.health().ingest.duplicatesTotal).toBe(0);
  });

  it('offline queue full: drops are counted, logged and reported in telemetry; the rest is delivered', async () => {
    const mqttPort = await freePort();
    const first = await startHub({ overrides: { mqttPort } });
    const creds = first.addDevice('eifd-c05', 'c05');
    await first.hub.stop();
    const board = emulator();
    const b = await bridge({ hubPort: mqttPort, via: 'transport', boards: [{ ...creds, board }], settings: { queue: { capacity: 2, whenFull: 'drop-oldest' } } });
    const device = b.device('eifd-c05');
    await armed(device);
    for (const pin of [2, 3, 4, 5]) await pressButton(board, device, pin);
    expect(device.journal.droppedTotal).toBe(2);
    expect(device.journal.pending().map((p) => p.rating)).toEqual([2, 1]);
    expect(b.logs.lines().filter((e) => e.msg === 'offline queue full: dropped the oldest vote')).toHaveLength(2);

    let telemetry: Promise<Record<string, unknown>> = Promise.resolve({});
    let stored: Promise<FeedbackPressedData[]> = Promise.resolve([]);
    await hub({
      dataDir: first.dataDir,
      overrides: { mqttPort },
      beforeStart: (started) => {
        telemetry = new Promise((resolve) => started.bus.on('device.telemetry', ({ telemetry: t }) => resolve(t)));
        stored = nextStored({ hub: started }, 2);
      },
    });
    expect((await stored).map((p) => p.rating)).toEqual([2, 1]);
    expect(await telemetry).toMatchObject({ dropped: 2, fw: expect.stringMatching(/^huduma-bridge\//) });
  });
});
