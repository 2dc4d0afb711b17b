import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, screenshot, testId, watchPage, type PageProblems } from '../helpers/browser.ts';
import { runHubCli, spawnHub, type HubProcess } from '../helpers/hub-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * The kiosk, counter console and hall board pages in real headless Chromium against a
 * real hub: each loads with no script or console errors and no request off the hub, and
 * shows its first screen. The full flow (kiosk → ticket → console → board → feedback)
 * is tests/e2e/queue-pages.test.ts.
 */
describe('pages in Chromium (smoke)', () => {
  const dir = tempDir('huduma-pages-');
  let hub: HubProcess;
  let browser: Browser;
  let base: string;
  let kioskToken: string;
  let technicianToken: string;

  beforeAll(async () => {
    const created = await runHubCli(['token', 'create', '--role', 'kiosk', '--data-dir', dir.path]);
    expect(created.code, created.stderr).toBe(0);
    kioskToken = (JSON.parse(created.stdout) as { token: string }).token;
    const technician = await runHubCli(['token', 'create', '--role', 'technician', '--data-dir', dir.path]);
    expect(technician.code, technician.stderr).toBe(0);
    technicianToken = (JSON.parse(technician.stdout) as { token: string }).token;
    hub = await spawnHub(['--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
    base = `http://127.0.0.1:${hub.httpPort}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await closeBrowser(browser);
    await hub?.kill();
    dir.remove();
  });

  async function open(context: BrowserContext, path: string): Promise<{ page: Page; problems: PageProblems }> {
    const page = await context.newPage();
    const problems = watchPage(page);
    const response = await page.goto(`${base}${path}`);
    expect(response?.status()).toBe(200);
    return { page, problems };
  }

  function expectClean(problems: PageProblems): void {
    expect(problems.errors).toEqual([]);
    expect(problems.externalRequests).toEqual([]);
  }

  /** Sets the built-in printer emulator's state, as a technician rehearsing "paper out" does. */
  async function setPrinter(state: 'ready' | 'paper_end'): Promise<void> {
    const response = await fetch(`${base}/api/printer/emulator`, {
      method: 'POST',
      headers: { authorization: `Bearer ${technicianToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(((await response.json()) as { state: string }).state).toBe(state);
  }

  it('kiosk: without a token it says it is not provisioned, in both languages', async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    try {
      const { page, problems } = await open(context, '/kiosk');
      const screen = page.locator(testId('not-provisioned'));
      await expect.poll(() => screen.isVisible()).toBe(true);
      const text = await screen.innerText();
      expect(text).toContain('This kiosk is not set up yet');
      expect(text).toContain('Mashine hii bado haiko tayari kutumika');
      expect(text).toContain('/kiosk#token=');
      expect(await page.locator(testId('lang-en')).isVisible()).toBe(true);
      expect(await page.locator(testId('lang-sw')).isVisible()).toBe(true);
      await screenshot(page, 'kiosk-not-provisioned');
      expectClean(problems);
    } finally {
      await context.close();
    }
  });

  it('kiosk: a token in the URL fragment is kept, leaves the address bar, and the language toggle works', async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    try {
      const { page, problems } = await open(context, `/kiosk#token=${kioskToken}`);
      await expect.poll(() => page.locator(testId('screen-home')).isVisible()).toBe(true);
      expect(new URL(page.url()).hash).toBe('');
      expect(await page.evaluate("localStorage.getItem('huduma.kiosk.token')")).toBe(kioskToken);

      // Provisioned stays provisioned across a reload (a kiosk PC restarting).
      await page.reload();
      await expect.poll(() => page.locator(testId('screen-home')).isVisible()).toBe(true);

      await page.click(testId('lang-sw'));
      expect(await page.locator(testId('lang-sw')).getAttribute('aria-pressed')).toBe('true');
      expect(await page.locator(testId('welcome')).innerText()).toBe('Karibu Huduma Centre');
      expect(await page.locator('h1').first().innerText()).toBe('Chagua huduma');

      // The sample centre's menu, as tiles in Kiswahili.
      const tile = page.locator(testId('service-birth-cert'));
      await expect.poll(() => tile.isVisible()).toBe(true);
      expect(await tile.innerText()).toContain('Cheti cha kuzaliwa');
      await screenshot(page, 'kiosk-home-sw');

      await page.click(testId('lang-en'));
      expect(await page.locator(testId('welcome')).innerText()).toBe('Welcome to Huduma Centre');
      expectClean(problems);
    } finally {
      await context.close();
    }
  });

  it('kiosk: while the printer cannot print, a bilingual notice replaces the tiles\' use, and it goes when the printer is back', async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    try {
      const { page, problems } = await open(context, `/kiosk#token=${kioskToken}`);
      const notice = page.locator(testId('printer-notice'));
      const tile = page.locator(testId('service-birth-cert'));
      await expect.poll(() => tile.isVisible()).toBe(true);
      expect(await notice.count()).toBe(0);
      expect(await tile.getAttribute('aria-disabled')).toBe('false');

      await setPrinter('paper_end');
      await expect.poll(() => notice.isVisible()).toBe(true);
      const text = await notice.innerText();
      expect(text).toContain('The ticket printer is not working. Please ask the staff for help.');
      expect(text).toContain('Printa ya tiketi haifanyi kazi. Tafadhali omba msaada kwa wahudumu.');
      expect(await notice.locator('.icon[data-icon="printer"]').count()).toBe(1);
      await expect.poll(() => tile.getAttribute('aria-disabled')).toBe('true');
      expect(await page.locator(testId('appointment')).getAttribute('aria-disabled')).toBe('true');
      // A tap on a greyed tile leads nowhere (no priority step, no error screen).
      await tile.click({ force: true });
      expect(await page.locator(testId('screen-home')).isVisible()).toBe(true);
      expect(await page.locator(testId('screen-priority')).count()).toBe(0);
      await screenshot(page, 'kiosk-printer-out');

      // The notice follows the language toggle (chosen language first, the other below).
      await page.click(testId('lang-sw'));
      await expect.poll(() => notice.locator('p').first().innerText()).toBe('Printa ya tiketi haifanyi kazi. Tafadhali omba msaada kwa wahudumu.');
      expect(await tile.getAttribute('aria-disabled')).toBe('true');
      await page.click(testId('lang-en'));

      await setPrinter('ready');
      await expect.poll(() => notice.count()).toBe(0);
      await expect.poll(() => tile.getAttribute('aria-disabled')).toBe('false');
      expect(await page.locator(testId('appointment')).getAttribute('aria-disabled')).toBeNull();
      await tile.click();
      await expect.poll(() => page.locator(testId('screen-priority')).isVisible()).toBe(true);
      expectClean(problems);
    } finally {
      await setPrinter('ready').catch(() => {});
      await context.close();
    }
  });

  it('counter console: shows the sign-in form with a numeric keypad', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    try {
      const { page, problems } = await open(context, '/counter');
      await expect.poll(() => page.locator(testId('login')).isVisible()).toBe(true);
      for (const digit of ['1', '2', '3', '4']) await page.click(testId(`pin-key-${digit}`));
      expect(await page.locator(testId('pin')).inputValue()).toBe('1234');
      await page.click(testId('pin-back'));
      expect(await page.locator(testId('pin')).inputValue()).toBe('123');
      await page.fill(testId('officer-id'), 'officer-1');
      // No counter chosen yet: signing in is not offered.
      expect(await page.locator(testId('btn-login')).isDisabled()).toBe(true);

      await expect.poll(() => page.locator(testId('counter-c01')).isVisible()).toBe(true);
      await page.click(testId('counter-c01'));
      expect(await page.locator(testId('counter-c01')).getAttribute('aria-pressed')).toBe('true');
      await page.click(testId('pin-key-4'));
      expect(await page.locator(testId('btn-login')).isDisabled()).toBe(false);
      await screenshot(page, 'counter-login');
      expectClean(problems);
    } finally {
      await context.close();
    }
  });

  it('hall board: shows the calls board, asks once to enable sound, and a remote Enter enables it', async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    try {
      const { page, problems } = await open(context, '/board');
      const overlay = page.locator(testId('sound-overlay'));
      await expect.poll(() => overlay.isVisible()).toBe(true);
      expect(await overlay.innerText()).toContain('Washa sauti');
      await screenshot(page, 'board-sound-overlay');
      await page.keyboard.press('Enter');
      await expect.poll(() => overlay.isVisible()).toBe(false);

      expect(await page.locator(testId('board-title')).innerText()).toMatch(/Now serving.*Sasa tunahudumia/);
      expect(await page.locator(testId('calls')).isVisible()).toBe(true);
      await expect.poll(() => page.locator(testId('waiting-id-duplicate')).isVisible()).toBe(true);
      expect(await page.locator(testId('calls-empty')).isVisible()).toBe(true);
      await screenshot(page, 'board');
      expectClean(problems);
    } finally {
      await context.close();
    }
  });
});
