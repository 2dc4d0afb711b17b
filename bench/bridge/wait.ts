// Small waiting and statistics helpers shared by the bridge bench's parts.
import type { FirmataBoardEmulator } from '../../hardware/firmata/board-emulator.ts';
import type { OutputChange } from '../../hardware/firmata/simulated-board.ts';

/** Resolves with performance.now() at the first `output` of `board` that matches. */
export function outputSeen(board: FirmataBoardEmulator, match: (change: OutputChange) => boolean): Promise<number> {
  return new Promise((resolve) => {
    const on = (change: OutputChange) => {
      if (!match(change)) return;
      const at = performance.now();
      board.off('output', on);
      resolve(at);
    };
    board.on('output', on);
  });
}

/** A bench must never hang: every wait has a deadline that names what was awaited. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const percentile = (xs: readonly number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

export const median = (xs: readonly number[]) => percentile(xs, 50);

export const r2 = (x: number) => Math.round(x * 100) / 100;

export const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** p50, p99 and max of latencies in ms (2 decimals), and how many: every bench's latency figure. */
export interface Latency {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

export const latencyOf = (ms: readonly number[]): Latency => ({ p50: r2(percentile(ms, 50)), p99: r2(percentile(ms, 99)), max: r2(Math.max(...ms)), n: ms.length });
