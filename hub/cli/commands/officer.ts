import { isId } from '../../../protocol/ids.ts';
import { OfficerPins } from '../../auth/officer-pins.ts';
import { systemClock } from '../../../runtime/clock.ts';
import { HubError } from '../../errors.ts';
import { onePositional, parseCommandArgs, printJson, type CliIo } from '../../../runtime/cli.ts';
import { withStore, withStoreAsync } from '../store-access.ts';

const USAGE = {
  add: 'huduma-hub officer add OFFICER_ID --name NAME [--pin DIGITS] [--force] [--data-dir DIR]',
  unlock: 'huduma-hub officer unlock OFFICER_ID [--data-dir DIR]',
  list: 'huduma-hub officer list [--data-dir DIR]',
};

/**
 * `officer add|unlock|list`: the officers who log in at a counter console with a PIN. The PIN
 * is printed once (generated when --pin is not given) and stored only as a hash.
 */
export async function officerCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const common = { 'data-dir': { type: 'string' }, config: { type: 'string' } } as const;
  switch (sub) {
    case 'add': {
      const { values, positionals } = parseCommandArgs(rest, { ...common, name: { type: 'string' }, pin: { type: 'string' }, force: { type: 'boolean' } }, USAGE.add);
      const officerId = onePositional(positionals, 'OFFICER_ID', USAGE.add);
      if (!isId(officerId)) throw new HubError('id_invalid', `officer id "${officerId}" must be lower-case letters, digits and dashes (1–32 characters)`);
      if (!values.name) throw new HubError('usage', `--name is required (the officer's name, shown on the console)\n\nusage: ${USAGE.add}`);
      const added = await withStoreAsync(values, (db) => new OfficerPins(db, systemClock).add(officerId, values.name!, values.pin, values.force === true));
      printJson(io, added);
      return 0;
    }
    case 'unlock': {
      // A supervisor lifts a PIN lock-out without giving a new PIN (docs/security.md).
      const { values, positionals } = parseCommandArgs(rest, common, USAGE.unlock);
      const officerId = onePositional(positionals, 'OFFICER_ID', USAGE.unlock);
      printJson(io, withStore(values, (db) => new OfficerPins(db, systemClock).unlock(officerId)));
      return 0;
    }
    case 'list': {
      const { values } = parseCommandArgs(rest, common, USAGE.list);
      printJson(io, { officers: withStore(values, (db) => new OfficerPins(db, systemClock).list()) });
      return 0;
    }
    default:
      throw new HubError('usage', `unknown officer command "${sub ?? ''}"; one of:\n  ${Object.values(USAGE).join('\n  ')}`);
  }
}
