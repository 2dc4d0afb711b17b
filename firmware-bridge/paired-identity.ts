import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Id } from '../protocol/ids.ts';
import { ensurePrivateDir, makeFilesPrivate, PRIVATE_FILE_MODE } from '../runtime/private-files.ts';
import { BridgeError } from './errors.ts';

const FILE = 'paired-device.json';

/** The identity a bridge claimed with a pairing code; from then on it connects as this device. */
export const PairedIdentity = z.strictObject({
  centreId: Id,
  deviceId: Id,
  counterId: Id,
  password: z.string().min(1),
  pairedAt: z.string(),
});
export type PairedIdentity = z.infer<typeof PairedIdentity>;

export function pairedIdentityPath(dataDir: string): string {
  return join(dataDir, FILE);
}

/** The saved identity, or null when this data dir never paired. A damaged file is an error, not a reason to pair again. */
export function loadPairedIdentity(dataDir: string): PairedIdentity | null {
  const path = pairedIdentityPath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new BridgeError('config_unreadable', `cannot read the paired identity ${path}: ${(error as Error).message}`);
  }
  let parsed;
  try {
    parsed = PairedIdentity.safeParse(JSON.parse(text));
  } catch (error) {
    throw new BridgeError('config_invalid', `${path} is not valid JSON (${(error as Error).message}); remove it and pair again with a new code`);
  }
  if (!parsed.success) throw new BridgeError('config_invalid', `${path} is not a paired identity; remove it and pair again with a new code`);
  return parsed.data;
}

/**
 * Writes the identity in the data dir (0700) as a 0600 file (docs/security.md,
 * "Files"), through a temporary file, so a power cut leaves the old file or the new
 * one, never half of one.
 */
export function savePairedIdentity(dataDir: string, identity: PairedIdentity): string {
  ensurePrivateDir(dataDir);
  const path = pairedIdentityPath(dataDir);
  const temp = `${path}.tmp`;
  writeFileSync(temp, `${JSON.stringify(identity, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  renameSync(temp, path);
  makeFilesPrivate(dataDir, [FILE]);
  return path;
}
