import type { CliIo } from './cli.ts';

/**
 * The process entry every program shares, the only code that touches `process`
 * (argv, signals, umask, stdio, exit codes); everything else receives what it needs.
 *
 * - umask 077: what a program creates (databases, keys, journals, locks) is for its own
 *   user only (docs/security.md, "Files").
 * - SIGINT/SIGTERM ask the command to stop (`shutdownRequested`); a second one stops
 *   waiting for a clean shutdown (exit 130). That loses nothing: what was acknowledged
 *   is committed, and what was not is sent again by its sender.
 * - The command's answer is the exit code; a long-running command that has stopped
 *   cleanly does not wait on stray handles.
 */
export async function runMain(run: (argv: string[], io: CliIo) => Promise<number>): Promise<never> {
  process.umask(0o077);
  const shutdownRequested = new Promise<string>((resolve) => {
    let asked = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (asked) process.exit(130);
      asked = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const code = await run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    // Lazily: touching process.stdin opens it, and only a command that reads keys should.
    get stdin() {
      return process.stdin;
    },
    pid: process.pid,
    env: process.env,
    shutdownRequested,
  });
  process.exitCode = code;
  process.exit(code);
}
