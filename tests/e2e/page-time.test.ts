import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../runtime/clock.ts';
import { closeBrowser, launchBrowser, screenshot, testId, watchPage, type PageProblems } from '../helpers/browser.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';

/** Monday 7 December 2026, 06:27 UTC: 09:27 in Nairobi, the centre's zone (sample centre). */
const AT = Date.parse('2026-12-07T06:27:00Z');

/**
 * Every page shows the centre's local time (docs/queue.md, "Time on the pages"), 24-hour,
 * whatever zone the browser's PC is set to: here the browser runs on UTC (a kiosk PC left
 * on its default) while the centre is in Africa/Nairobi (UTC+3). The hub's clock starts at
 * AT and runs; the browser's Date is fixed at AT.
 */
describe('pages show the centre time, not the browser time', () => {
  let fixture: HubFixture;
  let browser: Browser;
  let base: string;
  const problems: Array<{ page: string; found: PageProblems }> = [];

  beforeAll(async () => {
    const offset = AT - Date.now();
    const clock: Clock = { ...systemClock, now: () => Date.now() + offset };
    fixture = await startHub({ clock });
    base = `http://127.0.0.1:${fixture.ports.http}`;
    await fixture.admin.queue.officers.add('amina', 'Amina Otieno', '2468');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await closeBrowser(browser);
    await fixture?.stop();
  });

  async function open(path: string, name: string, viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport, timezoneId: 'UTC', locale: 'en-US' });
    const page = await context.newPage();
    await page.clock.setFixedTime(AT);
    problems.push({ page: name, found: watchPage(page) });
    expect((await page.goto(`${base}${path}`))?.status()).toBe(200);
    return page;
  }

  it('kiosk, board and console show 09:27 (Nairobi) on a UTC browser; the printed ticket too', async () => {
    // The browser really is on UTC: its own clock says 06:27.
    const board = await open('/board?sound=0', 'board', { width: 1920, height: 1080 });
    expect(await board.evaluate(() => `${new Date().getHours()}:${new Date().getMinutes()} ${Intl.DateTimeFormat().resolvedOptions().timeZone}`)).toBe('6:27 UTC');
    await expect.poll(() => board.locator(testId('clock')).innerText()).toBe('09:27');

    const kioskToken = fixture.admin.tokens.create('kiosk', null, new Set(['c04'])).token;
    const kiosk = await open(`/kiosk#token=${kioskToken}`, 'kiosk', { width: 1080, height: 1920 });
    await expect.poll(() => kiosk.locator('#clock').innerText()).toBe('09:27');
    await kiosk.click(testId('lang-sw'));
    await expect.poll(() => kiosk.locator(testId('service-birth-cert')).isVisible()).toBe(true);
    // The wait wording in Kiswahili (docs/queue.md, "What the kiosk says about the wait").
    expect(await kiosk.locator(testId('service-birth-cert')).innerText()).toContain('Wanaosubiri huduma hii: 0');
    expect(await kiosk.locator(testId('wait-note')).innerText()).toContain('katika huduma zote');
    await kiosk.click(testId('service-birth-cert'));
    await kiosk.click(testId('category-regular'));
    await expect.poll(() => kiosk.locator(testId('ticket-number')).isVisible()).toBe(true);
    expect(await kiosk.locator(testId('ticket-wait')).innerText()).toMatch(/^(Hakuna kusubiri|utaitwa .*dakika \d+)/);
    expect(await kiosk.locator(testId('ticket-wait-note')).innerText()).toContain('kabla yako');
    await screenshot(kiosk, 'time-kiosk-ticket-sw');

    // The emulated printer's text: the centre's date and the Swahili hour (hub clock, a few seconds after AT).
    const printed = fixture.admin.queue.printerEmulator!.printed[0]!.lines;
    expect(printed).toContain('Imetolewa: Jumatatu 07/12/2026');
    expect(printed.find((line) => line.startsWith('Issued: '))).toMatch(/^Issued: Monday 07\/12\/2026 09:2[78]$/);
    expect(printed.find((line) => line.startsWith('saa '))).toMatch(/^saa 3:2[78] asubuhi \(09:2[78]\)$/);

    // The console: the ticket's issue time in the centre's zone.
    const console_ = await open('/counter', 'console', { width: 1366, height: 768 });
    await expect.poll(() => console_.locator(testId('counter-c04')).isVisible()).toBe(true);
    await expect.poll(() => console_.locator(testId('clock')).innerText()).toBe('09:27');
    await console_.click(testId('counter-c04'));
    await console_.fill(testId('officer-id'), 'amina');
    for (const digit of '2468') await console_.click(testId(`pin-key-${digit}`));
    await console_.click(testId('btn-login'));
    await expect.poll(() => console_.locator(testId('btn-next')).isEnabled()).toBe(true);
    await console_.click(testId('btn-next'));
    await expect.poll(() => console_.locator(testId('current-issued')).isVisible()).toBe(true);
    expect(await console_.locator(testId('current-issued')).innerText()).toMatch(/09:2[78]$/);

    for (const { page, found } of problems) {
      expect(found.errors, page).toEqual([]);
      expect(found.externalRequests, page).toEqual([]);
    }
  });
});
