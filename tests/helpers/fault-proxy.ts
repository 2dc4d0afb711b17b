import { once } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { withDeadline, WAIT_MS } from './deadline.ts';

/**
 * An in-process fault-injecting TCP proxy for chaos tests (Toxiproxy is not available here).
 * Each accepted connection gets one Fault from the plan; the proxy opens its own connection to
 * the target, so faults act on TCP connections, not HTTP requests: with keep-alive, one fault
 * covers every request that connection carries.
 */
export type Fault =
  | { kind: 'pass' }
  /** Accept, then destroy at once: the request never reaches the target (no upstream connect). */
  | { kind: 'refuse' }
  /** Forward this many client→target bytes, counted from the start of the connection, then destroy both sides. */
  | { kind: 'cut-request'; afterBytes: number }
  /** Forward the request; on the first target→client byte destroy both sides unforwarded (committed, client never hears). */
  | { kind: 'cut-response' }
  /** Forward both ways, each chunk held back `ms` (order kept). */
  | { kind: 'delay'; ms: number }
  /** Accept, forward nothing either way, hold the socket until the client gives up or the proxy closes. */
  | { kind: 'stall' }
  /** Slow link: forward in pieces of `bytes`, `gapMs` apart. */
  | { kind: 'slice'; bytes: number; gapMs: number };
export type FaultKind = Fault['kind'];
export type FaultPlan = (connectionIndex: number) => Fault;

export const FAULT_KINDS: readonly FaultKind[] = ['pass', 'refuse', 'cut-request', 'cut-response', 'delay', 'stall', 'slice'];

export interface FaultProxyStats {
  /** Connections accepted so far (also the next connection's index). */
  connections: number;
  /** Connections currently open. */
  live: number;
  byKind: Record<FaultKind, number>;
  /** Bytes actually forwarded client→target and target→client. */
  bytesUp: number;
  bytesDown: number;
}

export interface FaultProxy {
  readonly port: number;
  /** Faults are chosen per accepted connection; applies to connections accepted from now on. */
  setPlan(plan: FaultPlan): void;
  /** Live counters (read them, don't write them). */
  readonly stats: Readonly<FaultProxyStats>;
  /** Resolves once `n` connections have been accepted and given their fault. */
  waitForConnections(n: number): Promise<void>;
  /** Destroys all live connections now (a WAN drop), keeps listening. */
  cutAll(): void;
  /** Destroys every connection (stalled ones included), clears their timers, stops listening. */
  close(): Promise<void>;
}

const noop = (): void => {};

interface Lane {
  /** Queue a chunk (null: pass the FIN on) due at `at`; due times never go backwards, so order is kept. */
  push(chunk: Buffer | null, at: number): void;
  /** Due time of a slice piece: `gapMs` after the previous one, or now if the link is idle. */
  nextSlot(gapMs: number): number;
}

/**
 * One direction of a connection: chunks are written in order once due; an immediate chunk on an
 * empty queue is written synchronously. Its timer lives in `timers`, which the teardown clears.
 */
function lane(src: net.Socket, dst: net.Socket, timers: Set<NodeJS.Timeout>, count: (bytes: number) => void): Lane {
  const queue: Array<{ at: number; chunk: Buffer | null }> = [];
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  let draining = false;
  const pump = (): void => {
    while (!timer && queue.length > 0) {
      const head = queue[0]!;
      const wait = head.at - performance.now();
      if (wait > 0) {
        // A libuv timer may fire ~1ms early by performance.now(): pump re-checks and re-arms.
        const t = setTimeout(() => (timers.delete(t), (timer = undefined), pump()), Math.ceil(wait));
        timers.add((timer = t));
        return;
      }
      queue.shift();
      if (head.chunk === null) dst.end();
      else if (!dst.destroyed) {
        count(head.chunk.length);
        // Backpressure: stop reading the source until the destination drains.
        if (!dst.write(head.chunk) && !draining) {
          draining = true;
          src.pause();
          dst.once('drain', () => ((draining = false), src.resume()));
        }
      }
    }
  };
  return {
    push: (chunk, at) => {
      last = Math.max(at, last);
      queue.push({ at: last, chunk });
      pump();
    },
    nextSlot: (gapMs) => Math.max(performance.now(), last === 0 ? 0 : last + gapMs),
  };
}

export async function startFaultProxy(options: { targetHost?: string; targetPort: number; plan?: FaultPlan }): Promise<FaultProxy> {
  const targetHost = options.targetHost ?? '127.0.0.1';
  let plan: FaultPlan = options.plan ?? (() => ({ kind: 'pass' }));
  let closed = false;
  const byKind = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const stats: FaultProxyStats = { connections: 0, live: 0, byKind, bytesUp: 0, bytesDown: 0 };
  const kills = new Set<() => void>();
  const waiters: Array<{ n: number; resolve: () => void }> = [];

  function handle(client: net.Socket, fault: Fault): void {
    const timers = new Set<NodeJS.Timeout>();
    let target: net.Socket | undefined;
    let dead = false;
    // Idempotent teardown for every path (fault, error, clean close, cutAll, close): destroyed
    // sockets emit no more data, and the cleared timers can't write into them later.
    const kill = (): void => {
      if (dead) return;
      dead = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      client.destroy();
      target?.destroy();
      kills.delete(kill);
      stats.live = kills.size;
    };
    kills.add(kill);
    stats.live = kills.size;
    // ECONNRESET/EPIPE on either side is an expected outcome here, never a test failure.
    client.on('error', noop).setNoDelay(true);

    if (fault.kind === 'refuse') return kill();
    if (fault.kind === 'stall') {
      // Read and discard, so the client's FIN or reset is noticed and the socket freed.
      client.on('data', noop).on('end', kill).on('close', kill);
      return;
    }

    const upstream = (target = net.connect({ host: targetHost, port: options.targetPort, allowHalfOpen: true }));
    upstream.on('error', noop).setNoDelay(true);
    const up = lane(client, upstream, timers, (n) => (stats.bytesUp += n));
    const down = lane(upstream, client, timers, (n) => (stats.bytesDown += n));
    const forward = (lane: Lane, chunk: Buffer | null): void => {
      const now = performance.now();
      if (fault.kind === 'delay') return lane.push(chunk, now + fault.ms);
      if (fault.kind !== 'slice') return lane.push(chunk, now);
      if (chunk === null) return lane.push(null, lane.nextSlot(0));
      const size = Math.max(1, Math.floor(fault.bytes));
      for (let i = 0; i < chunk.length; i += size) lane.push(chunk.subarray(i, i + size), lane.nextSlot(fault.gapMs));
    };

    let sentUp = 0;
    let cutting = false;
    client.on('data', (chunk: Buffer) => {
      if (dead || cutting) return;
      if (fault.kind === 'cut-request') {
        const room = fault.afterBytes - sentUp;
        sentUp += chunk.length;
        if (room > chunk.length) return forward(up, chunk);
        // The cut lands in this chunk: send the part that fits and destroy once it has reached
        // the kernel (destroying at once could drop it); drop whatever the client sends meanwhile.
        if (room <= 0) return kill();
        cutting = true;
        stats.bytesUp += room;
        upstream.write(chunk.subarray(0, room), () => kill());
        return;
      }
      forward(up, chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (dead) return;
      // The target sends nothing before it has a request, so its first byte means "committed".
      if (fault.kind === 'cut-response') return kill();
      forward(down, chunk);
    });
    // Half-closes travel through the lanes (after the data queued before them); a connection is
    // over when both sockets closed cleanly, or at once when either one failed.
    client.on('end', () => forward(up, null));
    upstream.on('end', () => forward(down, null));
    const onClose = (hadError: boolean): void => void ((hadError || (client.destroyed && upstream.destroyed)) && kill());
    client.on('close', onClose);
    upstream.on('close', onClose);
  }

  // allowHalfOpen: a client FIN must not end our side before the target's answer is passed on.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    if (closed) return void client.destroy();
    const index = stats.connections++;
    const fault = plan(index);
    stats.byKind[fault.kind]++;
    handle(client, fault);
    for (const w of waiters.filter((w) => stats.connections >= w.n)) waiters.splice(waiters.indexOf(w), 1)[0]!.resolve();
  });
  server.listen(0, '127.0.0.1');
  await withDeadline(once(server, 'listening'), WAIT_MS, 'the fault proxy to listen'); // rejects on a listen error
  server.on('error', noop); // later accept errors (EMFILE) must not crash the test run
  const port = (server.address() as net.AddressInfo).port;
  const cutAll = (): void => [...kills].forEach((kill) => kill());

  return {
    port,
    stats,
    setPlan: (next) => void (plan = next),
    waitForConnections: (n) =>
      stats.connections >= n ? Promise.resolve() : withDeadline(new Promise<void>((resolve) => waiters.push({ n, resolve })), WAIT_MS, `${n} connections through the fault proxy`),
    cutAll,
    close: async () => {
      closed = true;
      cutAll();
      // server.close waits for every accepted socket to close; all were just destroyed.
      await withDeadline(new Promise<void>((resolve) => server.close(() => resolve())), WAIT_MS, 'the fault proxy to close');
    },
  };
}

/** mulberry32: tiny, fast, good enough for test schedules. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A deterministic pseudo-random plan: the fault for connection i depends only on (seed, i), so
 * a failing chaos run replays from its seed whatever order connections are made in.
 * Kinds absent or weighted 0 never occur. delay ms is 1..delayMs (default 50); cut-request
 * afterBytes is 0..cutAfterMax (default 256; a cut at or past a request's end lets it through
 * complete and breaks the next one); slice is 1..64 bytes, 1..max(1, delayMs/10) ms apart.
 */
export function seededFaultPlan(
  seed: number,
  weights: Partial<Record<FaultKind, number>>,
  options: { delayMs?: number; cutAfterMax?: number } = {},
): FaultPlan {
  const delayMs = options.delayMs ?? 50;
  const cutAfterMax = options.cutAfterMax ?? 256;
  const entries = FAULT_KINDS.map((k) => [k, weights[k] ?? 0] as const).filter(([, w]) => {
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`bad weight ${w}`);
    return w > 0;
  });
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (total <= 0) throw new RangeError('seededFaultPlan needs at least one positive weight');
  const upTo = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  return (i) => {
    // Hash (seed, i) into a fresh generator (murmur3 finaliser) so nearby indices decorrelate.
    let h = (seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    const r = mulberry32(h ^ (h >>> 16));
    let pick = r() * total;
    const kind = (entries.find(([, w]) => (pick -= w) < 0) ?? entries[entries.length - 1]!)[0];
    switch (kind) {
      case 'cut-request': return { kind, afterBytes: upTo(r, 0, cutAfterMax) };
      case 'delay': return { kind, ms: upTo(r, 1, Math.max(1, delayMs)) };
      case 'slice': return { kind, bytes: upTo(r, 1, 64), gapMs: upTo(r, 1, Math.max(1, Math.floor(delayMs / 10))) };
      default: return { kind };
    }
  };
}
