import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { FirmataBoardEmulator } from '../../hardware/firmata/board-emulator.ts';
import { openPtyPair, type PtyPair } from '../../hardware/serial/pty-pair.ts';
import { SAMPLE_CENTRE_PATH } from '../../hub/config/load.ts';
import { deviceTopic } from '../../protocol/topics.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH, testId } from '../helpers/browser.ts';
import { spawnBridge, type BridgeProcess } from '../helpers/bridge-process.ts';
import { newBootId } from '../helpers/device-client.ts';
import { runHubCli, spawnHub, waitUntil, type HubProcess } from '../helpers/hub-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';

interface TlsInit {
  caFile: string;
  caSha256: string;
  serverSpkiSha256: string;
}
interface Health {
  mqtt: { port: number | null; tlsPort: number | null };
  http: { httpsPort: number | null };
  devices: { total: number };
  ingest: { pressesTotal: number };
  tls: { caSha256: string } | null;
}

/** A TCP relay that keeps every byte it passes: what an eavesdropper on the LAN would see. */
async function eavesdropper(targetPort: number): Promise<{ port: number; seen: () => Buffer; close: () => Promise<void> }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        to.write(chunk);
      });
      from.on('close', () => to.destroy());
      from.on('error', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    seen: () => Buffer.concat(chunks),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { ca, checkServerIdentity: () => undefined }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('TLS on the centre LAN (issue 12, item 6)', () => {
  let dir: ReturnType<typeof tempDir> | null = null;
  const hubs: HubProcess[] = [];
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    for (const hub of hubs.splice(0)) await hub.kill();
    dir?.remove();
  });

  /** `tls init`, then a hub that serves MQTT and HTTP over TLS only. */
  async function tlsHub(name: string): Promise<{ hub: HubProcess; dataDir: string; tls: TlsInit; health: () => Promise<Health> }> {
    const dataDir = join(dir!.path, name);
    const init = await runHubCli(['tls', 'init', '--name', '127.0.0.1', '--data-dir', dataDir]);
    expect(init.code, init.stderr).toBe(0);
    const tls = JSON.parse(init.stdout) as TlsInit;
    const config = JSON.parse(readFileSync(SAMPLE_CENTRE_PATH, 'utf8')) as Record<string, unknown>;
    config.tls = { enabled: true, allowPlaintext: false };
    const configPath = join(dir!.path, `${name}.json`);
    writeFileSync(configPath, JSON.stringify(config));
    const hub = await spawnHub(['--config', configPath, '--data-dir', dataDir, '--http-port', '0', '--mqtts-port', '0', '--https-port', '0']);
    hubs.push(hub);
    const health = async () => (await (await fetch(`http://127.0.0.1:${hub.httpPort}/health`)).json()) as Health;
    return { hub, dataDir, tls, health };
  }

  async function addDevice(dataDir: string, health: () => Promise<Health>, deviceId: string): Promise<{ password: string; passwordFile: string }> {
    const added = await runHubCli(['device', 'add', deviceId, '--counter', 'c07', '--data-dir', dataDir]);
    expect(added.code, added.stderr).toBe(0);
    const { password } = JSON.parse(added.stdout) as { password: string };
    const passwordFile = join(dir!.path, `${deviceId}.password`);
    writeFileSync(passwordFile, password, { mode: 0o600 });
    await waitUntil(health, (h) => h.devices.total >= 1, 'the hub to know the device');
    return { password, passwordFile };
  }

  it('a bridge pinned to the centre CA votes over TLS; the LAN sees no password; a rogue hub is refused; mosquitto clients interoperate', async () => {
    dir = tempDir();
    const { hub, dataDir, tls, health } = await tlsHub('hub');
    const first = await health();
    // TLS only: no plaintext MQTT port at all.
    expect(first.mqtt.port).toBeNull();
    expect(first.mqtt.tlsPort).toBe(hub.mqttsPort);
    expect(first.tls?.caSha256).toBe(tls.caSha256);
    const { password, passwordFile } = await addDevice(dataDir, health, 'eifd-c07');

    // The real bridge on a PTY to an emulated board, through a relay that records every byte.
    const tap = await eavesdropper(hub.mqttsPort!);
    cleanups.push(() => tap.close());
    const pair: PtyPair = await openPtyPair();
    cleanups.push(() => pair.close());
    const board = new FirmataBoardEmulator({ firmataVersion: '2.5' });
    const attachment = await board.attachSerial(pair.devicePath);
    cleanups.push(() => attachment.close());
    const bridge: BridgeProcess = spawnBridge(['--serial', pair.hostPath, '--hub', `mqtts://127.0.0.1:${tap.port}`, '--hub-ca', tls.caFile, '--device', 'eifd-c07', '--password-file', passwordFile, '--data-dir', join(dir.path, 'bridge')]);
    cleanups.push(() => bridge.kill());
    await bridge.logged('connected to the hub');
    await bridge.logged('board armed');
    board.setInput(3, false);
    await waitUntil(health, (h) => h.ingest.pressesTotal === 1, 'the vote over TLS to be stored');
    board.setInput(3, true);
    const wire = tap.seen();
    expect(wire.length).toBeGreaterThan(1000);
    expect(wire.includes(Buffer.from(password))).toBe(false);
    expect(wire.includes(Buffer.from('eifd-c07'))).toBe(false);
    expect(bridge.stderr()).not.toContain(password);

    // A rogue hub on the LAN with a certificate of its own: the pinned bridge will not talk to it.
    const rogue = await tlsHub('rogue');
    const pinnedElsewhere = spawnBridge(['--serial', pair.hostPath, '--hub', `mqtts://127.0.0.1:${rogue.hub.mqttsPort}`, '--hub-ca', tls.caFile, '--device', 'eifd-c07', '--password-file', passwordFile, '--data-dir', join(dir.path, 'bridge-2')]);
    cleanups.push(() => pinnedElsewhere.kill());
    const refusal = await pinnedElsewhere.logged('hub connection failed; retrying with backoff');
    expect(String(refusal.err)).toMatch(/certificate|self.signed|unable to verify/i);
    expect(pinnedElsewhere.stderr()).not.toContain('connected to the hub');

    // An independent client (mosquitto_pub) with the CA file, and an mqtt.js client without it.
    const press = JSON.stringify({ seq: 1, boot: newBootId(), rating: 4, upMs: 1000, sentUpMs: 1000 });
    const pub = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(hub.mqttsPort), '--cafile', tls.caFile, '-V', 'mqttv311', '-i', 'eifd-c07', '-u', 'eifd-c07', '-P', password, '-q', '1', '-t', deviceTopic('demo-centre', 'eifd-c07', 'press'), '-m', press], (error, _stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      ),
    );
    expect(pub).toEqual({ code: 0, stderr: '' });
    await waitUntil(health, (h) => h.ingest.pressesTotal === 2, 'the mosquitto_pub press to be stored');
    await expect(mqtt.connectAsync(`mqtts://127.0.0.1:${hub.mqttsPort}`, { clientId: 'eifd-c07', username: 'eifd-c07', password, reconnectPeriod: 0, connectTimeout: 5000 })).rejects.toThrow(/certificate/);
  }, 90_000);

  it('pages over HTTPS only: plaintext HTTP keeps /health and redirects the rest; Chromium pinned to the hub key shows the kiosk', async () => {
    dir = tempDir();
    const { hub, dataDir, tls } = await tlsHub('hub');
    const ca = readFileSync(tls.caFile, 'utf8');
    const https = `https://127.0.0.1:${hub.httpsPort}`;
    expect((await httpsGet(`${https}/health`, ca)).status).toBe(200);
    const plain = await fetch(`http://127.0.0.1:${hub.httpPort}/kiosk`, { redirect: 'manual' });
    expect(plain.status).toBe(308);
    expect(plain.headers.get('location')).toBe(`${https}/kiosk`);
    expect((await fetch(`http://127.0.0.1:${hub.httpPort}/metrics`)).status).toBe(200);
    // A token sent in clear is not even looked at: it is redirected before any handler.
    const api = await fetch(`http://127.0.0.1:${hub.httpPort}/api/devices`, { redirect: 'manual', headers: { authorization: 'Bearer x'.padEnd(50, 'y') } });
    expect(api.status).toBe(308);

    const kiosk = JSON.parse((await runHubCli(['token', 'create', '--role', 'kiosk', '--data-dir', dataDir])).stdout) as { token: string };
    const pinned: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${tls.serverSpkiSha256}`] });
    cleanups.push(() => pinned.close());
    const page = await pinned.newPage();
    await page.goto(`${https}/kiosk#token=${kiosk.token}`);
    await expect.poll(() => page.locator(testId('lang-en')).isVisible(), { timeout: 15_000 }).toBe(true);

    // The same browser without the pin refuses the certificate.
    const unpinned: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    cleanups.push(() => unpinned.close());
    await expect((await unpinned.newPage()).goto(`${https}/kiosk`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
  }, 90_000);
});
