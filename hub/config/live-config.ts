import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { formatIssues, formatPath } from '../../protocol/format-issues.ts';
import { PRIVATE_FILE_MODE } from '../../runtime/private-files.ts';
import { ConfigError } from '../errors.ts';
import { withoutComments } from './load.ts';
import { HubConfigSchema, type HubConfig } from './schema.ts';

/** One problem with a config, as the technician page shows it: the field and the fix. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/**
 * The sections a running hub takes without a restart (docs/live-config.md). Everything
 * else (ports, data dir, TLS, printer and sign lines, the Secretariat, wording) is read
 * once at start: a change to it is refused with that reason.
 */
// `standards` applies at the next check (hub/alerts/standards-monitor.ts reads the
// running config each time); its checkIntervalMs only at the next start (docs/live-config.md).
export const LIVE_SECTIONS = ['services', 'counters', 'queue', 'standards'] as const;
type LiveSections = Pick<HubConfig, (typeof LIVE_SECTIONS)[number]>;

/** What `GET /api/config` shows in place of a secret; sent back unchanged, it keeps the running one. */
export const REDACTED = '(redacted)';

/** The applied live sections, kept in the data dir so a restart keeps them (docs/live-config.md). */
export const LIVE_CONFIG_FILE = 'live-config.json';

/** The centre config the hub runs now; parts that follow it subscribe to its changes. */
export class LiveConfig {
  #current: HubConfig;
  readonly #listeners = new Set<(next: HubConfig, previous: HubConfig) => void>();

  constructor(config: HubConfig) {
    this.#current = config;
  }

  get current(): HubConfig {
    return this.#current;
  }

  counterIds(): Set<string> {
    return new Set(this.#current.counters.map((c) => c.id));
  }

  replace(next: HubConfig): void {
    const previous = this.#current;
    this.#current = next;
    for (const listener of this.#listeners) listener(next, previous);
  }

  onChange(listener: (next: HubConfig, previous: HubConfig) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** The running config in the shape `PUT /api/config` takes, with its secrets replaced by REDACTED. */
export function redactedConfig(config: HubConfig): unknown {
  const copy = structuredClone(config) as HubConfig;
  if (copy.secretariat.secret !== undefined) copy.secretariat.secret = REDACTED;
  return copy;
}

/**
 * Validates a whole config as the loader does (the same zod schema, the same
 * field-and-fix messages), after dropping `_` comments and putting the running secret
 * back where the page sent REDACTED.
 */
export function validateConfig(input: unknown, running: HubConfig): { ok: true; config: HubConfig } | { ok: false; issues: ConfigIssue[] } {
  const raw = withoutComments(input);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, issues: [{ path: '(top level)', message: 'expected a JSON object with "centre", "services" and "counters"' }] };
  const secretariat = (raw as Record<string, unknown>).secretariat;
  if (typeof secretariat === 'object' && secretariat !== null && (secretariat as Record<string, unknown>).secret === REDACTED) {
    (secretariat as Record<string, unknown>).secret = running.secretariat.secret;
  }
  const parsed = HubConfigSchema.safeParse(raw, { reportInput: true });
  return parsed.success ? { ok: true, config: parsed.data } : { ok: false, issues: issuesOf(parsed.error) };
}

/** The loader's one-line messages, split into the field and the rest. */
function issuesOf(error: z.ZodError): ConfigIssue[] {
  const lines = formatIssues(error);
  return error.issues.map((issue, i) => {
    const path = formatPath(issue.path);
    const line = lines[i]!;
    return { path, message: line.startsWith(`${path}: `) ? line.slice(path.length + 2) : line };
  });
}

/** Sections of `next` that differ from the running config but are read only at start. */
export function restartRequired(next: HubConfig, running: HubConfig): ConfigIssue[] {
  const live = new Set<string>(LIVE_SECTIONS);
  const keys = new Set([...Object.keys(next), ...Object.keys(running)].filter((key) => !live.has(key)));
  return [...keys]
    .filter((key) => canonical((next as Record<string, unknown>)[key]) !== canonical((running as Record<string, unknown>)[key]))
    .sort()
    .map((key) => ({ path: key, message: `"${key}" is read only when the hub starts: change it in the config file and restart the hub (live changes: ${LIVE_SECTIONS.join(', ')})` }));
}

/** The live sections that differ, for the audit entry. */
export function changedSections(next: HubConfig, running: HubConfig): string[] {
  return LIVE_SECTIONS.filter((key) => canonical(next[key]) !== canonical(running[key]));
}

/** Writes the live sections to DATA_DIR/live-config.json, atomically (a crash leaves the old file or the new one). */
export function persistLiveSections(config: HubConfig): string {
  const path = join(config.dataDir, LIVE_CONFIG_FILE);
  const sections: LiveSections = { services: config.services, counters: config.counters, queue: config.queue, standards: config.standards };
  const temp = `${path}.tmp`;
  writeFileSync(temp, `${JSON.stringify(sections, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  renameSync(temp, path);
  return path;
}

/**
 * The config the hub starts with: the file's, with the live sections last applied
 * through the API (DATA_DIR/live-config.json) in place of its own. Null `path` when
 * there is no such file.
 */
export function withPersistedLiveSections(config: HubConfig): { config: HubConfig; path: string | null } {
  const path = join(config.dataDir, LIVE_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { config, path: null };
    throw error;
  }
  let sections: unknown;
  try {
    sections = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`not valid JSON: ${(error as Error).message} (delete it to start with the config file's services and counters)`], path);
  }
  const result = validateConfig({ ...structuredClone(config), ...(sections as object) }, config);
  if (!result.ok) throw new ConfigError([...result.issues.map((i) => `${i.path}: ${i.message}`), `(the live sections come from ${path}; fix the config file or delete that file)`], path);
  return { config: result.config, path };
}

/** JSON with sorted keys, so two configs compare by content, not key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
