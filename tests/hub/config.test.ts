import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, HubError } from '../../hub/errors.ts';
import { formatIssues, formatPath } from '../../protocol/format-issues.ts';
import { SAMPLE_CENTRE_PATH, loadHubConfig, type ConfigOverrides } from '../../hub/config/load.ts';
import { HubConfigSchema } from '../../hub/config/schema.ts';
import { tempDir } from '../helpers/temp-dir.ts';

type Json = Record<string, any>;
const SAMPLE: Json = JSON.parse(readFileSync(SAMPLE_CENTRE_PATH, 'utf8'));

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('huduma-config-test-');
});
afterEach(() => {
  dir.remove();
});

let fileNo = 0;
/** Writes a config file (a mutated copy of the sample centre, or raw text) and returns its path. */
function writeConfig(content: string | ((config: Json) => void)): string {
  const path = join(dir.path, `config-${++fileNo}.json`);
  if (typeof content === 'string') {
    writeFileSync(path, content);
  } else {
    const config = structuredClone(SAMPLE);
    content(config);
    writeFileSync(path, JSON.stringify(config, null, 2));
  }
  return path;
}

function configError(configPath: string, overrides?: ConfigOverrides): ConfigError {
  try {
    loadHubConfig({ configPath, ...(overrides ? { overrides } : {}) });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.code).toBe('config_invalid');
    expect(e.message).toContain(configPath);
    for (const issue of e.issues) expect(e.message).toContain(issue);
    return e;
  }
  throw new Error(`expected ${configPath} to be rejected`);
}
const issuesOf = (mutate: (config: Json) => void): string[] => configError(writeConfig(mutate)).issues;

describe('loadHubConfig: the built-in sample centre', () => {
  it('loads with its centre, counters, timezone and default ports', () => {
    const loaded = loadHubConfig();
    expect(loaded.source).toBe('built-in sample centre');
    expect(loaded.config.centre.id).toBe('demo-centre');
    expect(loaded.config.centre.timezone).toBe('Africa/Nairobi');
    expect(loaded.config.counters.map((c) => c.id)).toEqual(['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10']);
    expect(loaded.config.mqtt).toEqual({ host: '0.0.0.0', port: 1883, maxPacketBytes: 65536, maxConnections: 1024, maxConnectionsPerAddress: 64, advertise: true });
    expect(loaded.config.http).toMatchObject({ host: '0.0.0.0', port: 8080, limits: { bodyBytes: 16_384, loginBodyBytes: 1024, connectionsTotal: 2048, streamsTotal: 256 }, login: { officerMaxFailures: 5, addressMaxFailures: 10 } });
    expect(loaded.config.tls).toEqual({ enabled: false, mqttPort: 8883, httpsPort: 8443, allowPlaintext: true });
    expect(loaded.explicitPorts).toEqual({ mqtt: false, http: false, mqtts: false, https: false });
    expect(loaded.config.feedback).toEqual({ lockoutMs: 2500, debounceMs: 45, pressBudgetPerMinute: 30, unanchoredPressBurst: 10, unanchoredPressesPerMinute: 6, maxPressBytes: 1024, telemetryIntervalMs: 60_000 });
  });

  it('flags win over the file and mark the ports as chosen', () => {
    const loaded = loadHubConfig({ overrides: { mqttPort: 1999, httpPort: 18080, centreId: 'other-centre', mqttHost: '127.0.0.1', dataDir: '/tmp/x', logLevel: 'warn' } });
    expect(loaded.config.mqtt).toEqual({ host: '127.0.0.1', port: 1999, maxPacketBytes: 65536, maxConnections: 1024, maxConnectionsPerAddress: 64, advertise: true });
    expect(loaded.config.http.port).toBe(18080);
    expect(loaded.config.centre).toMatchObject({ id: 'other-centre', timezone: 'Africa/Nairobi', name: SAMPLE.centre.name });
    expect(loaded.config.dataDir).toBe('/tmp/x');
    expect(loaded.config.logLevel).toBe('warn');
    expect(loaded.explicitPorts).toEqual({ mqtt: true, http: true, mqtts: false, https: false });
    expect(loadHubConfig({ overrides: { httpPort: 0 } }).explicitPorts).toEqual({ mqtt: false, http: true, mqtts: false, https: false });
  });

  it('a port in the file is explicit, even the default value; a flag still wins and keeps the other fields', () => {
    const path = writeConfig((c) => { c.mqtt = { port: 1883, maxPacketBytes: 2048 }; });
    expect(loadHubConfig({ configPath: path }).explicitPorts).toEqual({ mqtt: true, http: false, mqtts: false, https: false });
    const flagged = loadHubConfig({ configPath: path, overrides: { mqttPort: 2883 } });
    expect(flagged.config.mqtt).toEqual({ host: '0.0.0.0', port: 2883, maxPacketBytes: 2048, maxConnections: 1024, maxConnectionsPerAddress: 64, advertise: true });
    expect(flagged.source).toBe(path);
  });

  it('an invalid flag is reported like an invalid file field', () => {
    const error = configError(writeConfig(() => {}), { mqttPort: 70_000 });
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatch(/^mqtt\.port: .*65535.*70000/);
  });
});

describe('loadHubConfig: invalid files name the field and what is expected', () => {
  it('bad port', () => {
    expect(issuesOf((c) => { c.mqtt = { port: 70_000 }; })).toEqual([expect.stringMatching(/^mqtt\.port: .*<=65535.*\(got 70000\)/)]);
    expect(issuesOf((c) => { c.http = { port: '8080' }; })).toEqual(['http.port: expected number, got "8080"']);
    expect(issuesOf((c) => { c.mqtt = { port: 1.5 }; })).toEqual([expect.stringMatching(/^mqtt\.port: .*int/)]);
  });

  it('HTTP limits that cannot work name the field and the fix', () => {
    expect(issuesOf((c) => { c.http = { limits: { loginBodyBytes: 10 } }; })).toEqual(['http.limits.loginBodyBytes: must be at least 256 bytes (got 10)']);
    expect(issuesOf((c) => { c.http = { limits: { idleTimeoutMs: 20_000 } }; })).toEqual(['http.limits.idleTimeoutMs: must be at least 30000 ms (got 20000)']);
    expect(issuesOf((c) => { c.http = { limits: { headersTimeoutMs: 60_000, requestTimeoutMs: 30_000 } }; })).toEqual(['http.limits.headersTimeoutMs: must be at most requestTimeoutMs (30000): the headers are part of the request']);
    expect(issuesOf((c) => { c.http = { limits: { streamsTotal: 5000 } }; })).toEqual(['http.limits.streamsTotal: must be at most connectionsTotal (2048): each stream is a connection']);
    expect(issuesOf((c) => { c.http = { login: { officerLockoutMs: 'soon' } }; })).toEqual(['http.login.officerLockoutMs: expected number, got "soon"']);
  });

  it('unknown key: names the section and the key, and suggests checking the spelling', () => {
    const issues = issuesOf((c) => { c.mqtt = { prot: 1883 }; });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^mqtt: /);
    expect(issues[0]).toContain('unknown key "prot"');
    expect(issues[0]).toContain('spelling');
    expect(issuesOf((c) => { c.centreName = 'x'; })[0]).toMatch(/^\(top level\): unknown key "centreName"/);
    expect(issuesOf((c) => { c.counters[2].servicesIds = ['kra']; })[0]).toMatch(/^counters\[2\]: unknown key "servicesIds"/);
  });

  it('wording overrides: any table key in both languages; an unknown key is named with the fix', () => {
    const path = writeConfig((c) => {
      c.strings = { _about: 'kiosk wording of this centre', welcome: { en: 'Welcome to Huduma Centre Kisumu', sw: 'Karibu Huduma Centre Kisumu' } };
    });
    expect(loadHubConfig({ configPath: path }).config.strings).toEqual({ welcome: { en: 'Welcome to Huduma Centre Kisumu', sw: 'Karibu Huduma Centre Kisumu' } });
    expect(
      issuesOf((c) => {
        c.strings = { welcom: { en: 'Hi', sw: 'Habari' }, thankYou: { en: 'Thank you', sw: 'Asante' }, printerOut: { en: 'Out of paper' } };
      }),
    ).toEqual(['strings.printerOut.sw: is required (expected string)', 'strings: unknown keys "welcom", "thankYou" (remove it or check its spelling)']);
  });

  it('queue rules and opening hours that cannot work', () => {
    expect(issuesOf((c) => { c.queue = { maxRecalls: 1, noShowAfterCalls: 3 }; })).toEqual([expect.stringMatching(/^queue\.noShowAfterCalls: must be at most queue\.maxRecalls \+ 1 \(2\)/)]);
    expect(issuesOf((c) => { c.services[0].openingHours = { open: '17:00', close: '08:00' }; })).toEqual([expect.stringMatching(/^services\[0\]\.openingHours\.close: open must be before close/)]);
    expect(issuesOf((c) => { c.services[0].openingHours = { open: '8:00' }; })[0]).toMatch(/^services\[0\]\.openingHours\.open: must be HH:MM/);
  });

  it('a counter referring to an unknown service', () => {
    expect(issuesOf((c) => { c.counters[0].serviceIds[0] = 'no-such-service'; }))
      .toEqual([expect.stringMatching(/^counters\[0\]\.serviceIds\[0\]: unknown service "no-such-service"/)]);
  });

  it('duplicate service prefix and duplicate ids', () => {
    const first = SAMPLE.services[0];
    expect(issuesOf((c) => { c.services[1].prefix = first.prefix; }))
      .toEqual([`services[1].prefix: prefix "${first.prefix}" is already used by service "${first.id}"`]);
    expect(issuesOf((c) => { c.services[1].id = first.id; })).toContain(`services[1].id: duplicate service id "${first.id}"`);
    expect(issuesOf((c) => { c.counters[1].id = 'c01'; })).toEqual(['counters[1].id: duplicate counter id "c01"']);
  });

  it('bad timezone', () => {
    expect(issuesOf((c) => { c.centre.timezone = 'Africa/Atlantis'; })).toEqual([expect.stringMatching(/^centre\.timezone: .*IANA timezone/)]);
  });

  it('missing or mistyped fields, several at once', () => {
    const issues = issuesOf((c) => { delete c.centre.id; c.services[0].prefix = 'abc'; c.feedback = { lockoutMs: 60_001 }; });
    expect(issues).toHaveLength(3);
    expect(issues).toContain('centre.id: is required (expected string)');
    expect(issues).toContainEqual(expect.stringMatching(/^services\[0\]\.prefix: must be one or two capital letters/));
    expect(issues).toContainEqual(expect.stringMatching(/^feedback\.lockoutMs: .*60000/));
    expect(issuesOf((c) => { c.counters = []; })).toEqual([expect.stringMatching(/^counters: /)]);
  });

  it('invalid JSON and a JSON value that is not an object', () => {
    const broken = configError(writeConfig('{ "centre": { "id": "x", }'));
    expect(broken.issues).toHaveLength(1);
    expect(broken.issues[0]).toMatch(/JSON/);
    expect(configError(writeConfig('[]')).issues).toEqual(['(top level): expected a JSON object with "centre", "services" and "counters"']);
    expect(configError(writeConfig('null')).issues[0]).toMatch(/^\(top level\)/);
  });

  it('an unreadable file is a HubError config_unreadable, not a ConfigError', () => {
    for (const path of [join(dir.path, 'missing.json'), dir.path]) {
      let caught: unknown;
      try {
        loadHubConfig({ configPath: path });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(HubError);
      expect(caught).not.toBeInstanceOf(ConfigError);
      expect((caught as HubError).code).toBe('config_unreadable');
      expect((caught as HubError).message).toContain(path);
    }
  });

  it('treats keys starting with `_` as comments at any depth, and drops them', () => {
    expect(SAMPLE._about).toEqual(expect.any(String));
    const loaded = loadHubConfig({
      configPath: writeConfig((c) => {
        c._about = 42;
        c._comment = 'x';
        c.mqtt = { _about: 'the LAN broker', port: 1884 };
        c.counters[0]._note = 'by the door';
        c.services[0]._about = 'queue notes';
      }),
    });
    expect(loaded.config.mqtt.port).toBe(1884);
    expect('_about' in loaded.config).toBe(false);
    expect('_note' in loaded.config.counters[0]!).toBe(false);
    expect('_about' in loaded.config.services[0]!).toBe(false);
    // Without the underscore it is a typo, and an error.
    expect(issuesOf((c) => { c.mqtt = { about: 'x' }; })).toEqual(['mqtt: unknown key "about" (remove it or check its spelling)']);
  });
});

describe('formatPath and formatIssues', () => {
  it('formats paths the way operators read them', () => {
    expect(formatPath([])).toBe('(top level)');
    expect(formatPath(['mqtt', 'port'])).toBe('mqtt.port');
    expect(formatPath(['counters', 2, 'serviceIds', 0])).toBe('counters[2].serviceIds[0]');
    expect(formatPath([0, 'a'])).toBe('[0].a');
  });

  it('names the field, what is expected and what was given, shortening long input', () => {
    const schema = z.strictObject({ name: z.string().max(3), count: z.int(), tags: z.array(z.string()).optional() });
    const result = schema.safeParse({ name: 'x'.repeat(100), tags: ['a', 1], extra: 1, more: 2 }, { reportInput: true });
    expect(result.success).toBe(false);
    const issues = formatIssues(result.error!);
    expect(issues).toContain('count: is required (expected number)');
    expect(issues).toContain('tags[1]: expected string, got 1');
    expect(issues).toContain('(top level): unknown keys "extra", "more" (remove it or check its spelling)');
    const name = issues.find((i) => i.startsWith('name: '))!;
    expect(name).toMatch(/\(got "x{56}\.\.\.\)$/);
  });

  it('the config schema itself needs centre, services and counters', () => {
    const result = HubConfigSchema.safeParse({}, { reportInput: true });
    expect(result.success).toBe(false);
    expect(formatIssues(result.error!).sort()).toEqual([
      'centre: is required (expected object)',
      'counters: is required (expected array)',
      'services: is required (expected array)',
    ]);
  });
});

describe('secrets in config errors', () => {
  it('names the field but never echoes a secret value', () => {
    let caught: unknown;
    try {
      loadHubConfig({ overrides: { secretariatUrl: 'https://noc.example', secretariatSecret: 'short-Secret1' } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toMatch(/secretariat\.secret: /);
    expect(message).not.toContain('short-Secret1');
  });
});
