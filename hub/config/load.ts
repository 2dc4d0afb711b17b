import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, HubError } from '../errors.ts';
import { formatIssues } from '../../protocol/format-issues.ts';
import { describeJsonSyntaxError } from '../../protocol/json-position.ts';
import { HubConfigSchema, type HubConfig } from './schema.ts';

export const SAMPLE_CENTRE_PATH = fileURLToPath(new URL('./sample-centre.json', import.meta.url));

/** Command-line flags that override the config file (process contract: flags win). */
export interface ConfigOverrides {
  dataDir?: string;
  mqttPort?: number;
  mqttHost?: string;
  httpPort?: number;
  httpHost?: string;
  centreId?: string;
  printer?: string;
  secretariatUrl?: string;
  secretariatSecret?: string;
  logLevel?: string;
  tls?: boolean;
  mqttsPort?: number;
  httpsPort?: number;
}

export interface LoadedConfig {
  config: HubConfig;
  /** Where the config came from, for logs and error messages. */
  source: string;
  /**
   * Ports someone chose (file or flag). A chosen port that is taken is an error; a
   * default one that is taken is replaced by a free one, with a warning.
   */
  explicitPorts: { mqtt: boolean; http: boolean; mqtts: boolean; https: boolean };
}

export function loadHubConfig(options: { configPath?: string; overrides?: ConfigOverrides } = {}): LoadedConfig {
  const source = options.configPath ?? 'built-in sample centre';
  const raw = readConfigFile(options.configPath ?? SAMPLE_CENTRE_PATH, source);
  const explicitPorts = {
    mqtt: options.overrides?.mqttPort !== undefined || hasPath(raw, ['mqtt', 'port']),
    http: options.overrides?.httpPort !== undefined || hasPath(raw, ['http', 'port']),
    mqtts: options.overrides?.mqttsPort !== undefined || hasPath(raw, ['tls', 'mqttPort']),
    https: options.overrides?.httpsPort !== undefined || hasPath(raw, ['tls', 'httpsPort']),
  };
  const merged = applyOverrides(withoutComments(raw) as Record<string, unknown>, options.overrides ?? {});
  const parsed = HubConfigSchema.safeParse(merged, { reportInput: true });
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error), source);
  return { config: parsed.data, source, explicitPorts };
}

function readConfigFile(path: string, source: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new HubError('config_unreadable', `cannot read config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`not valid JSON: ${describeJsonSyntaxError(text, error as Error)}`], source);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(['(top level): expected a JSON object with "centre", "services" and "counters"'], source);
  }
  return value as Record<string, unknown>;
}

function applyOverrides(raw: Record<string, unknown>, o: ConfigOverrides): Record<string, unknown> {
  const section = (key: string): Record<string, unknown> => {
    const value = raw[key];
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...(value as object) } : {};
  };
  const out: Record<string, unknown> = { ...raw };
  const set = (key: string, field: string, value: unknown) => {
    if (value === undefined) return;
    out[key] = { ...section(key), ...(out[key] as object | undefined), [field]: value };
  };
  if (o.dataDir !== undefined) out.dataDir = o.dataDir;
  if (o.logLevel !== undefined) out.logLevel = o.logLevel;
  set('centre', 'id', o.centreId);
  set('mqtt', 'port', o.mqttPort);
  set('mqtt', 'host', o.mqttHost);
  set('http', 'port', o.httpPort);
  set('http', 'host', o.httpHost);
  set('printer', 'path', o.printer);
  set('secretariat', 'url', o.secretariatUrl);
  set('secretariat', 'secret', o.secretariatSecret);
  set('tls', 'enabled', o.tls);
  set('tls', 'mqttPort', o.mqttsPort);
  set('tls', 'httpsPort', o.httpsPort);
  return out;
}

/** Keys starting with `_` are comments, at any depth (`_about` in the sample centre). */
export function withoutComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutComments);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('_')).map(([key, v]) => [key, withoutComments(v)]));
}

function hasPath(raw: Record<string, unknown>, path: string[]): boolean {
  let node: unknown = raw;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}
