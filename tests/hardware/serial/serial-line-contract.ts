import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../runtime/clock.ts';
import type { SerialBinding } from '../../../hardware/serial/serial-binding.ts';
import { isSerialLineError } from '../../../hardware/serial/serial-errors.ts';
import { openOnce, SerialLine, type SerialLineOptions } from '../../../hardware/serial/serial-line.ts';
import { nextEvent } from '../board-test-kit.ts';

/**
 * The serial-line contract: one suite, run against every binding (serial-line.test.ts:
 * the in-process loopback on a manual clock, and serialport 13 on a real socat PTY pair
 * in real time), as node-serialport runs one suite on its mock binding and on hardware.
 * A binding that passes it can carry any driver in hardware/.
 */

/** The far end of the line under test: a device that reads and writes raw bytes. */
export interface FarEnd {
  /** Every byte the host's line delivered so far, in order. */
  received(): Buffer;
  send(bytes: Buffer): void;
  /** `true`: stop taking bytes (nobody reads / flow control), so the host's writes cannot drain. */
  hold(held: boolean): void;
}

export interface LineRig {
  binding: SerialBinding;
  hostPath: string;
  clock: Clock;
  /** Line timings that suit the rig's clock (short real times on a PTY). */
  timing: Required<Pick<SerialLineOptions, 'lineCheckMs' | 'reconnectDelaysMs' | 'writeTimeoutMs'>>;
  /** Awaits `promise` while the rig's time passes (real time, or a manual clock stepped). */
  settle<T>(promise: Promise<T>, what: string): Promise<T>;
  far(): FarEnd;
  /** The far end vanishes without the host's reads noticing: socat killed, a cable pulled. */
  unplug(): Promise<void>;
  /** A device appears on the same path again (a new far end). */
  replug(): Promise<void>;
  close(): Promise<void>;
}

const pattern = (length: number, seed: number): Buffer => Buffer.from(Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff));

export function serialLineContract(name: string, makeRig: () => Promise<LineRig>): void {
  describe(`SerialLine contract: ${name}`, () => {
    let rig: LineRig;
    const lines: SerialLine[] = [];
    beforeEach(async () => {
      rig = await makeRig();
    });
    afterEach(async () => {
      for (const line of lines.splice(0)) await line.stop();
      await rig.close();
    });

    /** A line on the rig's host path (stopped after the test). */
    function makeLine(options: Partial<SerialLineOptions> = {}): SerialLine {
      const made = new SerialLine({ path: rig.hostPath, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, binding: rig.binding, clock: rig.clock, ...rig.timing, ...options });
      lines.push(made);
      return made;
    }

    async function started(options: Partial<SerialLineOptions> = {}): Promise<SerialLine> {
      const opened = makeLine(options);
      const open = nextEvent(opened, 'open');
      opened.start();
      await rig.settle(open, 'the line to open');
      return opened;
    }

    async function arrived(far: FarEnd, count: number): Promise<Buffer> {
      await rig.settle(until(() => far.received().length >= count), `${count} bytes at the far end`);
      return far.received();
    }

    it('opens; a missing path fails with the binding’s reason and is retried; openOnce rejects with open_failed', async () => {
      const line = await started();
      expect(line.isOpen).toBe(true);
      await line.stop();

      const missing = makeLine({ path: `${rig.hostPath}-missing` });
      const failed = nextEvent<Error>(missing, 'openFailed');
      const retry = nextEvent<{ attempt: number; delayMs: number; error: Error }>(missing, 'retry');
      missing.start();
      expect(await rig.settle(failed, 'openFailed')).toBeInstanceOf(Error);
      expect(await rig.settle(retry, 'retry')).toMatchObject({ attempt: 1, delayMs: rig.timing.reconnectDelaysMs[0] });

      const once = makeLine({ path: `${rig.hostPath}-missing`, reconnect: false });
      const outcome = await rig.settle(openOnce(once).then(() => undefined, (error: unknown) => error), 'openOnce');
      expect(isSerialLineError(outcome, 'open_failed')).toBe(true);
      expect(outcome).toMatchObject({ disconnected: true, cause: expect.any(Error) });
    });

    it('carries writes whole and in order, and the far end’s bytes in order', async () => {
      const line = await started();
      const far = rig.far();
      const chunks = [1, 2, 300, 17, 4096, 5, 999, 64].map((length, seed) => pattern(length, seed));
      await rig.settle(Promise.all(chunks.map((chunk) => line.write(chunk))), 'the writes to drain');
      const expected = Buffer.concat(chunks);
      expect((await arrived(far, expected.length)).equals(expected)).toBe(true);

      const back: Buffer[] = [];
      line.on('data', (bytes) => back.push(bytes));
      const sent = [pattern(10, 1), pattern(200, 2), pattern(3, 3)];
      for (const chunk of sent) far.send(chunk);
      await rig.settle(until(() => Buffer.concat(back).length >= 213), 'the far end’s bytes');
      expect(Buffer.concat(back).equals(Buffer.concat(sent))).toBe(true);
    });

    it('stop() closes without an error; later writes reject with not_open', async () => {
      const line = await started();
      const closed = nextEvent<Error | undefined>(line, 'close');
      await line.stop();
      expect(await closed).toBeUndefined();
      expect(line.isOpen).toBe(false);
      const outcome = await line.write(Buffer.from('x')).catch((error: unknown) => error);
      expect(isSerialLineError(outcome, 'not_open')).toBe(true);
      await line.stop(); // twice is harmless
    });

    it('notices the far end vanishing by the dead-line policy, retries while it is gone, and reopens after a replug', async () => {
      const line = await started();
      const lost = nextEvent<Error | undefined>(line, 'close');
      await rig.unplug();
      const error = await rig.settle(lost, 'the line to be declared dead');
      // Whichever rule fired first: a failed read (the binding's loss), or the check's EIO.
      expect(error).toBeInstanceOf(Error);
      expect(line.isOpen).toBe(false);
      const write = await line.write(Buffer.from('x')).catch((failure: unknown) => failure);
      expect(isSerialLineError(write, 'not_open')).toBe(true);
      await rig.settle(nextEvent(line, 'openFailed'), 'a reopen attempt to fail while unplugged');

      const reopened = nextEvent(line, 'open');
      await rig.replug();
      await rig.settle(reopened, 'the line to reopen after the replug');
      const far = rig.far();
      await rig.settle(line.write(Buffer.from('after replug')), 'a write after the replug');
      expect((await arrived(far, 12)).toString()).toBe('after replug');
    });

    it('backpressure: a write that cannot drain rejects with write_timeout and the line stays open; once the far end reads, everything arrives in order', async () => {
      const line = await started();
      const far = rig.far();
      far.hold(true);
      const big = pattern(1 << 20, 9);
      const stuck = await rig.settle(line.write(big).catch((error: unknown) => error), 'the stuck write to time out');
      expect(isSerialLineError(stuck, 'write_timeout')).toBe(true);
      expect(stuck).toMatchObject({ disconnected: false });
      expect(line.isOpen).toBe(true);
      far.hold(false);
      // The backlog drains first (on a PTY, 1 MiB at the speed of a shared machine), then
      // a new write goes through within the write time-out like any other.
      await arrived(far, big.length);
      await rig.settle(line.write(Buffer.from('tail')), 'a write once the far end reads again');
      const all = await arrived(far, big.length + 4);
      expect(all.equals(Buffer.concat([big, Buffer.from('tail')]))).toBe(true);
    });

    it('a write pending when the line dies rejects with write_failed (disconnected)', async () => {
      const line = await started({ writeTimeoutMs: 0 });
      rig.far().hold(true);
      const pending = line.write(pattern(1 << 20, 3)).catch((error: unknown) => error);
      await rig.unplug();
      const outcome = await rig.settle(pending, 'the pending write to fail');
      expect(isSerialLineError(outcome, 'write_failed')).toBe(true);
      expect(outcome).toMatchObject({ disconnected: true });
    });
  });
}

/** Resolves once `condition()` holds, checking on each turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
