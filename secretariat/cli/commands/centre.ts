import { generateSecret } from '../../../runtime/process-args.ts';
import { isId } from '../../../protocol/ids.ts';
import { SecretariatError } from '../../errors.ts';
import { localDay } from '../../local-day.ts';
import { StoreError } from '../../store/store.ts';
import { parseCommandArgs, noPositionals, onePositional, printJson, type CliIo } from '../../../runtime/cli.ts';
import { chooseStore, STORE_FLAGS, STORE_USAGE, withStore } from '../store-access.ts';

const USAGE = {
  add: `huduma-secretariat centre add CENTRE_ID ${STORE_USAGE}`,
  rotate: `huduma-secretariat centre rotate CENTRE_ID ${STORE_USAGE}`,
  list: `huduma-secretariat centre list ${STORE_USAGE}`,
};

/**
 * `centre add|rotate|list`: registers centres and their signing secrets. Works while the
 * receiver runs (it reads secrets per request). `rotate` issues a new secret for a
 * registered centre: after a leak, or after the secrets key was lost
 * (docs/security.md, "Secretariat").
 */
export async function centreCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add':
    case 'rotate': {
      const usage = USAGE[sub];
      const { values, positionals } = parseCommandArgs(rest, STORE_FLAGS, usage);
      const choice = chooseStore(values, io.env, usage);
      const centreId = onePositional(positionals, 'CENTRE_ID', usage);
      if (!isId(centreId)) {
        throw new SecretariatError('id_invalid', `centre id ${JSON.stringify(centreId)} must match ^[a-z0-9][a-z0-9-]{0,31}$ (lower-case letters, digits, dashes; 1–32 chars), the same id the hub runs with (--centre)`);
      }
      const secret = generateSecret();
      await withStore(choice, io, (store) => (sub === 'add' ? store.addCentre(centreId, secret, Date.now()) : store.rotateSecret(centreId, secret))).catch((error: unknown) => {
        if (error instanceof StoreError && error.code === 'centre_exists') {
          throw new StoreError('centre_exists', `centre "${centreId}" is already registered here; its secret was printed when it was added and is not shown again (issue a new one with "huduma-secretariat centre rotate ${centreId}")`, { cause: error });
        }
        throw error;
      });
      printJson(io, { centreId, secret });
      return 0;
    }
    case 'list': {
      const { values, positionals } = parseCommandArgs(rest, STORE_FLAGS, USAGE.list);
      const choice = chooseStore(values, io.env, USAGE.list);
      noPositionals(positionals, USAGE.list);
      const { centres, unusable } = await withStore(choice, io, async (store) => ({
        centres: await store.listCentres({ today: localDay(Date.now()) }),
        unusable: new Set(store.secrets.unusable.map((entry) => entry.centreId)),
      }));
      printJson(io, {
        centres: centres.map((c) => ({
          centreId: c.centreId,
          createdAt: c.createdAt,
          eventsTotal: c.eventsTotal,
          ackedThroughSeq: c.ackedThroughSeq,
          lastSyncAt: c.lastSyncAt,
          lastHeartbeatAt: c.lastHeartbeatAt,
          // false: its hub is refused until "centre rotate" (secrets key lost, or the row altered).
          secretUsable: !unusable.has(c.centreId),
        })),
      });
      return 0;
    }
    default:
      throw new SecretariatError('usage', `unknown centre command "${sub ?? ''}"; one of:\n  ${Object.values(USAGE).join('\n  ')}`);
  }
}
