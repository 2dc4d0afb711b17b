import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Real headless Chromium for the page tests: Debian's `chromium` package driven by
 * playwright-core (no browser download; .ci/run installs the package). As root the
 * sandbox must be off; the other flags keep the browser from calling home, so a test
 * sees only the requests its page makes.
 */
export const CHROMIUM_PATH = process.env.HUDUMA_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
export const SCREENSHOTS_DIR = join(ARTIFACTS_DIR, 'screenshots');

/** Never skipped: without the browser the page suites fail with this message. */
export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install chromium (as .ci/run does)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export async function closeBrowser(browser: Browser | null | undefined): Promise<void> {
  await browser?.close().catch(() => {});
}

/**
 * A persistent context in a fresh temporary profile (localStorage survives reloads within
 * it, as on a provisioned kiosk); `close()` removes the profile.
 */
export async function launchPersistent(options: { viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'huduma-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, viewport: options.viewport ?? { width: 1920, height: 1080 } });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What went wrong on a page: JS errors, console errors, requests that left the hub. */
export interface PageProblems {
  /** Uncaught exceptions and console.error messages (see `watchPage` for what is allowed). */
  errors: string[];
  /** Requests to any origin but the page's own (the pages must work offline in a centre). */
  externalRequests: string[];
}

/**
 * Records a page's problems. Chromium logs every HTTP error answer as a console error
 * ("Failed to load resource: … status of 404"); by default those are allowed for `/api/`
 * URLs, because the pages show API refusals (a 503 from a printer out of paper, a 404
 * while the hub has no such route) as part of their job. Pass `allowApiStatus: false` to
 * count them too.
 */
export function watchPage(page: Page, options: { allowApiStatus?: boolean } = {}): PageProblems {
  const allowApiStatus = options.allowApiStatus ?? true;
  const problems: PageProblems = { errors: [], externalRequests: [] };
  page.on('pageerror', (error) => problems.errors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url ?? '';
    const isStatus = /^Failed to load resource: the server responded with a status of \d+/.test(message.text());
    if (allowApiStatus && isStatus && /^https?:\/\/[^/]+\/api\//.test(url)) return;
    problems.errors.push(`console.error: ${message.text()}${url ? ` (${url})` : ''}`);
  });
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    try {
      const pageUrl = page.url();
      const origin = new URL(pageUrl === 'about:blank' ? url : pageUrl).origin;
      if (new URL(url).origin !== origin) problems.externalRequests.push(url);
    } catch {
      problems.externalRequests.push(url);
    }
  });
  return problems;
}

/** Saves a full-page PNG to test-artifacts/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const path = join(SCREENSHOTS_DIR, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** `[data-testid="id"]`, the pages' stable hooks for tests. */
export const testId = (id: string): string => `[data-testid="${id}"]`;
