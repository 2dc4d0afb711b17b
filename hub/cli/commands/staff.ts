import { AccessTokens } from '../../auth/access-tokens.ts';
import { StaffAccounts, StaffRole } from '../../auth/staff-accounts.ts';
import { systemClock } from '../../../runtime/clock.ts';
import { onePositional, parseCommandArgs, printJson, type CliIo } from '../../../runtime/cli.ts';
import { HubError } from '../../errors.ts';
import { withStore, withStoreAsync } from '../store-access.ts';

const USAGE = {
  add: 'huduma-hub staff add NAME --role technician|manager [--force] [--data-dir DIR]',
  list: 'huduma-hub staff list [--data-dir DIR]',
  remove: 'huduma-hub staff remove NAME [--data-dir DIR]',
};

/**
 * `staff add|list|remove`: the technicians and managers who log in at /technician and
 * /manager (docs/security.md, "Staff login"). The password is generated, printed once
 * and stored only as a hash; `--force` gives an existing member a new one and ends
 * their sessions, `remove` ends them too.
 */
export async function staffCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const common = { 'data-dir': { type: 'string' }, config: { type: 'string' } } as const;
  switch (sub) {
    case 'add': {
      const { values, positionals } = parseCommandArgs(rest, { ...common, role: { type: 'string' }, force: { type: 'boolean' } }, USAGE.add);
      const name = onePositional(positionals, 'NAME', USAGE.add);
      const role = StaffRole.safeParse(values.role);
      if (!role.success) throw new HubError('usage', `--role must be technician or manager${values.role === undefined ? '' : ` (got "${values.role}")`}\n\nusage: ${USAGE.add}`);
      const added = await withStoreAsync(values, async (db) => {
        const member = await new StaffAccounts(db, systemClock).add(name, role.data, values.force === true);
        if (values.force === true) new AccessTokens(db, systemClock).revokeStaff(name);
        return member;
      });
      printJson(io, added);
      return 0;
    }
    case 'list': {
      const { values } = parseCommandArgs(rest, common, USAGE.list);
      printJson(io, { staff: withStore(values, (db) => new StaffAccounts(db, systemClock).list()) });
      return 0;
    }
    case 'remove': {
      const { values, positionals } = parseCommandArgs(rest, common, USAGE.remove);
      const name = onePositional(positionals, 'NAME', USAGE.remove);
      const sessionsEnded = withStore(values, (db) =>
        db.transaction(() => {
          new StaffAccounts(db, systemClock).remove(name);
          return new AccessTokens(db, systemClock).revokeStaff(name);
        })(),
      );
      printJson(io, { removed: name, sessionsEnded });
      return 0;
    }
    default:
      throw new HubError('usage', `unknown staff command "${sub ?? ''}"; one of:\n  ${Object.values(USAGE).join('\n  ')}`);
  }
}
