import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CentreView } from '../noc/centre-view.ts';
import type { Admission } from './admission.ts';
import type { IntakeGate } from './intake-gate.ts';

/**
 * `GET /metrics`. Its own Registry (never prom-client's global one), so two
 * Secretariats in one test process do not collide. Request and event counters are
 * counted live; per-centre gauges are read from the store at scrape time, one read
 * per scrape so the figures agree with each other.
 */
export class SecretariatMetrics {
  readonly registry = new Registry();
  readonly syncRequests: Counter<'route' | 'outcome'>;
  readonly eventsStored: Counter;
  readonly eventsDuplicate: Counter;
  readonly eventsConflict: Counter;
  readonly eventsQuarantined: Counter;
  readonly batchApplySeconds: Histogram;
  readonly uploadsDropped: Counter<'reason'>;
  readonly intakeRefused: Counter<'limit'>;

  constructor(deps: { admission: Admission; gate: IntakeGate; centres: () => Promise<CentreView[]> }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'secretariat_' });
    this.syncRequests = new Counter({ name: 'secretariat_sync_requests_total', help: 'Sync requests answered, by route and outcome (ok or the error code)', labelNames: ['route', 'outcome'], registers });
    this.eventsStored = new Counter({ name: 'secretariat_events_stored_total', help: 'Events stored for the first time', registers });
    this.eventsDuplicate = new Counter({ name: 'secretariat_events_duplicate_total', help: 'Events received again with the same hash (acknowledged, not stored twice)', registers });
    this.eventsConflict = new Counter({ name: 'secretariat_events_conflict_total', help: 'Events received again with a different hash (kept aside, alarmed)', registers });
    this.eventsQuarantined = new Counter({ name: 'secretariat_events_quarantined_total', help: 'Records set aside in quarantine (invalid event, invalid data, hash mismatch)', registers });
    this.batchApplySeconds = new Histogram({
      name: 'secretariat_batch_apply_seconds',
      help: 'Time to apply one batch in the store',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.uploadsDropped = new Counter({ name: 'secretariat_uploads_dropped_total', help: 'Sync uploads dropped before their end: idle (no byte for the idle timeout), slow (under the minimum rate), too_large, aborted (by the client)', labelNames: ['reason'], registers });
    this.intakeRefused = new Counter({ name: 'secretariat_intake_refused_total', help: 'Sync requests refused for a limit (per_address, bodies, bytes: unverified uploads; per_centre; batches: admission)', labelNames: ['limit'], registers });
    const { admission, gate } = deps;
    new Gauge({ name: 'secretariat_unverified_bodies', help: 'Sync bodies being read whose signature is not verified yet', registers, collect() { this.set(gate.stats.unverifiedBodies); } });
    new Gauge({ name: 'secretariat_unverified_bytes', help: 'Bytes reserved by unverified sync bodies (each its Content-Length)', registers, collect() { this.set(gate.stats.unverifiedBytes); } });
    new Gauge({ name: 'secretariat_draining_bodies', help: 'Bodies of refused sync requests being read and dropped', registers, collect() { this.set(gate.stats.draining); } });
    new Gauge({ name: 'secretariat_batches_in_flight', help: 'Batch applications in flight now', registers, collect() { this.set(admission.inFlight); } });
    new Gauge({ name: 'secretariat_batches_in_flight_max', help: 'Most batch applications ever in flight at once (never above the admission limit)', registers, collect() { this.set(admission.inFlightMax); } });

    let snapshot: Promise<CentreView[]> | null = null;
    const centres = () => (snapshot ??= deps.centres().catch(() => []));
    const perCentre = (name: string, help: string, read: (c: CentreView) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['centre'],
        registers,
        async collect() {
          this.reset();
          for (const centre of await centres()) {
            const value = read(centre);
            if (value !== null) this.set({ centre: centre.centreId }, value);
          }
        },
      });
    perCentre('secretariat_centre_acked_through_seq', 'Highest seq with every seq from 1 held', (c) => c.ackedThroughSeq);
    perCentre('secretariat_centre_backlog_events', 'Events the hub has not had acknowledged (last heartbeat)', (c) => c.backlogEvents);
    perCentre('secretariat_centre_oldest_unsynced_age_seconds', 'Age of the oldest unacknowledged event at the hub (last heartbeat)', (c) => c.oldestUnsyncedAgeS);
    perCentre('secretariat_centre_seconds_since_heartbeat', 'Seconds since the last heartbeat arrived', (c) => c.silentForS);
    perCentre('secretariat_centre_devices_online', 'Feedback devices online (last heartbeat)', (c) => c.devicesOnline);

    const metrics = this.registry.metrics.bind(this.registry);
    this.registry.metrics = async () => {
      try {
        return await metrics();
      } finally {
        snapshot = null;
      }
    };
  }
}
