import type { WriteOperationRegistry, WriterContext } from '../store/writer/write-operations.ts';
import type { QueueCommand, QueueResult, QueueTime } from './commands.ts';
import { QueueEngine, type QueueRules } from './engine/queue-engine.ts';
import type { StrandReason } from './engine/rules-change.ts';

/** A queue command (hub/queue/commands.ts), applied by the queue engine in the writer thread. */
export interface QueueOp {
  kind: 'queue';
  command: QueueCommand;
  time: QueueTime;
}

/** New rules from a live config change (docs/live-config.md), swapped between two commands. */
export interface QueueRulesOp {
  kind: 'queue_rules';
  rules: QueueRules;
  time: QueueTime;
}

declare module '../store/writer/write-operations.ts' {
  interface WriteOperations {
    /** `queue`: the engine's answer (a refusal wrote nothing). */
    queue: { op: QueueOp; result: { queue: QueueResult } };
    /** `queue_rules`: why the rules were not swapped; empty when they were. */
    queue_rules: { op: QueueRulesOp; result: { stranded: StrandReason[] } };
  }
}

/**
 * The queue's writes: every command runs in the writer thread inside the group-commit
 * savepoint, so each state change commits with its events and commands are serialised
 * (docs/queue.md). Returns the engine, which also answers which ticket a feedback press
 * rates.
 */
export function registerQueueWrites(registry: WriteOperationRegistry, context: WriterContext, rules: QueueRules): QueueEngine {
  const engine = new QueueEngine(context.db, context.outbox, rules);
  registry.register('queue', { apply: (op) => ({ queue: engine.apply(op.command, op.time) }) });
  context.addParticipant(engine.rulesChange);
  registry.register('queue_rules', { apply: (op) => ({ stranded: engine.replaceRules(op.rules, op.time) }) });
  return engine;
}
