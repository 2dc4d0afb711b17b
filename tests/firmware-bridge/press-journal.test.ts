import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { PressJournal, type QueuedPress } from '../../firmware-bridge/press-journal.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const dirs: { remove(): void }[] = [];
function journalPath(): string {
  const dir = tempDir('huduma-journal-');
  dirs.push(dir);
  return join(dir.path, 'presses.jsonl');
}
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

const press = (seq: number, boot = 'b0ot0000b0ot0000'): QueuedPress => ({ boot, seq, rating: ((seq % 4) + 1) as 1 | 2 | 3 | 4, upMs: seq * 1000, at: new Date(Date.UTC(2026, 10, 23, 8, 0, seq)).toISOString() });

describe('PressJournal', () => {
  it('keeps unacknowledged votes across a reopen, in the order they were cast', () => {
    const path = journalPath();
    const journal = PressJournal.open(path, { capacity: 100, whenFull: 'drop-oldest' });
    for (let seq = 1; seq <= 5; seq++) journal.append(press(seq));
    journal.acknowledge(press(2));
    journal.acknowledge(press(1));
    journal.close();
    const reopened = PressJournal.open(path, { capacity: 100, whenFull: 'drop-oldest' });
    expect(reopened.pending().map((p) => p.seq)).toEqual([3, 4, 5]);
    expect(reopened.pending()[0]).toEqual(press(3));
  });

  it('drop-oldest: makes room by dropping the oldest vote, counts it, and remembers the count', () => {
    const path = journalPath();
    const journal = PressJournal.open(path, { capacity: 3, whenFull: 'drop-oldest' });
    const results = [1, 2, 3, 4, 5].map((seq) => journal.append(press(seq)));
    expect(results[3]).toMatchObject({ kept: true, dropped: press(1), durable: true });
    expect(journal.pending().map((p) => p.seq)).toEqual([3, 4, 5]);
    expect(journal.droppedTotal).toBe(2);
    journal.close();
    const reopened = PressJournal.open(path, { capacity: 3, whenFull: 'drop-oldest' });
    expect(reopened.droppedTotal).toBe(2);
    expect(reopened.pending().map((p) => p.seq)).toEqual([3, 4, 5]);
  });

  it('drop-newest: refuses the vote that does not fit, counts it', () => {
    const path = journalPath();
    const journal = PressJournal.open(path, { capacity: 2, whenFull: 'drop-newest' });
    journal.append(press(1));
    journal.append(press(2));
    expect(journal.append(press(3))).toEqual({ kept: false, dropped: null, durable: true });
    expect(journal.pending().map((p) => p.seq)).toEqual([1, 2]);
    journal.close();
    expect(PressJournal.open(path, { capacity: 2, whenFull: 'drop-newest' }).droppedTotal).toBe(1);
  });

  it('skips a line torn by a crash mid-write and keeps appending on a fresh line', () => {
    const path = journalPath();
    const journal = PressJournal.open(path, { capacity: 100, whenFull: 'drop-oldest' });
    journal.append(press(1));
    journal.close();
    appendFileSync(path, '{"p":{"boot":"b0ot0000b0ot0000","seq":2,"rat');
    const reopened = PressJournal.open(path, { capacity: 100, whenFull: 'drop-oldest' });
    expect(reopened.unreadableLines).toBe(1);
    reopened.append(press(3));
    reopened.close();
    const again = PressJournal.open(path, { capacity: 100, whenFull: 'drop-oldest' });
    expect(again.pending().map((p) => p.seq)).toEqual([1, 3]);
    expect(again.unreadableLines).toBe(1);
  });

  it('compacts once acknowledgments pile up, without losing pending votes or the drop count', () => {
    const path = journalPath();
    const journal = PressJournal.open(path, { capacity: 5, whenFull: 'drop-oldest' });
    for (let seq = 1; seq <= 7; seq++) journal.append(press(seq));
    journal.acknowledge(press(3));
    for (let seq = 8; seq <= 1200; seq++) {
      journal.append(press(seq));
      journal.acknowledge(press(seq));
    }
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThan(1100);
    journal.close();
    const reopened = PressJournal.open(path, { capacity: 5, whenFull: 'drop-oldest' });
    expect(reopened.pending().map((p) => p.seq)).toEqual([4, 5, 6, 7]);
    expect(reopened.droppedTotal).toBe(2);
  });

  it('ignores damaged lines that are not journal records', () => {
    const path = journalPath();
    writeFileSync(path, `${JSON.stringify({ p: press(1) })}\nnot json\n{"p":{"seq":-1}}\n${JSON.stringify({ p: press(2) })}\n`);
    const journal = PressJournal.open(path, { capacity: 10, whenFull: 'drop-oldest' });
    expect(journal.pending().map((p) => p.seq)).toEqual([1, 2]);
    expect(journal.unreadableLines).toBe(2);
  });

  it('property: a reopen sees exactly what a model queue holds, whatever the operations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant<'append'>('append'), fc.nat({ max: 20 })), { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom<'drop-oldest' | 'drop-newest'>('drop-oldest', 'drop-newest'),
        (ops, capacity, whenFull) => {
          const path = journalPath();
          const journal = PressJournal.open(path, { capacity, whenFull });
          let model: number[] = [];
          let dropped = 0;
          let seq = 0;
          for (const op of ops) {
            if (op === 'append') {
              seq += 1;
              if (model.length >= capacity) {
                dropped += 1;
                if (whenFull === 'drop-newest') {
                  journal.append(press(seq));
                  continue;
                }
                model.shift();
              }
              model.push(seq);
              journal.append(press(seq));
            } else {
              journal.acknowledge(press(op));
              model = model.filter((s) => s !== op);
            }
          }
          journal.close();
          const reopened = PressJournal.open(path, { capacity, whenFull });
          expect(reopened.pending().map((p) => p.seq)).toEqual(model);
          expect(reopened.droppedTotal).toBe(dropped);
          reopened.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
