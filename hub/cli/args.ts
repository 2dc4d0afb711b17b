import { parseArgs, type ParseArgsConfig } from 'node:util';
import { bindDashValues } from '../../protocol/process-args.ts';
import { HubError } from '../errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict option parsing: an unknown flag is a usage error naming it. */
export function parseCommandArgs<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: bindDashValues(args, options), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new HubError('usage', `${(error as Error).message}\n\nusage: ${usage}`);
  }
}

export function portFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new HubError('usage', `${name} must be a port number from 0 to 65535 (0 = any free port), got "${value}"`);
  return port;
}

export function onePositional(positionals: string[], what: string, usage: string): string {
  if (positionals.length !== 1) throw new HubError('usage', `expected one ${what}, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}\n\nusage: ${usage}`);
  return positionals[0]!;
}
