import { once, type EventEmitter } from 'node:events';
import type { TicketJob } from '../../../hardware/escpos/ticket-bytes.ts';
import { within } from '../board-test-kit.ts';

export { within };

/** "1B 40 0A" → [0x1b, 0x40, 0x0a]; `"text"` spans become their ASCII bytes. */
export function hex(text: string): number[] {
  const bytes: number[] = [];
  for (const token of text.match(/"[^"]*"|\S+/g) ?? []) {
    if (token.startsWith('"')) bytes.push(...Buffer.from(token.slice(1, -1), 'latin1'));
    else bytes.push(Number.parseInt(token, 16));
  }
  return bytes;
}

/** [0x1b, 0x40] → "1b 40". */
export const toHex = (bytes: Uint8Array | number[]): string => Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');

/** The ticket the golden bytes are written for. */
export const GOLDEN_TICKET: TicketJob = {
  centreName: { en: 'Huduma Centre GPO', sw: 'Kituo cha Huduma GPO' },
  serviceNames: { en: 'ID card replacement', sw: 'Kubadilisha kitambulisho' },
  number: 'A042',
  ticketId: '20261205-A042',
  peopleAhead: 3,
  quotedWait: { lowMin: 10, highMin: 20 },
  issuedAt: '2026-12-05T06:41:00.000Z',
  timeZone: 'Africa/Nairobi',
};

/** A ticket for `n` (A001…), otherwise like the golden one. */
export const ticketFor = (n: number): TicketJob => {
  const number = `A${String(n).padStart(3, '0')}`;
  return { ...GOLDEN_TICKET, number, ticketId: `20261205-${number}`, peopleAhead: n % 7 };
};


/** The next `event` of `emitter` whose first argument satisfies `predicate`. */
export function next<T>(emitter: EventEmitter, event: string, predicate: (value: T) => boolean = () => true, what = event): Promise<T> {
  return within(
    new Promise<T>((resolve) => {
      const listener = (value: T): void => {
        if (!predicate(value)) return;
        emitter.off(event, listener);
        resolve(value);
      };
      emitter.on(event, listener);
    }),
    what,
  );
}

/** Resolves once `condition()` holds, checking after each turn of the event loop. */
export async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  await within(
    (async () => {
      while (!condition()) await new Promise((resolve) => setImmediate(resolve));
    })(),
    what,
    ms,
  );
}

/** Lets pending setImmediate/nextTick work (in-process port deliveries) run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

export { once };
