import { SecretariatError } from '../../errors.ts';
import { createSecretsKeyFile } from '../../secrets/secrets-key.ts';
import { parseCommandArgs, noPositionals, onePositional, printJson, type CliIo } from '../../../runtime/cli.ts';
import { chooseStore, STORE_FLAGS, STORE_USAGE, withStore } from '../store-access.ts';

const USAGE = {
  create: 'huduma-secretariat key create PATH',
  replaceLost: `huduma-secretariat key replace-lost ${STORE_USAGE}`,
};

/**
 * The centre secrets key (docs/security.md, "Secretariat"). `create` writes a new key
 * file (0600, never over an existing one) for a Postgres installation, where every
 * receiver must be given the same key. `replace-lost` is the way out when the key is
 * gone: the database adopts the key given (or a new default one for SQLite), and every
 * centre whose secret was sealed with the lost key needs `centre rotate`.
 */
export async function keyCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create': {
      const { positionals } = parseCommandArgs(rest, {}, USAGE.create);
      const path = onePositional(positionals, 'PATH', USAGE.create);
      const box = createSecretsKeyFile(path);
      if (!box) throw new SecretariatError('secrets_key', `${path} already exists; a key file is never overwritten (it may be the only copy of a key in use)`);
      printJson(io, { keyFile: path, keyId: box.keyId });
      return 0;
    }
    case 'replace-lost': {
      const { values, positionals } = parseCommandArgs(rest, STORE_FLAGS, USAGE.replaceLost);
      noPositionals(positionals, USAGE.replaceLost);
      const choice = chooseStore(values, io.env, USAGE.replaceLost);
      const result = await withStore(choice, io, async (store) => ({
        keyId: store.secrets.keyId,
        keyFile: store.secrets.keyPath,
        centresToRotate: store.secrets.unusable.map((entry) => entry.centreId),
      }), { replaceLostKey: true });
      printJson(io, result);
      return 0;
    }
    default:
      throw new SecretariatError('usage', `unknown key command "${sub ?? ''}"; one of:\n  ${Object.values(USAGE).join('\n  ')}`);
  }
}
