// Which wording a wait quote gets. Kept apart from i18n.js (which loads the hub-made
// strings.js) so the choice can be tested on the simulated days in Node
// (tests/hub/wait-wording.test.ts) with the wording table itself.
//
// The quote (ticket.quotedWait, ServiceView.estimatedWait) is when the citizen will be
// called: it counts every ticket the counters serving this service will call first, in
// every service those counters serve, while "people ahead" counts this service only
// (docs/queue.md, "What the kiosk says about the wait"). So the wording says "called in
// about …", and the pages show `waitExplained` with it: "0 waiting · about 7–21 min" is
// then no contradiction.

/**
 * The wording key and figures for a wait range (`{lowMin, highMin}` or null when no open
 * counter serves the service).
 * @param {{ lowMin: number, highMin: number } | null | undefined} range
 * @returns {{ key: 'waitUnknown' | 'waitNone' | 'waitUpTo' | 'waitExact' | 'waitAbout', params: { low?: number, high?: number } }}
 */
export function waitWording(range) {
  if (!range || typeof range.lowMin !== 'number' || typeof range.highMin !== 'number') return { key: 'waitUnknown', params: {} };
  const low = Math.max(0, Math.round(range.lowMin));
  const high = Math.max(low, Math.round(range.highMin));
  if (high === 0) return { key: 'waitNone', params: {} };
  if (low === 0) return { key: 'waitUpTo', params: { high } };
  if (low === high) return { key: 'waitExact', params: { low } };
  return { key: 'waitAbout', params: { low, high } };
}
