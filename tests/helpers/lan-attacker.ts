import type { Socket } from 'node:net';
import { rawConnection } from './lan-client.ts';

export interface PoolOptions {
  port: number;
  /** What the pool is, for figures. */
  name: string;
  addresses: string[];
  perAddress: number;
  /** Written once connected (a request head, part of a body); nothing = an idle connection. */
  send?: string;
  /** A connection the hub closed is opened again this much later (a sustained attack); none = not reopened. */
  reopenAfterMs?: number;
}

export interface PoolFigures {
  name: string;
  attempted: number;
  /** Connections the hub accepted at TCP level (it may still answer 503 and close). */
  connected: number;
  connectFailed: number;
  /** Connections the hub closed (time-out, refusal, eviction). */
  closedByHub: number;
  /** First line of what the hub answered, counted ("HTTP/1.1 429 Too Many Requests": n; "(nothing)": n). */
  answers: Record<string, number>;
  /** Median time from connect to the hub's close, per answer line. */
  medianLifeMs: Record<string, number>;
  /** Open now. */
  open: number;
  /** How long opening the first wave took. */
  openMs: number;
}

/**
 * A hostile client's sockets: `perAddress` connections from each address, each sending
 * `send` and then holding the connection without reading further or closing. Used to
 * hold slow bodies, idle connections and event streams open against a hub process.
 */
export class SocketPool {
  readonly #options: PoolOptions;
  readonly #open = new Set<Socket>();
  readonly #lives = new Map<string, number[]>();
  #stopped = false;
  readonly #figures: PoolFigures;

  constructor(options: PoolOptions) {
    this.#options = options;
    this.#figures = { name: options.name, attempted: 0, connected: 0, connectFailed: 0, closedByHub: 0, answers: {}, medianLifeMs: {}, open: 0, openMs: 0 };
  }

  get figures(): PoolFigures {
    for (const [line, lives] of this.#lives) this.#figures.medianLifeMs[line] = Math.round([...lives].sort((a, b) => a - b)[Math.floor(lives.length / 2)]!);
    return this.#figures;
  }

  /** Opens every connection (in batches, so the listen backlog is not the thing being tested). */
  async start(): Promise<void> {
    const started = performance.now();
    const slots = this.#options.addresses.flatMap((address) => Array.from({ length: this.#options.perAddress }, () => address));
    for (let i = 0; i < slots.length; i += 100) {
      await Promise.all(slots.slice(i, i + 100).map((address) => this.#openOne(address)));
    }
    this.#figures.openMs = Math.round(performance.now() - started);
  }

  stop(): void {
    this.#stopped = true;
    for (const socket of this.#open) socket.destroy();
    this.#open.clear();
    this.#figures.open = 0;
  }

  async #openOne(address: string): Promise<void> {
    if (this.#stopped) return;
    this.#figures.attempted++;
    let socket: Socket;
    try {
      socket = await rawConnection(this.#options.port, address);
    } catch {
      this.#figures.connectFailed++;
      this.#reopen(address);
      return;
    }
    if (this.#stopped) {
      socket.destroy();
      return;
    }
    this.#figures.connected++;
    const connectedAt = performance.now();
    this.#open.add(socket);
    this.#figures.open = this.#open.size;
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      if (head.length < 200) head += chunk.toString('latin1');
    });
    socket.once('close', () => {
      if (!this.#open.delete(socket)) return; // we closed it (stop)
      this.#figures.open = this.#open.size;
      this.#figures.closedByHub++;
      const line = head ? head.split('\r\n', 1)[0]! : '(nothing)';
      this.#figures.answers[line] = (this.#figures.answers[line] ?? 0) + 1;
      const lives = this.#lives.get(line) ?? [];
      if (lives.length < 10_000) lives.push(performance.now() - connectedAt);
      this.#lives.set(line, lives);
      this.#reopen(address);
    });
    if (this.#options.send) socket.write(this.#options.send);
  }

  #reopen(address: string): void {
    if (this.#stopped || this.#options.reopenAfterMs === undefined) return;
    setTimeout(() => void this.#openOne(address), this.#options.reopenAfterMs).unref();
  }
}
