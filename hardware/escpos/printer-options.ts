import { systemClock, type Clock } from '../../runtime/clock.ts';
import type { SerialBinding } from '../serial/serial-binding.ts';
import { systemBinding } from '../serial/system-binding.ts';
import { ASB_ONLINE_ERROR_PAPER } from './commands.ts';
import type { PrinterCondition, PrinterState } from './status.ts';

/** Options of `EscposPrinter`; defaults follow docs/protocols/escpos.md §6. */
export interface EscposPrinterOptions {
  /** Serial device, e.g. `/dev/ttyUSB0`, `/dev/serial/by-id/…`, or a PTY. */
  path: string;
  /** Default 19200 (the usual ESC/POS serial default). */
  baudRate?: number;
  /** Wait for each `DLE EOT` reply; a timeout means offline/unpowered (§6: 300–500 ms). Default 500. */
  statusTimeoutMs?: number;
  /** Wait for the `GS r 1` barrier after the job is written, and the longest XOFF hold (§6: 3–5 s). Default 5000. */
  printTimeoutMs?: number;
  /** Delays between reopen attempts; the last repeats. Default [100, 250, 500, 1000, 2000, 5000]. */
  reconnectDelaysMs?: readonly number[];
  /** Whether a paper near-end sensor is fitted (§6 step 3). Default true. */
  nearEndSensor?: boolean;
  /** `GS a n` sent on connect (§3). Default 0x0E: online/offline + error + paper. */
  asbMask?: number;
  /** Jobs are written in pieces of this size so an XOFF can hold them (§4). Default 256. */
  writeChunkBytes?: number;
  /** How long a timed-out barrier still absorbs its late reply (see `ReplyQueue`). Default 60000. */
  staleReplyMs?: number;
  /** How often to check, without a byte on the wire, that the device is still there (docs/protocols/serial-lines.md); 0 = never. Default 1000. */
  lineCheckMs?: number;
  /** Time source for every wait; default the system clock. The hub passes its `Clock`. */
  clock?: Clock;
  /** How the port is opened; default serialport 13 (`systemBinding`). Tests pass a `LoopbackBinding`. */
  binding?: SerialBinding;
}

/** The printer's state as last learned, and from where. */
export interface PrinterStatus {
  state: PrinterState;
  /** `undefined`: no line, or the printer did not answer (§6: timeout = offline). */
  condition: PrinterCondition | undefined;
  source: 'asb' | 'eot' | 'line';
  /** Clock time it was learned. */
  at: number;
}

export interface EscposPrinterEvents {
  /** The port opened and `ESC @`, `GS a` were sent. */
  connected: [];
  /** The port closed or failed (error: why), or `close()` was called (no error). */
  disconnected: [Error | undefined];
  /** The state or condition changed (ASB push, DLE EOT check, line lost). */
  state: [PrinterStatus];
  /** Opening failed or the line dropped; the next attempt follows in `delayMs`. */
  retry: [{ attempt: number; delayMs: number; error: Error | undefined }];
  /** XOFF/XON from the printer: writing pauses while held. */
  flow: ['xoff' | 'xon'];
}

export type ResolvedOptions = Required<EscposPrinterOptions>;

const DEFAULT_RECONNECT_MS = [100, 250, 500, 1000, 2000, 5000] as const;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`"${name}" must be a positive number: ${value}`);
  return value;
}

/** Options with defaults filled in; a bad value throws a `TypeError` naming it (as serialport does). */
export function resolveOptions(options: EscposPrinterOptions): ResolvedOptions {
  if (typeof options.path !== 'string' || options.path === '') throw new TypeError(`"path" must be a device path: ${options.path}`);
  const lineCheckMs = options.lineCheckMs ?? 1000;
  if (!Number.isFinite(lineCheckMs) || lineCheckMs < 0) throw new TypeError(`"lineCheckMs" must be 0 or more: ${options.lineCheckMs}`);
  const reconnectDelaysMs = options.reconnectDelaysMs?.length ? options.reconnectDelaysMs : DEFAULT_RECONNECT_MS;
  reconnectDelaysMs.forEach((delay, index) => positive(`reconnectDelaysMs[${index}]`, delay));
  return {
    path: options.path,
    baudRate: positive('baudRate', options.baudRate ?? 19_200),
    statusTimeoutMs: positive('statusTimeoutMs', options.statusTimeoutMs ?? 500),
    printTimeoutMs: positive('printTimeoutMs', options.printTimeoutMs ?? 5000),
    reconnectDelaysMs,
    nearEndSensor: options.nearEndSensor ?? true,
    asbMask: options.asbMask ?? ASB_ONLINE_ERROR_PAPER,
    writeChunkBytes: positive('writeChunkBytes', options.writeChunkBytes ?? 256),
    staleReplyMs: positive('staleReplyMs', options.staleReplyMs ?? 60_000),
    lineCheckMs,
    clock: options.clock ?? systemClock,
    binding: options.binding ?? systemBinding,
  };
}
