/**
 * Pure decoders for the printer's status replies (docs/protocols/escpos.md §2 DLE EOT,
 * §3 ASB, §5 GS r) and the mapping of what they say to the hub's printer states.
 * Nothing here throws: a byte that does not have a reply's fixed bits decodes to
 * `undefined`, so garbage on the line can never be mistaken for a healthy printer.
 */

import type { PrinterState } from '../../protocol/events/peripherals.ts';

/** The printer states and which of them print are the protocol's (docs/peripherals.md); the driver maps conditions onto them. */
export { canPrint, type PrinterState } from '../../protocol/events/peripherals.ts';

/** `DLE EOT n` selectors (§2). */
export type EotQuery = 1 | 2 | 3 | 4;

const bit = (byte: number, n: number): boolean => (byte & (1 << n)) !== 0;

/** §2: every DLE EOT reply has bit1 = 1, bit4 = 1, bit0 = 0, bit7 = 0 (`0xx1xx10`). */
export const isEotReply = (byte: number): boolean => (byte & 0x93) === 0x12;
/** §4: ASB bytes 2–4 and GS r replies have bit4 = 0, bit7 = 0 (`0xx0xxxx`). */
export const isPlainStatusByte = (byte: number): boolean => (byte & 0x90) === 0x00;
/** §4: the first ASB byte is `0xx1xx00`. */
export const isAsbFirstByte = (byte: number): boolean => (byte & 0x93) === 0x10;

/** `10 04 01` printer status (§2 n = 1). */
export interface EotPrinterStatus {
  drawerHigh: boolean; // bit2
  offline: boolean; // bit3
  waitingOnlineRecovery: boolean; // bit5 (Epson; undefined on Samsung SRP-350)
  feedButton: boolean; // bit6
}
/** `10 04 02` offline cause (§2 n = 2). */
export interface EotOfflineCause {
  coverOpen: boolean; // bit2
  feeding: boolean; // bit3: paper fed by the FEED button
  paperEndStop: boolean; // bit5: printing stopped by paper end
  errorOccurred: boolean; // bit6
}
/** `10 04 03` error cause (§2 n = 3). */
export interface EotErrorCause {
  recoverableError: boolean; // bit2 (black-mark error on Citizen)
  cutterError: boolean; // bit3: clear with DLE ENQ
  unrecoverableError: boolean; // bit5
  autoRecoverableError: boolean; // bit6: head over-temperature
}
/** `10 04 04` roll paper sensor (§2 n = 4); Citizen splits near-end over bits 2 and 3. */
export interface EotPaperSensor {
  paperNearEnd: boolean; // bits 2,3 (0C)
  paperEnd: boolean; // bits 5,6 (60)
}

export function decodeEot1(byte: number): EotPrinterStatus | undefined {
  if (!isEotReply(byte)) return undefined;
  return { drawerHigh: bit(byte, 2), offline: bit(byte, 3), waitingOnlineRecovery: bit(byte, 5), feedButton: bit(byte, 6) };
}

export function decodeEot2(byte: number): EotOfflineCause | undefined {
  if (!isEotReply(byte)) return undefined;
  return { coverOpen: bit(byte, 2), feeding: bit(byte, 3), paperEndStop: bit(byte, 5), errorOccurred: bit(byte, 6) };
}

export function decodeEot3(byte: number): EotErrorCause | undefined {
  if (!isEotReply(byte)) return undefined;
  return { recoverableError: bit(byte, 2), cutterError: bit(byte, 3), unrecoverableError: bit(byte, 5), autoRecoverableError: bit(byte, 6) };
}

export function decodeEot4(byte: number): EotPaperSensor | undefined {
  if (!isEotReply(byte)) return undefined;
  return { paperNearEnd: (byte & 0x0c) !== 0, paperEnd: (byte & 0x60) !== 0 };
}

/** §3 Automatic Status Back, the 4-byte frame sent after `GS a n` and on each change. */
export interface AsbStatus extends EotPrinterStatus, EotErrorCause, EotPaperSensor {
  coverOpen: boolean;
  /** Byte 1 bit6: paper being fed by the FEED button. */
  feeding: boolean;
}

export function decodeAsb(frame: ArrayLike<number>): AsbStatus | undefined {
  if (frame.length !== 4) return undefined;
  const [b1, b2, b3, b4] = [frame[0]!, frame[1]!, frame[2]!, frame[3]!];
  if (!isAsbFirstByte(b1) || !isPlainStatusByte(b2) || !isPlainStatusByte(b3) || !isPlainStatusByte(b4)) return undefined;
  return {
    drawerHigh: bit(b1, 2),
    offline: bit(b1, 3),
    coverOpen: bit(b1, 5),
    feeding: bit(b1, 6),
    waitingOnlineRecovery: bit(b2, 0),
    feedButton: bit(b2, 1),
    recoverableError: bit(b2, 2),
    cutterError: bit(b2, 3),
    unrecoverableError: bit(b2, 5),
    autoRecoverableError: bit(b2, 6),
    paperNearEnd: (b3 & 0x03) !== 0,
    paperEnd: (b3 & 0x0c) !== 0,
  };
}

/**
 * §5 `GS r 1` reply. The printer never executes GS r while out of paper, so this is
 * a completion barrier, not a paper-out detector; `paperEnd` is decoded for completeness.
 */
export function decodeGsrPaper(byte: number): EotPaperSensor | undefined {
  if (!isPlainStatusByte(byte)) return undefined;
  return { paperNearEnd: (byte & 0x03) !== 0, paperEnd: (byte & 0x0c) !== 0 };
}

/** What the printer last said about itself, from DLE EOT replies or an ASB frame. */
export interface PrinterCondition {
  online: boolean;
  coverOpen: boolean;
  paperEnd: boolean;
  paperNearEnd: boolean;
  cutterError: boolean;
  unrecoverableError: boolean;
  /** Head over-temperature and the like: clears by itself. */
  autoRecoverableError: boolean;
  recoverableError: boolean;
  /** Any error: EOT2 bit6, or one of the error-cause bits. */
  error: boolean;
}

/** The replies to `10 04 01/02/04` (and `03` when EOT2 reported an error), by selector. */
export type EotReplies = { 1: number; 2: number; 4: number; 3?: number };

/** Combines DLE EOT replies; `undefined` if any reply lacks the fixed bits (§2). */
export function conditionFromEot(replies: EotReplies): PrinterCondition | undefined {
  const printer = decodeEot1(replies[1]);
  const cause = decodeEot2(replies[2]);
  const paper = decodeEot4(replies[4]);
  const errors = replies[3] === undefined ? undefined : decodeEot3(replies[3]);
  if (!printer || !cause || !paper || (replies[3] !== undefined && !errors)) return undefined;
  const cutterError = errors?.cutterError ?? false;
  const unrecoverableError = errors?.unrecoverableError ?? false;
  const autoRecoverableError = errors?.autoRecoverableError ?? false;
  const recoverableError = errors?.recoverableError ?? false;
  return {
    online: !printer.offline,
    coverOpen: cause.coverOpen,
    // EOT2 bit5 is "printing stopped by paper end", EOT4 & 60 the sensor itself.
    paperEnd: paper.paperEnd || cause.paperEndStop,
    paperNearEnd: paper.paperNearEnd,
    cutterError,
    unrecoverableError,
    autoRecoverableError,
    recoverableError,
    error: cause.errorOccurred || cutterError || unrecoverableError || autoRecoverableError,
  };
}

export function conditionFromAsb(asb: AsbStatus): PrinterCondition {
  return {
    online: !asb.offline,
    coverOpen: asb.coverOpen,
    paperEnd: asb.paperEnd,
    paperNearEnd: asb.paperNearEnd,
    cutterError: asb.cutterError,
    unrecoverableError: asb.unrecoverableError,
    autoRecoverableError: asb.autoRecoverableError,
    recoverableError: asb.recoverableError,
    error: asb.cutterError || asb.unrecoverableError || asb.autoRecoverableError || asb.recoverableError,
  };
}

export interface StateOptions {
  /**
   * Whether a paper near-end sensor is fitted (§6 step 3: must be configurable as "not
   * fitted"); when false the near-end bits are ignored. Default true.
   */
  nearEndSensor?: boolean;
}

/**
 * The hub's state for a condition; `undefined` (no reply: §6 "timeout =
 * disconnected/unpowered") is `offline`. Paper end wins over cover open because it names
 * what the technician must do (the cover is opened to load paper). Refuses per §6
 * step 3: EOT1.bit3, EOT2.bit2/5/6, EOT3.bit3/5, EOT4 & 60.
 */
export function printerState(condition: PrinterCondition | undefined, options: StateOptions = {}): PrinterState {
  if (!condition) return 'offline';
  if (condition.paperEnd) return 'paper_end';
  if (condition.coverOpen) return 'cover_open';
  if (!condition.online || condition.error) return 'offline';
  if (condition.paperNearEnd && (options.nearEndSensor ?? true)) return 'paper_near_end';
  return 'ready';
}

/** Two conditions say the same thing. */
export function sameCondition(a: PrinterCondition | undefined, b: PrinterCondition | undefined): boolean {
  if (!a || !b) return a === b;
  return (Object.keys(a) as (keyof PrinterCondition)[]).every((key) => a[key] === b[key]);
}
