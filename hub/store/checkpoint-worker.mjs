// Worker thread: runs the WAL checkpoints of the hub database on its own connection,
// so their fsyncs never stall the main event loop (ARCHITECTURE: "keep checkpoints off
// the hot path"). Plain JS so it loads without the TypeScript loader.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const { path, intervalMs } = workerData;
const db = new Database(path);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = FULL');

function checkpoint() {
  try {
    // PASSIVE never waits for the writer; once the whole WAL is copied back, the next
    // write starts the WAL file from the beginning again, so it stays small.
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ type: 'checkpoint', busy: row.busy, logFrames: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message) });
  }
}

const timer = setInterval(checkpoint, intervalMs);
parentPort.on('message', (message) => {
  if (message === 'stop') {
    clearInterval(timer);
    checkpoint();
    db.close();
    parentPort.postMessage({ type: 'stopped' });
  }
});
