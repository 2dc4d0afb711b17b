import type { Writable } from 'node:stream';

/** What a CLI command may touch; main.ts supplies the process's, tests their own. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  pid: number;
  /** The environment: secrets may come from it (HUDUMA_NOC_TOKEN, CREDENTIALS_DIRECTORY, …; cli/secret-source.ts). */
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  shutdownRequested: Promise<string>;
}

/** A command that prints JSON prints only that JSON on stdout (process contract). */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}
