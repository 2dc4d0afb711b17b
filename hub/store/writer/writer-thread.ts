// The writer thread: its connection makes every write of the hub's ingest path
// (presses, quarantine, counters, presence, telemetry), group-committed here, so SQLite's fsyncs and WAL checkpoints never
// stall the main event loop that serves MQTT and HTTP (ARCHITECTURE, known traps:
// "move writes to a worker"). The main thread releases PUBACKs on our replies.
import { pino } from 'pino';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { hubLogOptions } from '../../logger.ts';
import { openHubDatabase } from '../database.ts';
import { BatchFailedError, GroupCommit } from '../group-commit.ts';
import type { QueueRules } from '../../queue/engine/queue-engine.ts';
import { OpApplier } from './op-applier.ts';
import type { FromWriter, ToWriter, WriteResult } from './ops.ts';

const port = parentPort!;
const { dataDir, logLevel, queueRules } = workerData as { dataDir: string; logLevel: string; queueRules?: QueueRules };
const send = (message: FromWriter) => port.postMessage(message);

// Log lines go to the main thread, which writes them with its own logger.
const log = pino({ ...hubLogOptions(logLevel), base: { part: 'writer' } }, { write: (line: string) => send({ type: 'log', line }) });

// This connection checkpoints the WAL itself (SQLite's automatic PASSIVE checkpoint
// after a commit once the WAL passes 1000 pages). Run between this thread's own
// transactions, each checkpoint completes and the WAL restarts, so it stays small even
// under sustained load (a checkpointer racing a busy writer never catches up).
const db = openHubDatabase(dataDir, { role: 'writer' });
const commit = new GroupCommit({ db, log });
const applier = new OpApplier(db, queueRules ?? null);
for (const participant of applier.participants) commit.addParticipant(participant);

function handle(message: ToWriter): void {
  if (message.type === 'close') {
    commit.close();
    db.close();
    send({ type: 'closed' });
    port.close();
    return;
  }
  const { id, ops } = message;
  const results: WriteResult[] = new Array(ops.length);
  let remaining = ops.length;
  ops.forEach((op, i) => {
    commit.submit(
      applier.item(op, (error, result) => {
        if (error) {
          const wholeBatch = error instanceof BatchFailedError;
          result.error = { message: error.message, code: wholeBatch ? error.code : null, wholeBatch };
        }
        results[i] = result;
        if (--remaining === 0) send({ type: 'done', id, results, stats: { ...commit.stats } });
      }),
    );
  });
}

port.on('message', (message: ToWriter) => {
  handle(message);
  // Take every message already queued now, so they share one transaction, and
  // commit at once: this thread has nothing else to wait for.
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) handle(next.message as ToWriter);
  if (db.open) commit.flushNow();
});
send({ type: 'ready' });
