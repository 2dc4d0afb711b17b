import { describe, expect, it } from 'vitest';
import type { AlertKind, AlertSubject } from '../../protocol/events/alerts.ts';
import { ManualClock } from '../../runtime/clock.ts';
import { EventBus } from '../../hub/event-bus.ts';
import { StandardsMonitor, type AlertSink, type ServiceMeasure, type StandardsRules } from '../../hub/alerts/standards-monitor.ts';
import { capturingLogger } from '../helpers/log-capture.ts';

/** An in-memory alert list with the AlertBook's contract: numbered raises, clears of active ones only. */
class AlertList implements AlertSink {
  readonly log: string[] = [];
  readonly alerts = new Map<number, { id: number; kind: AlertKind; serviceId?: string; active: boolean }>();
  #next = 1;
  constructor(readonly clock: ManualClock) {}
  async raise(kind: AlertKind, subject: Partial<AlertSubject>, value: number, threshold: number): Promise<number> {
    const id = this.#next++;
    this.alerts.set(id, { id, kind, serviceId: subject.serviceId!, active: true });
    this.log.push(`${this.minute()} raised ${kind} ${subject.serviceId} ${value}>${threshold}`);
    return id;
  }
  async clear(alertId: number, value: number): Promise<unknown> {
    const alert = this.alerts.get(alertId)!;
    if (!alert.active) throw new Error(`alert ${alertId} cleared twice`);
    alert.active = false;
    this.log.push(`${this.minute()} cleared ${alert.kind} ${alert.serviceId} ${value}`);
    return {};
  }
  list(): Array<{ id: number; kind: AlertKind; serviceId?: string }> {
    return [...this.alerts.values()].filter((a) => a.active);
  }
  minute(): string {
    return `t+${(this.clock.now() - START) / 60_000}m`;
  }
}

const START = Date.parse('2026-12-07T07:00:00Z');
const RULES: StandardsRules = { maxQueueLength: 40, queueHysteresis: 5, targetWaitMin: 20, waitClearMarginMin: 5, services: { passport: { maxQueueLength: 10 } } };

function setup(rules: StandardsRules = RULES) {
  const clock = new ManualClock(START);
  const bus = new EventBus();
  const sink = new AlertList(clock);
  let measures: ServiceMeasure[] = [];
  const monitor = new StandardsMonitor({ measure: () => measures, rules: () => rules, sink, clock, bus, intervalMs: 60_000, log: capturingLogger().log });
  const set = (m: Array<[string, number, number]>) => (measures = m.map(([serviceId, waiting, longestWaitMin]) => ({ serviceId, waiting, longestWaitMin })));
  /** A queue change as the queue announces it; resolves once the check it caused is done. */
  const changed = async (m: Array<[string, number, number]>) => {
    set(m);
    bus.emit('queue.changed', { kind: 'issue', ticket: null, counterId: null });
    await monitor.check();
  };
  return { clock, sink, monitor, set, changed };
}

describe('standards: queue_too_long with hysteresis', () => {
  it('fires above the max, holds between max−hysteresis and max, clears at max−hysteresis; per-service max applies', async () => {
    const { clock, sink, monitor, changed } = setup();
    monitor.start();
    await changed([['birth-cert', 40, 0], ['passport', 10, 0]]); // at the limit: not over
    expect(sink.log).toEqual([]);
    clock.advance(60_000);
    await changed([['birth-cert', 41, 0], ['passport', 11, 0]]);
    expect(sink.log).toEqual(['t+1m raised queue_too_long birth-cert 41>40', 't+1m raised queue_too_long passport 11>10']);
    // Hovering around the limit: no flapping, no second alert.
    for (const waiting of [39, 40, 41, 42, 36]) {
      clock.advance(60_000);
      await changed([['birth-cert', waiting, 0], ['passport', 11, 0]]);
    }
    expect(sink.log).toHaveLength(2);
    clock.advance(60_000);
    await changed([['birth-cert', 35, 0], ['passport', 5, 0]]);
    expect(sink.log.slice(2)).toEqual(['t+7m cleared queue_too_long birth-cert 35', 't+7m cleared queue_too_long passport 5']);
    // Over again: a new alert.
    clock.advance(60_000);
    await changed([['birth-cert', 41, 0], ['passport', 5, 0]]);
    expect(sink.log.slice(4)).toEqual(['t+8m raised queue_too_long birth-cert 41>40']);
    expect([...monitor.active.keys()]).toEqual(['queue_too_long birth-cert']);
    monitor.stop();
  });
});

describe('standards: wait_over_target on the clock tick', () => {
  it('fires when the longest wait passes the target with no queue change, clears at target−margin', async () => {
    const { clock, sink, monitor, set } = setup();
    monitor.start();
    // One ticket waiting since t+0; nothing else happens, only the minute tick.
    const tick = async (minutes: number) => {
      for (let i = 0; i < minutes; i++) {
        clock.advance(60_000);
        set([['birth-cert', 1, (clock.now() - START) / 60_000]]);
        await monitor.check();
      }
    };
    await tick(20);
    expect(sink.log).toEqual([]); // 20 min is the target itself
    await tick(1);
    expect(sink.log).toEqual(['t+21m raised wait_over_target birth-cert 21>20']);
    await tick(10);
    expect(sink.log).toHaveLength(1);
    // Called: the next oldest has waited 18 min (under target, above the margin): still active.
    clock.advance(60_000);
    set([['birth-cert', 1, 18]]);
    await monitor.check();
    expect(sink.log).toHaveLength(1);
    set([['birth-cert', 0, 0]]);
    clock.advance(60_000);
    await monitor.check();
    expect(sink.log.slice(1)).toEqual(['t+33m cleared wait_over_target birth-cert 0']);
    monitor.stop();
  });

  it('the repeating tick alone (no explicit check) raises it, and a restarted monitor takes over and clears alerts left active', async () => {
    const { clock, sink, monitor, set } = setup();
    set([['passport', 3, 25]]);
    monitor.start();
    expect(sink.log).toEqual([]);
    // The tick's check raises synchronously up to its first await: no explicit check here.
    clock.advance(60_000);
    expect(sink.log).toEqual(['t+1m raised wait_over_target passport 25>20']);
    await monitor.check();
    expect(sink.log).toHaveLength(1);
    monitor.stop();
    const again = new StandardsMonitor({ measure: () => [{ serviceId: 'passport', waiting: 0, longestWaitMin: 0 }], rules: () => RULES, sink, clock, intervalMs: 60_000, log: capturingLogger().log });
    again.start();
    expect([...again.active.keys()]).toEqual(['wait_over_target passport']);
    await again.check();
    expect(sink.log.slice(1)).toEqual(['t+1m cleared wait_over_target passport 0']);
    expect(sink.list()).toEqual([]);
    again.stop();
  });
});
