import { createHash } from 'node:crypto';

/**
 * SHA-256 over an event as it is sent: `type`, a newline, the ISO time, a newline,
 * the data's JSON text. Hub and Secretariat both compute it; JSON.stringify of the
 * parsed data gives back the hub's text, so the receiver can recompute it.
 */
export function eventHash(type: string, atIso: string, dataJson: string): Buffer {
  return createHash('sha256').update(`${type}\n${atIso}\n${dataJson}`).digest();
}
