// The writer thread: its connection makes every write of the hub (presses, quarantine,
// counters, presence, the queue, sync bookkeeping), group-committed here, so SQLite's
// fsyncs and WAL checkpoints never stall the main event loop that serves MQTT and HTTP
// (docs/performance.md, "Ingest"). The main thread releases PUBACKs on our replies.
// Which operations exist is up to the features the composition root names
// (workerData.features); this file knows none of them.
import { pino } from 'pino';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { hubLogOptions } from '../../logger.ts';
import { openHubDatabase } from '../database.ts';
import { BatchFailedError, GroupCommit } from '../group-commit.ts';
import { createWriterContext } from './writer-context.ts';
import { registerStoreOperations, WriteOperationRegistry, type WriterContext } from './write-operations.ts';
import type { FromWriter, OpReply, ToWriter, WriterFeatures } from './writer-protocol.ts';

const port = parentPort!;
const { dataDir, logLevel, features } = workerData as { dataDir: string; logLevel: string; features?: WriterFeatures };
const send = (message: FromWriter) => port.postMessage(message);

// Log lines go to the main thread, which writes them with its own logger.
const log = pino({ ...hubLogOptions(logLevel), base: { part: 'writer' } }, { write: (line: string) => send({ type: 'log', line }) });

// This connection checkpoints the WAL itself (SQLite's automatic PASSIVE checkpoint
// after a commit once the WAL passes 1000 pages). Run between this thread's own
// transactions, each checkpoint completes and the WAL restarts, so it stays small even
// under sustained load (a checkpointer racing a busy writer never catches up).
const db = openHubDatabase(dataDir, { role: 'writer' });
const commit = new GroupCommit({ db, log });
const context = createWriterContext(db, commit);
const registry = new WriteOperationRegistry();
registerStoreOperations(registry, context);
if (features) {
  const loaded = (await import(features.module)) as { registerWriterFeatures: (registry: WriteOperationRegistry, context: WriterContext, config: unknown) => void };
  loaded.registerWriterFeatures(registry, context, features.config);
}

function handle(message: ToWriter): void {
  if (message.type === 'close') {
    commit.close();
    db.close();
    send({ type: 'closed' });
    port.close();
    return;
  }
  const { id, ops } = message;
  const replies: OpReply[] = new Array(ops.length);
  let remaining = ops.length;
  ops.forEach((op, i) => {
    commit.submit(
      registry.item(op, (error, result) => {
        if (error) {
          const wholeBatch = error instanceof BatchFailedError;
          replies[i] = { error: { message: error.message, code: wholeBatch ? error.code : null, wholeBatch } };
        } else {
          replies[i] = { result };
        }
        if (--remaining === 0) send({ type: 'done', id, replies, stats: { ...commit.stats } });
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
