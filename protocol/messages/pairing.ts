import { z } from 'zod';
import { Id } from '../ids.ts';
import { FirmwareVersion } from './common.ts';

/** A pairing code: six decimal digits, shown once to the technician (docs/device-contract.md, "Pairing"). */
export const PairingCode = z.string().regex(/^\d{6}$/, 'must be the six digits the technician page (or POST /api/pairing) showed');
export type PairingCode = z.infer<typeof PairingCode>;

/**
 * `pairing/{clientId}/claim`, bridge → hub, QoS 1, not retained. Sent once by a bridge
 * without credentials, connected as a pairing client. `firmware` is what the board
 * reported (Firmata REPORT_FIRMWARE), so the technician sees what arrived.
 */
export const PairingClaimMessage = z.strictObject({
  code: PairingCode,
  firmware: z.strictObject({
    /** e.g. "StandardFirmata.ino". */
    name: z.string().min(1).max(64),
    /** e.g. "2.5". */
    version: z.string().min(1).max(16),
  }),
  /** The bridge software, e.g. "huduma-bridge/0.1.0". */
  bridge: FirmwareVersion,
});
export type PairingClaimMessage = z.infer<typeof PairingClaimMessage>;

/** Why a claim was refused; nothing was created on the hub. */
export const PairingRefusal = z.enum([
  /** No open code matches. Counts towards the wrong-code limit. */
  'code_wrong',
  /** The code was claimed already (single use). */
  'code_used',
  /** The code's time ran out (10 minutes by default). */
  'code_expired',
  /** Too many wrong codes: every open code is refused until a technician opens a new one. */
  'pairing_closed',
  /** The claim was not a valid message. */
  'claim_invalid',
  /** The hub could not create the device just now (its store failed); the code stays open. */
  'hub_unavailable',
]);
export type PairingRefusal = z.infer<typeof PairingRefusal>;

/**
 * `pairing/{clientId}/reply`, hub → that pairing client only, QoS 1, not retained.
 * On success it carries the device's credentials, exactly once: the bridge stores them
 * (mode 0600) and connects as a device from then on.
 */
export const PairingReplyMessage = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    centreId: Id,
    deviceId: Id,
    counterId: Id,
    /** The device password (username = client id = deviceId), as `huduma-hub device add` prints it. */
    password: z.string().min(1).max(128),
  }),
  z.strictObject({
    ok: z.literal(false),
    reason: PairingRefusal,
    message: z.string().max(300),
  }),
]);
export type PairingReplyMessage = z.infer<typeof PairingReplyMessage>;
