import { DEFAULT_HTTP_PORT, DEFAULT_MQTT_PORT } from '../hub/config/schema.ts';
import type { LandingHints } from '../hub/http/routes/landing.ts';
import { DEFAULT_SECRETARIAT_PORT, type RunningDemo } from './demo-centre.ts';

export interface BannerFlags {
  host: string;
  mqttPort: number | undefined;
  httpPort: number | undefined;
  secretariatPort: number | undefined;
  verbose: boolean;
}

/**
 * The demo's banner: where everything is, with the tokens and the PIN, the `--data-dir`
 * the CLI commands need (the demo's data dir is not the CLI's default ./data/hub), and
 * which ports fell back from their defaults (kept for this data dir at the next start).
 */
export function demoBanner(demo: RunningDemo, flags: BannerFlags): string {
  const http = `http://${flags.host}:${demo.ports.http}`;
  const secretariat = `http://${flags.host}:${demo.secretariatPort}`;
  const bearer = `-H "Authorization: Bearer ${demo.technicianToken}"`;
  const kept = 'kept for this data dir at the next start';
  const notices: string[] = [];
  if (flags.mqttPort === undefined && demo.ports.mqtt !== DEFAULT_MQTT_PORT) {
    notices.push(`  Note: MQTT port ${DEFAULT_MQTT_PORT} is taken on this machine (another broker?); the demo uses ${demo.ports.mqtt}, ${kept} (--mqtt-port N chooses).`);
  }
  if (flags.httpPort === undefined && demo.ports.http !== DEFAULT_HTTP_PORT) {
    notices.push(`  Note: HTTP port ${DEFAULT_HTTP_PORT} is taken on this machine; the demo uses ${demo.ports.http}, ${kept} (--http-port N chooses).`);
  }
  if (flags.secretariatPort === undefined && demo.secretariatPort !== DEFAULT_SECRETARIAT_PORT) {
    notices.push(`  Note: port ${DEFAULT_SECRETARIAT_PORT} is taken on this machine; the local Secretariat uses ${demo.secretariatPort}, ${kept} (--secretariat-port N chooses).`);
  }
  const dataDir = `--data-dir ${demo.hubDataDir}`;
  return [
    '',
    `Huduma Hub demo: ${demo.centreName} is running.`,
    '',
    `  Start page    ${http}/   (every page below, with its token or PIN)`,
    `  Kiosk         ${http}/kiosk#token=${demo.kioskToken}`,
    `  Counter       ${http}/counter   (officer ${demo.officer.officerId}, PIN ${demo.officer.pin}, any counter)`,
    `  Hall board    ${http}/board`,
    ...(demo.signs ? demo.signs.describe().map((line) => `  Emulated      ${line}`) : ['  (install socat to also run an emulated LED hall board and counter display)']),
    `  Printer       curl ${bearer} ${http}/api/printer   (the built-in printer emulator's last tickets)`,
    '',
    `  Health        ${http}/health`,
    `  Metrics       ${http}/metrics`,
    `  Presses       curl ${bearer} '${http}/api/feedback/recent?limit=10'`,
    `  Devices       curl ${bearer} ${http}/api/devices`,
    `  MQTT broker   mqtt://${flags.host}:${demo.ports.mqtt}  (${demo.deviceIds.join(', ')} pressing now and then)`,
    '',
    `  NOC page      ${secretariat}/noc   (the local Secretariat this hub syncs to)`,
    `  Centres API   ${secretariat}/api/centres`,
    ...(notices.length > 0 ? ['', ...notices] : []),
    '',
    `  CLI commands on this demo need ${dataDir}, e.g.`,
    `  Add a device  npx huduma-hub device add eifd-c09 --counter c09 ${dataDir}`,
    `  Sync status   npx huduma-hub sync status ${dataDir}`,
    '',
    flags.verbose
      ? 'Every stored press and every sign change is printed below. Ctrl-C stops the demo.'
      : 'A summary line every minute below (--verbose prints every press and call). Ctrl-C stops the demo.',
    '',
  ].join('\n');
}

/** The same hints on the hub's start page at `/` (the demo only: a production hub shows links alone). */
export function demoLandingHints(demo: RunningDemo, host: string): LandingHints {
  const secretariat = `http://${host}:${demo.secretariatPort}`;
  const technician = `technician token for the API: ${demo.technicianToken}`;
  return {
    pages: {
      '/kiosk': { href: `/kiosk#token=${demo.kioskToken}`, note: 'This link carries the demo kiosk token.' },
      '/counter': { note: `Demo officer: ${demo.officer.officerId}, PIN ${demo.officer.pin}, any counter.` },
      '/health': { note: `MQTT broker on port ${demo.ports.mqtt}; ${technician}` },
    },
    more: [
      { label: 'Recent presses (API)', href: '/api/feedback/recent?limit=10', note: `needs the header Authorization: Bearer ${demo.technicianToken}` },
      { label: 'NOC page', href: `${secretariat}/noc`, note: 'the local Secretariat this demo hub syncs to' },
    ],
  };
}
