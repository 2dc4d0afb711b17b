// Watching a hub drain its backlog: /health every 200 ms for the Secretariat's
// acknowledgment, /proc/<pid>/status for the hub's resident set at each poll.
import { sleep, withTimeout } from '../bridge/wait.ts';
import { procMemory, type ProcMemory } from './processes.ts';

export interface HubHealth {
  sync: { state: string; backlogEvents: number; ackedThroughSeq: number; eventsSent: number; lastError: { code: string; message: string } | null };
  store: { outboxLastSeq: number; walBytes: number };
}

export async function hubHealth(httpPort: number): Promise<HubHealth> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/health`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`hub /health: HTTP ${response.status}`);
  return (await response.json()) as HubHealth;
}

/** The hub main thread's V8 heap and event-loop delay, from prom-client's default metrics on /metrics. */
export interface HeapSample {
  heapTotal: number;
  heapUsed: number;
  external: number;
  /** nodejs_heap_space_size_total_bytes{space="new"}: the young generation. */
  newSpace: number;
  /** Large-object space (old generation): strings and arrays over ~128 KiB, such as a batch's JSON text. */
  largeObjectSpace: number;
  /** Longest event-loop delay since the previous scrape (prom-client resets its histogram each scrape), ms. */
  loopDelayMaxMs: number;
}

export async function hubHeap(httpPort: number): Promise<HeapSample> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  const value = (name: string, space?: string) => {
    const key = space === undefined ? name : `${name}{space="${space}"}`;
    const line = text.split('\n').find((l) => l.startsWith(`${key} `));
    return Number(line?.slice(key.length + 1) ?? NaN);
  };
  return {
    heapTotal: value('nodejs_heap_size_total_bytes'),
    heapUsed: value('nodejs_heap_size_used_bytes'),
    external: value('nodejs_external_memory_bytes'),
    newSpace: value('nodejs_heap_space_size_total_bytes', 'new'),
    largeObjectSpace: value('nodejs_heap_space_size_total_bytes', 'large_object'),
    loopDelayMaxMs: value('nodejs_eventloop_lag_max_seconds') * 1000,
  };
}

export interface DrainWatch {
  /** performance.now() of the poll that first saw the condition. */
  doneAt: number;
  /** Highest VmRSS sampled, bytes. */
  maxSampledRss: number;
  /** The sample with the highest VmRSS (with its anon / file / shmem split). */
  peakSample: ProcMemory | null;
  /** Largest of each figure over the /metrics samples (one a second). */
  maxHeap: HeapSample;
  /** Largest WAL size /health reported. */
  maxWalBytes: number;
  /** How long /health took to answer: a stalled hub event loop shows here. */
  healthMs: number[];
  polls: number;
  last: HubHealth;
}

/**
 * Polls until `done(health)` holds. Prints progress every `reportEveryMs`. Throws after
 * `timeoutMs` or when the hub process exits.
 */
export async function watchDrain(options: {
  httpPort: number;
  pid: number;
  exited: Promise<unknown>;
  done: (health: HubHealth) => boolean;
  timeoutMs: number;
  intervalMs?: number;
  reportEveryMs?: number;
  report?: (health: HubHealth, rss: number) => void;
}): Promise<DrainWatch> {
  const intervalMs = options.intervalMs ?? 200;
  const reportEveryMs = options.reportEveryMs ?? 10_000;
  let exited = false;
  void options.exited.then(() => (exited = true));
  const watch = async (): Promise<DrainWatch> => {
    let maxSampledRss = 0;
    let peakSample: ProcMemory | null = null;
    let maxWalBytes = 0;
    let polls = 0;
    let lastReport = performance.now();
    const healthMs: number[] = [];
    const maxHeap: HeapSample = { heapTotal: 0, heapUsed: 0, external: 0, newSpace: 0, largeObjectSpace: 0, loopDelayMaxMs: 0 };
    let scrapes = 0;
    for (;;) {
      if (exited) throw new Error('the hub exited during the drain');
      const t0 = performance.now();
      const health = await hubHealth(options.httpPort);
      const at = performance.now();
      healthMs.push(at - t0);
      polls++;
      const sample = procMemory(options.pid);
      const { rss } = sample;
      if (rss > maxSampledRss) peakSample = sample;
      maxSampledRss = Math.max(maxSampledRss, rss);
      maxWalBytes = Math.max(maxWalBytes, health.store.walBytes);
      if (polls % 5 === 1) {
        const heap = await hubHeap(options.httpPort);
        // The first scrape's event-loop figures cover the hub's start-up, not the drain.
        if (scrapes++ === 0) heap.loopDelayMaxMs = 0;
        for (const key of Object.keys(maxHeap) as Array<keyof HeapSample>) maxHeap[key] = Math.max(maxHeap[key], heap[key]);
      }
      if (options.done(health)) return { doneAt: at, maxSampledRss, peakSample, maxHeap, maxWalBytes, healthMs, polls, last: health };
      if (at - lastReport >= reportEveryMs) {
        lastReport = at;
        options.report?.(health, rss);
      }
      await sleep(Math.max(0, intervalMs - (performance.now() - t0)));
    }
  };
  return withTimeout(watch(), options.timeoutMs, 'the hub to drain its backlog');
}
