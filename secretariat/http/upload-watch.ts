export type StallReason = 'idle' | 'slow';

export interface UploadWatchOptions {
  idleTimeoutMs: number;
  minBytesPerS: number;
  rateWindowMs: number;
}

/**
 * Watches one upload for the two ways a sender holds a slot without sending
 * (docs/security.md, "Secretariat"): no byte for `idleTimeoutMs`, or less than
 * `minBytesPerS` on average over a full `rateWindowMs`. Not a deadline: a slow link
 * that keeps moving (4 MB at 64 kbit/s takes nine minutes) finishes. Real timers, not
 * the injected clock: that one may be frozen or accelerated in tests, and stalls are
 * about the wall time a socket is held.
 */
export class UploadWatch {
  readonly #options: UploadWatchOptions;
  readonly #onStall: (reason: StallReason) => void;
  #idle: NodeJS.Timeout | undefined;
  #rate: NodeJS.Timeout | undefined;
  #bytesInWindow = 0;
  #stopped = false;

  constructor(options: UploadWatchOptions, onStall: (reason: StallReason) => void) {
    this.#options = options;
    this.#onStall = onStall;
    this.#idle = setTimeout(() => this.#stall('idle'), options.idleTimeoutMs);
    this.#rate = setInterval(() => {
      const needed = (options.minBytesPerS * options.rateWindowMs) / 1000;
      if (this.#bytesInWindow < needed) this.#stall('slow');
      this.#bytesInWindow = 0;
    }, options.rateWindowMs);
  }

  /** Bytes arrived: the idle clock starts again. */
  received(bytes: number): void {
    if (this.#stopped) return;
    this.#bytesInWindow += bytes;
    this.#idle?.refresh();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#idle);
    clearInterval(this.#rate);
    this.#idle = undefined;
    this.#rate = undefined;
  }

  #stall(reason: StallReason): void {
    if (this.#stopped) return;
    this.stop();
    this.#onStall(reason);
  }
}
