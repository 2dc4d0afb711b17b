import { generateSecret } from '../../../protocol/process-args.ts';
import { isId } from '../../../protocol/ids.ts';
import { SecretariatError } from '../../errors.ts';
import { localDay } from '../../local-day.ts';
import { StoreError } from '../../store/store.ts';
import { parseCommandArgs, noPositionals, onePositional } from '../args.ts';
import { printJson, type CliIo } from '../io.ts';
import { withStore } from '../store-access.ts';

const USAGE = {
  add: 'huduma-secretariat centre add CENTRE_ID [--data-dir DIR | --database-url URL]',
  list: 'huduma-secretariat centre list [--data-dir DIR | --database-url URL]',
};

const STORE_FLAGS = { 'data-dir': { type: 'string' }, 'database-url': { type: 'string' } } as const;

/** `centre add|list`: registers centres and their signing secrets. Works while the receiver runs. */
export async function centreCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add': {
      const { values, positionals } = parseCommandArgs(rest, STORE_FLAGS, USAGE.add);
      oneStore(values, USAGE.add);
      const centreId = onePositional(positionals, 'CENTRE_ID', USAGE.add);
      if (!isId(centreId)) {
        throw new SecretariatError('id_invalid', `centre id ${JSON.stringify(centreId)} must match ^[a-z0-9][a-z0-9-]{0,31}$ (lower-case letters, digits, dashes; 1–32 chars), the same id the hub runs with (--centre)`);
      }
      const secret = generateSecret();
      await withStore(values, (store) => store.addCentre(centreId, secret, Date.now())).catch((error: unknown) => {
        if (error instanceof StoreError && error.code === 'centre_exists') {
          throw new StoreError('centre_exists', `centre "${centreId}" is already registered here; its secret was printed when it was added and is not shown again`, { cause: error });
        }
        throw error;
      });
      printJson(io, { centreId, secret });
      return 0;
    }
    case 'list': {
      const { values, positionals } = parseCommandArgs(rest, STORE_FLAGS, USAGE.list);
      oneStore(values, USAGE.list);
      noPositionals(positionals, USAGE.list);
      const centres = await withStore(values, (store) => store.listCentres({ today: localDay(Date.now()) }));
      printJson(io, {
        centres: centres.map((c) => ({
          centreId: c.centreId,
          createdAt: c.createdAt,
          eventsTotal: c.eventsTotal,
          ackedThroughSeq: c.ackedThroughSeq,
          lastSyncAt: c.lastSyncAt,
          lastHeartbeatAt: c.lastHeartbeatAt,
        })),
      });
      return 0;
    }
    default:
      throw new SecretariatError('usage', `unknown centre command "${sub ?? ''}"; one of:\n  ${Object.values(USAGE).join('\n  ')}`);
  }
}

/** --data-dir and --database-url name two different stores: asking for both is a mistake. */
function oneStore(values: { 'data-dir'?: string; 'database-url'?: string }, usage: string): void {
  if (values['data-dir'] !== undefined && values['database-url'] !== undefined) {
    throw new SecretariatError('usage', `give --data-dir or --database-url, not both\n\nusage: ${usage}`);
  }
}
