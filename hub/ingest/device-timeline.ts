/**
 * How far a device's uptime may run ahead of the hub's clock before the hub stops
 * believing it: delay of the message that first anchored the boot (a hub stalled on
 * a slow disk, TCP retransmits) plus crystal drift. A PC's or a microcontroller's
 * clock is within 100 ppm; 1000 ppm (3.6 s an hour) leaves room for the worst. A
 * lying device gains at most this much once per boot (docs/security.md, "Device
 * clocks").
 */
export const CLOCK_SLACK_MS = 30_000;
export const CLOCK_DRIFT_ALLOWANCE = 0.001;
/** Boots whose anchor is remembered per device; older ones leave only their last sign of life. */
const BOOTS_REMEMBERED = 4;

/** What the hub knows of one boot: when it started on the hub's clock. */
interface BootAnchor {
  /**
   * The boot's start on the hub clock as first estimated (receivedAt − sentUpMs of the
   * first copy seen). The boot's presses are judged at origin + upMs: one fixed
   * timeline, so lock-out and budget see the spacing the device's uptime shows.
   */
  origin: number;
  /** When `origin` was estimated: drift is allowed from there. */
  anchoredAt: number;
  /** The latest receive time of a message that carried this boot's uptime. */
  lastAlive: number;
}

/** A press as the timeline sees it. `sentUpMs` only when it forms a valid uptime pair. */
export interface TimelinePress {
  boot: string;
  upMs: number;
  sentUpMs: number | null;
  /** The reconstructed press time (hub clock). */
  pressedAt: number;
  receivedAt: number;
}

export type Placement =
  /** Dated on a boot the hub has anchored itself: the device cannot move it. */
  | { kind: 'anchored'; at: number }
  /** Dated by the device's own wall clock or a timeline the hub never saw start. */
  | { kind: 'unanchored'; at: number }
  | { kind: 'refused'; reason: ClockRefusal; detail: string };

export type ClockRefusal = 'clock_ahead' | 'boot_overlap';

/**
 * A device's timeline on the hub's clock (docs/architecture.md, invariant 5: clocks
 * are not trusted). A press is judged for lock-out and budget where it falls on this
 * timeline, so the timeline itself must be something a device cannot stretch:
 *
 * - A boot is anchored by `sentUpMs` (its uptime when a copy was sent). From then on
 *   its uptime may not advance faster than the hub's clock (plus slack and drift),
 *   across every connection: a device that claims a minute passed between two
 *   messages the hub received a millisecond apart is refused `clock_ahead`.
 * - One device runs one boot at a time: a new boot may not claim to have started
 *   while another boot of the device was still sending, and an older boot may not
 *   send after a newer one started (`boot_overlap`). A new boot per press cannot
 *   backdate its presses into time the hub watched the device live.
 * - A press with no uptime pair of a boot the hub never anchored cannot be dated by
 *   the hub at all (`unanchored`); ingest gives those a budget on the hub's clock.
 *
 * An honest bridge replaying a week of journal passes: its uptime advanced in real
 * time, its boot started before the outage, and `sentUpMs` is restamped at each send.
 */
export class DeviceTimeline {
  readonly #boots = new Map<string, BootAnchor>();
  /** Unanchored boots, placed by their first press as before (kept for lock-out). */
  readonly #guessedOrigins = new Map<string, number>();
  /** The latest sign of life of boots no longer remembered. */
  #forgottenAlive = Number.NEGATIVE_INFINITY;

  /** Where `press` falls, or why it cannot be believed. Changes nothing. */
  place(press: TimelinePress): Placement {
    const anchor = this.#boots.get(press.boot);
    if (press.sentUpMs !== null) {
      const origin = press.receivedAt - press.sentUpMs;
      if (anchor) {
        // Every copy is received after it is sent, so an honest device's estimates never
        // fall below its true start; a clock running fast pushes them down. Measured
        // from the first estimate, so the slack is spent once per boot.
        const allowed = anchor.origin - tolerance(press.receivedAt - anchor.anchoredAt);
        if (origin < allowed) {
          return refused('clock_ahead', `boot ${press.boot}: uptime ${press.sentUpMs} ms is ${seconds(allowed - origin)} s ahead of what the hub's clock allows since it first saw this boot`);
        }
      } else {
        const alive = this.#latestAliveExcept(press.boot);
        if (origin < alive - CLOCK_SLACK_MS) {
          return refused('boot_overlap', `new boot ${press.boot} claims to have started ${seconds(alive - origin)} s before another boot of this device last sent`);
        }
      }
      const start = anchor?.origin ?? origin;
      return this.#checkNotOverlapped(press, start) ?? { kind: 'anchored', at: start + press.upMs };
    }
    if (anchor) {
      const at = anchor.origin + press.upMs;
      const allowed = press.receivedAt + tolerance(press.receivedAt - anchor.anchoredAt);
      if (at > allowed) {
        return refused('clock_ahead', `boot ${press.boot}: a press at uptime ${press.upMs} ms would lie ${seconds(at - press.receivedAt)} s after it arrived`);
      }
      return this.#checkNotOverlapped(press, anchor.origin, at) ?? { kind: 'anchored', at };
    }
    const guessed = this.#guessedOrigins.get(press.boot);
    const at = guessed === undefined ? press.pressedAt : guessed + press.upMs;
    if (at > press.receivedAt + CLOCK_SLACK_MS) {
      return refused('clock_ahead', `boot ${press.boot}: a press at uptime ${press.upMs} ms would lie ${seconds(at - press.receivedAt)} s after it arrived`);
    }
    return { kind: 'unanchored', at };
  }

  /** Records what an accepted press showed of its boot (call after `place` accepted it). */
  learn(press: TimelinePress): void {
    if (press.sentUpMs === null) {
      if (!this.#boots.has(press.boot) && !this.#guessedOrigins.has(press.boot)) {
        this.#guessedOrigins.set(press.boot, press.pressedAt - press.upMs);
        trim(this.#guessedOrigins, () => undefined);
      }
      return;
    }
    const anchor = this.#boots.get(press.boot);
    if (!anchor) {
      this.#boots.set(press.boot, { origin: press.receivedAt - press.sentUpMs, anchoredAt: press.receivedAt, lastAlive: press.receivedAt });
      this.#guessedOrigins.delete(press.boot);
      trim(this.#boots, (evicted) => (this.#forgottenAlive = Math.max(this.#forgottenAlive, evicted.lastAlive)));
      return;
    }
    anchor.lastAlive = Math.max(anchor.lastAlive, press.receivedAt);
  }

  /**
   * A boot may not be alive after a newer boot of the same device started: a press
   * (or a copy) of it received then, or dated then, overlaps. Boots that started
   * within the slack of each other are not told apart.
   */
  #checkNotOverlapped(press: TimelinePress, origin: number, at = press.receivedAt): Placement | null {
    for (const [boot, other] of this.#boots) {
      if (boot === press.boot || other.origin <= origin + CLOCK_SLACK_MS) continue;
      if (at > other.origin + CLOCK_SLACK_MS) {
        return refused('boot_overlap', `boot ${press.boot} is still sending ${seconds(at - other.origin)} s after a newer boot ${boot} of this device started`);
      }
    }
    return null;
  }

  #latestAliveExcept(boot: string): number {
    let latest = this.#forgottenAlive;
    for (const [id, anchor] of this.#boots) if (id !== boot) latest = Math.max(latest, anchor.lastAlive);
    return latest;
  }
}

function tolerance(elapsedMs: number): number {
  return CLOCK_SLACK_MS + Math.max(0, elapsedMs) * CLOCK_DRIFT_ALLOWANCE;
}

function refused(reason: ClockRefusal, detail: string): Placement {
  return { kind: 'refused', reason, detail };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

/** Keeps a map to BOOTS_REMEMBERED entries, oldest inserted first out. */
function trim<V>(map: Map<string, V>, onEvict: (value: V) => void): void {
  while (map.size > BOOTS_REMEMBERED) {
    const oldest = map.keys().next().value!;
    onEvict(map.get(oldest)!);
    map.delete(oldest);
  }
}
