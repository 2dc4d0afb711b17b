import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sysex } from '../../../hardware/firmata/constants.ts';
import { HostMessageParser, MAX_SYSEX_BYTES, parseHostMessages } from '../../../hardware/firmata/host-message-parser.ts';
import { encodeHostMessage, type HostMessage } from '../../../hardware/firmata/host-messages.ts';
import { hex } from './firmata-test-kit.ts';

const seven = fc.integer({ min: 0, max: 0x7f });
const fourteen = fc.integer({ min: 0, max: 0x3fff });
const nibble = fc.integer({ min: 0, max: 0x0f });
const knownSysex: ReadonlySet<number> = new Set(Object.values(Sysex));

/** Any message in the canonical form the parser produces. */
const hostMessage: fc.Arbitrary<HostMessage> = fc.oneof(
  fc.record({ type: fc.constant('setPinMode' as const), pin: seven, mode: seven }),
  fc.record({ type: fc.constant('digitalMessage' as const), port: nibble, value: fourteen }),
  fc.record({ type: fc.constant('setDigitalPinValue' as const), pin: seven, value: seven }),
  fc.record({ type: fc.constant('analogMessage' as const), pin: nibble, value: fourteen }),
  fc.record({ type: fc.constant('reportAnalog' as const), channel: nibble, enable: fc.boolean() }),
  fc.record({ type: fc.constant('reportDigital' as const), port: nibble, enable: fc.boolean() }),
  fc.constantFrom<HostMessage>(
    { type: 'reportVersion' },
    { type: 'systemReset' },
    { type: 'capabilityQuery' },
    { type: 'analogMappingQuery' },
    { type: 'firmwareQuery' },
  ),
  fc.record({ type: fc.constant('pinStateQuery' as const), pin: seven }),
  fc.record({ type: fc.constant('extendedAnalog' as const), pin: seven, value: fc.integer({ min: 0, max: 2 ** 28 - 1 }) }),
  fc.record({ type: fc.constant('samplingInterval' as const), interval: fourteen }),
  fc.record({
    type: fc.constant('unknown' as const),
    command: seven.filter((command) => !knownSysex.has(command)),
    data: fc.array(seven, { maxLength: 40 }),
  }),
);

const encodeAll = (messages: readonly HostMessage[]): Buffer => Buffer.concat(messages.map(encodeHostMessage));

/** `bytes` cut at the given (sorted, deduplicated) offsets. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

describe('HostMessageParser', () => {
  it('decodes two messages in one chunk and one message in two chunks', () => {
    expect(parseHostMessages(Buffer.from(hex('F4 02 0B D0 01')))).toEqual([
      { type: 'setPinMode', pin: 2, mode: 0x0b },
      { type: 'reportDigital', port: 0, enable: true },
    ]);
    const parser = new HostMessageParser();
    expect(parser.feed(Buffer.from(hex('F0 6D')))).toEqual([]);
    expect(parser.feed(Buffer.from(hex('03 F7')))).toEqual([{ type: 'pinStateQuery', pin: 3 }]);
  });

  it('decodes what firmata-io sends for a Button, a PWM Led and a digital Led', () => {
    expect(parseHostMessages(Buffer.from(hex('F4 02 00 90 04 00 D0 01 F4 06 03 E6 7F 01 F4 08 01 91 01 00')))).toEqual([
      { type: 'setPinMode', pin: 2, mode: 0 },
      { type: 'digitalMessage', port: 0, value: 0x04 },
      { type: 'reportDigital', port: 0, enable: true },
      { type: 'setPinMode', pin: 6, mode: 3 },
      { type: 'analogMessage', pin: 6, value: 255 },
      { type: 'setPinMode', pin: 8, mode: 1 },
      { type: 'digitalMessage', port: 1, value: 0x01 },
    ]);
  });

  it('turns short known sysex into unknown, and drops empty and oversized sysex', () => {
    expect(parseHostMessages(Buffer.from(hex('F0 6D F7 F0 7A 13 F7 F0 F7')))).toEqual([
      { type: 'unknown', command: 0x6d, data: [] },
      { type: 'unknown', command: 0x7a, data: [0x13] },
    ]);
    const huge = Buffer.from([0xf0, 0x70, ...new Array<number>(MAX_SYSEX_BYTES + 10).fill(1), 0xf7, 0xf9]);
    expect(parseHostMessages(huge)).toEqual([{ type: 'reportVersion' }]);
  });

  it('never throws, and yields only well-formed messages, on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (chunks) => {
        const parser = new HostMessageParser();
        for (const chunk of chunks) {
          for (const message of parser.feed(chunk)) {
            expect(typeof message.type).toBe('string');
            for (const value of Object.values(message)) {
              if (typeof value === 'number') expect(Number.isInteger(value) && value >= 0).toBe(true);
            }
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(fc.array(hostMessage, { maxLength: 30 }), (messages) => {
        expect(parseHostMessages(encodeAll(messages))).toEqual(messages);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes the same messages however the stream is split into chunks', () => {
    fc.assert(
      fc.property(fc.array(hostMessage, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 40 }), (messages, cuts) => {
        const bytes = encodeAll(messages);
        const parser = new HostMessageParser();
        expect(split(bytes, cuts).flatMap((chunk) => parser.feed(chunk))).toEqual(parseHostMessages(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('resynchronises on the next status byte after garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), hostMessage, fc.array(fc.nat(), { maxLength: 10 }), (garbage, message, cuts) => {
        const bytes = Buffer.concat([garbage, encodeHostMessage(message)]);
        const parser = new HostMessageParser();
        const decoded = split(bytes, cuts).flatMap((chunk) => parser.feed(chunk));
        expect(decoded.at(-1)).toEqual(message);
      }),
      { numRuns: 1000 },
    );
  });
});
