import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { MqttFrameScanner, type ScanResult } from '../../hub/broker/packet-size-guard.ts';

type Packet = Parameters<typeof mqttPacket.generate>[0];

/** Remaining Length per MQTT 3.1.1 §2.2.3, written out: [value, encoded bytes]. */
const GOLDEN: [number, number[]][] = [
  [0, [0x00]],
  [127, [0x7f]],
  [128, [0x80, 0x01]],
  [16383, [0xff, 0x7f]],
  [16384, [0x80, 0x80, 0x01]],
  [2097151, [0xff, 0xff, 0x7f]],
  [2097152, [0x80, 0x80, 0x80, 0x01]],
  [268435455, [0xff, 0xff, 0xff, 0x7f]],
];

interface Frame { bytes: Buffer; remainingLength: number; headerLength: number }

/** A generated packet with its fixed header decoded (the length bytes are checked against GOLDEN below). */
function frame(packet: Packet): Frame {
  const bytes = mqttPacket.generate(packet);
  let remainingLength = 0;
  let i = 1;
  for (let multiplier = 1; ; multiplier *= 128) {
    const byte = bytes[i++]!;
    remainingLength += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) break;
  }
  expect(bytes.length).toBe(i + remainingLength);
  return { bytes, remainingLength, headerLength: i };
}

/** QoS 0 publish on topic "a": Remaining Length = 2 + 1 + payload. */
const publishWithRemaining = (remaining: number) =>
  frame({ cmd: 'publish', topic: 'a', payload: Buffer.alloc(remaining - 3, 0xff), qos: 0, dup: false, retain: false });

const fill = fc.constantFrom(0x00, 0x30, 0x80, 0xff); // body bytes that look like headers or length bytes
const packetArb: fc.Arbitrary<Packet> = fc.oneof(
  fc.record({ size: fc.integer({ min: 0, max: 20_000 }), fill, qos: fc.constantFrom(0 as const, 1 as const), id: fc.integer({ min: 1, max: 65535 }) })
    .map(({ size, fill, qos, id }): Packet => ({ cmd: 'publish', topic: 'huduma/v1/demo-centre/devices/eifd-01/press', payload: Buffer.alloc(size, fill), qos, dup: false, retain: false, ...(qos ? { messageId: id } : {}) })),
  fc.record({ size: fc.integer({ min: 0, max: 200 }), fill }).map(({ size, fill }): Packet => ({ cmd: 'publish', topic: 't', payload: Buffer.alloc(size, fill), qos: 0, dup: false, retain: false })),
  fc.constant<Packet>({ cmd: 'pingreq' }),
  fc.integer({ min: 1, max: 65535 }).map((messageId): Packet => ({ cmd: 'puback', messageId })),
  fc.record({ clientId: fc.stringMatching(/^[a-z0-9-]{1,23}$/), password: fc.integer({ min: 0, max: 300 }) })
    .map(({ clientId, password }): Packet => ({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 30, clientId, username: clientId, password: Buffer.alloc(password, 0x80) })),
);
const maxArb = fc.integer({ min: 1024, max: 24_000 });

/** Splits a byte stream at arbitrary points (empty chunks included). */
function split(stream: Buffer, cuts: number[]): { start: number; chunk: Buffer }[] {
  const points = [0, ...cuts.map((c) => c % (stream.length + 1)).sort((a, b) => a - b), stream.length];
  return points.slice(1).map((end, k) => ({ start: points[k]!, chunk: stream.subarray(points[k]!, end) }));
}
const cutsArb = fc.array(fc.nat(), { maxLength: 40 });

function layout(frames: Frame[]): { stream: Buffer; offsets: number[] } {
  const offsets: number[] = [];
  let at = 0;
  for (const f of frames) {
    offsets.push(at);
    at += f.bytes.length;
  }
  return { stream: Buffer.concat(frames.map((f) => f.bytes)), offsets };
}

/** Feeds every chunk; returns the index of the first failing chunk (or -1) and all results. */
function scanAll(scanner: MqttFrameScanner, chunks: { chunk: Buffer }[]): { firstFailure: number; results: ScanResult[] } {
  const results = chunks.map(({ chunk }) => scanner.feed(chunk));
  return { firstFailure: results.findIndex((r) => !r.ok), results };
}

describe('MqttFrameScanner', () => {
  it('decodes the fixed headers mqtt-packet generates exactly as MQTT 3.1.1 §2.2.3 encodes them', () => {
    expect([...mqttPacket.generate({ cmd: 'pingreq' })]).toEqual([0xc0, 0x00]);
    for (const [value, encoded] of GOLDEN) {
      if (value === 0 || value > 2097152) continue;
      const f = publishWithRemaining(value);
      expect([...f.bytes.subarray(1, f.headerLength)], `Remaining Length ${value}`).toEqual(encoded);
      expect(f.remainingLength).toBe(value);
    }
  });

  it('reads golden Remaining Lengths and compares them with maxPacketBytes − 5', () => {
    for (const [value, encoded] of GOLDEN) {
      const header = Buffer.from([0x30, ...encoded]);
      expect(new MqttFrameScanner(value + 5).feed(header), `${value} at its limit`).toEqual({ ok: true });
      if (value > 0) {
        expect(new MqttFrameScanner(value + 4).feed(header), `${value} one over`).toEqual({ ok: false, reason: 'too_large', remainingLength: value });
      }
      const bytewise = new MqttFrameScanner(1024);
      const results = [...header].map((b) => bytewise.feed(Buffer.from([b])));
      const expectedLast = value <= 1024 - 5 ? { ok: true } : { ok: false, reason: 'too_large', remainingLength: value };
      expect(results.slice(0, -1).every((r) => r.ok), `${value} byte by byte`).toBe(true);
      expect(results.at(-1)).toEqual(expectedLast);
    }
  });

  it('accepts a packet of Remaining Length maxPacketBytes − 5 and refuses one byte more', () => {
    fc.assert(fc.property(maxArb, (max) => {
      expect(new MqttFrameScanner(max).feed(publishWithRemaining(max - 5).bytes)).toEqual({ ok: true });
      expect(new MqttFrameScanner(max).feed(publishWithRemaining(max - 4).bytes)).toEqual({ ok: false, reason: 'too_large', remainingLength: max - 4 });
    }), { numRuns: 30 });
  });

  it('returns ok for every chunk of a stream whose packets are all within the limit', () => {
    fc.assert(fc.property(maxArb, fc.array(packetArb, { minLength: 1, maxLength: 12 }), cutsArb, (max, packets, cuts) => {
      const frames = packets.map(frame).filter((f) => f.remainingLength <= max - 5);
      const { stream } = layout(frames);
      const { results } = scanAll(new MqttFrameScanner(max), split(stream, cuts));
      expect(results.every((r) => r.ok)).toBe(true);
    }), { numRuns: 150 });
  });

  it('follows packet boundaries fed one byte at a time', () => {
    fc.assert(fc.property(fc.array(packetArb, { maxLength: 6 }), (packets) => {
      const frames = packets.map(frame).filter((f) => f.remainingLength <= 65536 - 5);
      const scanner = new MqttFrameScanner(65536);
      const failures = [...layout(frames).stream].map((byte) => scanner.feed(Uint8Array.of(byte))).filter((r) => !r.ok);
      expect(failures).toEqual([]);
      // Still at a packet boundary: a header announcing too much is caught.
      expect(scanner.feed(Buffer.from([0x30, 0xff, 0xff, 0x7f]))).toEqual({ ok: false, reason: 'too_large', remainingLength: 2097151 });
    }), { numRuns: 40 });
  });

  it('fails no earlier than the first oversized packet\'s header and no later than the chunk completing its length, then stays failed', () => {
    const oversized = fc.record({ extra: fc.integer({ min: 1, max: 20_000 }), fill });
    fc.assert(fc.property(maxArb, fc.array(packetArb, { maxLength: 8 }), oversized, fc.nat(), fc.array(packetArb, { maxLength: 3 }), cutsArb,
      (max, before, big, position, after, cuts) => {
        const ok = before.map(frame).filter((f) => f.remainingLength <= max - 5);
        const tooBig = publishWithRemaining(max - 5 + big.extra);
        const frames = [...ok];
        const j = position % (ok.length + 1);
        frames.splice(j, 0, tooBig);
        frames.push(...after.map(frame));
        const { stream, offsets } = layout(frames);
        const headerStart = offsets[j]!;
        const lastLengthByte = headerStart + tooBig.headerLength - 1;
        const chunks = split(stream, cuts);
        const { firstFailure, results } = scanAll(new MqttFrameScanner(max), chunks);
        const completing = chunks.findIndex(({ start, chunk }) => start <= lastLengthByte && lastLengthByte < start + chunk.length);
        expect(firstFailure).toBeGreaterThanOrEqual(0);
        expect(firstFailure).toBeLessThanOrEqual(completing);
        const failing = chunks[firstFailure]!;
        expect(failing.start + failing.chunk.length).toBeGreaterThan(headerStart);
        for (const r of results.slice(firstFailure)) expect(r).toEqual({ ok: false, reason: 'too_large', remainingLength: tooBig.remainingLength });
      }), { numRuns: 150 });
  });

  it('reports bad_length for a five-byte Remaining Length and keeps reporting it', () => {
    const fiveByteLength = fc.tuple(fc.integer({ min: 0x10, max: 0xff }), fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 0xff }));
    fc.assert(fc.property(fc.array(packetArb, { maxLength: 5 }), fiveByteLength, cutsArb, (packets, [type, lengthBytes, fifth], cuts) => {
      const frames = packets.map(frame).filter((f) => f.remainingLength <= 65536 - 5);
      const { stream: prefix } = layout(frames);
      const stream = Buffer.concat([prefix, Buffer.from([type, ...lengthBytes, fifth, 0x00])]);
      const fourthLengthByte = prefix.length + 4;
      const chunks = split(stream, cuts);
      const scanner = new MqttFrameScanner(65536);
      const { firstFailure, results } = scanAll(scanner, chunks);
      expect(firstFailure).toBeGreaterThanOrEqual(0);
      const failing = chunks[firstFailure]!;
      expect(failing.start).toBeLessThanOrEqual(fourthLengthByte);
      expect(failing.start + failing.chunk.length).toBeGreaterThan(fourthLengthByte);
      expect(results.slice(0, firstFailure).every((r) => r.ok)).toBe(true);
      for (const r of results.slice(firstFailure)) expect(r).toEqual({ ok: false, reason: 'bad_length' });
      expect(scanner.feed(mqttPacket.generate({ cmd: 'pingreq' }))).toEqual({ ok: false, reason: 'bad_length' });
    }), { numRuns: 150 });
    expect(new MqttFrameScanner(1 << 30).feed(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toEqual({ ok: false, reason: 'bad_length' });
  });

  it('stays failed after too_large, even when valid packets follow', () => {
    const scanner = new MqttFrameScanner(1024);
    const failure = { ok: false, reason: 'too_large', remainingLength: 1020 };
    expect(scanner.feed(publishWithRemaining(1020).bytes.subarray(0, 3))).toEqual(failure);
    expect(scanner.feed(mqttPacket.generate({ cmd: 'pingreq' }))).toEqual(failure);
    expect(scanner.feed(new Uint8Array(0))).toEqual(failure);
  });
});
