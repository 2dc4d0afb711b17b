import { z } from 'zod';
import { NonNegativeInt } from '../messages/common.ts';

/**
 * The ticket printer as the hub sees it (docs/protocols/escpos.md §2–3): `ready` and
 * `paper_near_end` print; `paper_end`, `cover_open` and `offline` (no answer, line
 * pulled, printer off or in error) stop the kiosk before a number is handed out.
 */
export const PrinterState = z.enum(['ready', 'paper_near_end', 'paper_end', 'cover_open', 'offline']);
export type PrinterState = z.infer<typeof PrinterState>;

/**
 * Whether tickets may be issued in `state` (near end prints, with a maintenance alert).
 * The one place the rule above is written: the queue asks it before a number is
 * allocated, the printer drivers and the built-in emulator refuse by it.
 */
export const canPrint = (state: PrinterState): boolean => state === 'ready' || state === 'paper_near_end';

/** `printer.status`: the printer changed state (recorded on change, not on every poll). */
export const PrinterStatusData = z.object({
  state: PrinterState,
  previous: PrinterState.nullable(),
  /** What the printer or the line said, for the technician. */
  reason: z.string().max(300).nullable(),
  /** Tickets issued but not yet confirmed printed (they are reprinted when it is back). */
  pendingPrints: NonNegativeInt,
});
export type PrinterStatusData = z.infer<typeof PrinterStatusData>;

/** `board.status`: a hall board or a counter display stopped or started answering. */
export const BoardStatusData = z.object({
  boardId: z.string().min(1).max(64),
  kind: z.enum(['hall', 'counter']),
  healthy: z.boolean(),
  reason: z.string().max(300).nullable(),
});
export type BoardStatusData = z.infer<typeof BoardStatusData>;

export const PERIPHERAL_EVENT_SCHEMAS = {
  'printer.status': PrinterStatusData,
  'board.status': BoardStatusData,
} as const;
