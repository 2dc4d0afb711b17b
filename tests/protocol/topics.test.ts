import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ID_PATTERN, Id, isId } from '../../protocol/ids.ts';
import {
  DEVICE_DOWNLINK_KINDS,
  DEVICE_UPLINK_KINDS,
  TOPIC_ROOT,
  centreBase,
  deviceSubscriptionAllowList,
  deviceTopic,
  hubStatusTopic,
  isUplinkKind,
  pairingTopic,
  parseTopic,
  type DeviceTopicKind,
  type ParsedTopic,
} from '../../protocol/topics.ts';

// The contract's id rule, written out independently of protocol/ids.ts.
const CONTRACT_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
const ALL_KINDS: readonly DeviceTopicKind[] = [...DEVICE_UPLINK_KINDS, ...DEVICE_DOWNLINK_KINDS];

const validId = fc.stringMatching(CONTRACT_ID);
const kindArb = fc.constantFrom(...ALL_KINDS);
const invalidId = fc.oneof(
  fc.string().filter((s) => !CONTRACT_ID.test(s)),
  fc.constantFrom('', '-a', 'A', 'Abc', 'a b', 'a/b', '+', '#', 'a+', 'b#', 'x'.repeat(33), 'é', 'a\n', 'a_b', 'a.b'),
  validId.map((id) => `${id}/`),
  validId.map((id) => id.toUpperCase()).filter((s) => !CONTRACT_ID.test(s)),
);

/** A parse result is well-formed when its ids are valid and it rebuilds exactly the parsed topic. */
function expectWellFormed(topic: string, parsed: ParsedTopic): void {
  expect(CONTRACT_ID.test(parsed.centreId)).toBe(true);
  switch (parsed.scope) {
    case 'hub-status':
      expect(hubStatusTopic(parsed.centreId)).toBe(topic);
      break;
    case 'device':
      expect(ALL_KINDS).toContain(parsed.kind);
      expect(deviceTopic(parsed.centreId, parsed.deviceId, parsed.kind)).toBe(topic);
      break;
    case 'device-other':
      expect(CONTRACT_ID.test(parsed.deviceId)).toBe(true);
      expect(ALL_KINDS as readonly string[]).not.toContain(parsed.rest);
      expect(`${TOPIC_ROOT}/${parsed.centreId}/devices/${parsed.deviceId}/${parsed.rest}`).toBe(topic);
      break;
    case 'pairing':
      expect(pairingTopic(parsed.centreId, parsed.clientId, parsed.kind)).toBe(topic);
      break;
    default:
      throw new Error(`unexpected scope in ${JSON.stringify(parsed)}`);
  }
}

describe('ids', () => {
  it('accepts 1–32 lower-case letters, digits and dashes not starting with a dash', () => {
    for (const ok of ['a', '0', 'demo-centre', 'eifd-01', 'a-', '9'.repeat(32), `a${'-'.repeat(31)}`]) {
      expect(isId(ok), ok).toBe(true);
      expect(Id.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of ['', '-a', 'A', 'a_b', 'a b', 'a/b', 'a+', '#', 'x'.repeat(33), 'a\n', '\na', 'é']) {
      expect(isId(bad), JSON.stringify(bad)).toBe(false);
      expect(Id.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('agrees with the contract regex on arbitrary strings', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), validId, invalidId), (s) => {
      expect(isId(s)).toBe(CONTRACT_ID.test(s));
      expect(ID_PATTERN.test(s)).toBe(CONTRACT_ID.test(s));
    }));
  });
});

describe('topic builders', () => {
  it('build the documented v1 topics', () => {
    expect(TOPIC_ROOT).toBe('huduma/v1');
    expect(centreBase('demo-centre')).toBe('huduma/v1/demo-centre');
    expect(hubStatusTopic('demo-centre')).toBe('huduma/v1/demo-centre/hub/status');
    expect(deviceTopic('demo-centre', 'eifd-01', 'press')).toBe('huduma/v1/demo-centre/devices/eifd-01/press');
    expect(deviceTopic('demo-centre', 'eifd-01', 'cmd/result')).toBe('huduma/v1/demo-centre/devices/eifd-01/cmd/result');
    expect(deviceTopic('c1', 'd1', 'config')).toBe('huduma/v1/c1/devices/d1/config');
  });

  it('follow the pattern for every valid id and kind', () => {
    fc.assert(fc.property(validId, validId, kindArb, (c, d, kind) => {
      expect(deviceTopic(c, d, kind)).toBe(`huduma/v1/${c}/devices/${d}/${kind}`);
      expect(hubStatusTopic(c)).toBe(`huduma/v1/${c}/hub/status`);
    }));
  });

  it('throw a TypeError naming the field for an invalid centre or device id', () => {
    fc.assert(fc.property(invalidId, validId, kindArb, (bad, good, kind) => {
      expect(() => centreBase(bad)).toThrow(TypeError);
      expect(() => hubStatusTopic(bad)).toThrow(/"centreId" must match/);
      expect(() => deviceTopic(bad, good, kind)).toThrow(/"centreId" must match/);
      expect(() => deviceTopic(good, bad, kind)).toThrow(/"deviceId" must match/);
      expect(() => deviceTopic(good, bad, kind)).toThrow(TypeError);
      expect(() => deviceSubscriptionAllowList(good, bad)).toThrow(TypeError);
      expect(() => deviceSubscriptionAllowList(bad, good)).toThrow(TypeError);
    }));
  });
});

describe('pairing topics', () => {
  it('round-trip for a pairing client id; anything else is refused or not a pairing topic', () => {
    const clientId = 'pair-0123456789abcdef01234567';
    for (const kind of ['claim', 'reply'] as const) {
      expect(parseTopic(pairingTopic('demo-centre', clientId, kind))).toEqual({ scope: 'pairing', centreId: 'demo-centre', clientId, kind });
    }
    for (const bad of ['eifd-01', 'pair-', 'pair-short', 'pair-0123456789ABCDEF01234567', `pair-${'a'.repeat(28)}`]) {
      expect(() => pairingTopic('demo-centre', bad, 'claim'), bad).toThrow(TypeError);
      expect(parseTopic(`huduma/v1/demo-centre/pairing/${bad}/claim`), bad).toBeNull();
    }
    expect(parseTopic(`huduma/v1/demo-centre/pairing/${clientId}/claim/x`)).toBeNull();
    expect(parseTopic(`huduma/v1/demo-centre/pairing/${clientId}/press`)).toBeNull();
  });
});

describe('parseTopic', () => {
  it('round-trips every built device topic and the hub status topic', () => {
    fc.assert(fc.property(validId, validId, kindArb, (c, d, kind) => {
      expect(parseTopic(deviceTopic(c, d, kind))).toEqual({ scope: 'device', centreId: c, deviceId: d, kind });
      expect(parseTopic(hubStatusTopic(c))).toEqual({ scope: 'hub-status', centreId: c });
    }));
  });

  const fragment = fc.oneof(
    fc.constantFrom('huduma', 'v1', 'v2', 'devices', 'hub', 'status', 'press', 'telemetry', 'cmd', 'result', 'config', '+', '#', '', '/', '-x', 'A', 'x'.repeat(33), ' ', 'ü'),
    validId,
    invalidId,
  );
  const assembled = fc.tuple(fc.constantFrom('', 'huduma/v1/', 'huduma/v1', 'huduma/'), fc.array(fragment, { maxLength: 8 }))
    .map(([prefix, parts]) => prefix + parts.join('/'));
  // Closer to real topics: each level drawn from what belongs there, or a stray fragment.
  const nearTopic = fc.tuple(
    fc.constantFrom('huduma/v1', 'huduma/v1', 'huduma/v2', 'huduma', ''),
    fc.oneof({ weight: 3, arbitrary: validId }, { weight: 1, arbitrary: fragment }),
    fc.oneof({ weight: 3, arbitrary: fc.constantFrom('devices', 'hub') }, { weight: 1, arbitrary: fragment }),
    fc.oneof({ weight: 3, arbitrary: validId }, { weight: 1, arbitrary: fc.constantFrom('status') }, { weight: 1, arbitrary: fragment }),
    fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ALL_KINDS) }, { weight: 1, arbitrary: fragment }), { maxLength: 3 }),
  ).map(([root, centre, section, id, kinds]) => [root, centre, section, id, ...kinds].join('/'));

  it('never throws and returns null or a well-formed result for arbitrary strings', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), assembled, nearTopic), (topic) => {
      const parsed = parseTopic(topic);
      if (parsed !== null) expectWellFormed(topic, parsed);
    }), { numRuns: 2000 });
  });

  it('returns null outside the v1 root', () => {
    for (const topic of ['', 'huduma', 'huduma/v1', 'huduma/v1/', 'huduma/v2/c/hub/status', 'huduma/v10/c/hub/status',
      'Huduma/v1/c/hub/status', '/huduma/v1/c/hub/status', 'x/huduma/v1/c/hub/status', '$SYS/broker/uptime', '#', '+/v1/c/hub/status']) {
      expect(parseTopic(topic), topic).toBeNull();
    }
  });

  it('returns null for an invalid or wildcard id in the centre or device position', () => {
    fc.assert(fc.property(invalidId.filter((s) => !s.includes('/')), validId, kindArb, (bad, good, kind) => {
      expect(parseTopic(`huduma/v1/${bad}/devices/${good}/${kind}`)).toBeNull();
      expect(parseTopic(`huduma/v1/${good}/devices/${bad}/${kind}`)).toBeNull();
      expect(parseTopic(`huduma/v1/${bad}/hub/status`)).toBeNull();
    }));
    for (const wild of ['+', '#', 'a+', '#b']) {
      expect(parseTopic(`huduma/v1/${wild}/devices/d1/press`)).toBeNull();
      expect(parseTopic(`huduma/v1/c1/devices/${wild}/press`)).toBeNull();
      expect(parseTopic(`huduma/v1/${wild}/hub/status`)).toBeNull();
    }
  });

  it('returns null for unknown sections, a missing device id or kind, and extra levels under hub/status', () => {
    for (const topic of ['huduma/v1/c1', 'huduma/v1/c1/', 'huduma/v1/c1/hub', 'huduma/v1/c1/hub/', 'huduma/v1/c1/hub/status/',
      'huduma/v1/c1/hub/status/extra', 'huduma/v1/c1/hub/state', 'huduma/v1/c1/counters/c01/press', 'huduma/v1/c1/devices',
      'huduma/v1/c1/devices/', 'huduma/v1/c1/devices/d1', 'huduma/v1/c1/devices//press', 'huduma/v1/c1/Devices/d1/press']) {
      expect(parseTopic(topic), topic).toBeNull();
    }
  });

  it('reports other topics under a device prefix as device-other, keeping the rest verbatim', () => {
    const cases: [string, string][] = [
      ['huduma/v1/c1/devices/d1/press/extra', 'press/extra'],
      ['huduma/v1/c1/devices/d1/cmd/result/x', 'cmd/result/x'],
      ['huduma/v1/c1/devices/d1/firmware', 'firmware'],
      ['huduma/v1/c1/devices/d1/cmd/', 'cmd/'],
      ['huduma/v1/c1/devices/d1/result', 'result'],
      ['huduma/v1/c1/devices/d1/+', '+'],
      ['huduma/v1/c1/devices/d1/#', '#'],
    ];
    for (const [topic, rest] of cases) {
      expect(parseTopic(topic), topic).toEqual({ scope: 'device-other', centreId: 'c1', deviceId: 'd1', rest });
    }
  });

  it('keeps kind levels and unknown suffixes apart for generated ids', () => {
    const suffix = fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(validId, validId, kindArb, suffix, (c, d, kind, extra) => {
      const topic = `${deviceTopic(c, d, kind)}/${extra.join('/')}`;
      expect(parseTopic(topic)).toEqual({ scope: 'device-other', centreId: c, deviceId: d, rest: `${kind}/${extra.join('/')}` });
    }));
  });
});

describe('kinds and the device subscription allow-list', () => {
  it('splits kinds into uplink and downlink', () => {
    expect([...DEVICE_UPLINK_KINDS]).toEqual(['press', 'status', 'telemetry', 'cmd/result']);
    expect([...DEVICE_DOWNLINK_KINDS]).toEqual(['config', 'cmd']);
    for (const kind of DEVICE_UPLINK_KINDS) expect(isUplinkKind(kind)).toBe(true);
    for (const kind of DEVICE_DOWNLINK_KINDS) expect(isUplinkKind(kind)).toBe(false);
  });

  it('lets a device subscribe to its own config and cmd and the hub status, nothing else', () => {
    expect(deviceSubscriptionAllowList('demo-centre', 'eifd-01')).toEqual([
      'huduma/v1/demo-centre/devices/eifd-01/config',
      'huduma/v1/demo-centre/devices/eifd-01/cmd',
      'huduma/v1/demo-centre/hub/status',
    ]);
    fc.assert(fc.property(validId, validId, (c, d) => {
      const list = deviceSubscriptionAllowList(c, d);
      expect(list).toHaveLength(3);
      for (const filter of list) {
        expect(filter).not.toMatch(/[+#]/);
        const parsed = parseTopic(filter);
        expect(parsed?.centreId).toBe(c);
        if (parsed?.scope === 'device') {
          expect(parsed.deviceId).toBe(d);
          expect(isUplinkKind(parsed.kind)).toBe(false);
        } else {
          expect(parsed?.scope).toBe('hub-status');
        }
      }
    }));
  });
});
