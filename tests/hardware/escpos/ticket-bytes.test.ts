import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTicketAscii, toTicketAscii } from '../../../hardware/escpos/ascii-text.ts';
import { isEscposError } from '../../../hardware/escpos/errors.ts';
import { parseEscpos } from '../../../hardware/escpos/escpos-parser.ts';
import { PrintModel } from '../../../hardware/escpos/print-model.ts';
import { buildTicketBytes, TICKET_LINE_CHARS, ticketLines, ticketText, type TicketJob } from '../../../hardware/escpos/ticket-bytes.ts';
import { GOLDEN_TICKET, hex, toHex } from './escpos-test-kit.ts';

/**
 * The golden ticket, checked by hand against docs/protocols/escpos.md §1:
 * ESC @ first (§7: the library never sends it), ESC t 0 (PC437), ESC a 1 centre,
 * ESC E 1/0 bold around the centre name, GS ! 33 = 4×4 for the number (written by hand:
 * the library's setTextSize swaps the nibbles) and GS ! 00 after it, QR model 2 / module 6
 * / level M, QR store pL = 0x10 = 13 bytes of "20261205-A042" + 3, pH = 0, QR print,
 * GS V 66 0 (feed and partial cut, at the start of a line), and GS r 1 as the last bytes.
 */
const GOLDEN = hex(`
  1b 40  1b 74 00  1b 61 01
  1b 45 01 "Huduma Centre GPO" 0a 1b 45 00
  "Kituo cha Huduma GPO" 0a
  "ID card replacement" 0a
  "Kubadilisha kitambulisho" 0a
  0a
  1d 21 33  1b 45 01 "A042" 0a 1b 45 00  1d 21 00
  0a
  "Ahead of you in this service: 3" 0a
  "Walio mbele yako katika huduma hii: 3" 0a
  "Estimated wait: about 10-20 min" 0a
  "Muda wa kusubiri: takriban dakika 10-20" 0a
  "(counts everyone called before you)" 0a
  "(inahesabu wote watakaoitwa kabla yako)" 0a
  "Issued: Saturday 05/12/2026 09:41" 0a
  "Imetolewa: Jumamosi 05/12/2026" 0a
  "saa 3:41 asubuhi (09:41)" 0a
  1d 28 6b 04 00 31 41 32 00
  1d 28 6b 03 00 31 43 06
  1d 28 6b 03 00 31 45 31
  1d 28 6b 10 00 31 50 30 "20261205-A042"
  1d 28 6b 03 00 31 51 30
  0a
  "20261205-A042" 0a
  1d 56 42 00
  1d 72 01
`);

const decode = (bytes: Uint8Array) => {
  const model = new PrintModel(48);
  for (const command of parseEscpos(bytes)) model.execute(command);
  return model;
};

describe('buildTicketBytes (node-thermal-printer as a byte builder)', () => {
  it('writes the golden bytes for a fixed ticket', () => {
    const bytes = buildTicketBytes(GOLDEN_TICKET);
    expect(toHex(bytes)).toBe(toHex(GOLDEN));
    expect(toHex(bytes.subarray(0, 2))).toBe('1b 40');
    expect(toHex(bytes.subarray(-3))).toBe('1d 72 01');
  });

  it('is the same job every time (the library buffer is fresh per job)', () => {
    expect(buildTicketBytes(GOLDEN_TICKET).equals(buildTicketBytes(GOLDEN_TICKET))).toBe(true);
  });

  it('decodes, through the emulator’s parser and model, to the expected lines and QR', () => {
    const model = decode(buildTicketBytes(GOLDEN_TICKET));
    expect(model.tickets).toHaveLength(1);
    const [ticket] = model.tickets;
    expect(ticket!.cut).toBe('partial');
    expect(ticket!.qrCodes).toEqual(['20261205-A042']);
    expect(ticket!.lines.filter((line) => line.text !== '').map((line) => line.text)).toEqual([
      'Huduma Centre GPO',
      'Kituo cha Huduma GPO',
      'ID card replacement',
      'Kubadilisha kitambulisho',
      'A042',
      'Ahead of you in this service: 3',
      'Walio mbele yako katika huduma hii: 3',
      'Estimated wait: about 10-20 min',
      'Muda wa kusubiri: takriban dakika 10-20',
      '(counts everyone called before you)',
      '(inahesabu wote watakaoitwa kabla yako)',
      'Issued: Saturday 05/12/2026 09:41',
      'Imetolewa: Jumamosi 05/12/2026',
      'saa 3:41 asubuhi (09:41)',
      '20261205-A042',
    ]);
    const number = ticket!.lines.find((line) => line.text === 'A042')!;
    expect(number).toMatchObject({ width: 4, height: 4, bold: true, align: 'center' });
    expect(ticket!.lines[0]).toMatchObject({ bold: true, width: 1, align: 'center' });
    expect(model.codeTableChanges).toBe(0);
    expect(model.ignored).toBe(0);
    expect(ticket!.text).toContain('[QR 20261205-A042]');
  });

  it('writes a full cut, another QR module size and width on request', () => {
    const bytes = buildTicketBytes(GOLDEN_TICKET, { cut: 'full', qrCellSize: 4, width: 32 });
    expect(toHex(bytes.subarray(-7))).toBe('1d 56 41 00 1d 72 01');
    expect(toHex(bytes)).toContain('1d 28 6b 03 00 31 43 04');
  });

  it('prints an unknown wait as "-" and one-value ranges once', () => {
    expect(ticketText({ ...GOLDEN_TICKET, quotedWait: null }).wait).toEqual(['Estimated wait: -', 'Muda wa kusubiri: -']);
    expect(ticketText({ ...GOLDEN_TICKET, quotedWait: { lowMin: 5, highMin: 5 } }).wait.slice(0, 2)).toEqual(['Estimated wait: about 5 min', 'Muda wa kusubiri: takriban dakika 5']);
    expect(ticketText({ ...GOLDEN_TICKET, quotedWait: { lowMin: 0, highMin: 4 } }).wait.slice(0, 2)).toEqual(['Estimated wait: up to 4 min', 'Muda wa kusubiri: hadi dakika 4']);
  });

  it('prints the issue time in the centre zone with the Swahili hour: 18:27 UTC is saa 3:27 usiku (21:27) in Nairobi', () => {
    expect(ticketText({ ...GOLDEN_TICKET, issuedAt: '2026-12-07T18:27:00Z' }).issued).toEqual(['Issued: Monday 07/12/2026 21:27', 'Imetolewa: Jumatatu 07/12/2026', 'saa 3:27 usiku (21:27)']);
  });

  it('property: every printed line holds at most 42 characters, long service names wrap between words', () => {
    const words = fc.array(fc.stringMatching(/^[A-Za-z]{1,14}$/), { minLength: 1, maxLength: 12 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(words, words, fc.nat(999), fc.option(fc.record({ lowMin: fc.nat(300), highMin: fc.nat(300) }), { nil: null }), (en, sw, ahead, range) => {
        const quotedWait = range ? { lowMin: Math.min(range.lowMin, range.highMin), highMin: Math.max(range.lowMin, range.highMin) } : null;
        const lines = ticketLines(ticketText({ ...GOLDEN_TICKET, serviceNames: { en, sw }, peopleAhead: ahead, quotedWait }));
        for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(TICKET_LINE_CHARS);
        // No word is cut: the service lines hold the names' words in order.
        const text = ticketText({ ...GOLDEN_TICKET, serviceNames: { en, sw } });
        expect(text.service.join(' ')).toBe(en === sw ? en : `${en} ${sw}`);
      }),
    );
  });

  it('normalises typographic text to ASCII so the library never switches code pages', () => {
    const job: TicketJob = {
      ...GOLDEN_TICKET,
      centreName: { en: 'Huduma “GPO” – Nairobi', sw: 'Kituo cha ng’ombe — Café' },
    };
    const text = ticketText(job);
    expect(text.centre).toEqual(['Huduma "GPO" - Nairobi', "Kituo cha ng'ombe - Cafe"]);
    const bytes = buildTicketBytes(job);
    expect(toHex(bytes).match(/1b 74/g)).toHaveLength(1); // only our ESC t 0
  });

  it('rejects what cannot be printed with ticket_invalid', () => {
    const bad: Partial<TicketJob>[] = [
      { number: '' },
      { number: 'A0000000000042' },
      { ticketId: '20261205-A042 ✓' },
      { peopleAhead: -1 },
      { peopleAhead: 1.5 },
      { quotedWait: { lowMin: 20, highMin: 10 } },
      { issuedAt: 'yesterday' },
      { timeZone: 'Mars/Olympus' },
    ];
    for (const change of bad) {
      expect(() => buildTicketBytes({ ...GOLDEN_TICKET, ...change }), JSON.stringify(change)).toThrow(
        expect.objectContaining({ code: 'ticket_invalid' }),
      );
    }
    try {
      buildTicketBytes({ ...GOLDEN_TICKET, number: '' });
    } catch (error) {
      expect(isEscposError(error, 'ticket_invalid')).toBe(true);
    }
  });

  it('property: any names give one ESC t, ASCII text only, and decode to one whole ticket', () => {
    const anyText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(anyText, anyText, anyText, anyText, fc.nat(500), (centreEn, centreSw, serviceEn, serviceSw, ahead) => {
        const job: TicketJob = { ...GOLDEN_TICKET, centreName: { en: centreEn, sw: centreSw }, serviceNames: { en: serviceEn, sw: serviceSw }, peopleAhead: ahead };
        const bytes = buildTicketBytes(job);
        expect(toHex(bytes).match(/1b 74/g)).toHaveLength(1);
        // No real-time command can hide in the job (0x10 appears only as a QR pL).
        expect(toHex(bytes)).not.toMatch(/10 0[45]/);
        const model = decode(bytes);
        expect(model.tickets).toHaveLength(1);
        expect(model.tickets[0]!.qrCodes).toEqual([job.ticketId]);
        expect(model.codeTableChanges).toBe(0);
        expect(model.tickets[0]!.lines.every((line) => isTicketAscii(line.text))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('toTicketAscii', () => {
  it('maps typographic punctuation and drops what PC437 text must not carry', () => {
    expect(toTicketAscii('Ng’ombe ‘x’ “Huduma” – — … café\u00a0ok')).toBe(`Ng'ombe 'x' "Huduma" - - ... cafe ok`);
    expect(toTicketAscii('a\x1b@b\x10\x04\x01c\nd\te')).toBe('a@bc d e');
    expect(toTicketAscii('日本 Kenya 🇰🇪')).toBe(' Kenya ');
  });

  it('property: output is always printable ASCII and ASCII input is unchanged', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => isTicketAscii(toTicketAscii(text))));
    fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }), (text) => toTicketAscii(text) === text));
  });
});
