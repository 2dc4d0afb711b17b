import type { CentreSummary } from '../store/store.ts';

export type Alarm = 'silent' | 'conflicts' | 'quarantine' | 'backlog' | 'disk' | 'clock';

export interface SatisfactionToday {
  day: string;
  /** `heartbeat`: the hub's live count (includes presses not yet synced); `events`: counted from events held here. */
  source: 'heartbeat' | 'events';
  presses: number;
  byRating: Record<'1' | '2' | '3' | '4', number>;
  /** Mean rating 1 (poor) … 4 (excellent) over byRating; null with no rated press. */
  score: number | null;
}

/** What the API and the NOC page show for a centre: the store's summary plus what the NOC derives. */
export interface CentreView extends CentreSummary {
  /** The centre's name as its hub's config says (last heartbeat); null before one named it. */
  name: string | null;
  /** Seconds since the last heartbeat arrived; null if none ever did. */
  silentForS: number | null;
  backlogEvents: number | null;
  oldestUnsyncedAgeS: number | null;
  devicesOnline: number | null;
  devicesTotal: number | null;
  satisfactionToday: SatisfactionToday;
  alarms: Alarm[];
}

export interface ViewSettings {
  nowMs: number;
  /** Africa/Nairobi date of nowMs. */
  today: string;
  silenceAfterS: number;
}

/** A backlog older than this is an alarm: the NOC is looking at a centre an hour behind. */
export const BACKLOG_ALARM_S = 3600;
/** A hub clock off by more than this (as the hub itself estimated) is an alarm. */
export const CLOCK_ALARM_MS = 120_000;

/**
 * Derives the NOC's view. Live figures (backlog, devices, today's feedback) come from
 * the last heartbeat because during a long drain the events held here are hours old;
 * "silent" is judged on the heartbeat's arrival at the Secretariat clock, never on
 * the hub's own clock.
 */
export function centreView(summary: CentreSummary, settings: ViewSettings): CentreView {
  const heartbeat = summary.heartbeat;
  const lastHeartbeatMs = summary.lastHeartbeatAt === null ? null : Date.parse(summary.lastHeartbeatAt);
  const silentForMs = lastHeartbeatMs === null || Number.isNaN(lastHeartbeatMs) ? null : Math.max(0, settings.nowMs - lastHeartbeatMs);
  const silentForS = silentForMs === null ? null : Math.floor(silentForMs / 1000);
  const oldestUnsyncedAgeS = heartbeat?.oldestUnsyncedAgeS ?? null;

  const alarms: Alarm[] = [];
  if (silentForMs === null || silentForMs > settings.silenceAfterS * 1000) alarms.push('silent');
  if (summary.conflictsTotal > 0) alarms.push('conflicts');
  if (summary.quarantinedTotal > 0) alarms.push('quarantine');
  if (oldestUnsyncedAgeS !== null && oldestUnsyncedAgeS > BACKLOG_ALARM_S) alarms.push('backlog');
  if (heartbeat && heartbeat.diskState !== 'ok') alarms.push('disk');
  if (heartbeat?.clockOffsetMs != null && Math.abs(heartbeat.clockOffsetMs) > CLOCK_ALARM_MS) alarms.push('clock');

  return {
    ...summary,
    name: heartbeat?.centre?.names.en ?? null,
    silentForS,
    backlogEvents: heartbeat?.backlogEvents ?? null,
    oldestUnsyncedAgeS,
    devicesOnline: heartbeat?.devicesOnline ?? null,
    devicesTotal: heartbeat?.devicesTotal ?? null,
    satisfactionToday: satisfaction(summary, settings.today),
    alarms,
  };
}

function satisfaction(summary: CentreSummary, today: string): SatisfactionToday {
  const live = summary.heartbeat?.feedbackToday;
  // A heartbeat from yesterday says nothing about today: fall back to the events held.
  if (live && live.day === today) {
    const byRating = { '1': live.byRating['1'] ?? 0, '2': live.byRating['2'] ?? 0, '3': live.byRating['3'] ?? 0, '4': live.byRating['4'] ?? 0 };
    return { day: today, source: 'heartbeat', presses: live.presses, byRating, score: meanRating(byRating) };
  }
  const held = summary.feedbackHeldToday;
  const byRating = { '1': held.byRating['1'] ?? 0, '2': held.byRating['2'] ?? 0, '3': held.byRating['3'] ?? 0, '4': held.byRating['4'] ?? 0 };
  return { day: today, source: 'events', presses: held.presses, byRating, score: meanRating(byRating) };
}

/** Mean of the ratings, two decimals; null when nothing was rated. */
export function meanRating(byRating: Record<'1' | '2' | '3' | '4', number>): number | null {
  let count = 0;
  let sum = 0;
  for (const rating of [1, 2, 3, 4] as const) {
    const n = byRating[String(rating) as '1' | '2' | '3' | '4'];
    count += n;
    sum += n * rating;
  }
  return count === 0 ? null : Math.round((sum / count) * 100) / 100;
}
