// The bridge's process entry: the only module that touches `process`.
import { runBridgeCli } from './cli.ts';

// The journal and the saved hub credentials are for this user only (docs/security.md, "Files").
process.umask(0o077);

const shutdownRequested = new Promise<string>((resolve) => {
  let asked = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal: stop waiting. Votes are already in the journal.
    if (asked) process.exit(130);
    asked = true;
    resolve(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
});

const code = await runBridgeCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, shutdownRequested });
process.exitCode = code;
process.exit(code);
