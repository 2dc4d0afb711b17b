import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DeviceCommandMessage, DeviceCommandResultMessage } from '../../protocol/messages/command.ts';
import { DeviceConfigMessage } from '../../protocol/messages/config.ts';
import { HubStatusMessage } from '../../protocol/messages/hub-status.ts';
import { PressMessage } from '../../protocol/messages/press.ts';
import { DeviceStatusMessage } from '../../protocol/messages/status.ts';
import { TelemetryMessage } from '../../protocol/messages/telemetry.ts';
import { EVENT_TYPES, isEventType, parseEventEnvelope } from '../../protocol/events/envelope.ts';
import { renderJsonSchemas } from '../../protocol/json-schema/catalogue.ts';

type Obj = Record<string, unknown>;
const PRESS_KEYS = ['seq', 'boot', 'rating', 'upMs', 'sentUpMs', 'at'];

const isoTime = fc
  .tuple(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
    fc.constantFrom('Z', '+03:00', '-05:30', '+00:00'), fc.boolean())
  .map(([d, zone, millis]) => {
    const iso = d.toISOString();
    return (millis ? iso.slice(0, -1) : iso.slice(0, 19)) + zone;
  });
const bootId = fc.stringMatching(/^[A-Za-z0-9._:+/=-]{1,64}$/);
const validPress: fc.Arbitrary<Obj> = fc.record(
  {
    seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    boot: bootId,
    rating: fc.integer({ min: 1, max: 4 }),
    upMs: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
    sentUpMs: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
    at: isoTime,
  },
  { requiredKeys: ['seq', 'boot', 'rating', 'upMs'] },
);

const nonInteger = fc.double({ min: -1e9, max: 1e9, noNaN: true }).filter((x) => !Number.isInteger(x));
const wrongType = (ok: 'number' | 'string') =>
  fc.oneof(fc.constantFrom(null, true, [], {}, [1]), ok === 'number' ? fc.string() : fc.integer());
const set = (key: string, value: fc.Arbitrary<unknown>) => value.map((v) => ({ name: `${key}=${JSON.stringify(v)}`, apply: (p: Obj): Obj => ({ ...p, [key]: v }) }));

/** One change that makes a valid press invalid. */
const pressMutation = fc.oneof(
  set('rating', fc.constantFrom(0, 5, -1, 2.5, Number.NaN)),
  set('rating', fc.integer().filter((r) => r < 1 || r > 4)),
  set('seq', fc.oneof(fc.constant(0), fc.integer({ max: 0 }), nonInteger, fc.constantFrom(Infinity, Number.MAX_SAFE_INTEGER + 2))),
  set('upMs', fc.oneof(fc.integer({ max: -1 }), nonInteger.filter((x) => x > 0), fc.constantFrom(-0.5, Infinity, Number.NaN))),
  set('sentUpMs', fc.oneof(fc.integer({ max: -1 }), nonInteger.filter((x) => x > 0))),
  set('boot', fc.oneof(
    fc.constant(''),
    fc.stringMatching(/^[A-Za-z0-9]{65,100}$/),
    fc.tuple(bootId, bootId).map(([a, b]) => `${a} ${b}`),
    bootId.map((b) => `${b}\n`),
    fc.constantFrom('é', 'a#b', 'a b', 'a,b', '{}'),
  )),
  set('at', fc.oneof(
    fc.constantFrom('', 'yesterday', '2024-01-01', '2024-01-01T10:00:00', '2024-13-01T00:00:00Z', '2024-01-01 10:00:00Z', '1714000000000', 'Mon, 01 Jan 2024 10:00:00 GMT'),
    isoTime.map((t) => t.replace('T', ' ')),
  )),
  fc.constantFrom('seq', 'boot', 'rating', 'upMs').map((key) => ({ name: `without ${key}`, apply: (p: Obj): Obj => Object.fromEntries(Object.entries(p).filter(([k]) => k !== key)) })),
  set('seq', wrongType('number')),
  set('rating', fc.oneof(wrongType('number'), fc.constantFrom('4', '1'))),
  set('upMs', wrongType('number')),
  set('sentUpMs', fc.oneof(wrongType('number'), fc.constant(null))),
  set('boot', wrongType('string')),
  set('at', fc.oneof(wrongType('string'), fc.integer({ min: 0 }))),
);

describe('PressMessage', () => {
  it('accepts every valid press and returns it unchanged, also after a JSON round trip', () => {
    fc.assert(fc.property(validPress, (press) => {
      expect(PressMessage.parse(press)).toEqual(press);
      expect(PressMessage.parse(JSON.parse(JSON.stringify(press)))).toEqual(press);
    }), { numRuns: 500 });
  });

  it('rejects a valid press after any single invalidating change', () => {
    fc.assert(fc.property(validPress, pressMutation, (press, mutation) => {
      const result = PressMessage.safeParse(mutation.apply(press));
      expect(result.success, mutation.name).toBe(false);
    }), { numRuns: 1000 });
  });

  it('rejects the rating bounds and the examples of the contract', () => {
    const base = { seq: 1, boot: 'a1b2c3d4e5f60718', rating: 4, upMs: 0 };
    expect(PressMessage.safeParse(base).success).toBe(true);
    expect(PressMessage.safeParse({ ...base, rating: 1 }).success).toBe(true);
    expect(PressMessage.safeParse({ ...base, rating: 0 }).success).toBe(false);
    expect(PressMessage.safeParse({ ...base, rating: 5 }).success).toBe(false);
    expect(PressMessage.safeParse({ ...base, boot: 'b'.repeat(64) }).success).toBe(true);
    expect(PressMessage.safeParse({ ...base, boot: 'b'.repeat(65) }).success).toBe(false);
    for (const notAnObject of [null, undefined, 'press', 42, [base]]) expect(PressMessage.safeParse(notAnObject).success).toBe(false);
  });

  it('accepts unknown extra fields and strips them (additive schema evolution)', () => {
    const extraKey = fc.string({ minLength: 1 }).filter((k) => !PRESS_KEYS.includes(k) && k !== '__proto__');
    fc.assert(fc.property(validPress, fc.dictionary(extraKey, fc.jsonValue(), { minKeys: 1, maxKeys: 5 }), (press, extra) => {
      const parsed = PressMessage.parse({ ...extra, ...press });
      expect(parsed).toEqual(press);
      for (const key of Object.keys(parsed)) expect(PRESS_KEYS).toContain(key);
    }));
  });
});

describe('device and hub messages', () => {
  it('DeviceStatusMessage: online with details, the bare last will, no other states', () => {
    expect(DeviceStatusMessage.parse({ state: 'online', fw: '1.2.0', boot: 'f00dcafe', extra: 1 })).toEqual({ state: 'online', fw: '1.2.0', boot: 'f00dcafe' });
    expect(DeviceStatusMessage.parse({ state: 'offline' })).toEqual({ state: 'offline' });
    for (const bad of [{}, { state: 'rebooting' }, { state: 'online', fw: '' }, { state: 'online', fw: 'v'.repeat(65) }, { state: 'online', boot: 'has space' }]) {
      expect(DeviceStatusMessage.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('TelemetryMessage keeps vendor fields and types the known ones', () => {
    const extraKey = fc.string({ minLength: 1 }).filter((k) => !['upMs', 'queued', 'dropped', 'fw', '__proto__'].includes(k));
    fc.assert(fc.property(fc.nat(), fc.dictionary(extraKey, fc.jsonValue(), { maxKeys: 5 }), (upMs, extra) => {
      expect(TelemetryMessage.parse({ ...extra, upMs })).toEqual({ ...extra, upMs });
    }));
    for (const bad of [{}, { upMs: -1 }, { upMs: 1, queued: -1 }, { upMs: 1, dropped: 0.5 }, { upMs: 1, fw: '' }, { upMs: '1' }]) {
      expect(TelemetryMessage.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('DeviceConfigMessage validates ids, label, lock-out and intervals', () => {
    const ok = { centreId: 'demo-centre', deviceId: 'eifd-01', counterId: 'c01', counterLabel: '1', lockoutMs: 2500, debounceMs: 45, telemetryIntervalMs: 60000, issuedAt: '2024-05-01T08:00:00.000Z' };
    expect(DeviceConfigMessage.parse(ok)).toEqual(ok);
    const { debounceMs: _d, telemetryIntervalMs: _t, issuedAt: _i, ...minimal } = ok;
    expect(DeviceConfigMessage.parse(minimal)).toEqual(minimal);
    const bad: Obj[] = [{ centreId: 'Demo' }, { deviceId: 'eifd/01' }, { counterId: '' }, { counterLabel: '' }, { counterLabel: 'x'.repeat(65) },
      { lockoutMs: -1 }, { lockoutMs: undefined }, { debounceMs: 1.5 }, { telemetryIntervalMs: 999 }, { issuedAt: '2024-05-01' }];
    for (const change of bad) expect(DeviceConfigMessage.safeParse({ ...ok, ...change }).success, JSON.stringify(change)).toBe(false);
  });

  it('DeviceCommandMessage and its result', () => {
    expect(DeviceCommandMessage.parse({ id: 'cmd_01-A', op: 'identify' })).toEqual({ id: 'cmd_01-A', op: 'identify' });
    expect(DeviceCommandMessage.parse({ id: 'x', op: 'selftest', args: { n: 1 } })).toEqual({ id: 'x', op: 'selftest', args: { n: 1 } });
    for (const bad of [{ id: '', op: 'identify' }, { id: 'a'.repeat(65), op: 'identify' }, { id: 'a b', op: 'identify' }, { id: 'x', op: 'reboot' }, { id: 'x', op: 'identify', args: [1] }, { op: 'identify' }]) {
      expect(DeviceCommandMessage.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    const result = { id: 'x', ok: false, error: { code: 'unknown_op', message: 'no such op' }, data: { a: 1 } };
    expect(DeviceCommandResultMessage.parse(result)).toEqual(result);
    expect(DeviceCommandResultMessage.parse({ id: 'x', ok: true })).toEqual({ id: 'x', ok: true });
    for (const bad of [{ id: 'x' }, { id: 'x', ok: 'true' }, { id: 'x', ok: false, error: { code: '', message: '' } },
      { id: 'x', ok: false, error: { code: 'e', message: 'm'.repeat(501) } }, { id: 'x', ok: false, error: { code: 'c'.repeat(65), message: '' } }, { id: 'x/y', ok: true }]) {
      expect(DeviceCommandResultMessage.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('HubStatusMessage', () => {
    const ok = { state: 'online', centreId: 'demo-centre', version: '0.1.0', at: '2024-05-01T08:00:00+03:00' };
    expect(HubStatusMessage.parse(ok)).toEqual(ok);
    for (const change of [{ state: 'starting' }, { centreId: 'Demo Centre' }, { version: '' }, { at: undefined }, { at: 'now' }]) {
      expect(HubStatusMessage.safeParse({ ...ok, ...change }).success, JSON.stringify(change)).toBe(false);
    }
  });
});

describe('parseEventEnvelope', () => {
  const at = '2024-05-01T08:00:00.000Z';
  const pressed = {
    deviceId: 'eifd-01', counterId: 'c01', boot: 'f00dcafe', deviceSeq: 3, rating: 4, misuse: false, pressedAt: at, receivedAt: at,
    deviceAt: null, upMs: 1000, sentUpMs: 1200, clockQuality: 'uptime',
  };

  it('validates the data of known event types', () => {
    expect([...EVENT_TYPES].sort()).toEqual([
      'alert.cleared', 'alert.raised', 'alert.resolved', 'audit.recorded', 'board.status', 'counter.closed', 'counter.opened', 'counter.paused', 'device.offline', 'device.online', 'feedback.pressed', 'printer.status', 'service.resumed', 'service.suspended',
      'ticket.called', 'ticket.finished', 'ticket.issued', 'ticket.no_show', 'ticket.recalled', 'ticket.started', 'ticket.transferred',
    ]);
    // A press recorded before the queue existed has no ticket fields; one after names its ticket or null.
    expect(parseEventEnvelope({ seq: 4, type: 'feedback.pressed', at, data: { ...pressed, ticketId: '20261205-A001', serviceId: 'id-duplicate' } }).data)
      .toMatchObject({ ticketId: '20261205-A001', serviceId: 'id-duplicate' });
    expect(() => parseEventEnvelope({ seq: 4, type: 'feedback.pressed', at, data: { ...pressed, ticketId: 'A001' } })).toThrow();
    const issued = { ticketId: '20261205-A001', number: 'A001', serviceId: 'id-duplicate', day: '2026-12-05', category: 'elderly', appointmentRef: null, peopleAhead: 3, quotedWait: { lowMin: 5, highMin: 12 }, language: 'sw' };
    expect(parseEventEnvelope({ seq: 5, type: 'ticket.issued', at, data: issued }).data).toEqual(issued);
    expect(() => parseEventEnvelope({ seq: 5, type: 'ticket.issued', at, data: { ...issued, category: 'vip' } })).toThrow();
    expect(parseEventEnvelope({ seq: 1, type: 'feedback.pressed', at, data: { ...pressed, extra: true } }))
      .toEqual({ seq: 1, type: 'feedback.pressed', at, data: pressed });
    const online = { deviceId: 'eifd-01', counterId: 'c01', fw: null, boot: null };
    expect(parseEventEnvelope({ seq: 2, type: 'device.online', at, data: online }).data).toEqual(online);
    expect(parseEventEnvelope({ seq: 3, type: 'device.offline', at, data: { deviceId: 'd', counterId: 'c', reason: 'will' } }).data)
      .toEqual({ deviceId: 'd', counterId: 'c', reason: 'will' });
    for (const [type, data] of [['feedback.pressed', { ...pressed, rating: 5 }], ['feedback.pressed', { ...pressed, clockQuality: 'gps' }],
      ['device.online', { deviceId: 'd', counterId: 'c' }], ['device.offline', { deviceId: 'd', counterId: 'c', reason: 'tired' }], ['device.offline', null]] as const) {
      expect(() => parseEventEnvelope({ seq: 1, type, at, data }), `${type} ${JSON.stringify(data)}`).toThrow();
    }
  });

  it('passes unknown event types through with their data untouched', () => {
    const unknownType = fc.string({ minLength: 1, maxLength: 64 }).filter((t) => !isEventType(t));
    fc.assert(fc.property(fc.integer({ min: 1 }), unknownType, fc.jsonValue(), (seq, type, data) => {
      expect(parseEventEnvelope({ seq, type, at, data })).toEqual({ seq, type, at, data });
    }));
    for (const type of ['kiosk.survey_answered', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(parseEventEnvelope({ seq: 1, type, at, data: 'x' }).data, type).toBe('x');
    }
  });

  it('rejects a malformed envelope whatever its type', () => {
    for (const bad of [{ seq: 0, type: 'x', at }, { seq: 1.5, type: 'x', at }, { seq: 1, type: '', at }, { seq: 1, type: 'x'.repeat(65), at },
      { seq: 1, type: 'x', at: 'today' }, { type: 'x', at }, null, 'event']) {
      expect(() => parseEventEnvelope(bad), JSON.stringify(bad)).toThrow();
    }
  });
});

describe('committed JSON Schema files', () => {
  it('match what the zod schemas render', () => {
    const dir = fileURLToPath(new URL('../../protocol/json-schema/v1/', import.meta.url));
    const hint = 'protocol/json-schema/v1/ is stale: run `npm run gen:schemas` and commit the result';
    const rendered = renderJsonSchemas();
    const committed = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    expect(committed, hint).toEqual([...rendered.keys()].sort());
    for (const [file, text] of rendered) expect(readFileSync(`${dir}${file}`, 'utf8'), `${file}: ${hint}`).toBe(text);
    expect(rendered.size).toBeGreaterThanOrEqual(11);
  });
});
