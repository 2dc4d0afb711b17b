import type { CounterIdleReason } from '../queue/ports.ts';

/**
 * The two 20-character lines of the display above a counter (Epson DM-D 2x20,
 * docs/peripherals.md "Counter displays"), in English and Kiswahili at once: the citizen
 * at the counter reads either. One page, no alternating, so a glance always finds both.
 * Longer numbers or labels drop the words that no longer fit, never the figures.
 */
export const DISPLAY_COLUMNS = 20;

const fits = (line: string) => line.length <= DISPLAY_COLUMNS;
const first = (...candidates: string[]) => candidates.find(fits) ?? candidates.at(-1)!.slice(0, DISPLAY_COLUMNS);

/** A call: `Ticket/Tiketi A042` over `-> Counter/Kaunta 5`. */
export function callLines(number: string, counterLabel: string): [string, string] {
  return [
    first(`Ticket/Tiketi ${number}`, `Tiketi ${number}`, number),
    first(`-> Counter/Kaunta ${counterLabel}`, `Counter/Kaunta ${counterLabel}`, `-> Kaunta ${counterLabel}`, `-> ${counterLabel}`),
  ];
}

/** Second line while no ticket is called there; "Imesitishwa" (suspended) fits 20 with "Paused / ". */
const IDLE_LINE: Record<CounterIdleReason, string> = {
  free: 'Karibu / Welcome',
  paused: 'Paused / Imesitishwa',
  closed: 'Closed / Imefungwa',
};

/** No ticket at the counter: its name in both languages over a greeting or its state. */
export function idleLines(counterLabel: string, reason: CounterIdleReason): [string, string] {
  return [first(`Counter/Kaunta ${counterLabel}`, `Kaunta ${counterLabel}`, counterLabel), IDLE_LINE[reason]];
}
