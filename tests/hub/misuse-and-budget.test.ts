import { afterEach, describe, expect, it } from 'vitest';
import type { FeedbackPressedData } from '../../protocol/events/feedback.ts';
import { ManualClock } from '../../runtime/clock.ts';
import { connectDevice, newBootId, publishPress } from '../helpers/device-client.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';

const CENTRE = 'demo-centre';
const T0 = Date.parse('2026-11-23T08:00:00.000Z');

describe('lock-out and press budget, judged on reconstructed press time', () => {
  let fx: HubFixture | null = null;
  afterEach(async () => {
    await fx?.stop();
    fx = null;
  });

  async function setup(options: { budget?: number; lockoutMs?: number } = {}) {
    const clock = new ManualClock(T0);
    fx = await startHub({
      clock,
      configure: (config) => {
        if (options.budget !== undefined) config.feedback.pressBudgetPerMinute = options.budget;
        if (options.lockoutMs !== undefined) config.feedback.lockoutMs = options.lockoutMs;
      },
    });
    const stored: FeedbackPressedData[] = [];
    fx.hub.bus.on('press.stored', ({ press }) => stored.push(press));
    const client = await connectDevice(fx.ports.mqtt, fx.addDevice('eifd-31', 'c04'));
    return { clock, client, stored, fx };
  }

  it('keeps repeats inside the lock-out, flagged misuse, and reconstructs press time from uptime', async () => {
    const { clock, client, stored, fx } = await setup({ lockoutMs: 2500 });
    const boot = newBootId();
    // Sent late (a replay): the press happened sentUpMs - upMs before it arrived.
    const presses = [0, 1000, 2400, 2600, 3000, 5200].map((upMs, i) => ({ seq: i + 1, boot, rating: 4 as const, upMs: 60_000 + upMs, sentUpMs: 60_000 + upMs + 250 }));
    for (const press of presses) {
      clock.advance(100);
      await publishPress(client, CENTRE, 'eifd-31', press);
    }
    await client.endAsync();
    expect(stored.map((p) => p.misuse)).toEqual([false, true, true, false, true, false]);
    expect(stored.every((p) => p.clockQuality === 'uptime')).toBe(true);
    expect(stored[0]!.pressedAt).toBe(new Date(T0 + 100 - 250).toISOString());
    expect(stored[0]!.receivedAt).toBe(new Date(T0 + 100).toISOString());
    expect(stored[0]!.counterId).toBe('c04');
    const { ingest } = fx.hub.health();
    expect(ingest.pressesTotal).toBe(6);
    expect(ingest.misuseTotal).toBe(3);
  });

  it('falls back to the device clock, then to the receive time, and says so', async () => {
    const { clock, client, stored } = await setup();
    const boot = newBootId();
    await publishPress(client, CENTRE, 'eifd-31', { seq: 1, boot, rating: 3, upMs: 1000, at: '2026-11-23T07:59:00.000+03:00' });
    clock.advance(10_000);
    await publishPress(client, CENTRE, 'eifd-31', { seq: 2, boot, rating: 2, upMs: 900_000 });
    await client.endAsync();
    expect(stored.map((p) => [p.clockQuality, p.pressedAt, p.deviceAt])).toEqual([
      ['device-clock', '2026-11-23T04:59:00.000Z', '2026-11-23T04:59:00.000Z'],
      ['receive-time', new Date(T0 + 10_000).toISOString(), null],
    ]);
  });

  it('stores at most the budget per minute of press time; the rest is counted, acknowledged and reported', async () => {
    const { clock, client, stored, fx } = await setup({ budget: 5, lockoutMs: 1000 });
    const boot = newBootId();
    for (let seq = 1; seq <= 8; seq++) {
      clock.advance(3000);
      await publishPress(client, CENTRE, 'eifd-31', { seq, boot, rating: 1, upMs: seq * 3000, sentUpMs: seq * 3000 });
    }
    expect(stored).toHaveLength(5);
    clock.advance(60_000);
    await publishPress(client, CENTRE, 'eifd-31', { seq: 9, boot, rating: 1, upMs: 9 * 3000 + 60_000, sentUpMs: 9 * 3000 + 60_000 });
    await client.endAsync();
    expect(stored).toHaveLength(6);
    const { ingest } = fx.hub.health();
    expect(ingest.rejectedByReason.over_budget).toBe(3);
    expect(ingest.pressesTotal).toBe(6);
    const warnings = fx.logs.lines().filter((l) => l.msg?.toString().includes('over its press budget'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ deviceId: 'eifd-31', budgetPerMinute: 5 });
  });
});
