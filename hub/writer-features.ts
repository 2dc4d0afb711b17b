import { registerAlertWrites } from './alerts/alert-writes.ts';
import { registerAuditWrites } from './audit/audit-writes.ts';
import { registerPresenceWrites } from './devices/presence-writes.ts';
import { registerIngestWrites } from './ingest/ingest-writes.ts';
import type { QueueRules } from './queue/engine/queue-engine.ts';
import { registerQueueWrites } from './queue/queue-writes.ts';
import type { WriteOperationRegistry, WriterContext } from './store/writer/write-operations.ts';
import type { WriterFeatures } from './store/writer/writer-protocol.ts';
import { registerSyncWrites } from './sync/sync-writes.ts';

/** What the hub's features need in the writer thread (plain data: it crosses by structured clone). */
export interface HubWriterConfig {
  /** The centre's queue rules; null runs the store without the queue (store-only tests). */
  queueRules: QueueRules | null;
}

/**
 * The writer thread's half of the composition root: the hub's features register their
 * write operations here, in the thread, so `store/` runs them without knowing them.
 * Adding a feature means a line here, never a change in `store/`.
 */
export function registerWriterFeatures(registry: WriteOperationRegistry, context: WriterContext, config: HubWriterConfig): void {
  const queue = config.queueRules ? registerQueueWrites(registry, context, config.queueRules) : null;
  registerIngestWrites(registry, context, queue ? (counterId, pressedAtMs) => queue.ticketForFeedback(counterId, pressedAtMs) : null);
  registerPresenceWrites(registry, context);
  registerSyncWrites(registry, context);
  registerAuditWrites(registry, context);
  registerAlertWrites(registry, context);
}

/** For the StoreWriter: this module (as .ts from sources, .js in the compiled runtime) and its config. */
export function hubWriterFeatures(config: HubWriterConfig): WriterFeatures {
  return { module: import.meta.url, config };
}
