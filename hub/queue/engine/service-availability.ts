import type { LocalizedText } from '../../../protocol/queue/ticket.ts';
import { STRINGS } from '../../../protocol/wording/strings.ts';
import { clockWords, hoursWords, WEEKDAYS } from '../../../protocol/wording/local-time-words.ts';
import type { ServiceConfig } from '../../config/schema.ts';
import type { QueueTime } from '../commands.ts';

/**
 * Whether a service hands out tickets now, and what the kiosk says when it does not.
 * Pure functions of the config, the stored suspension and the local time, shared by
 * the engine (refusals) and the reader (the service menu), so both always agree.
 */

const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * The daily cap's kiosk wording, from the wording table. The engine runs in the writer
 * thread on the built-in table: a centre's `strings` override reaches the pages, not the
 * engine's own refusal texts (docs/queue.md, "Wording").
 */
export const CAPPED_MESSAGE: LocalizedText = STRINGS.dailyCapReached;

/** A stored suspension or resumption (table service_state). */
export interface ServiceStateRow {
  service_id: string;
  suspended: 0 | 1;
  message_en: string | null;
  message_sw: string | null;
  config_basis: string;
}

/** The config's own suspension, as recorded with a command so a later config edit can be told apart. */
export function configBasis(service: ServiceConfig): string {
  const message = service.suspended?.message;
  return JSON.stringify(message ? { en: message.en, sw: message.sw } : null);
}

/**
 * The suspension in force (its kiosk message), or null. A command (suspend/resume)
 * stands while the config says what it said when the command was given; an edited
 * config is the newer instruction.
 */
export function suspensionOf(service: ServiceConfig, row: ServiceStateRow | null): LocalizedText | null {
  if (row && row.config_basis === configBasis(service)) {
    return row.suspended === 1 ? { en: row.message_en ?? '', sw: row.message_sw ?? '' } : null;
  }
  return service.suspended?.message ?? null;
}

function minutes(clock: string): number {
  const [hours, mins] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (mins ?? 0);
}

export function isWithinOpeningHours(service: ServiceConfig, time: QueueTime): boolean {
  const hours = service.openingHours;
  if (!hours) return true;
  const key = WEEKDAY_KEYS[time.weekday];
  return key !== undefined && hours.days.includes(key) && time.minuteOfDay >= minutes(hours.open) && time.minuteOfDay < minutes(hours.close);
}

/** The next opening from `time`: in how many days (0 = today) and on which weekday; null for a service open at all hours. */
function nextOpening(service: ServiceConfig, time: QueueTime): { inDays: number; weekday: number } | null {
  const hours = service.openingHours;
  if (!hours) return null;
  const open = minutes(hours.open);
  for (let inDays = 0; inDays <= 7; inDays++) {
    const weekday = (time.weekday + inDays) % 7;
    if (!hours.days.includes(WEEKDAY_KEYS[weekday]!)) continue;
    if (inDays === 0 && time.minuteOfDay >= open) continue;
    return { inDays, weekday };
  }
  // Unreachable: the schema requires at least one day.
  return { inDays: 0, weekday: time.weekday };
}

/**
 * "Opens at 08:00" / "Opens tomorrow at 08:00" / "Opens on Monday at 08:00", in both
 * languages; the Kiswahili says the Swahili hour, "saa 2 asubuhi (08:00)", never a bare
 * "saa 08:00", which reads as 2 pm (docs/queue.md, "Times and dates in Kiswahili").
 */
export function opensMessage(service: ServiceConfig, time: QueueTime): LocalizedText {
  const next = nextOpening(service, time);
  if (!next) return { en: 'Open at all hours', sw: 'Iko wazi wakati wote' };
  const at = clockWords(service.openingHours!.open);
  if (next.inDays === 0) return { en: `Opens at ${at.en}`, sw: `Inafunguliwa ${at.sw}` };
  if (next.inDays === 1) return { en: `Opens tomorrow at ${at.en}`, sw: `Inafunguliwa kesho ${at.sw}` };
  const name = WEEKDAYS[next.weekday]!;
  return { en: `Opens on ${name.en} at ${at.en}`, sw: `Inafunguliwa ${name.sw} ${at.sw}` };
}

/** When tickets are issued again, said of the tickets ("Zitaanza kutolewa tena kesho…", agreeing with "tiketi"). */
function ticketsResume(service: ServiceConfig, time: QueueTime): LocalizedText {
  const next = nextOpening(service, time)!;
  const at = clockWords(service.openingHours!.open);
  if (next.inDays === 0) return { en: `Opens at ${at.en}`, sw: `Zitaanza kutolewa ${at.sw}` };
  if (next.inDays === 1) return { en: `Opens tomorrow at ${at.en}`, sw: `Zitaanza kutolewa tena kesho ${at.sw}` };
  const name = WEEKDAYS[next.weekday]!;
  return { en: `Opens on ${name.en} at ${at.en}`, sw: `Zitaanza kutolewa tena ${name.sw} ${at.sw}` };
}

/** "Monday to Friday" / "every day" / "Monday, Wednesday and Friday". */
function daysText(days: readonly string[]): LocalizedText {
  const indices = [...new Set(days)].map((day) => WEEKDAY_KEYS.indexOf(day as (typeof WEEKDAY_KEYS)[number])).filter((i) => i >= 0).sort((a, b) => a - b);
  if (indices.length === 7) return { en: 'every day', sw: 'kila siku' };
  const names = indices.map((i) => WEEKDAYS[i]!);
  const consecutive = indices.every((day, i) => i === 0 || day === indices[i - 1]! + 1);
  if (names.length >= 3 && consecutive) {
    return { en: `${names[0]!.en} to ${names.at(-1)!.en}`, sw: `${names[0]!.sw} hadi ${names.at(-1)!.sw}` };
  }
  const list = (words: string[], and: string) => (words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} ${and} ${words.at(-1)}`);
  return { en: list(names.map((n) => n.en), 'and'), sw: list(names.map((n) => n.sw), 'na') };
}

/** What the kiosk shows when a ticket is asked for outside opening hours: the hours and the next opening. */
export function closedMessages(service: ServiceConfig, time: QueueTime): LocalizedText {
  const hours = service.openingHours!;
  const days = daysText(hours.days);
  const range = hoursWords(hours.open, hours.close);
  const opens = ticketsResume(service, time);
  return {
    en: `Tickets for ${service.names.en} are issued ${days.en}, ${range.en}. ${opens.en}.`,
    sw: `Tiketi za ${service.names.sw} hutolewa ${days.sw}, ${range.sw}. ${opens.sw}.`,
  };
}

export function openingHoursText(service: ServiceConfig): string {
  const hours = service.openingHours;
  return hours ? `${daysText(hours.days).en}, ${hours.open}–${hours.close}` : 'at all hours';
}

/**
 * The centre's UTC offset at `time`, from the local minute the main thread computed
 * (QueueTime carries no zone): local = atMs + offset, and the local minute floors it.
 * Good for formatting times near `time`; a DST change in between would shift them by
 * the change (Kenya has none).
 */
export function localOffsetMs(time: QueueTime): number {
  const localMinuteStart = Date.parse(`${time.day}T00:00:00Z`) + time.minuteOfDay * 60_000;
  return Math.ceil((localMinuteStart - time.atMs) / 60_000) * 60_000;
}

/** `atMs` as the local `{ day: 'YYYY-MM-DD', clock: 'HH:MM' }` of the centre. */
export function localDateTime(atMs: number, time: QueueTime): { day: string; clock: string } {
  const local = new Date(atMs + localOffsetMs(time)).toISOString();
  return { day: local.slice(0, 10), clock: local.slice(11, 16) };
}
