import { AccessTokens, DEFAULT_TTL_MS, isTokenId, MAX_TTL_MS, Role } from '../../auth/access-tokens.ts';
import { systemClock } from '../../../runtime/clock.ts';
import { HubError } from '../../errors.ts';
import { parseCommandArgs, printJson, type CliIo } from '../../../runtime/cli.ts';
import { withStore } from '../store-access.ts';

const USAGE = {
  create: 'huduma-hub token create --role kiosk|officer|technician|manager [--counter ID] [--ttl 12h|30d|90m] [--data-dir DIR]',
  list: 'huduma-hub token list [--all] [--data-dir DIR]',
  revoke: 'huduma-hub token revoke ID|TOKEN [--data-dir DIR]',
};

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--ttl 12h`: minutes, hours or days; at most MAX_TTL_MS. */
export function parseTtl(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,6})([mhd])$/.exec(value);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!]! : NaN;
  if (!(ms >= 60_000 && ms <= MAX_TTL_MS)) {
    throw new HubError('usage', `--ttl must be a number with m, h or d (e.g. 90m, 12h, 30d), from 1m to ${MAX_TTL_MS / UNIT_MS.d!}d; got "${value}"\n\nusage: ${USAGE.create}`);
  }
  return ms;
}

/**
 * `token create|list|revoke`: bearer tokens for the HTTP API; only a digest is stored.
 * Every token expires (kiosk 365 days, the other roles 12 hours, unless --ttl). They
 * work while the hub runs: it reads the token table on every request.
 */
export function tokenCommand(args: string[], io: CliIo): number {
  const [sub, ...rest] = args;
  const common = { 'data-dir': { type: 'string' }, config: { type: 'string' } } as const;
  switch (sub) {
    case 'create': {
      const { values } = parseCommandArgs(rest, { ...common, role: { type: 'string' }, counter: { type: 'string' }, ttl: { type: 'string' } }, USAGE.create);
      const role = Role.safeParse(values.role);
      if (!role.success) throw new HubError('usage', `--role must be one of ${Role.options.join(', ')}\n\nusage: ${USAGE.create}`);
      const ttlMs = parseTtl(values.ttl) ?? DEFAULT_TTL_MS[role.data];
      printJson(io, withStore(values, (db, counters) => new AccessTokens(db, systemClock).create(role.data, values.counter ?? null, values.counter === undefined || role.data === 'kiosk' ? new Set() : counters(), { ttlMs })));
      return 0;
    }
    case 'list': {
      const { values, positionals } = parseCommandArgs(rest, { ...common, all: { type: 'boolean' } }, USAGE.list);
      if (positionals.length !== 0) throw new HubError('usage', `usage: ${USAGE.list}`);
      printJson(io, { tokens: withStore(values, (db) => new AccessTokens(db, systemClock).list({ all: values.all === true })) });
      return 0;
    }
    case 'revoke': {
      const { values, positionals } = parseCommandArgs(rest, common, USAGE.revoke);
      if (positionals.length !== 1) throw new HubError('usage', `usage: ${USAGE.revoke}`);
      const given = positionals[0]!;
      // Neither form: say so, instead of looking it up and answering a bare "false".
      if (!isTokenId(given) && !/^[A-Za-z0-9_-]{16,128}$/.test(given)) {
        throw new HubError('usage', `"${given.slice(0, 40)}" is neither a token id (12 hex digits, as token list shows) nor a token\n\nusage: ${USAGE.revoke}`);
      }
      const revoked = withStore(values, (db) => new AccessTokens(db, systemClock).revoke(given));
      if (revoked) {
        printJson(io, { revoked });
        return 0;
      }
      const reason = isTokenId(given) ? `no active token has id ${given}` : 'that token is not active';
      printJson(io, { revoked, reason: `${reason} (already revoked or expired, or mistyped; token list --all shows them all)` });
      throw new HubError('token_unknown', `${reason}: nothing was revoked; token list --all shows every token with its id`);
    }
    default:
      throw new HubError('usage', `unknown token command "${sub ?? ''}"; one of:\n  ${Object.values(USAGE).join('\n  ')}`);
  }
}
