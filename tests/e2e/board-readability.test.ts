import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, screenshot, testId, watchPage } from '../helpers/browser.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { QueueClient, tokensFor } from '../helpers/queue-client.ts';

/** WCAG 2.x relative luminance and contrast ratio of two `rgb(…)` / `rgba(…)` colours (opaque). */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = css.match(/[\d.]+/g)!.slice(0, 3).map((v) => Number(v) / 255) as [number, number, number];
    const lin = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(bl);
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The hall board read from across the hall (docs/queue.md, "Hall board"): "Counter ·
 * Kaunta" once, Kiswahili on the call card at WCAG AA contrast on white and on the flash's
 * yellow (measured from Chromium's computed styles), every service in the waiting list
 * with both names in full, and type sizes for a 10 m reading distance on a 55" TV.
 */
describe('hall board readability in Chromium (1920×1080)', () => {
  let fixture: HubFixture;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fixture = await startHub();
    const api = new QueueClient(fixture.ports.http);
    const tokens = tokensFor(fixture, ['c04']);
    for (let i = 0; i < 2; i++) if ((await api.issue(tokens.kiosk, 'birth-cert')).status !== 201) throw new Error('no ticket issued');
    const officer = tokens.officer('c04');
    if ((await api.counter(officer, 'c04', 'call-next')).body.ticket?.number !== 'E001') throw new Error('E001 not called');
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`http://127.0.0.1:${fixture.ports.http}/board?sound=0`);
    await page.locator(testId('call-E001')).waitFor({ timeout: 15_000 });
    // The next call arrives while the board is open: the newest card flashes yellow.
    if ((await api.counter(officer, 'c04', 'call-next')).body.ticket?.number !== 'E002') throw new Error('E002 not called');
    await page.locator('.b-flash').waitFor({ timeout: 15_000 });
    if (problems.errors.length > 0) throw new Error(problems.errors.join('\n'));
  });

  afterAll(async () => {
    await closeBrowser(browser);
    await fixture?.stop();
  });

  it('says "Counter · Kaunta" once: in the column head, not again on the newest card', async () => {
    const text = await page.locator('.b-calls').innerText();
    expect(text.match(/counter/gi)).toHaveLength(1);
    expect(text.match(/kaunta/gi)).toHaveLength(1);
  });

  it('the Kiswahili on the call card is at least 4.5:1 on white and on the flash yellow (WCAG AA)', async () => {
    // Browser-side code as strings: the tests are type-checked without the DOM's types.
    type Measured = Array<{ text: string; color: string; background: string }>;
    const measure = () =>
      page.evaluate(`(() => {
        const card = document.querySelector('.b-newest');
        return [...card.querySelectorAll('.b-sw')].map((el) => ({ text: el.textContent, color: getComputedStyle(el).color, background: getComputedStyle(card).backgroundColor }));
      })()`) as Promise<Measured>;
    // The flash animates white ↔ yellow: measure at both ends.
    const ends: Measured[] = [];
    for (const at of [0, 750]) {
      await page.evaluate(`for (const animation of document.getAnimations()) { animation.pause(); animation.currentTime = ${at}; }`);
      ends.push(await measure());
    }
    const backgrounds = ends.map((end) => end[0]!.background);
    expect(backgrounds).toEqual(['rgb(255, 255, 255)', 'rgb(242, 199, 68)']);
    for (const end of ends) {
      expect(end.map((e) => e.text)).toEqual(['Cheti cha kuzaliwa']);
      for (const { color, background } of end) console.log(`board Kiswahili on the call card: ${color} on ${background}: ${contrast(color, background).toFixed(2)}:1`);
      for (const { color, background } of end) expect(contrast(color, background)).toBeGreaterThanOrEqual(4.5);
    }
    await screenshot(page, 'board-readable-flash');
  });

  it('lists every service with both names in full, page by page, none cut', async () => {
    const services = (await (await fetch(`http://127.0.0.1:${fixture.ports.http}/api/services`)).json()) as { services: Array<{ id: string; names: { en: string; sw: string } }> };
    const seen = new Map<string, string>();
    const pages = Number((await page.locator(testId('waiting')).getAttribute('data-page'))!.split('/')[1]);
    expect(pages).toBeGreaterThanOrEqual(1);
    for (let turn = 0; turn < pages; turn++) {
      const rows = (await page.evaluate(`[...document.querySelectorAll('.b-wait:not([hidden])')].map((row) => {
        const list = row.parentElement.getBoundingClientRect();
        const box = row.getBoundingClientRect();
        const names = [...row.querySelectorAll('.b-wait-name')];
        return {
          id: row.dataset.testid.replace('waiting-', ''),
          names: names.map((n) => n.innerText),
          cut: names.some((n) => n.scrollWidth > n.clientWidth + 1 || getComputedStyle(n).textOverflow === 'ellipsis'),
          inside: box.top >= list.top - 1 && box.bottom <= list.bottom + 1,
        };
      })`)) as Array<{ id: string; names: string[]; cut: boolean; inside: boolean }>;
      for (const row of rows) {
        expect(row.cut, row.id).toBe(false);
        expect(row.inside, row.id).toBe(true);
        seen.set(row.id, row.names.join(' | '));
      }
      // The next page, as the 10 s timer turns it.
      if (turn < pages - 1) await expect.poll(async () => (await page.locator(testId('waiting')).getAttribute('data-page'))!.split('/')[0], { timeout: 15_000 }).toBe(String(turn + 2));
    }
    expect([...seen.keys()].sort()).toEqual(services.services.map((s) => s.id).sort());
    for (const service of services.services) expect(seen.get(service.id)).toBe(`${service.names.en} | ${service.names.sw}`);
  }, 60_000);

  it('type sizes: the call and counter numbers read from 10 m on a 55-inch TV (cap height >= 29 mm)', async () => {
    const px = (await page.evaluate(`(() => {
      const size = (selector) => parseFloat(getComputedStyle(document.querySelector(selector)).fontSize);
      return {
        newest: size('.b-newest .b-call-number'),
        number: size('.b-call:not(.b-newest) .b-call-number'),
        counter: size('.b-call:not(.b-newest) .b-call-counter-label'),
        waitName: size('.b-wait-name.b-sw'),
        waitCount: size('.b-wait-count'),
      };
    })()`)) as Record<'newest' | 'number' | 'counter' | 'waitName' | 'waitCount', number>;
    console.log(`board type sizes (px at 1080p): ${JSON.stringify(px)}`);
    // A 55" 16:9 TV is 685 mm tall: 1080 px → 0.634 mm a pixel; capitals are ~0.7 of the font size.
    const capMm = (fontPx: number) => fontPx * 0.7 * (685 / 1080);
    // 10 m at 10 arc-minutes a letter (the legibility limit for 20/40 vision): 29 mm.
    expect(capMm(px.newest)).toBeGreaterThanOrEqual(29);
    expect(capMm(px.number)).toBeGreaterThanOrEqual(29);
    expect(capMm(px.counter)).toBeGreaterThanOrEqual(29);
    // The waiting list's figures read from ~6 m, its names from ~4 m (docs/queue.md says so).
    expect(capMm(px.waitCount)).toBeGreaterThanOrEqual(17);
    expect(capMm(px.waitName)).toBeGreaterThanOrEqual(12);
  });
});
