import type { Database } from 'better-sqlite3';
import type { GroupCommit } from '../group-commit.ts';
import { Outbox } from '../outbox.ts';
import { StatsCounters } from '../stats.ts';
import type { OutboxReferrer, WriterContext } from './write-operations.ts';

/** The writer thread's shared parts, handed to every feature's register function. */
export function createWriterContext(db: Database, commit: GroupCommit): WriterContext {
  const stats = new StatsCounters(db);
  commit.addParticipant(stats);
  const referrers: OutboxReferrer[] = [];
  return {
    db,
    outbox: new Outbox(db),
    stats,
    addParticipant: (participant) => commit.addParticipant(participant),
    addOutboxReferrer: (referrer) => void referrers.push(referrer),
    outboxReferrers: referrers,
  };
}
