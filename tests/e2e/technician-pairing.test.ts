import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputChange } from '../../hardware/firmata/simulated-board.ts';
import { closeBrowser, launchBrowser, screenshot, testId, watchPage, type PageProblems } from '../helpers/browser.ts';
import { counterHost, pressUntilAcknowledged, type CounterHost } from '../helpers/counter-host.ts';
import { runHubCli, spawnHub, waitUntil, type HubProcess } from '../helpers/hub-process.ts';
import { lanRequest } from '../helpers/lan-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Issue 15's whole walk-through, as a technician does it alone at a counter: in real
 * headless Chromium against a running hub, log in, open pairing for a counter, start a
 * real `huduma-bridge --pair CODE` process on the Firmata board emulator behind a PTY,
 * watch it arrive online at that counter, identify it (LED and buzzer writes on the
 * board), selftest it (each pressed button lights on the page), revoke it (the bridge is
 * dropped and its presses are refused). Screenshots for docs/provisioning.md.
 */
describe('pairing from the technician page (Chromium, a hub process, a bridge process, an emulated board)', () => {
  const dir = tempDir('huduma-tech-pairing-');
  let hub: HubProcess;
  let host: CounterHost;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let password: string;

  beforeAll(async () => {
    const hubDir = join(dir.path, 'hub');
    // staff add works on an existing data dir (the hub makes it at its first start).
    mkdirSync(hubDir, { recursive: true });
    const staff = await runHubCli(['staff', 'add', 'wanjiru', '--role', 'technician', '--data-dir', hubDir]);
    expect(staff.code, staff.stderr).toBe(0);
    password = (JSON.parse(staff.stdout) as { password: string }).password;
    hub = await spawnHub(['--data-dir', hubDir, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
    host = await counterHost();
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    problems = watchPage(page);
  });

  afterAll(async () => {
    await closeBrowser(browser);
    await host?.close();
    await hub?.kill();
    dir.remove();
  });

  it('from a new board to a verified press at the right counter, then revoked', async () => {
    const started = performance.now();
    await page.goto(`http://127.0.0.1:${hub.httpPort}/technician`);
    await page.fill(testId('login-name'), 'wanjiru');
    await page.fill(testId('login-password'), password);
    await page.click(testId('login-submit'));
    await page.locator(testId('session-name')).waitFor();

    await page.click(testId('tab-pairing'));
    await page.selectOption(testId('pair-counter'), 'c04');
    await page.click(testId('pair-open'));
    const code = ((await page.locator(testId('pair-code')).textContent()) ?? '').replace(/\s/g, '');
    expect(code).toMatch(/^\d{6}$/);
    const command = (await page.locator(testId('pair-command')).textContent()) ?? '';
    expect(command).toContain(`--pair ${code}`);
    expect(command).toContain(`--hub mqtt://127.0.0.1:${hub.mqttPort}`);
    expect(command).toContain('--centre demo-centre');
    // The same line as a QR code, drawn by the hub (an SVG the page shows as an image).
    await expect.poll(() => page.locator(testId('pair-qr')).getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    const qrSvg = Buffer.from(((await page.locator(testId('pair-qr')).getAttribute('src')) ?? '').split(',')[1]!, 'base64').toString('utf8');
    expect(qrSvg).toMatch(/^<svg[^>]+viewBox/);
    expect(await page.locator(testId('pair-qr')).evaluate((img: unknown) => (img as { naturalWidth: number }).naturalWidth > 0)).toBe(true);
    expect(qrSvg).toBe(await QRCode.toString(command, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
    expect((await lanRequest(hub.httpPort, { path: '/api/qr', body: { text: command } })).status).toBe(401);
    await page.locator(testId('pair-waiting')).waitFor();
    // The choice stays put while the live device list re-renders the panel.
    expect(await page.locator(testId('pair-counter')).inputValue()).toBe('c04');
    // Times on the page are the centre's (Nairobi, 24-hour), whatever the browser's zone.
    expect(await page.locator(testId('pairing')).textContent()).toMatch(/until ([01]\d|2[0-3]):[0-5]\d\)/);
    expect(await page.locator(testId('centre-name')).textContent()).not.toBe('demo-centre');

    // At the counter PC: the command the page showed, on this board's serial port.
    const bridge = host.bridge(['--hub', `mqtt://127.0.0.1:${hub.mqttPort}`, '--centre', 'demo-centre', '--pair', code, '--data-dir', join(dir.path, 'bridge')]);
    const paired = await bridge.logged('paired');
    const deviceId = paired.deviceId as string;
    expect(paired.counterId).toBe('c04');
    const arrived = page.locator(testId(`pair-arrived-${deviceId}`));
    await expect.poll(() => arrived.textContent(), { timeout: 20_000 }).toMatch(/online at counter c04/);
    await screenshot(page, 'technician-pairing');

    // A verified press at the right counter.
    await pressUntilAcknowledged(host.board, 3);
    await page.click(testId('tab-devices'));
    await expect.poll(() => page.locator(testId(`last-press-${deviceId}`)).textContent(), { timeout: 10_000 }).toMatch(/^Good/);
    const secondsToVerifiedPress = (performance.now() - started) / 1000;
    expect((await page.locator(testId(`device-${deviceId}`)).locator('td').nth(1).textContent())).toBe('c04');

    // Identify: the board's buzzer (D8) is driven.
    const outputs: OutputChange[] = [];
    host.board.on('output', (change: OutputChange) => outputs.push(change));
    await page.click(testId(`identify-${deviceId}`));
    await expect.poll(() => outputs.some((o) => o.pin === 8 && o.high)).toBe(true);

    // Selftest: each press on the board lights its button on the page.
    await page.click(testId(`selftest-${deviceId}`));
    await page.locator(testId('selftest')).waitFor();
    // Inside the lock-out after the press above, the board acknowledges quietly (no LED):
    // the press is held until the page shows it, then let go.
    for (const [pin, rating] of [[2, 4], [3, 3], [4, 2], [5, 1]] as const) {
      host.board.setInput(pin, false);
      await expect.poll(() => page.locator(testId(`selftest-button-${rating}`)).getAttribute('data-lit')).toBe('true');
      host.board.setInput(pin, true);
    }
    await page.locator(testId('selftest-done')).waitFor();

    // Revoke, confirmed: the device is dropped at once and refused from then on.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click(testId(`revoke-${deviceId}`));
    await expect.poll(() => page.locator(testId(`device-${deviceId}`)).getAttribute('data-state')).toBe('revoked');
    const token = (await page.evaluate("JSON.parse(sessionStorage.getItem('huduma.technician.session')).token")) as string;
    const headers = { authorization: `Bearer ${token}` };
    const listed = await waitUntil(
      async () => ((await lanRequest(hub.httpPort, { path: '/api/devices', headers })).json.devices as Array<{ deviceId: string; revoked: boolean; connected: boolean }>).find((d) => d.deviceId === deviceId),
      (d) => d?.connected === false,
      'the revoked device to be dropped',
    );
    expect(listed).toMatchObject({ revoked: true, connected: false });
    const audit = (await lanRequest(hub.httpPort, { path: '/api/audit?limit=50', headers })).json.entries as Array<{ action: string; target: string | null }>;
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['staff.login', 'pairing.opened', 'pairing.claimed', 'device.command', 'device.revoked']));
    expect(JSON.stringify(audit)).not.toContain(code);
    expect(problems.errors).toEqual([]);
    expect(problems.externalRequests).toEqual([]);
    console.log(`technician pairing: login to verified press ${secondsToVerifiedPress.toFixed(1)} s`);
    await bridge.kill('SIGTERM');
  }, 120_000);
});
