// The hub's process entry: the only module that touches `process` (signals, exit
// codes, stdio). Everything else receives what it needs.
import { runCli } from './cli/run.ts';

// Everything this process creates (databases, keys, the lock) is for its own user only
// (docs/security.md, "Files").
process.umask(0o077);

const shutdownRequested = new Promise<string>((resolve) => {
  let asked = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (asked) {
      // A second Ctrl-C: stop waiting for a clean shutdown. Acknowledged data is
      // already committed, so this loses nothing.
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
  shutdownRequested,
});
process.exitCode = code;
// A long-running command has stopped cleanly; do not wait on stray handles.
process.exit(code);
