import type { Database } from 'better-sqlite3';
import { ConfigApplier } from './config/config-applier.ts';
import type { LiveConfig } from './config/live-config.ts';
import type { DeviceRegistry } from './devices/device-registry.ts';
import { writeCentreCounters } from './devices/device-store.ts';
import type { Logger } from './logger.ts';
import type { DisplaysPart } from './peripherals/displays-part.ts';
import type { TicketJobs } from './peripherals/ticket-jobs.ts';
import { queueRulesOf, type QueuePart } from './queue/queue-part.ts';
import type { StoreWriter } from './store/writer/store-writer.ts';
import { hubWriterFeatures } from './writer-features.ts';

/**
 * The composition root's half of a live config change (docs/live-config.md): which parts
 * may refuse it, and how each part follows an applied one. Every reader of the live
 * sections either reads `LiveConfig.current` when it needs it (routes, ingest's
 * lock-outs, device configs) or is told here.
 */
export function wireLiveConfig(parts: {
  live: LiveConfig;
  db: Database;
  writer: StoreWriter;
  registry: DeviceRegistry;
  queue: QueuePart;
  displays: DisplaysPart;
  ticketJobs: TicketJobs;
  /** Every device's retained config again: a counter's label or lock-out may have changed. */
  republishDeviceConfigs: () => Promise<unknown>;
  log: Logger;
}): ConfigApplier {
  const { live, db, registry, queue, displays, ticketJobs, log } = parts;
  live.onChange((next, previous) => {
    // The CLI's `device add|move` check counters against this table (another process).
    writeCentreCounters(db, next.counters);
    // The engine took the rules already; a restarted writer thread must start with them too.
    parts.writer.setFeatures(hubWriterFeatures({ queueRules: queueRulesOf(next) }));
    displays.followCounters(next.counters);
    ticketJobs.followServices(next.services);
    void parts.republishDeviceConfigs();
    log.info({ services: next.services.length, counters: next.counters.length, before: { services: previous.services.length, counters: previous.counters.length } }, 'live config applied');
  });
  return new ConfigApplier({
    live,
    vetoes: [
      // A device's presses must count for a counter the centre has.
      (next) => {
        const counters = new Set(next.counters.map((c) => c.id));
        const orphans = new Map<string, string[]>();
        for (const device of registry.all()) if (!counters.has(device.counterId)) orphans.set(device.counterId, [...(orphans.get(device.counterId) ?? []), device.deviceId]);
        return [...orphans].map(([counterId, devices]) => ({
          path: 'counters',
          message: `counter "${counterId}" has feedback device(s) ${devices.sort().join(', ')}: move them (PUT /api/devices/{id}/counter) or revoke them before removing the counter`,
        }));
      },
    ],
    swapQueueRules: (next) => queue.replaceRules(queueRulesOf(next)),
  });
}
