import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, screenshot, testId, watchPage } from '../helpers/browser.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { QueueClient, tokensFor } from '../helpers/queue-client.ts';

type Config = { counters: Array<{ id: string; label: string; serviceIds: string[] }> };
type ErrorBody = { error: { code: string; message: string; issues: Array<{ path: string; message: string }> } };

const COUNTERS = ['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10'];

/**
 * A live config change as the counters see it (docs/live-config.md): a counter added
 * through `PUT /api/config` appears on an open counter console's sign-in list in real
 * Chromium, without a reload or a restart; removing a counter with a called ticket, or
 * one a feedback device stands at, is refused with the reason and changes nothing.
 */
describe('live config reaches the counter console; removals that would strand are refused', () => {
  let fixture: HubFixture;
  let browser: Browser;
  let api: QueueClient;
  let tokens: ReturnType<typeof tokensFor>;

  beforeAll(async () => {
    fixture = await startHub();
    api = new QueueClient(fixture.ports.http);
    tokens = tokensFor(fixture, COUNTERS);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await closeBrowser(browser);
    await fixture?.stop();
  });

  const running = async () => (await api.call<Config>('GET', '/api/config', tokens.technician)).body;

  it('a counter added live appears on the open counter console', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = watchPage(page);
    expect((await page.goto(`http://127.0.0.1:${fixture.ports.http}/counter`))?.status()).toBe(200);
    await expect.poll(() => page.locator(testId('counter-c10')).isVisible()).toBe(true);
    expect(await page.locator(testId('counter-c11')).count()).toBe(0);

    const config = await running();
    config.counters.push({ id: 'c11', label: '11', serviceIds: ['kra'] });
    expect((await api.call('PUT', '/api/config', tokens.manager, config)).status).toBe(200);
    await expect.poll(() => page.locator(testId('counter-c11')).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator(testId('counter-c11')).innerText()).toContain('11');
    await screenshot(page, 'live-config-counter-added');
    expect(problems.errors).toEqual([]);
    await context.close();
  });

  it('refuses to remove a counter with a called ticket, then allows it once the ticket is finished', async () => {
    const officer = tokensFor(fixture, [...COUNTERS, 'c11']).officer('c11');
    const ticket = (await api.issue(tokens.kiosk, 'kra')).body.ticket;
    expect((await api.counter(officer, 'c11', 'call-next')).body.ticket?.number).toBe(ticket.number);
    const config = await running();
    config.counters = config.counters.filter((c) => c.id !== 'c11');
    const refused = await api.call<ErrorBody>('PUT', '/api/config', tokens.technician, config);
    expect(refused.status).toBe(409);
    expect(refused.body.error.issues).toEqual([{ path: 'counters', message: expect.stringContaining(`counter "c11" has ticket ${ticket.number} called`) }]);
    expect((await api.call<{ counters: Array<{ id: string }> }>('GET', '/api/counters', null)).body.counters.map((c) => c.id)).toContain('c11');
    // The counter still works after the refusal.
    expect((await api.counter(officer, 'c11', 'finish')).status).toBe(200);
    expect((await api.call('PUT', '/api/config', tokens.technician, config)).status).toBe(200);
    expect((await api.call<{ counters: Array<{ id: string }> }>('GET', '/api/counters', null)).body.counters.map((c) => c.id)).not.toContain('c11');
  });

  it('refuses to remove a counter a feedback device stands at, naming the device', async () => {
    fixture.addDevice('eifd-50', 'c10');
    const config = await running();
    config.counters = config.counters.filter((c) => c.id !== 'c10');
    const refused = await api.call<ErrorBody>('PUT', '/api/config', tokens.technician, config);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('counter "c10" has feedback device(s) eifd-50');
    expect((await api.call<{ counters: Array<{ id: string }> }>('GET', '/api/counters', null)).body.counters.map((c) => c.id)).toContain('c10');
  });
});
