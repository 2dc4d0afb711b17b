import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { HealthSnapshot } from '../health.ts';
import { PrinterState } from '../../protocol/events/peripherals.ts';

/**
 * `GET /metrics`: the same figures as `/health`, for Prometheus. Collected from one
 * snapshot per scrape so the numbers agree with each other.
 */
export function createMetricsRegistry(snapshot: () => HealthSnapshot): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let current: HealthSnapshot | null = null;
  const take = () => (current ??= snapshot());

  const counter = (name: string, help: string, read: (h: HealthSnapshot) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read(take()));
      },
    });
  /** A counter per reason, from a `{reason: total}` map of the snapshot. */
  const byReason = (name: string, help: string, read: (h: HealthSnapshot) => Record<string, number>) =>
    new Counter({
      name,
      help,
      labelNames: ['reason'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [reason, value] of Object.entries(read(take()))) this.inc({ reason }, value);
      },
    });
  const gauge = (name: string, help: string, read: (h: HealthSnapshot) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const value = read(take());
        if (value !== null) this.set(value);
      },
    });

  new Gauge({
    name: 'huduma_hub_info',
    help: 'Hub version and centre (value is always 1)',
    labelNames: ['version', 'centre'],
    registers: [registry],
    collect() {
      const h = take();
      this.reset();
      this.set({ version: h.version, centre: h.centreId }, 1);
    },
  });
  counter('huduma_ingest_presses_total', 'Distinct valid presses stored (misuse-flagged included)', (h) => h.ingest.pressesTotal);
  counter('huduma_ingest_duplicates_total', 'Presses received again (same device, boot, seq): acknowledged, not stored twice', (h) => h.ingest.duplicatesTotal);
  counter('huduma_ingest_misuse_total', 'Stored presses flagged as repeats inside the lock-out window', (h) => h.ingest.misuseTotal);
  byReason('huduma_ingest_rejected_total', 'Connections, subscriptions and messages refused, by reason', (h) => h.ingest.rejectedByReason);
  gauge('huduma_devices_provisioned', 'Active provisioned devices', (h) => h.devices.total);
  gauge('huduma_devices_online', 'Devices that reported online on their current connection', (h) => h.devices.online);
  gauge('huduma_devices_connected', 'Devices with an MQTT connection', (h) => h.devices.connected);
  gauge('huduma_mqtt_connections', 'Open MQTT TCP connections', (h) => h.mqtt.connections);
  gauge('huduma_http_connections', 'Open HTTP connections (capped per address and in all, docs/security.md)', (h) => h.http.connections);
  gauge('huduma_http_streams', 'Open queue event streams', (h) => h.http.streams);
  byReason('huduma_http_refused_total', 'HTTP connections and requests refused by the limits in docs/security.md, by reason', (h) => h.http.refusedByReason);
  counter('huduma_event_listener_failures_total', 'In-process event listeners that threw (logged; the event still reached the others)', (h) => h.eventListenerFailures);
  counter('huduma_officer_pin_hashes_total', 'Officer PIN checks that ran the hash (at most the lock-out limit per officer per lock-out)', (h) => h.http.pinHashes);
  gauge('huduma_outbox_last_seq', 'Highest outbox seq', (h) => h.store.outboxLastSeq);
  gauge('huduma_sync_backlog_events', 'Events not yet acknowledged by the Secretariat', (h) => h.sync.backlogEvents);
  gauge('huduma_sync_oldest_unsynced_age_seconds', 'Age of the oldest unacknowledged event', (h) => h.sync.oldestUnsyncedAgeS);
  gauge('huduma_sync_last_success_timestamp_seconds', 'Last successful sync (0 = never)', (h) => (h.sync.lastSyncAt ? Date.parse(h.sync.lastSyncAt) / 1000 : 0));
  gauge('huduma_sync_acked_through_seq', "The Secretariat's contiguous acknowledgment (the sync cursor)", (h) => h.sync.ackedThroughSeq);
  gauge('huduma_sync_consecutive_failures', 'Failed exchanges with the Secretariat in a row (0 when healthy)', (h) => h.sync.consecutiveFailures);
  gauge('huduma_sync_clock_offset_ms', 'Secretariat clock minus hub clock, as last estimated', (h) => h.sync.clockOffsetMs);
  counter('huduma_sync_events_sent_total', 'Events sent to the Secretariat since start (duplicates of lost answers included)', (h) => h.sync.eventsSent);
  counter('huduma_sync_rate_limited_total', 'Batches the Secretariat answered with 429 since start', (h) => h.sync.rateLimitedTotal);
  counter('huduma_sync_quarantined_total', 'Records the Secretariat set aside as invalid', (h) => h.sync.quarantinedTotal);
  counter('huduma_sync_pruned_outbox_total', 'Acknowledged outbox rows pruned after retention', (h) => h.sync.prunedOutboxTotal);
  const stateGauge = (name: string, help: string, states: readonly string[], read: (h: HealthSnapshot) => string) =>
    new Gauge({
      name,
      help,
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const current = read(take());
        for (const state of states) this.set({ state }, state === current ? 1 : 0);
      },
    });
  stateGauge('huduma_sync_state', 'Sync sender state (1 for the current one)', ['not_configured', 'idle', 'sending', 'draining', 'backoff', 'rate_limited', 'refused', 'stopped'], (h) => h.sync.state);
  stateGauge('huduma_disk_state', 'Disk budget state (1 for the current one); refusing = new presses refused', ['ok', 'warn', 'critical', 'refusing'], (h) => h.store.diskState);
  gauge('huduma_queue_waiting', 'Tickets waiting today, all services', (h) => h.queue?.waiting ?? null);
  gauge('huduma_queue_counters_open', 'Counters open', (h) => h.queue?.countersOpen ?? null);
  gauge('huduma_queue_services_suspended', 'Services suspended (the kiosk shows their message)', (h) => h.queue?.servicesSuspended ?? null);
  stateGauge('huduma_printer_state', 'Ticket printer state (1 for the current one); paper_end, cover_open and offline stop the kiosk', PrinterState.options, (h) => h.queue?.printer.state ?? 'offline');
  counter('huduma_store_commits_total', 'Group commits', (h) => h.store.commits);
  counter('huduma_store_failed_commits_total', 'Group commits that failed (nothing in them acknowledged)', (h) => h.store.failedCommits);
  gauge('huduma_store_database_bytes', 'Size of the SQLite database file', (h) => h.store.dbBytes);
  gauge('huduma_store_wal_bytes', 'Size of the SQLite WAL file', (h) => h.store.walBytes);
  gauge('huduma_store_free_disk_bytes', 'Free bytes on the data dir file system', (h) => h.store.freeDiskBytes);

  // One snapshot per scrape: taken lazily by the first collector, dropped after.
  const metrics = registry.metrics.bind(registry);
  registry.metrics = async () => {
    try {
      return await metrics();
    } finally {
      current = null;
    }
  };
  return registry;
}
