import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { HealthSnapshot } from '../health.ts';

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
  new Counter({
    name: 'huduma_ingest_rejected_total',
    help: 'Connections, subscriptions and messages refused, by reason',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, value] of Object.entries(take().ingest.rejectedByReason)) this.inc({ reason }, value);
    },
  });
  gauge('huduma_devices_provisioned', 'Active provisioned devices', (h) => h.devices.total);
  gauge('huduma_devices_online', 'Devices that reported online on their current connection', (h) => h.devices.online);
  gauge('huduma_devices_connected', 'Devices with an MQTT connection', (h) => h.devices.connected);
  gauge('huduma_mqtt_connections', 'Open MQTT TCP connections', (h) => h.mqtt.connections);
  gauge('huduma_outbox_last_seq', 'Highest outbox seq', (h) => h.store.outboxLastSeq);
  gauge('huduma_sync_backlog_events', 'Events not yet acknowledged by the Secretariat', (h) => h.sync.backlogEvents);
  gauge('huduma_sync_oldest_unsynced_age_seconds', 'Age of the oldest unacknowledged event', (h) => h.sync.oldestUnsyncedAgeS);
  gauge('huduma_sync_last_success_timestamp_seconds', 'Last successful sync (0 = never)', (h) => (h.sync.lastSyncAt ? Date.parse(h.sync.lastSyncAt) / 1000 : 0));
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
