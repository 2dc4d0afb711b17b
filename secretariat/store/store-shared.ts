import type { SyncHeartbeat } from '../../protocol/sync/index.ts';
import { StoreError, type BatchOutcome, type CentreSummary, type IncomingEvent } from './store.ts';

/**
 * What the SQLite and Postgres stores share: deciding what a batch does given the
 * rows already held, walking the contiguous run, and shaping a CentreSummary. Each
 * store does only the SQL, so the two cannot drift apart on the rules of invariant 2.
 */

/** Multi-row inserts are cut into chunks of at most this many rows (bounded SQL parameters). */
export const INSERT_CHUNK_ROWS = 512;

export interface BatchPlan {
  /** Events to store (valid and quarantined), in batch order: none of their seqs is held. */
  inserts: IncomingEvent[];
  /** Incoming copies of held seqs with another hash: kept aside, the held row stays. */
  conflicts: IncomingEvent[];
  duplicates: number;
  /** Valid events among `inserts` (quarantined records are not events). */
  validStored: number;
  quarantined: BatchOutcome['quarantined'];
  /** Per-type counts of the valid events stored. */
  typeCounts: Map<string, number>;
  /** Feedback presses stored, per (day, rating, misuse). */
  feedbackCounts: FeedbackCount[];
  /** Highest seq among `inserts` (0 when none). */
  highestInserted: number;
}

export interface FeedbackCount {
  day: string;
  rating: number;
  misuse: boolean;
  count: number;
}

/**
 * Seqs whose held hash must be read before planning. A seq above `highestSeq` cannot
 * be held (highestSeq is the highest held), so a batch beyond it needs no lookup. During
 * a backlog drain with the hub's fresh lane on, `highestSeq` is the newest event the lane
 * carried, so each drain batch is looked up whole (an indexed read of its seqs, well under
 * a millisecond for 2000; docs/performance.md).
 */
export function seqsToLookUp(events: IncomingEvent[], highestSeq: number): number[] {
  return events.filter((event) => event.seq <= highestSeq).map((event) => event.seq);
}

/**
 * Classifies each event against `held` (seq → hash of the held row). A seq repeated
 * within the batch is judged against its first copy, as if it had arrived earlier.
 */
export function planBatch(events: IncomingEvent[], held: Map<number, string>): BatchPlan {
  const plan: BatchPlan = {
    inserts: [], conflicts: [], duplicates: 0, validStored: 0, quarantined: [],
    typeCounts: new Map(), feedbackCounts: [], highestInserted: 0,
  };
  const feedback = new Map<string, FeedbackCount>();
  const conflictKeys = new Set<string>();
  for (const event of events) {
    const heldHash = held.get(event.seq);
    if (heldHash !== undefined) {
      if (heldHash === event.hash) plan.duplicates += 1;
      else {
        // The same conflicting copy twice in one batch is one row of the conflicts table.
        const key = `${event.seq}\n${event.hash}`;
        if (!conflictKeys.has(key)) plan.conflicts.push(event);
        conflictKeys.add(key);
      }
      continue;
    }
    held.set(event.seq, event.hash);
    plan.inserts.push(event);
    plan.highestInserted = Math.max(plan.highestInserted, event.seq);
    if (event.quarantine) {
      plan.quarantined.push({ seq: event.seq, reason: event.quarantine.reason, message: event.quarantine.message });
      continue;
    }
    plan.validStored += 1;
    plan.typeCounts.set(event.type, (plan.typeCounts.get(event.type) ?? 0) + 1);
    if (event.feedback) {
      const { day, rating, misuse } = event.feedback;
      const key = `${day}\n${rating}\n${misuse}`;
      const count = feedback.get(key) ?? { day, rating, misuse, count: 0 };
      count.count += 1;
      feedback.set(key, count);
    }
  }
  plan.feedbackCounts = [...feedback.values()];
  if (plan.conflicts.length > 0) {
    // A conflict means the sender's seqs are not the ones held (a restored or replaced
    // hub database): storing the rest would ack seqs whose content this centre never
    // sent. The whole batch is refused; only the conflicting copies are kept aside
    // (and alarmed), and the sender renumbers its unsent events past highestSeq.
    return { ...plan, inserts: [], duplicates: 0, validStored: 0, quarantined: [], typeCounts: new Map(), feedbackCounts: [], highestInserted: 0 };
  }
  return plan;
}

/**
 * Advances `acked` over the seqs this batch inserted: the cheap first half of the
 * ackedThroughSeq walk. Seqs held before this batch (a fresh lane above a gap) are
 * found by the store's gap query afterwards; nothing at or below `acked` is visited.
 */
export function walkInserted(acked: number, plan: BatchPlan): number {
  if (plan.highestInserted <= acked) return acked;
  const seqs = new Set(plan.inserts.map((event) => event.seq));
  let through = acked;
  while (seqs.has(through + 1)) through += 1;
  return through;
}

/** Cuts `rows` into chunks of at most INSERT_CHUNK_ROWS, all but the last full. */
export function* chunks<T>(rows: T[], size = INSERT_CHUNK_ROWS): Generator<T[]> {
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** The centre row's columns, as numbers (Postgres bigints are parsed by the caller). */
export interface CentreRow {
  centreId: string;
  createdAt: number;
  epoch: string | null;
  eventsTotal: number;
  ackedThroughSeq: number;
  highestSeq: number;
  lastSyncAt: number | null;
  duplicatesIgnored: number;
  quarantinedTotal: number;
  conflictsTotal: number;
  lastHeartbeatAt: number | null;
  heartbeat: string | null;
}

export function centreSummary(
  row: CentreRow,
  types: Array<{ type: string; count: number }>,
  feedback: Array<{ rating: number; misuse: boolean; count: number }>,
): CentreSummary {
  // No prototype: a centre may send any type name, "__proto__" and "constructor"
  // included, and each must be an ordinary key (on {} "__proto__" would vanish).
  const eventsByType: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const { type, count } of types) eventsByType[type] = count;
  const byRating: Record<'1' | '2' | '3' | '4', number> = { 1: 0, 2: 0, 3: 0, 4: 0 };
  let presses = 0;
  for (const { rating, misuse, count } of feedback) {
    presses += count;
    const key = String(rating);
    // Misuse-flagged presses count as presses but never as a rating (as on the hub).
    if (!misuse && (key === '1' || key === '2' || key === '3' || key === '4')) byRating[key] += count;
  }
  return {
    centreId: row.centreId,
    createdAt: new Date(row.createdAt).toISOString(),
    epoch: row.epoch,
    eventsTotal: row.eventsTotal,
    eventsByType,
    ackedThroughSeq: row.ackedThroughSeq,
    highestSeq: row.highestSeq,
    lastSyncAt: isoOrNull(row.lastSyncAt),
    duplicatesIgnored: row.duplicatesIgnored,
    quarantinedTotal: row.quarantinedTotal,
    conflictsTotal: row.conflictsTotal,
    lastHeartbeatAt: isoOrNull(row.lastHeartbeatAt),
    heartbeat: row.heartbeat === null ? null : (JSON.parse(row.heartbeat) as SyncHeartbeat),
    feedbackHeldToday: { presses, byRating },
  };
}

/**
 * Every failure leaves the store as a StoreError: our own codes pass through, anything
 * the database threw becomes `store_unavailable` (the receiver answers 503 and the hub
 * retries; the batch's transaction was rolled back, so retrying is safe).
 */
export function asStoreError(error: unknown, doing: string, scrub: (text: string) => string = (text) => text): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError('store_unavailable', `${doing} failed: ${scrub(message)}`, { cause: error });
}
