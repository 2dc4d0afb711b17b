import { EventEmitter } from 'node:events';
import type { ModemStatus, SerialBinding, SerialPortHandle, SerialSettings } from './serial-binding.ts';

/**
 * The in-process binding: node-serialport's binding-mock shape, a real implementation of
 * the contract rather than a spy. `createPort(path)` plugs a `LoopbackDevice` in at a
 * path; a driver opens that path through the binding like any port, and an emulator (or
 * a test) is the device behind it. One binding per test or rig: there is no global
 * registry. Written bytes reach the device at once; everything the host is told (data,
 * drained writes, answers, losses) comes on a later turn of the event loop, as from a
 * real port.
 */
export class LoopbackBinding implements SerialBinding {
  readonly #devices = new Map<string, LoopbackDevice>();

  /** The device at `path` (plugged in), created on first use. */
  createPort(path: string): LoopbackDevice {
    let device = this.#devices.get(path);
    if (!device) {
      device = new LoopbackDevice(path);
      this.#devices.set(path, device);
    }
    return device;
  }

  async open(settings: SerialSettings): Promise<SerialPortHandle> {
    await nextTurn();
    const device = this.#devices.get(settings.path);
    if (!device?.plugged) throw osError('ENOENT', `No such file or directory, cannot open ${settings.path}`);
    return device.connect(settings);
  }
}

export interface LoopbackDeviceEvents {
  /** A host opened the port (as DTR rising tells a real device). */
  hostOpen: [SerialSettings];
  /** Bytes the host wrote, one event per write, in order. */
  hostBytes: [Buffer];
  /** The host's session ended: it closed the port (no error), or the line was pulled or hung up (error). */
  hostClose: [Error | undefined];
}

/** The device end of a loopback port: what an emulator (or a test) sees of the host. */
export class LoopbackDevice extends EventEmitter<LoopbackDeviceEvents> {
  readonly path: string;
  #plugged = true;
  #held = false;
  #session: LoopbackPort | undefined;

  constructor(path: string) {
    super();
    this.path = path;
  }

  get plugged(): boolean {
    return this.#plugged;
  }

  /** Whether a host has the port open now. */
  get hostAttached(): boolean {
    return this.#session !== undefined;
  }

  /** Whether the device holds the host off (see `hold`). */
  get held(): boolean {
    return this.#held;
  }

  /** Bytes the device transmits, to the host that has the port open (lost if none, as on a wire). */
  toHost(bytes: Uint8Array): void {
    const session = this.#session;
    const copy = Buffer.from(bytes);
    if (session) setImmediate(() => session.deliver(copy));
  }

  /**
   * Pulls the cable: opening fails (ENOENT) until `plug()`. `quiet: false` (default) is a
   * USB adapter pulled out: the host's read fails and its port is lost at once. `quiet:
   * true` is a PTY whose socat went away: the host hears nothing, and only a write or the
   * modem-line check (EIO) tells it the line is dead.
   */
  unplug(options: { quiet?: boolean } = {}): void {
    this.#plugged = false;
    this.#end(osError('EIO', 'Input/output error (loopback cable unplugged)'), options.quiet ?? false);
  }

  plug(): void {
    this.#plugged = true;
  }

  /** The device ends the host's session (it was switched off, its firmware died): the host's port is lost with `error`. */
  hangUp(error: Error = osError('EIO', 'Input/output error (the loopback device hung up)')): void {
    this.#end(error, false);
  }

  /**
   * `true`: the device takes no more bytes (hardware flow control, or nobody reading on a
   * PTY): host writes wait and do not drain. `false`: what waited is taken, in order.
   */
  hold(held: boolean): void {
    this.#held = held;
    if (!held) this.#session?.release();
  }

  /** @internal the binding opening this port for a host. */
  connect(settings: SerialSettings): LoopbackPort {
    if (this.#session) throw osError('EBUSY', `Resource temporarily unavailable, cannot lock port ${this.path}`);
    const session = new LoopbackPort(this);
    this.#session = session;
    this.emit('hostOpen', { ...settings });
    return session;
  }

  /** @internal */
  received(session: LoopbackPort, bytes: Buffer): void {
    if (this.#session === session) this.emit('hostBytes', bytes);
  }

  /** @internal the host closed its port. */
  released(session: LoopbackPort): void {
    if (this.#session !== session) return;
    this.#session = undefined;
    this.emit('hostClose', undefined);
  }

  #end(error: Error, quiet: boolean): void {
    const session = this.#session;
    if (!session) return;
    this.#session = undefined;
    session.fail(error, quiet);
    this.emit('hostClose', error);
  }
}

interface QueuedWrite {
  bytes: Buffer;
  settle(error?: Error): void;
}

/** The host's end of a loopback port. */
class LoopbackPort implements SerialPortHandle {
  readonly #device: LoopbackDevice;
  #open = true;
  /** Set when the line died under the host: I/O fails with it from then on. */
  #dead: Error | undefined;
  readonly #queue: QueuedWrite[] = [];
  #onData: ((bytes: Buffer) => void) | undefined;
  #onLost: ((error: Error) => void) | undefined;

  constructor(device: LoopbackDevice) {
    this.#device = device;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  write(bytes: Buffer): Promise<void> {
    const copy = Buffer.from(bytes); // the caller may reuse its buffer
    return new Promise((resolve, reject) => {
      const settle = (error?: Error): void => (error ? reject(error) : resolve());
      const problem = this.#problem();
      if (problem) return void setImmediate(settle, problem);
      this.#queue.push({ bytes: copy, settle });
      if (!this.#device.held) this.release();
    });
  }

  set(_flags: { dtr?: boolean }): Promise<void> {
    return this.#answer(undefined);
  }

  get(): Promise<ModemStatus> {
    return this.#answer({ cts: !this.#device.held, dsr: true, dcd: true });
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.#flush(new Error('Port is not open'));
    this.#device.released(this);
    await nextTurn();
  }

  onData(listener: (bytes: Buffer) => void): void {
    this.#onData = listener;
  }

  onLost(listener: (error: Error) => void): void {
    this.#onLost = listener;
  }

  /**
   * @internal the device takes the waiting writes. Each arrives at once, as bytes handed
   * to a real port go out at once, and drains a turn later: after any answer it provoked
   * (a printer's XOFF) has been queued back, so the host sees that answer first.
   */
  release(): void {
    for (const write of this.#queue.splice(0)) {
      this.#device.received(this, write.bytes);
      setImmediate(() => write.settle(this.#dead));
    }
  }

  /** @internal */
  deliver(bytes: Buffer): void {
    if (this.#open && !this.#dead) this.#onData?.(bytes);
  }

  /** @internal the line died: loudly (the port is lost now) or quietly (only I/O notices). */
  fail(error: Error, quiet: boolean): void {
    if (this.#dead) return;
    this.#dead = error;
    this.#flush(error);
    if (!quiet) setImmediate(() => this.#open && this.#onLost?.(error));
  }

  #problem(): Error | undefined {
    return this.#open ? this.#dead : new Error('Port is not open');
  }

  #answer<T>(value: T): Promise<T> {
    return new Promise((resolve, reject) => setImmediate(() => (this.#problem() ? reject(this.#problem()) : resolve(value))));
  }

  #flush(error: Error): void {
    for (const write of this.#queue.splice(0)) write.settle(error);
  }
}

/** An error shaped like the OS's: `code` set, the message as serialport words it. */
function osError(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
