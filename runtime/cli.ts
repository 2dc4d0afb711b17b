import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Writable } from 'node:stream';
import { bindDashValues } from './process-args.ts';

/** What a CLI command may touch; each program's main.ts supplies the process's, tests their own. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  pid: number;
  /** The environment: secrets may come from it (runtime/secret-sources.ts). */
  env: Readonly<Record<string, string | undefined>>;
  /** The process's stdin, for a command that reads keys (the bridge's emulated board); absent in tests that give none. */
  stdin?: NodeJS.ReadableStream;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  shutdownRequested: Promise<string>;
}

/** A command that prints JSON prints only that JSON on stdout (process contract). */
export function printJson(io: Pick<CliIo, 'stdout'>, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

/** A command line the program cannot take (code `usage`, exit 64): the message names the flag and the usage. */
export class UsageError extends Error {
  readonly code = 'usage';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict option parsing: an unknown flag is a usage error naming it. */
export function parseCommandArgs<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: bindDashValues(args, options), options, allowPositionals: true, strict: true });
  } catch (error) {
    const unknown = (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-[^']*)'/.exec((error as Error).message)?.[1] : undefined;
    if (unknown !== undefined) throw new UsageError(`${unknownFlagMessage(unknown, Object.keys(options))}\n\nusage: ${usage}`);
    throw new UsageError(`${(error as Error).message}\n\nusage: ${usage}`);
  }
}

/** "unknown flag --mqtt-portt; did you mean --mqtt-port?": the nearest known flag, else the list. */
export function unknownFlagMessage(flag: string, known: readonly string[]): string {
  const name = flag.replace(/^-+/, '').split('=', 1)[0]!;
  const ranked = known.map((option) => ({ option, distance: editDistance(name, option) })).sort((a, b) => a.distance - b.distance);
  const best = ranked[0];
  // Close enough to be a typo: a third of the name's letters at most (--data-dri, --mqttport, --verbos).
  if (best && best.distance <= Math.max(2, Math.floor(name.length / 3))) return `unknown flag ${flag.split('=', 1)[0]}; did you mean --${best.option}?`;
  return `unknown flag ${flag.split('=', 1)[0]}; the flags here are ${known.map((o) => `--${o}`).join(', ')}`;
}

/** Levenshtein distance (insert, delete, substitute), for flag suggestions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = row;
  }
  return previous[b.length]!;
}

export function portFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`${name} must be a port number from 0 to 65535 (0 = any free port), got "${value}"`);
  return port;
}

export function positiveIntFlag(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) throw new UsageError(`${name} must be a whole number from 1 to ${max}, got "${value}"`);
  return n;
}

/** Seconds (decimals allowed: tests shorten timeouts) from `min` to `max`, returned in ms. */
export function secondsFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const s = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || s < min || s > max) throw new UsageError(`${name} must be a number of seconds from ${min} to ${max}, got "${value}"`);
  return Math.round(s * 1000);
}

export function onePositional(positionals: string[], what: string, usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected one ${what}, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n\nusage: ${usage}`);
  return positionals[0]!;
}

export function noPositionals(positionals: string[], usage: string): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n\nusage: ${usage}`);
}
