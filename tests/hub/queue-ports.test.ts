import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { announceChange } from '../../hub/queue/call-announcements.ts';
import type { QueueCommand } from '../../hub/queue/commands.ts';
import type { CallSigns } from '../../hub/queue/ports.ts';
import type { TicketView } from '../../protocol/queue/ticket.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every `from '…'` of the .ts files under `dir`, as [file, resolved path relative to the repository]. */
function importsUnder(dir: string): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        for (const [, spec] of readFileSync(full, 'utf8').matchAll(/from '(\.[^']+)'/g)) found.push([relative(ROOT, full), relative(ROOT, join(path, spec!))]);
      }
    }
  };
  walk(join(ROOT, dir));
  return found;
}

describe('the queue reaches the hardware only through its ports (docs/peripherals.md)', () => {
  it('hub/queue imports nothing from hub/peripherals or hardware/', () => {
    expect(importsUnder('hub/queue').filter(([, target]) => target.startsWith('hub/peripherals/') || target.startsWith('hardware/'))).toEqual([]);
  });

  it('hub/peripherals takes only the port types from hub/queue', () => {
    const fromQueue = importsUnder('hub/peripherals').filter(([, target]) => target.startsWith('hub/queue/'));
    expect(fromQueue.length).toBeGreaterThan(0);
    expect(fromQueue.filter(([, target]) => target !== 'hub/queue/ports.ts')).toEqual([]);
  });
});

describe('announceChange: what a committed command shows on the call signs', () => {
  const ticket = { number: 'A042' } as TicketView;
  const shown = (command: QueueCommand, answer: TicketView | null): string[] => {
    const calls: string[] = [];
    const signs: CallSigns = {
      showCall: ({ number, counterId }) => calls.push(`call ${number} ${counterId}`),
      showCounterIdle: (counterId, reason) => calls.push(`idle ${counterId} ${reason}`),
    };
    announceChange(signs, command, answer);
    return calls;
  };

  it('a call or recall shows the ticket; a ticket leaving, a pause or a close idles the counter', () => {
    expect(shown({ kind: 'call_next', counterId: 'c03', officerId: null }, ticket)).toEqual(['call A042 c03']);
    expect(shown({ kind: 'recall', counterId: 'c03' }, ticket)).toEqual(['call A042 c03']);
    // Next with nobody waiting finished the ticket before: the display goes back to idle.
    expect(shown({ kind: 'call_next', counterId: 'c03', officerId: null }, null)).toEqual(['idle c03 free']);
    expect(shown({ kind: 'finish', counterId: 'c03' }, ticket)).toEqual(['idle c03 free']);
    expect(shown({ kind: 'no_show', counterId: 'c03' }, ticket)).toEqual(['idle c03 free']);
    expect(shown({ kind: 'transfer', counterId: 'c03', toServiceId: 'kra', reason: null }, ticket)).toEqual(['idle c03 free']);
    expect(shown({ kind: 'pause_counter', counterId: 'c03', reason: 'tea' }, null)).toEqual(['idle c03 paused']);
    expect(shown({ kind: 'close_counter', counterId: 'c03' }, null)).toEqual(['idle c03 closed']);
  });

  it('commands that change nothing on a sign show nothing', () => {
    expect(shown({ kind: 'start', counterId: 'c03' }, ticket)).toEqual([]);
    expect(shown({ kind: 'open_counter', counterId: 'c03', officerId: null }, null)).toEqual([]);
    expect(shown({ kind: 'issue', serviceId: 'kra', category: 'regular', language: 'en' }, ticket)).toEqual([]);
  });
});
