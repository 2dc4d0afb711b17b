// The Secretariat's process entry: the only module that touches `process` (argv,
// signals, exit codes, stdio). Everything else receives what it needs.
import { runCli } from './cli/run.ts';

// Everything the Secretariat writes (its database, the secrets key, SQLite's -wal and
// -shm) is for this user only (docs/security.md, "Secretariat").
process.umask(0o077);

const shutdownRequested = new Promise<string>((resolve) => {
  let asked = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (asked) {
      // A second Ctrl-C: stop waiting for a clean shutdown. An acknowledged batch is
      // already committed, and an unacknowledged one is resent by its hub.
      process.exit(130);
    }
    asked = true;
    resolve(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  pid: process.pid,
  env: process.env,
  shutdownRequested,
});
process.exitCode = code;
// A long-running command has stopped cleanly; do not wait on stray handles.
process.exit(code);
