import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_KINDS, seededFaultPlan, startFaultProxy, type Fault, type FaultKind, type FaultProxy } from './fault-proxy.ts';

/** A tiny HTTP target recording what it fully received and what it answered. */
interface Target {
  port: number;
  started: string[]; // request lines whose headers arrived
  complete: string[]; // bodies received in full
  answered: string[]; // bodies it sent a response for
  sockets: net.Socket[];
  close(): Promise<void>;
}

async function startTarget(): Promise<Target> {
  const t: Omit<Target, 'port' | 'close'> = { started: [], complete: [], answered: [], sockets: [] };
  const server = http.createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    t.started.push(`${req.method} ${req.url}`);
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('error', () => {});
    req.on('end', () => {
      t.complete.push(body);
      // Recorded before writing: the proxy can only see (and cut) the response after this.
      t.answered.push(body);
      res.end(`ok:${body}`);
    });
  });
  server.on('connection', (s: net.Socket) => t.sockets.push(s));
  server.on('clientError', (_err, socket) => socket.destroy());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    ...t,
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface Reply {
  status: number;
  body: string;
  socket: net.Socket;
}

function post(port: number, body: string, opts: { agent?: http.Agent; timeoutMs?: number } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/sync', agent: opts.agent ?? false, headers: { 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const socket = res.socket; // captured now: the agent detaches it from res at the end
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, socket }));
      },
    );
    req.on('error', reject);
    if (opts.timeoutMs !== undefined) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.end(body);
  });
}

/** Resolves on 'close' (events.once would reject on the ECONNRESET these tests provoke). */
function closed(socket: net.Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

/** Resolves when every socket the target accepted has closed. */
async function targetSocketsClosed(target: Target): Promise<void> {
  await Promise.all(target.sockets.map(closed));
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup(fault: Fault | ((i: number) => Fault)): Promise<{ target: Target; proxy: FaultProxy }> {
  const target = await startTarget();
  cleanups.push(() => target.close());
  const proxy = await startFaultProxy({ targetPort: target.port, plan: typeof fault === 'function' ? fault : () => fault });
  cleanups.push(() => proxy.close());
  return { target, proxy };
}

describe('fault proxy', () => {
  it('passes several keep-alive requests over one connection', async () => {
    const { target, proxy } = await setup({ kind: 'pass' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(() => agent.destroy());
    const bodies = ['a', 'bb', 'ccc', 'dddd', 'e'.repeat(50_000)];
    for (const b of bodies) {
      const reply = await post(proxy.port, b, { agent });
      expect(reply).toMatchObject({ status: 200, body: `ok:${b}` });
    }
    expect(target.complete).toEqual(bodies);
    expect(proxy.stats.connections).toBe(1);
    expect(target.sockets).toHaveLength(1);
    expect(proxy.stats.byKind.pass).toBe(1);
    expect(proxy.stats.bytesUp).toBeGreaterThan(50_000);
    expect(proxy.stats.bytesDown).toBeGreaterThan(50_000);
  });

  it('refuse: the client errors and the target sees nothing', async () => {
    const { target, proxy } = await setup({ kind: 'refuse' });
    await expect(post(proxy.port, 'x')).rejects.toThrow();
    expect(target.sockets).toHaveLength(0);
    expect(target.started).toEqual([]);
    expect(proxy.stats.byKind.refuse).toBe(1);
  });

  it.each([
    ['mid-headers', 10, 0],
    ['mid-body', 400, 1],
  ])('cut-request %s: the target never gets a complete request, the client errors', async (_name, afterBytes, started) => {
    const { target, proxy } = await setup({ kind: 'cut-request', afterBytes });
    await expect(post(proxy.port, 'y'.repeat(1000))).rejects.toThrow();
    await proxy.waitForConnections(1);
    await targetSocketsClosed(target);
    expect(target.started).toHaveLength(started);
    expect(target.complete).toEqual([]);
    expect(target.answered).toEqual([]);
    expect(proxy.stats.bytesUp).toBe(afterBytes);
    expect(proxy.stats.bytesDown).toBe(0);
  });

  it('cut-response: the target received and answered, the client never hears (committed, no response)', async () => {
    const { target, proxy } = await setup({ kind: 'cut-response' });
    await expect(post(proxy.port, 'commit-me')).rejects.toThrow();
    expect(target.complete).toEqual(['commit-me']);
    expect(target.answered).toEqual(['commit-me']);
    expect(proxy.stats.bytesDown).toBe(0);
  });

  it('delay holds each direction back at least ms', async () => {
    const ms = 80;
    const { proxy } = await setup({ kind: 'delay', ms });
    const t0 = performance.now();
    const reply = await post(proxy.port, 'slow');
    const elapsed = performance.now() - t0;
    expect(reply.body).toBe('ok:slow');
    // Request and response are each held back ms; no upper bound (CI machines stall).
    expect(elapsed).toBeGreaterThanOrEqual(2 * ms);
  });

  it('slice forwards in small pieces, gapMs apart, intact', async () => {
    const { proxy } = await setup({ kind: 'slice', bytes: 16, gapMs: 2 });
    const t0 = performance.now();
    const reply = await post(proxy.port, 'z'.repeat(100));
    const elapsed = performance.now() - t0;
    expect(reply.body).toBe(`ok:${'z'.repeat(100)}`);
    expect(elapsed).toBeGreaterThanOrEqual((Math.ceil(proxy.stats.bytesUp / 16) - 1) * 2);
  });

  it('stall: a client with a timeout gives up, the target saw nothing', async () => {
    const { target, proxy } = await setup({ kind: 'stall' });
    await expect(post(proxy.port, 'x', { timeoutMs: 100 })).rejects.toThrow('client timeout');
    expect(target.sockets).toHaveLength(0);
    expect(target.complete).toEqual([]);
  });

  it('cutAll kills a live keep-alive connection and keeps listening', async () => {
    const { target, proxy } = await setup({ kind: 'pass' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(() => agent.destroy());
    const first = await post(proxy.port, 'one', { agent });
    expect(first.socket.destroyed).toBe(false);
    expect(proxy.stats.live).toBe(1);
    proxy.cutAll();
    await closed(first.socket);
    await targetSocketsClosed(target);
    expect(proxy.stats.live).toBe(0);
    const second = await post(proxy.port, 'two', { agent });
    expect(second.body).toBe('ok:two');
    expect(proxy.stats.connections).toBe(2);
  });

  it('close() resolves with a stalled socket and a pending delay open', async () => {
    const { target, proxy } = await setup((i) => (i === 0 ? { kind: 'stall' } : { kind: 'delay', ms: 60_000 }));
    const stalled = net.connect(proxy.port, '127.0.0.1');
    const delayed = net.connect(proxy.port, '127.0.0.1');
    for (const s of [stalled, delayed]) {
      s.on('error', () => {});
      s.write('POST /sync HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n');
    }
    await proxy.waitForConnections(2);
    await proxy.close();
    await Promise.all([closed(stalled), closed(delayed)]);
    expect(proxy.stats.live).toBe(0);
    expect(target.started).toEqual([]);
  });
});

describe('seededFaultPlan', () => {
  const weightsArb = fc
    .record(Object.fromEntries(FAULT_KINDS.map((k) => [k, fc.nat(5)])) as Record<FaultKind, fc.Arbitrary<number>>)
    .filter((w) => Object.values(w).some((v) => v > 0));

  it('is deterministic for a seed and pure per index', () => {
    fc.assert(
      fc.property(fc.integer(), weightsArb, fc.array(fc.nat(100_000), { maxLength: 50 }), (seed, weights, indices) => {
        const a = seededFaultPlan(seed, weights);
        const b = seededFaultPlan(seed, weights);
        expect(indices.map(a)).toEqual(indices.map(b));
        expect(indices.map(a)).toEqual(indices.map(a));
      }),
    );
  });

  it('never picks a zero-weight kind and keeps parameters in range', () => {
    fc.assert(
      fc.property(fc.integer(), weightsArb, (seed, weights) => {
        const plan = seededFaultPlan(seed, weights, { delayMs: 30, cutAfterMax: 100 });
        for (let i = 0; i < 200; i++) {
          const f = plan(i);
          expect(weights[f.kind]).toBeGreaterThan(0);
          if (f.kind === 'delay') expect(f.ms).toBeGreaterThanOrEqual(1), expect(f.ms).toBeLessThanOrEqual(30);
          if (f.kind === 'cut-request') expect(f.afterBytes).toBeGreaterThanOrEqual(0), expect(f.afterBytes).toBeLessThanOrEqual(100);
          if (f.kind === 'slice') expect(f.bytes).toBeGreaterThanOrEqual(1), expect(f.gapMs).toBeGreaterThanOrEqual(1);
        }
      }),
    );
  });

  it('mixes kinds and rejects plans with no positive weight', () => {
    const plan = seededFaultPlan(42, { pass: 1, 'cut-response': 1, stall: 1 });
    const kinds = new Set(Array.from({ length: 100 }, (_, i) => plan(i).kind));
    expect(kinds).toEqual(new Set(['pass', 'cut-response', 'stall']));
    expect(() => seededFaultPlan(1, { pass: 0 })).toThrow(RangeError);
    expect(() => seededFaultPlan(1, { pass: -1, stall: 1 })).toThrow(RangeError);
  });
});
