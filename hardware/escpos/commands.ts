/**
 * The ESC/POS command bytes this package writes itself (docs/protocols/escpos.md §1,
 * §2, §3, §5). node-thermal-printer builds the rest of a ticket (§7).
 */
export const ESC = 0x1b;
export const GS = 0x1d;
export const DLE = 0x10;
export const EOT = 0x04;
export const LF = 0x0a;

/** `ESC @`: clears the buffer and restores power-on modes (§1). */
export const initialise = (): Buffer => Buffer.from([ESC, 0x40]);

/** `ESC t n`: code table; 0 = PC437, which covers English and Kiswahili (§1). */
export const selectCodeTable = (n = 0): Buffer => Buffer.from([ESC, 0x74, n]);

/**
 * `GS ! n`: character size ×1..×8. Bits 0–3 are height − 1 and bits 4–7 width − 1 (§1),
 * so `characterSize(4, 4)` is `1D 21 33`. Written here because node-thermal-printer's
 * `setTextSize(height, width)` puts its first argument in the width nibble (§7).
 */
export function characterSize(width: number, height: number): Buffer {
  if (![width, height].every((n) => Number.isInteger(n) && n >= 1 && n <= 8)) {
    throw new RangeError(`character size must be 1..8 in each direction, got ${width}×${height}`);
  }
  return Buffer.from([GS, 0x21, ((width - 1) << 4) | (height - 1)]);
}

/**
 * `GS V 65/66 n`: feed to the cutting position plus n motion units, then cut; full (65)
 * or partial (66). Only valid at the start of a line in standard mode (§1).
 */
export const feedAndCut = (kind: 'full' | 'partial', feed = 0): Buffer => Buffer.from([GS, 0x56, kind === 'full' ? 0x41 : 0x42, feed & 0xff]);

/** `GS a n`: Automatic Status Back; `0x0E` = online/offline + error + paper (§3). */
export const ASB_ONLINE_ERROR_PAPER = 0x0e;
export const enableAsb = (mask = ASB_ONLINE_ERROR_PAPER): Buffer => Buffer.from([GS, 0x61, mask]);

/** `DLE EOT n`: real-time status, one byte back, ahead of buffered data (§2). */
export const realtimeStatus = (n: 1 | 2 | 3 | 4): Buffer => Buffer.from([DLE, EOT, n]);

/**
 * `GS r 1`: paper sensor status, processed in order after everything buffered, never
 * while out of paper — so its reply is a completion barrier for a job (§5, §6).
 */
export const paperStatusBarrier = (): Buffer => Buffer.from([GS, 0x72, 0x01]);
