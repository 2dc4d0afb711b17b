/**
 * The NOC's order of centres: what needs a person's attention first.
 * 1. silent centres (no heartbeat for a while, or never): nothing else about them can
 *    be trusted, so they head the list;
 * 2. then the oldest unsynced event, oldest first (unknown age last): a centre hours
 *    behind is the next thing to look at;
 * 3. then centre id, so the order is stable between polls and rows do not jump.
 * Pure: returns a new array, never reorders its input.
 */
export interface Rankable {
  centreId: string;
  alarms: readonly string[];
  oldestUnsyncedAgeS: number | null;
}

export function rankCentres<T extends Rankable>(centres: readonly T[]): T[] {
  return [...centres].sort(compareCentres);
}

export function compareCentres(a: Rankable, b: Rankable): number {
  const silent = Number(b.alarms.includes('silent')) - Number(a.alarms.includes('silent'));
  if (silent !== 0) return silent;
  const ageA = a.oldestUnsyncedAgeS ?? -1;
  const ageB = b.oldestUnsyncedAgeS ?? -1;
  if (ageA !== ageB) return ageB - ageA;
  return a.centreId < b.centreId ? -1 : a.centreId > b.centreId ? 1 : 0;
}
