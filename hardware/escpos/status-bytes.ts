/**
 * The printer side of the status codec: the bytes a printer in a given condition sends
 * (docs/protocols/escpos.md §2, §3, §5) — the inverse of `status.ts`, used by the
 * emulator and by round-trip tests.
 */
export interface PrinterMechanism {
  paper: 'ok' | 'nearEnd' | 'end';
  coverOpen: boolean;
  cutterError: boolean;
  /** Executing received data: online, cover closed, paper loaded, no error. */
  executing: boolean;
  /** Whether a paper near-end sensor is fitted. Paper end also reads as near end (§2 `7E`). */
  nearEndSensor: boolean;
}

function sensor(m: PrinterMechanism): { end: boolean; near: boolean } {
  const end = m.paper === 'end';
  return { end, near: m.nearEndSensor && (end || m.paper === 'nearEnd') };
}

/** The 1-byte reply to `DLE EOT n` (n = 1..4), or undefined for other n (no reply). */
export function eotReplyByte(m: PrinterMechanism, n: number): number | undefined {
  const { end, near } = sensor(m);
  switch (n) {
    case 1:
      return 0x12 | (m.executing ? 0 : 0x08);
    case 2:
      return 0x12 | (m.coverOpen ? 0x04 : 0) | (end ? 0x20 : 0) | (m.cutterError ? 0x40 : 0);
    case 3:
      return 0x12 | (m.cutterError ? 0x08 : 0);
    case 4:
      return 0x12 | (near ? 0x0c : 0) | (end ? 0x60 : 0);
  }
  return undefined;
}

/** The 4-byte Automatic Status Back frame (§3); healthy is `10 00 00 00`. */
export function asbFrameBytes(m: PrinterMechanism): [number, number, number, number] {
  const { end, near } = sensor(m);
  return [0x10 | (m.executing ? 0 : 0x08) | (m.coverOpen ? 0x20 : 0), m.cutterError ? 0x08 : 0, (near ? 0x03 : 0) | (end ? 0x0c : 0), 0x00];
}

/** The reply to `GS r 1` (§5): bits 0,1 near end, bits 2,3 paper end. */
export const paperStatusByte = (m: PrinterMechanism): number => asbFrameBytes(m)[2];
