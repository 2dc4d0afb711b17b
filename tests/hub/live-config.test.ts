import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadHubConfig } from '../../hub/config/load.ts';
import { changedSections, LIVE_CONFIG_FILE, persistLiveSections, REDACTED, redactedConfig, restartRequired, validateConfig, withPersistedLiveSections } from '../../hub/config/live-config.ts';
import type { HubConfig } from '../../hub/config/schema.ts';
import { RuleBook } from '../../hub/queue/engine/queue-rules.ts';
import { RulesChange } from '../../hub/queue/engine/rules-change.ts';
import { queueRulesOf } from '../../hub/queue/queue-part.ts';
import { openHubDatabase } from '../../hub/store/database.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const SECRET = 'the-running-secretariat-secret-0123456789';
let dir: ReturnType<typeof tempDir>;
afterEach(() => dir?.remove());

function running(): HubConfig {
  dir = tempDir('huduma-live-config-');
  return loadHubConfig({ overrides: { dataDir: dir.path, secretariatUrl: 'http://127.0.0.1:9/', secretariatSecret: SECRET } }).config;
}

describe('live config (docs/live-config.md)', () => {
  it('redacts the secret, and a redacted secret sent back keeps the running one', () => {
    const config = running();
    const shown = redactedConfig(config) as HubConfig;
    expect(shown.secretariat.secret).toBe(REDACTED);
    expect(JSON.stringify(shown)).not.toContain(SECRET);
    const result = validateConfig({ ...shown, _note: 'a comment' }, config);
    expect(result.ok && result.config.secretariat.secret).toBe(SECRET);
    expect(result.ok && restartRequired(result.config, config)).toEqual([]);
  });

  it('names each section that needs a restart, whatever the key order', () => {
    const config = running();
    const reordered = Object.fromEntries(Object.entries(structuredClone(config)).reverse()) as HubConfig;
    expect(restartRequired(reordered, config)).toEqual([]);
    reordered.http.port = 9999;
    reordered.dataDir = '/elsewhere';
    reordered.queue.maxRecalls = 3;
    expect(restartRequired(reordered, config).map((i) => i.path)).toEqual(['dataDir', 'http']);
  });

  it('starts with the kept live sections; refuses to start on a kept file that is not JSON or no longer fits', () => {
    const config = running();
    expect(withPersistedLiveSections(config).path).toBeNull();
    const next = structuredClone(config);
    next.counters.push({ id: 'c11', label: '11', serviceIds: ['kra'] });
    const path = persistLiveSections(next);
    expect(path).toBe(join(dir.path, LIVE_CONFIG_FILE));
    const started = withPersistedLiveSections(config);
    expect(started.path).toBe(path);
    expect(started.config.counters.map((c) => c.id)).toContain('c11');

    // The managers' standards are live too: a changed one is no restart, is named as
    // changed, and is kept for the next start.
    const stricter = structuredClone(config);
    stricter.standards.maxQueueLength = 12;
    expect(restartRequired(stricter, config)).toEqual([]);
    expect(changedSections(stricter, config)).toEqual(['standards']);
    persistLiveSections(stricter);
    expect(withPersistedLiveSections(config).config.standards.maxQueueLength).toBe(12);

    writeFileSync(path, JSON.stringify({ counters: [{ id: 'c01', label: '1', serviceIds: ['gone'] }] }));
    expect(() => withPersistedLiveSections(config)).toThrow(/counters\[0\]\.serviceIds\[0\]: unknown service "gone"[\s\S]*live-config\.json/);
    writeFileSync(path, '{ not json');
    expect(() => withPersistedLiveSections(config)).toThrow(/not valid JSON[\s\S]*delete it/);
  });

  it('a rules swap rolls back with its batch', () => {
    const config = running();
    const db = openHubDatabase(dir.path, { role: 'hub' });
    try {
      const book = new RuleBook(queueRulesOf(config));
      const change = new RulesChange(db, book);
      const next = queueRulesOf({ ...config, counters: [...config.counters, { id: 'c11', label: '11', serviceIds: ['kra'] }] });
      const time = { atMs: Date.parse('2026-12-07T06:00:00Z'), day: '2026-12-07', weekday: 0, minuteOfDay: 540 };
      expect(change.apply(next, time)).toEqual([]);
      expect(book.counter('c11')).toBeDefined();
      change.afterRollback();
      expect(book.counter('c11')).toBeUndefined();
      expect(change.apply(next, time)).toEqual([]);
      change.beforeCommit();
      change.afterRollback();
      expect(book.counter('c11')).toBeDefined();
    } finally {
      db.close();
    }
  });
});
