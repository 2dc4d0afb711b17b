import { randomBytes } from 'node:crypto';

/**
 * Process-contract helpers shared by the three programs (hub, bridge, Secretariat).
 *
 * Generated secrets and passwords use only [A-Za-z0-9_-] (process contract). One in 64
 * base64url strings begins with '-', and node's parseArgs refuses `--password -abc` as
 * ambiguous, so an operator pasting such a password into a command line got a usage
 * error instead of a running bridge. New secrets never begin with '-'; secrets issued
 * before (or set by hand) still work through `bindDashValues`.
 */
export function generateSecret(): string {
  for (;;) {
    // 256 random bits, 43 characters; the retry costs under 0.03 bits of entropy.
    const secret = randomBytes(32).toString('base64url');
    if (!secret.startsWith('-')) return secret;
  }
}

interface OptionShape {
  type: 'string' | 'boolean';
}

/**
 * Rewrites `--name VALUE` as `--name=VALUE` where `name` is a string option and VALUE
 * begins with '-' but is not itself one of the options: parseArgs would otherwise refuse
 * the value (a password beginning with '-') as ambiguous. A forgotten value followed by
 * another option (`--config --data-dir x`) is left alone, so its error stays clear.
 * Only long options: none of our programs has short ones.
 */
export function bindDashValues(args: readonly string[], options: Readonly<Record<string, OptionShape>>): string[] {
  const optionName = (arg: string): string | undefined => (arg.startsWith('--') ? arg.slice(2).split('=', 1)[0] : undefined);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    const takesValue = arg.startsWith('--') && !arg.includes('=') && options[arg.slice(2)]?.type === 'string';
    const nextIsOption = next !== undefined && (next === '--' || (optionName(next) ?? '') in options);
    if (takesValue && next !== undefined && next.startsWith('-') && !nextIsOption) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
