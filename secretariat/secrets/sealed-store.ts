import type { SyncHeartbeat } from '../../protocol/sync/index.ts';
import {
  StoreError, type BatchOutcome, type CentreSummary, type IncomingBatch, type IncomingEvent, type SecretariatStore, type SecretsUpdate,
  type StoredSecrets, type SyncPosition,
} from '../store/store.ts';
import { LOST_SECRET, type SealReport } from './seal-plan.ts';
import { isSealed } from './secret-box.ts';
import type { LoadedSecretsKey } from './secrets-key.ts';

/** What opening the store found about its secrets, for the log and the CLI. */
export interface SecretsAtRest extends SealReport {
  keyId: string;
  keyPath: string;
  keyFrom: string;
  keyCreated: boolean;
  /** Key file permissions open to group/others, each with its chmod fix. */
  warnings: string[];
}

/**
 * The store as the rest of the Secretariat sees it: centre secrets go in sealed and
 * come out opened (docs/security.md, "Secretariat"); everything else passes through.
 * The SQLite and Postgres stores keep whatever string they are given, so the
 * encryption is written once, here, for both.
 */
export class SealedSecretsStore implements SecretariatStore {
  readonly secrets: SecretsAtRest;
  readonly #inner: SecretariatStore;
  readonly #key: LoadedSecretsKey;

  constructor(inner: SecretariatStore, key: LoadedSecretsKey, report: SealReport) {
    this.#inner = inner;
    this.#key = key;
    this.secrets = { keyId: key.box.keyId, keyPath: key.path, keyFrom: key.from, keyCreated: key.created, warnings: key.warnings, ...report };
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  addCentre(centreId: string, secret: string, nowMs: number): Promise<void> {
    return this.#inner.addCentre(centreId, this.#key.box.seal(centreId, secret), nowMs);
  }

  /** The usable secret; undefined for an unknown centre and for one whose secret was lost. */
  async centreSecret(centreId: string): Promise<string | undefined> {
    const stored = await this.#inner.centreSecret(centreId);
    if (stored === undefined || stored === LOST_SECRET) return undefined;
    // Written by an older version's CLI while this receiver runs: usable now, sealed at the next start.
    if (!isSealed(stored)) return stored;
    try {
      return this.#key.box.open(centreId, stored);
    } catch (error) {
      throw new StoreError(
        'store_unavailable',
        `centre ${centreId}'s stored secret cannot be opened with the secrets key ${this.#key.box.keyId} (${(error as Error).message}); ` +
          `give it a new one with "huduma-secretariat centre rotate ${centreId}"`,
        { cause: error },
      );
    }
  }

  /** Gives a registered centre a new secret (its hub must then be given it); the old one stops working. */
  async rotateSecret(centreId: string, secret: string): Promise<void> {
    await this.#inner.updateSecrets((stored) => {
      if (!stored.centres.some((centre) => centre.centreId === centreId)) {
        throw new StoreError('centre_unknown', `centre "${centreId}" is not registered here; register it with "huduma-secretariat centre add ${centreId}"`);
      }
      return { secrets: [{ centreId, secret: this.#key.box.seal(centreId, secret) }] };
    });
  }

  updateSecrets(plan: (stored: StoredSecrets) => SecretsUpdate): Promise<void> {
    return this.#inner.updateSecrets(plan);
  }

  applyBatch(batch: IncomingBatch): Promise<BatchOutcome> {
    return this.#inner.applyBatch(batch);
  }

  recordHeartbeat(centreId: string, heartbeat: SyncHeartbeat, receivedAtMs: number): Promise<SyncPosition> {
    return this.#inner.recordHeartbeat(centreId, heartbeat, receivedAtMs);
  }

  listCentres(options: { today: string }): Promise<CentreSummary[]> {
    return this.#inner.listCentres(options);
  }

  getCentre(centreId: string, options: { today: string }): Promise<CentreSummary | undefined> {
    return this.#inner.getCentre(centreId, options);
  }

  rawInsert(centreId: string, events: IncomingEvent[], receivedAtMs: number): Promise<void> {
    return this.#inner.rawInsert(centreId, events, receivedAtMs);
  }
}
