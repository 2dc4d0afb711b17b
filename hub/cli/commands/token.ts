import { AccessTokens, Role } from '../../auth/access-tokens.ts';
import { systemClock } from '../../clock.ts';
import { HubError } from '../../errors.ts';
import { parseCommandArgs } from '../args.ts';
import { printJson, type CliIo } from '../io.ts';
import { withStore } from '../store-access.ts';

const USAGE = {
  create: 'huduma-hub token create --role kiosk|officer|technician|manager [--counter ID] [--data-dir DIR]',
  revoke: 'huduma-hub token revoke TOKEN [--data-dir DIR]',
};

/** `token create|revoke`: bearer tokens for the HTTP API; only a digest is stored. */
export function tokenCommand(args: string[], io: CliIo): number {
  const [sub, ...rest] = args;
  const common = { 'data-dir': { type: 'string' }, config: { type: 'string' } } as const;
  switch (sub) {
    case 'create': {
      const { values } = parseCommandArgs(rest, { ...common, role: { type: 'string' }, counter: { type: 'string' } }, USAGE.create);
      const role = Role.safeParse(values.role);
      if (!role.success) throw new HubError('usage', `--role must be one of ${Role.options.join(', ')}\n\nusage: ${USAGE.create}`);
      printJson(io, withStore(values, (db, counters) => new AccessTokens(db, systemClock).create(role.data, values.counter ?? null, counters)));
      return 0;
    }
    case 'revoke': {
      const { values, positionals } = parseCommandArgs(rest, common, USAGE.revoke);
      if (positionals.length !== 1) throw new HubError('usage', `usage: ${USAGE.revoke}`);
      const revoked = withStore(values, (db) => new AccessTokens(db, systemClock).revoke(positionals[0]!));
      printJson(io, { revoked });
      return revoked ? 0 : 1;
    }
    default:
      throw new HubError('usage', `unknown token command "${sub ?? ''}"; one of:\n  ${Object.values(USAGE).join('\n  ')}`);
  }
}
