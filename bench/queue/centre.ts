// What both parts of the queue bench draw from: the sample centre (hub/config/sample-centre.json),
// the share of visitors each service gets, the ticket categories, and a seeded PRNG, so a
// generated day (or the order of the HTTP load's requests) is the same for the same seed.
import type { HubConfig } from '../../hub/config/schema.ts';
import { loadHubConfig } from '../../hub/config/load.ts';
import type { QueueRules } from '../../hub/queue/engine/queue-engine.ts';

export type Category = 'regular' | 'elderly' | 'disability' | 'pregnancy';

/**
 * Share of visitors per service (percent, sums to 100; est., the bench's choice). Documents
 * to collect, enquiries and payments help are the bulk of a Huduma Centre's visits and the
 * shortest (2–3 min configured); ID cards and SHA registration follow. The shares are set
 * so that each group of counters that share services (c01/c02/c09/c10, and c03…c08 each
 * on its own) gets within ±5 % of the same work per counter: the sample centre's staffing
 * matches its demand. With the configured mean service times a visitor needs 4.14 min of a
 * counter on average, so 1,500 visitors need ~104 % of 10 counters' time over the 10 hours
 * the arrivals span: the morning rush builds a queue that the afternoon works off only
 * after closing. Every service gets some visitors.
 */
export const SERVICE_SHARE: Readonly<Record<string, number>> = {
  'id-duplicate': 6,
  'id-new': 2.5,
  'good-conduct': 4,
  'police-abstract': 2.5,
  'birth-cert': 4.5,
  'death-cert': 2,
  sha: 5,
  nssf: 2.5,
  passport: 3.5,
  kra: 3.5,
  helb: 3,
  ntsa: 3.5,
  'business-name': 1.5,
  'business-permit': 1.5,
  'welfare-groups': 1,
  'land-rates': 1.5,
  'marriage-cert': 1.5,
  pensions: 2,
  ecitizen: 2.5,
  ombudsman: 1,
  eacc: 1,
  collection: 19.5,
  enquiries: 16.5,
  payments: 8,
};

/** Priority categories (Huduma Charter): 5 % of visitors in all. */
export const CATEGORY_SHARE: ReadonlyArray<readonly [Category, number]> = [
  ['regular', 95],
  ['elderly', 3],
  ['disability', 1],
  ['pregnancy', 1],
];

export interface SampleCentre {
  config: HubConfig;
  rules: QueueRules;
  /** A service id, drawn by SERVICE_SHARE. */
  pickService(random: () => number): string;
  /** A ticket category, drawn by CATEGORY_SHARE. */
  pickCategory(random: () => number): Category;
}

/** The sample centre as the hub loads it (defaults applied), checked against SERVICE_SHARE. */
export function sampleCentre(): SampleCentre {
  const { config } = loadHubConfig();
  const configured = config.services.map((s) => s.id);
  const missing = configured.filter((id) => !(id in SERVICE_SHARE));
  const unknown = Object.keys(SERVICE_SHARE).filter((id) => !configured.includes(id));
  if (missing.length > 0 || unknown.length > 0) {
    throw new Error(`bench/queue/centre.ts SERVICE_SHARE does not match the sample centre: missing ${missing.join(', ') || '-'}, unknown ${unknown.join(', ') || '-'}`);
  }
  const pickService = picker(configured.map((id) => [id, SERVICE_SHARE[id]!] as const));
  const pickCategory = picker(CATEGORY_SHARE);
  return { config, rules: { services: config.services, counters: config.counters, queue: config.queue }, pickService, pickCategory };
}

/** A weighted choice: `random()` in [0, 1) to one of the items. */
export function picker<T>(items: ReadonlyArray<readonly [T, number]>): (random: () => number) => T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const [, weight] of items) cumulative.push((sum += weight / total));
  return (random) => {
    const x = random();
    for (let i = 0; i < items.length; i++) if (x < cumulative[i]!) return items[i]![0];
    return items[items.length - 1]![0];
  };
}

/** mulberry32: a small, fast, seeded PRNG with 32-bit state; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal deviate (Box–Muller). */
export function normal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A lognormal deviate with the given mean and coefficient of variation. */
export function lognormal(random: () => number, mean: number, cv: number): number {
  const sigma2 = Math.log(1 + cv * cv);
  return Math.exp(Math.log(mean) - sigma2 / 2 + Math.sqrt(sigma2) * normal(random));
}
