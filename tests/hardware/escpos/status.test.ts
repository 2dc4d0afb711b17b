import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canPrint,
  conditionFromAsb,
  conditionFromEot,
  decodeAsb,
  decodeEot1,
  decodeEot2,
  decodeEot3,
  decodeEot4,
  decodeGsrPaper,
  isEotReply,
  printerState,
  type EotReplies,
  type PrinterState,
} from '../../../hardware/escpos/status.ts';
import { asbFrameBytes, eotReplyByte, paperStatusByte, type PrinterMechanism } from '../../../hardware/escpos/status-bytes.ts';

const byte = fc.integer({ min: 0, max: 0xff });
/** Any byte with a DLE EOT reply's fixed bits (`0xx1xx10`). */
const eotByte = fc.integer({ min: 0, max: 0xff }).map((b) => (b & 0x6c) | 0x12);

describe('DLE EOT replies (docs/protocols/escpos.md §2)', () => {
  it('decodes each selector’s bits', () => {
    expect(decodeEot1(0x12)).toEqual({ drawerHigh: false, offline: false, waitingOnlineRecovery: false, feedButton: false });
    expect(decodeEot1(0x1a)).toMatchObject({ offline: true });
    expect(decodeEot1(0x16)).toMatchObject({ drawerHigh: true, offline: false });
    expect(decodeEot1(0x52)).toMatchObject({ feedButton: true });
    expect(decodeEot2(0x16)).toEqual({ coverOpen: true, feeding: false, paperEndStop: false, errorOccurred: false });
    expect(decodeEot2(0x32)).toMatchObject({ paperEndStop: true, coverOpen: false });
    expect(decodeEot2(0x52)).toMatchObject({ errorOccurred: true });
    expect(decodeEot3(0x1a)).toEqual({ recoverableError: false, cutterError: true, unrecoverableError: false, autoRecoverableError: false });
    expect(decodeEot3(0x32)).toMatchObject({ unrecoverableError: true });
    expect(decodeEot3(0x52)).toMatchObject({ autoRecoverableError: true });
    expect(decodeEot4(0x12)).toEqual({ paperNearEnd: false, paperEnd: false });
    expect(decodeEot4(0x1e)).toEqual({ paperNearEnd: true, paperEnd: false });
    expect(decodeEot4(0x16)).toEqual({ paperNearEnd: true, paperEnd: false }); // Citizen: one of two near-end sensors
    expect(decodeEot4(0x72)).toEqual({ paperNearEnd: false, paperEnd: true });
    expect(decodeEot4(0x7e)).toEqual({ paperNearEnd: true, paperEnd: true });
  });

  it('refuses bytes without the fixed bits (bit1 = 1, bit4 = 1, bit0 = 0, bit7 = 0)', () => {
    for (const bad of [0x00, 0x10, 0x02, 0x13, 0x11, 0x92, 0xff, 0x0c]) {
      expect(isEotReply(bad)).toBe(false);
      expect(decodeEot1(bad)).toBeUndefined();
      expect(decodeEot4(bad)).toBeUndefined();
    }
  });

  const table: [string, EotReplies, PrinterState][] = [
    ['healthy: 12 to each n', { 1: 0x12, 2: 0x12, 4: 0x12 }, 'ready'],
    ['out of paper: 1A / 32 / 7E', { 1: 0x1a, 2: 0x32, 4: 0x7e }, 'paper_end'],
    ['paper end without a near-end sensor: 1A / 32 / 72', { 1: 0x1a, 2: 0x32, 4: 0x72 }, 'paper_end'],
    ['cover open: 1A / 16 / 12', { 1: 0x1a, 2: 0x16, 4: 0x12 }, 'cover_open'],
    ['cover open while out of paper: paper end wins', { 1: 0x1a, 2: 0x36, 4: 0x7e }, 'paper_end'],
    ['offline for another reason: 1A / 12 / 12', { 1: 0x1a, 2: 0x12, 4: 0x12 }, 'offline'],
    ['cutter error: 1A / 52 / 1A / 12', { 1: 0x1a, 2: 0x52, 3: 0x1a, 4: 0x12 }, 'offline'],
    ['error reported by EOT2 alone: 12 / 52 / 12', { 1: 0x12, 2: 0x52, 4: 0x12 }, 'offline'],
    ['paper near end: 12 / 12 / 1E', { 1: 0x12, 2: 0x12, 4: 0x1e }, 'paper_near_end'],
    ['drawer pin high is not a problem: 16 / 12 / 12', { 1: 0x16, 2: 0x12, 4: 0x12 }, 'ready'],
  ];
  it.each(table)('%s → %s', (_name, replies, state) => {
    expect(printerState(conditionFromEot(replies))).toBe(state);
  });

  it('reports near end as printable, and as ready when no near-end sensor is fitted', () => {
    const condition = conditionFromEot({ 1: 0x12, 2: 0x12, 4: 0x1e })!;
    expect(condition.paperNearEnd).toBe(true);
    expect(canPrint(printerState(condition))).toBe(true);
    expect(printerState(condition, { nearEndSensor: false })).toBe('ready');
  });

  it('treats no reply, or a reply without the fixed bits, as offline', () => {
    expect(printerState(undefined)).toBe('offline');
    expect(conditionFromEot({ 1: 0x12, 2: 0x00, 4: 0x12 })).toBeUndefined();
    expect(conditionFromEot({ 1: 0x12, 2: 0x52, 3: 0xff, 4: 0x12 })).toBeUndefined();
  });

  it('property: decoders never throw; a valid reply decodes iff it has the fixed bits', () => {
    fc.assert(
      fc.property(byte, (b) => {
        const valid = (b & 0x93) === 0x12;
        for (const decode of [decodeEot1, decodeEot2, decodeEot3, decodeEot4]) expect(decode(b) !== undefined).toBe(valid);
      }),
    );
  });

  it('property: any valid replies map to exactly one state, printable only with no fault bit', () => {
    fc.assert(
      fc.property(eotByte, eotByte, eotByte, fc.option(eotByte, { nil: undefined }), (e1, e2, e4, e3) => {
        const condition = conditionFromEot(e3 === undefined ? { 1: e1, 2: e2, 4: e4 } : { 1: e1, 2: e2, 3: e3, 4: e4 })!;
        const state = printerState(condition);
        const fault = (e1 & 0x08) !== 0 || (e2 & 0x64) !== 0 || (e4 & 0x60) !== 0 || (e3 !== undefined && (e3 & 0x68) !== 0);
        expect(canPrint(state)).toBe(!fault);
      }),
    );
  });
});

describe('ASB frames (docs/protocols/escpos.md §3) and GS r replies (§5)', () => {
  const table: [string, number[], PrinterState][] = [
    ['healthy: 10 00 00 00', [0x10, 0x00, 0x00, 0x00], 'ready'],
    ['paper end: 18 00 0F 00', [0x18, 0x00, 0x0f, 0x00], 'paper_end'],
    ['paper end, no near-end sensor: 18 00 0C 00', [0x18, 0x00, 0x0c, 0x00], 'paper_end'],
    ['cover open: 38 00 00 00', [0x38, 0x00, 0x00, 0x00], 'cover_open'],
    ['near end: 10 00 03 00', [0x10, 0x00, 0x03, 0x00], 'paper_near_end'],
    ['cutter error: 18 08 00 00', [0x18, 0x08, 0x00, 0x00], 'offline'],
    ['unrecoverable: 18 20 00 00', [0x18, 0x20, 0x00, 0x00], 'offline'],
    ['offline: 18 00 00 00', [0x18, 0x00, 0x00, 0x00], 'offline'],
    ['drawer high, feed button: 14 02 00 00', [0x14, 0x02, 0x00, 0x00], 'ready'],
  ];
  it.each(table)('%s → %s', (_name, frame, state) => {
    expect(printerState(conditionFromAsb(decodeAsb(frame)!))).toBe(state);
  });

  it('decodes every ASB bit', () => {
    expect(decodeAsb([0x7c, 0x6f, 0x0f, 0x00])).toEqual({
      drawerHigh: true,
      offline: true,
      coverOpen: true,
      feeding: true,
      waitingOnlineRecovery: true,
      feedButton: true,
      recoverableError: true,
      cutterError: true,
      unrecoverableError: true,
      autoRecoverableError: true,
      paperNearEnd: true,
      paperEnd: true,
    });
  });

  it('refuses frames of the wrong shape', () => {
    expect(decodeAsb([0x10, 0x00, 0x00])).toBeUndefined();
    expect(decodeAsb([0x12, 0x00, 0x00, 0x00])).toBeUndefined(); // a DLE EOT reply, not an ASB head
    expect(decodeAsb([0x10, 0x10, 0x00, 0x00])).toBeUndefined(); // bit4 set in byte 2
    expect(decodeAsb([0x10, 0x00, 0x00, 0x80])).toBeUndefined();
  });

  it('decodes GS r 1: near end 03, paper end 0C', () => {
    expect(decodeGsrPaper(0x00)).toEqual({ paperNearEnd: false, paperEnd: false });
    expect(decodeGsrPaper(0x03)).toEqual({ paperNearEnd: true, paperEnd: false });
    expect(decodeGsrPaper(0x0c)).toEqual({ paperNearEnd: false, paperEnd: true });
    expect(decodeGsrPaper(0x12)).toBeUndefined();
  });

  it('property: ASB and GS r decoders never throw on any bytes', () => {
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 6 }), (frame) => {
        const asb = decodeAsb(frame);
        if (asb) expect(['ready', 'paper_near_end', 'paper_end', 'cover_open', 'offline']).toContain(printerState(conditionFromAsb(asb)));
        decodeGsrPaper(frame[0] ?? 0);
      }),
    );
  });
});

describe('status bytes a printer sends (status-bytes.ts) decode back to its state', () => {
  const mechanism: fc.Arbitrary<PrinterMechanism> = fc
    .record({ paper: fc.constantFrom('ok' as const, 'nearEnd' as const, 'end' as const), coverOpen: fc.boolean(), cutterError: fc.boolean(), online: fc.boolean(), nearEndSensor: fc.boolean() })
    .map(({ online, ...m }) => ({ ...m, executing: online && !m.coverOpen && m.paper !== 'end' && !m.cutterError }));

  const expected = (m: PrinterMechanism): PrinterState =>
    m.paper === 'end' ? 'paper_end' : m.coverOpen ? 'cover_open' : !m.executing ? 'offline' : m.paper === 'nearEnd' && m.nearEndSensor ? 'paper_near_end' : 'ready';

  it('writes the out-of-paper bytes (docs/protocols/escpos.md §2) 1A / 32 / 7E and the healthy 12', () => {
    const out: PrinterMechanism = { paper: 'end', coverOpen: false, cutterError: false, executing: false, nearEndSensor: true };
    expect([1, 2, 4].map((n) => eotReplyByte(out, n))).toEqual([0x1a, 0x32, 0x7e]);
    expect(asbFrameBytes(out)).toEqual([0x18, 0x00, 0x0f, 0x00]);
    const healthy: PrinterMechanism = { paper: 'ok', coverOpen: false, cutterError: false, executing: true, nearEndSensor: true };
    expect([1, 2, 3, 4].map((n) => eotReplyByte(healthy, n))).toEqual([0x12, 0x12, 0x12, 0x12]);
    expect(eotReplyByte(healthy, 5)).toBeUndefined();
    expect(paperStatusByte({ ...healthy, paper: 'nearEnd' })).toBe(0x03);
  });

  it('property: DLE EOT replies and the ASB frame of any printer state decode to that state', () => {
    fc.assert(
      fc.property(mechanism, (m) => {
        const eot = (n: number) => eotReplyByte(m, n)!;
        const fromEot = conditionFromEot({ 1: eot(1), 2: eot(2), 3: eot(3), 4: eot(4) });
        const fromAsb = conditionFromAsb(decodeAsb(asbFrameBytes(m))!);
        expect(printerState(fromEot)).toBe(expected(m));
        expect(printerState(fromAsb)).toBe(expected(m));
        expect(fromEot).toEqual(fromAsb);
      }),
    );
  });
});
