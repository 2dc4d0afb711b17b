/**
 * The time source the driver waits with. Structurally the hub's `Clock` (hub/clock.ts)
 * minus `setRepeating`, so the hub passes its own clock (or a `ManualClock` in tests) and
 * nothing here imports the hub.
 */
export interface PrinterClock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once after `ms`; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** Wall clock and Node timers, unref'd so a waiting driver never keeps a process alive. */
export const systemPrinterClock: PrinterClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return () => clearTimeout(handle);
  },
};
