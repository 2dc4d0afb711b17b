import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLOCK_SLACK_MS, DeviceTimeline, type Placement, type TimelinePress } from '../../hub/ingest/device-timeline.ts';

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
const WEEK = 7 * 24 * 3_600_000;

/** Places and learns each press as ingest does; returns the placements. */
function feed(timeline: DeviceTimeline, presses: TimelinePress[]): Placement[] {
  return presses.map((press) => {
    const placed = timeline.place(press);
    if (placed.kind !== 'refused') timeline.learn(press);
    return placed;
  });
}
const kinds = (placements: Placement[]) => placements.map((p) => (p.kind === 'refused' ? p.reason : p.kind));

/** What the bridge sends: uptime at the press, restamped uptime at the send. */
function copy(boot: string, upMs: number, sentUpMs: number, receivedAt: number): TimelinePress {
  return { boot, upMs, sentUpMs, pressedAt: receivedAt - (sentUpMs - upMs), receivedAt };
}

describe('DeviceTimeline: a device clock cannot run faster than the hub clock', () => {
  it('refuses a boot whose uptime advances 61 s per press while the presses arrive a millisecond apart', () => {
    const timeline = new DeviceTimeline();
    const presses = Array.from({ length: 300 }, (_, i) => copy('forged', (i + 1) * 61_000, (i + 1) * 61_000, T0 + i));
    const placements = feed(timeline, presses);
    expect(kinds(placements.slice(0, 1))).toEqual(['anchored']);
    expect(placements.slice(1).every((p) => p.kind === 'refused' && p.reason === 'clock_ahead')).toBe(true);
  });

  it('the slack is spent once per boot, not at every message', () => {
    const timeline = new DeviceTimeline();
    // 20 s ahead per press (under the 30 s slack each time): the second is believed, the third is not.
    const placements = feed(timeline, [copy('creep', 20_000, 20_000, T0), copy('creep', 40_000, 40_000, T0 + 1), copy('creep', 60_000, 60_000, T0 + 2)]);
    expect(kinds(placements)).toEqual(['anchored', 'anchored', 'clock_ahead']);
  });

  it('refuses a new boot per press that backdates its start behind the boot that was sending just before', () => {
    const timeline = new DeviceTimeline();
    const presses = Array.from({ length: 50 }, (_, i) => copy(`boot-${i}`, (i + 1) * 61_000, (i + 1) * 61_000, T0 + i));
    const placements = feed(timeline, presses);
    expect(kinds(placements.slice(0, 1))).toEqual(['anchored']);
    expect(placements.slice(1).every((p) => p.kind === 'refused' && p.reason === 'boot_overlap')).toBe(true);
  });

  it('a new boot per press dated now is believed, and lands where the hub is now (lock-out and budget then apply)', () => {
    const timeline = new DeviceTimeline();
    const placements = feed(timeline, Array.from({ length: 20 }, (_, i) => copy(`boot-${i}`, 0, 0, T0 + i * 10)));
    expect(placements.every((p) => p.kind === 'anchored' && p.at >= T0 && p.at <= T0 + 200)).toBe(true);
  });

  it('an old boot may not send after a newer boot started, nor date a replayed press after it', () => {
    const timeline = new DeviceTimeline();
    // The old boot started at T0 − 10 s, the new one at T0 + 59 s.
    feed(timeline, [copy('old', 10_000, 10_000, T0), copy('new', 1_000, 1_000, T0 + 60_000)]);
    expect(kinds(feed(timeline, [copy('old', 110_000, 110_000, T0 + 100_000)]))).toEqual(['boot_overlap']);
    // Pressed on the old boot 40 s in (before the restart): a replay, believed.
    expect(feed(timeline, [{ boot: 'old', upMs: 40_000, sentUpMs: null, pressedAt: T0 + 200_000, receivedAt: T0 + 200_000 }])).toEqual([{ kind: 'anchored', at: T0 + 30_000 }]);
    // "Pressed" on the old boot two minutes in, a minute after it had been replaced.
    expect(kinds(feed(timeline, [{ boot: 'old', upMs: 130_000, sentUpMs: null, pressedAt: T0 + 200_000, receivedAt: T0 + 200_000 }]))).toEqual(['boot_overlap']);
  });

  it('a press without sentUpMs on an anchored boot may not claim an uptime beyond what the boot has lived', () => {
    const timeline = new DeviceTimeline();
    feed(timeline, [copy('a', 5_000, 5_000, T0)]);
    expect(kinds(feed(timeline, [{ boot: 'a', upMs: 5_000 + 3_600_000, sentUpMs: null, pressedAt: T0 + 10, receivedAt: T0 + 10 }]))).toEqual(['clock_ahead']);
  });

  it('a press the hub cannot date may not lie after its arrival on the timeline of its first press', () => {
    const timeline = new DeviceTimeline();
    feed(timeline, [{ boot: 'x', upMs: 0, sentUpMs: null, pressedAt: T0, receivedAt: T0 }]);
    expect(kinds(feed(timeline, [{ boot: 'x', upMs: 600_000, sentUpMs: null, pressedAt: T0 + 5, receivedAt: T0 + 5 }]))).toEqual(['clock_ahead']);
    expect(kinds(feed(timeline, [{ boot: 'x', upMs: 1_000, sentUpMs: null, pressedAt: T0 + 5, receivedAt: T0 + 5 }]))).toEqual(['unanchored']);
  });
});

describe('DeviceTimeline: honest devices are believed', () => {
  it('a week of journal replayed at full speed after an outage, 8 in flight, sentUpMs restamped', () => {
    const timeline = new DeviceTimeline();
    // Seen live at the start of the week, then the hub was unreachable for a week.
    feed(timeline, [copy('bridge', 60_000, 60_020, T0)]);
    const pressesUpMs = Array.from({ length: 2_000 }, (_, i) => 120_000 + i * 5 * 60_000 + (i % 7) * 1_000);
    const back = T0 + WEEK;
    const replay = pressesUpMs.map((upMs, i) => {
      const sentAt = back + Math.floor(i / 8) * 3; // eight at a time, 3 ms a round trip
      return copy('bridge', upMs, 60_000 + (sentAt - T0), sentAt + 1 + (i % 8));
    });
    const placements = feed(timeline, replay);
    expect(placements.filter((p) => p.kind !== 'anchored')).toEqual([]);
    // Dated where they happened on the week, not where they arrived.
    expect(placements[0]).toEqual({ kind: "anchored", at: T0 - 60_020 + 120_000 });
  });

  it('a bridge restarted after a crash starts a new boot; its old journal is dated on the old boot', () => {
    const timeline = new DeviceTimeline();
    feed(timeline, [copy('run-1', 30_000, 30_010, T0)]);
    // Crashed at T0 + 40 s, back at T0 + 45 s; first press 2 s into the new run.
    const placements = feed(timeline, [
      copy('run-2', 2_000, 2_030, T0 + 47_030),
      { boot: 'run-1', upMs: 39_000, sentUpMs: null, pressedAt: T0 + 47_040, receivedAt: T0 + 47_040 },
    ]);
    expect(placements).toEqual([
      { kind: 'anchored', at: T0 + 47_000 },
      { kind: 'anchored', at: T0 - 30_010 + 39_000 },
    ]);
  });

  it('tolerates a first message delayed by a stalled hub, and crystal drift over a week', () => {
    const timeline = new DeviceTimeline();
    // The anchoring copy waited 20 s in a socket buffer; later copies arrive at once.
    expect(kinds(feed(timeline, [copy('a', 1_000, 1_000, T0 + 20_000), copy('a', 2_000, 2_000, T0 + 1_000)]))).toEqual(['anchored', 'anchored']);
    // 200 ppm fast for a week: 121 s ahead of the hub by the end.
    const fast = new DeviceTimeline();
    const drifted = Array.from({ length: 100 }, (_, i) => {
      const hubElapsed = (i * WEEK) / 99;
      return copy('a', Math.round(hubElapsed * 1.0002), Math.round(hubElapsed * 1.0002), T0 + hubElapsed);
    });
    expect(kinds(feed(fast, drifted)).every((k) => k === 'anchored')).toBe(true);
  });

  it('property: honest restarts, delays up to 20 s and drift up to 500 ppm are never refused', () => {
    const run = fc.record({ gapMs: fc.integer({ min: 1_000, max: WEEK }), lengthMs: fc.integer({ min: 1_000, max: WEEK }), presses: fc.integer({ min: 1, max: 30 }), ppm: fc.integer({ min: -500, max: 500 }) });
    fc.assert(fc.property(fc.array(run, { minLength: 1, maxLength: 5 }), fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 30 }), (runs, delays) => {
      const timeline = new DeviceTimeline();
      let start = T0;
      runs.forEach((r, bootIndex) => {
        start += r.gapMs;
        for (let i = 0; i < r.presses; i++) {
          const sentHub = start + Math.floor((r.lengthMs * i) / r.presses);
          const upMs = Math.round((sentHub - start) * (1 + r.ppm / 1e6));
          const placed = feed(timeline, [copy(`boot-${bootIndex}`, upMs, upMs, sentHub + delays[i % delays.length]!)])[0]!;
          expect(placed.kind).toBe('anchored');
        }
        start += r.lengthMs;
      });
    }));
  });

  it('property: once a boot was seen alive, no other boot can date a press before that, whatever it sends', () => {
    const forged = fc.record({ boot: fc.constantFrom('b1', 'b2', 'b3', 'live'), upMs: fc.nat({ max: 90 * 24 * 3_600_000 }), lead: fc.nat({ max: 10 * 24 * 3_600_000 }), withSent: fc.boolean(), dtMs: fc.nat({ max: 120_000 }) });
    fc.assert(fc.property(fc.array(forged, { maxLength: 60 }), (attempts) => {
      const timeline = new DeviceTimeline();
      const seenAlive = T0 + 1_000_000;
      feed(timeline, [copy('live', 1_000_000, 1_000_000, seenAlive)]);
      let now = seenAlive;
      for (const a of attempts) {
        now += a.dtMs;
        const press: TimelinePress = { boot: a.boot, upMs: a.upMs, sentUpMs: a.withSent ? a.upMs + a.lead : null, pressedAt: now - a.lead, receivedAt: now };
        const [placed] = feed(timeline, [press]);
        if (placed!.kind === 'anchored' && a.boot !== 'live') expect(placed!.at).toBeGreaterThanOrEqual(seenAlive - CLOCK_SLACK_MS);
        if (placed!.kind !== 'refused') expect(placed!.at).toBeLessThanOrEqual(now + 2 * CLOCK_SLACK_MS);
      }
    }));
  });
});
