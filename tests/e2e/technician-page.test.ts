import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffAccounts } from '../../hub/auth/staff-accounts.ts';
import { openHubDatabase } from '../../hub/store/database.ts';
import { systemClock } from '../../runtime/clock.ts';
import type { SimulatedFirmataBoard } from '../../hardware/firmata/simulated-board.ts';
import { armed, linked, pressButton, startBridge, type BridgeFixture } from '../helpers/bridge-fixture.ts';
import { outputsOf } from '../helpers/bridge-scenario.ts';
import { closeBrowser, launchBrowser, screenshot, testId, watchPage, type PageProblems } from '../helpers/browser.ts';
import { FirmataBoardEmulator } from '../../hardware/firmata/board-emulator.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { lanRequest } from '../helpers/lan-client.ts';

/**
 * The technician page (issue 15) in real headless Chromium against a real hub, with a
 * real bridge driving the Firmata board emulator through a kernel PTY: nothing before
 * login; the device live at its counter; identify reaches the board (LED and buzzer
 * writes); the selftest view lights each button as it is pressed on the board; the
 * actions are on the audit log; logging out ends the stream. Screenshots go to
 * test-artifacts/screenshots/ (docs/provisioning.md uses them).
 */
describe('technician page in Chromium (hub + bridge + emulated board on a PTY)', () => {
  let fixture: HubFixture;
  let bridge: BridgeFixture;
  let board: SimulatedFirmataBoard;
  let browser: Browser;
  let base: string;
  let password: string;
  let problems: PageProblems;

  beforeAll(async () => {
    fixture = await startHub();
    base = `http://127.0.0.1:${fixture.ports.http}`;
    const db = openHubDatabase(fixture.dataDir, { role: 'cli' });
    try {
      password = (await new StaffAccounts(db, systemClock).add('amina', 'technician')).password;
    } finally {
      db.close();
    }
    const creds = fixture.addDevice('eifd-c03', 'c03');
    board = new FirmataBoardEmulator({ firmataVersion: '2.5' });
    bridge = await startBridge({ hubPort: fixture.ports.mqtt, via: 'pty', boards: [{ ...creds, board }] });
    await armed(bridge.device('eifd-c03'));
    await linked(bridge.device('eifd-c03'));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await closeBrowser(browser);
    await bridge?.stop();
    await (board as FirmataBoardEmulator | undefined)?.close();
    await fixture?.stop();
  });

  async function openPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    problems = watchPage(page);
    return page;
  }

  it('shows nothing and asks the hub for nothing before login; a wrong password is said plainly', async () => {
    const page = await openPage();
    const apiCalls: string[] = [];
    page.on('request', (r) => void (new URL(r.url()).pathname.startsWith('/api/') && apiCalls.push(r.url())));
    expect((await page.goto(`${base}/technician`))?.status()).toBe(200);
    await page.locator(testId('login-form')).waitFor();
    expect(apiCalls).toEqual([]);
    expect(await page.locator(testId('devices')).count()).toBe(0);
    await page.fill(testId('login-name'), 'amina');
    await page.fill(testId('login-password'), 'wrong-pass-word');
    await page.click(testId('login-submit'));
    await expect.poll(() => page.locator(testId('login-error')).textContent()).toBe('Name or password is wrong.');
    await page.context().close();
  });

  it('a technician sees the device live, identifies it, runs a selftest that lights each pressed button, and finds it all on the audit log', async () => {
    const page = await openPage();
    await page.goto(`${base}/technician`);
    await page.fill(testId('login-name'), 'amina');
    await page.fill(testId('login-password'), password);
    await page.click(testId('login-submit'));
    await expect.poll(() => page.locator(testId('session-name')).textContent()).toBe('amina · technician');
    const row = page.locator(testId('device-eifd-c03'));
    await expect.poll(() => row.getAttribute('data-state')).toBe('online');
    expect(await row.locator('td').nth(1).textContent()).toBe('c03');
    await screenshot(page, 'technician-devices');

    // Identify: the board's LEDs and buzzer are driven (the bridge's identify pattern).
    const outputs = outputsOf(board);
    await page.click(testId('identify-eifd-c03'));
    await expect.poll(() => page.locator(testId('message')).textContent()).toMatch(/blinking and beeping/);
    await expect.poll(() => outputs.some((o) => o.pin === 8 && o.high)).toBe(true);

    // Selftest: the board answers; each press on it lights its button on the page.
    await page.click(testId('selftest-eifd-c03'));
    await page.locator(testId('selftest')).waitFor();
    const device = bridge.device('eifd-c03');
    for (const [pin, rating] of [[2, 4], [3, 3], [4, 2], [5, 1]] as const) {
      await pressButton(board, device, pin);
      await expect.poll(() => page.locator(testId(`selftest-button-${rating}`)).getAttribute('data-lit')).toBe('true');
    }
    await page.locator(testId('selftest-done')).waitFor();
    await screenshot(page, 'technician-selftest');
    await expect.poll(() => page.locator(testId('last-press-eifd-c03')).textContent()).toMatch(/^Poor/);

    await page.click(testId('tab-audit'));
    const audit = page.locator(testId('audit'));
    await audit.waitFor();
    const text = await audit.textContent();
    expect(text).toContain('staff.login');
    expect(text).toMatch(/device\.command.*eifd-c03.*op: identify/);
    expect(text).toMatch(/device\.command.*eifd-c03.*op: selftest/);
    expect(text).not.toContain(password);
    await screenshot(page, 'technician-audit');

    // Logging out ends the session: the login form is back and the token is refused.
    const token = (await page.evaluate("JSON.parse(sessionStorage.getItem('huduma.technician.session') ?? 'null')?.token")) as string;
    await page.click(testId('logout'));
    await page.locator(testId('login-form')).waitFor();
    expect((await lanRequest(fixture.ports.http, { path: '/api/devices', headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect(problems.errors).toEqual([]);
    expect(problems.externalRequests).toEqual([]);
    await page.context().close();
  });

  it('the technician stream refuses kiosk and officer tokens and no token, and ends when the session is revoked', async () => {
    const kiosk = fixture.admin.tokens.create('kiosk', null, new Set(['c01'])).token;
    const officer = fixture.admin.tokens.create('officer', 'c01', new Set(['c01'])).token;
    expect((await lanRequest(fixture.ports.http, { path: '/api/technician/stream' })).status).toBe(401);
    expect((await lanRequest(fixture.ports.http, { path: '/api/technician/stream', headers: { authorization: `Bearer ${kiosk}` } })).status).toBe(403);
    expect((await lanRequest(fixture.ports.http, { path: '/api/technician/stream', headers: { authorization: `Bearer ${officer}` } })).status).toBe(403);

    const session = fixture.admin.tokens.create('technician', null, new Set(['c01']));
    const controller = new AbortController();
    const response = await fetch(`${base}/api/technician/stream`, { headers: { authorization: `Bearer ${session.token}` }, signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/event: devices\ndata: \{"devices":\[\{"deviceId":"eifd-c03"/);
    fixture.admin.tokens.revoke(session.token);
    // The next frame (a press) is not sent: the stream ends instead.
    await pressButton(board, bridge.device('eifd-c03'), 2);
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).not.toContain('event: press');
    controller.abort();
  });
});
