import type { EventEmitter } from 'node:events';
import type { ManualClock } from '../../runtime/clock.ts';

/**
 * Helpers for the hall-board and counter-display suites (tests/hardware/alpha, tests/hardware/vfd):
 * waits that name what they awaited, event futures, and driving a `ManualClock` while
 * in-process I/O (which crosses on `setImmediate`) runs. No fixed sleeps.
 */

/** "00 01 5A" → Buffer [0x00, 0x01, 0x5a]. */
export const hex = (text: string): Buffer =>
  Buffer.from(text.trim().split(/\s+/).filter(Boolean).map((byte) => Number.parseInt(byte, 16)));

/** Rejects if `promise` has not settled in `ms` of real time, naming what was awaited. */
export async function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The next `event` of `emitter` whose first argument satisfies `predicate`; listen before acting. */
export function nextEvent<T = unknown>(emitter: EventEmitter, event: string, predicate: (value: T) => boolean = () => true): Promise<T> {
  return new Promise<T>((resolve) => {
    const listener = (value: T): void => {
      if (!predicate(value)) return;
      emitter.off(event, listener);
      resolve(value);
    };
    emitter.on(event, listener);
  });
}

/** Lets queued `setImmediate` work (in-process cables, buses) run. */
export async function flush(turns = 6): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Settles `promise` while moving `clock` forward in `stepMs` steps, flushing in-process
 * I/O between steps; fails once `maxMs` of clock time passed without it settling.
 * Resolves to the value, or rejects with the promise's error.
 */
export async function runUntil<T>(clock: ManualClock, promise: Promise<T>, options: { stepMs?: number; maxMs?: number; what?: string } = {}): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => (settled = true));
  tracked.catch(() => undefined);
  const stepMs = options.stepMs ?? 10;
  const maxMs = options.maxMs ?? 120_000;
  for (let elapsed = 0; ; elapsed += stepMs) {
    await flush();
    if (settled) return tracked;
    if (elapsed >= maxMs) throw new Error(`${options.what ?? 'the awaited event'} did not happen within ${maxMs} ms of clock time`);
    clock.advance(stepMs);
  }
}

/** Moves `clock` forward by `ms` in `stepMs` steps, letting in-process I/O run between them. */
export async function advance(clock: ManualClock, ms: number, stepMs = 10): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += stepMs) {
    await flush();
    clock.advance(Math.min(stepMs, ms - elapsed));
  }
  await flush();
}

/** `promise` with its rejection captured, so a test can await it later without an unhandled rejection. */
export function settledLater<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}
