import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { Rating } from '../protocol/messages/press.ts';
import { listenWithFallback } from '../runtime/listen.ts';
import { DEFAULT_HOLD_MS, type BenchBoard } from './bench-board.ts';

/** The press panel's default port; `--press-port 0` takes any free one (the log says which). */
export const DEFAULT_PRESS_PORT = 8090;

/** Keys on the bridge's terminal: the digit is the rating (4 = best, docs/wiring.md). */
const KEY_RATINGS: Record<string, Rating> = { '1': 1, '2': 2, '3': 3, '4': 4 };

/**
 * How a technician or a vendor's test presses the emulated boards (docs/provisioning.md,
 * "A board without hardware"): a small HTTP API on the bridge host, and the digits 1–4
 * typed on the bridge's terminal (then Enter) for the first board.
 *
 *   POST /press/{rating}[?device=ID][&holdMs=N]  → 200 {deviceId, rating, pin, holdMs, acknowledged}
 *     (held at least holdMs, and on until the LED answers, as a person would)
 *   GET  /state                                   → 200 {boards: [{deviceId, serial, leds, buzzer}]}
 *
 * Loopback only by default: anyone who can reach it can vote.
 */
export class BenchPanel {
  readonly #boards: readonly BenchBoard[];
  readonly #log: Logger;
  readonly #server: Server;
  #stdin: NodeJS.ReadableStream | null = null;
  #onKey: ((chunk: Buffer | string) => void) | null = null;
  port = 0;

  constructor(boards: readonly BenchBoard[], log: Logger) {
    this.#boards = boards;
    this.#log = log;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  async listen(options: { host: string; port: number; explicit: boolean }): Promise<number> {
    this.port = await listenWithFallback(this.#server, { what: 'press panel', host: options.host, port: options.port, explicit: options.explicit, flag: '--press-port' }, this.#log);
    this.#log.info({ url: `http://${options.host}:${this.port}`, boards: this.#boards.map((b) => ({ deviceId: b.deviceId, serial: b.serialPath })) }, 'emulated board ready: POST /press/{rating} to press a button');
    return this.port;
  }

  /**
   * Reads keys from `stdin`: each digit 1–4 presses that rating on the first board, one
   * after another ("44" is two presses). Line mode, not raw: the terminal keeps Ctrl-C.
   */
  readKeys(stdin: NodeJS.ReadableStream): void {
    const first = this.#boards[0];
    if (!first) return;
    this.#stdin = stdin;
    let queue = Promise.resolve();
    this.#onKey = (chunk) => {
      for (const key of String(chunk)) {
        const rating = KEY_RATINGS[key];
        // One press after the other: a second key while the first is held would be a palm.
        if (rating !== undefined) queue = queue.then(async () => this.#log.info({ ...(await first.press(rating)) }, 'emulated press done'));
      }
    };
    stdin.on('data', this.#onKey);
    stdin.resume();
    this.#log.info({ deviceId: first.deviceId, keys: '1 2 3 4 then Enter = ratings (4 = best)' }, 'keys on this terminal press the emulated buttons');
  }

  async close(): Promise<void> {
    if (this.#stdin && this.#onKey) {
      this.#stdin.off('data', this.#onKey);
      this.#stdin.pause();
    }
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://panel');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
    };
    if (req.method === 'GET' && url.pathname === '/state') return send(200, { boards: this.#boards.map((b) => b.state()) });
    const match = /^\/press\/([^/]+)$/.exec(url.pathname);
    if (!match) return send(404, { error: { code: 'not_found', message: 'POST /press/{rating} or GET /state' } });
    if (req.method !== 'POST') return send(405, { error: { code: 'method_not_allowed', message: 'a press is a POST' } });
    const rating = Rating.safeParse(Number(match[1]));
    if (!rating.success) return send(400, { error: { code: 'rating_invalid', message: `rating must be 1–4, got "${match[1]}"` } });
    const deviceId = url.searchParams.get('device');
    const board = deviceId === null ? this.#boards[0] : this.#boards.find((b) => b.deviceId === deviceId);
    if (!board) return send(404, { error: { code: 'device_unknown', message: `no emulated board ${deviceId}; emulated: ${this.#boards.map((b) => b.deviceId).join(', ')}` } });
    const holdText = url.searchParams.get('holdMs');
    const holdMs = holdText === null ? DEFAULT_HOLD_MS : Number(holdText);
    if (!Number.isInteger(holdMs) || holdMs < 1 || holdMs > 10_000) return send(400, { error: { code: 'hold_invalid', message: `holdMs must be a whole number of ms from 1 to 10000, got "${holdText}"` } });
    const result = await board.press(rating.data, holdMs);
    if (!result) return send(404, { error: { code: 'button_unknown', message: `${board.deviceId} has no button for rating ${rating.data}` } });
    return send(200, result);
  }
}
