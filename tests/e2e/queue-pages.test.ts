import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, screenshot, testId, watchPage, type PageProblems } from '../helpers/browser.ts';
import { connectDevice, newBootId, publishPress } from '../helpers/device-client.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { outboxEvents } from '../helpers/queue-client.ts';

/**
 * The whole queue as a citizen, an officer and the hall see it, in real headless
 * Chromium against a real hub: a citizen takes a ticket on the kiosk in Kiswahili → the
 * ticket is on screen and printed by the printer emulator → the officer signs in at the
 * counter console and calls it → the hall board shows the call → the feedback device at
 * that counter (a real MQTT client) presses, and the stored event names the ticket and
 * its service. Screenshots of the three pages go to test-artifacts/screenshots/.
 */
describe('queue flow in Chromium: kiosk → printer → console → board → feedback', () => {
  let fixture: HubFixture;
  let browser: Browser;
  let base: string;
  let kioskToken: string;
  const problems: Array<{ page: string; found: PageProblems }> = [];

  beforeAll(async () => {
    fixture = await startHub();
    base = `http://127.0.0.1:${fixture.ports.http}`;
    kioskToken = fixture.admin.tokens.create('kiosk', null, new Set(['c04'])).token;
    await fixture.admin.queue.officers.add('amina', 'Amina Otieno', '2468');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await closeBrowser(browser);
    await fixture?.stop();
  });

  async function open(path: string, name: string, viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    problems.push({ page: name, found: watchPage(page) });
    expect((await page.goto(`${base}${path}`))?.status()).toBe(200);
    return page;
  }

  it('serves one citizen from the kiosk to the feedback button', async () => {
    // The hall board is on before anyone arrives; Enter (a TV remote) allows the chime.
    const board = await open('/board', 'board', { width: 1920, height: 1080 });
    await expect.poll(() => board.locator(testId('sound-overlay')).isVisible()).toBe(true);
    await board.keyboard.press('Enter');
    await expect.poll(() => board.locator(testId('calls-empty')).isVisible()).toBe(true);

    // The citizen, in Kiswahili: birth certificate, no priority.
    const kiosk = await open(`/kiosk#token=${kioskToken}`, 'kiosk', { width: 1080, height: 1920 });
    await expect.poll(() => kiosk.locator(testId('screen-home')).isVisible()).toBe(true);
    await kiosk.click(testId('lang-sw'));
    await expect.poll(() => kiosk.locator(testId('service-birth-cert')).isVisible()).toBe(true);
    expect(await kiosk.locator(testId('service-birth-cert')).innerText()).toContain('Cheti cha kuzaliwa');
    await kiosk.click(testId('service-birth-cert'));
    await kiosk.click(testId('category-regular'));
    const numberOnScreen = kiosk.locator(testId('ticket-number'));
    await expect.poll(() => numberOnScreen.isVisible()).toBe(true);
    const number = (await numberOnScreen.innerText()).trim();
    expect(number).toBe('E001');
    expect(await kiosk.locator(testId('ticket-service')).innerText()).toContain('Cheti cha kuzaliwa');
    await screenshot(kiosk, 'flow-1-kiosk-ticket-sw');

    // The same ticket came out of the printer, and the outbox has it, in the citizen's language.
    const printer = fixture.admin.queue.printerEmulator!;
    expect(printer.printed.map((p) => p.number)).toEqual([number]);
    expect(printer.printed[0]!.lines.join('\n')).toContain('Cheti cha kuzaliwa');
    const [issued] = outboxEvents(fixture.dataDir, 'ticket.issued');
    expect(issued).toMatchObject({ number, serviceId: 'birth-cert', language: 'sw', category: 'regular' });

    // The officer at counter 4 signs in with a PIN and calls the next ticket.
    const console_ = await open('/counter', 'console', { width: 1366, height: 768 });
    await expect.poll(() => console_.locator(testId('counter-c04')).isVisible()).toBe(true);
    await console_.click(testId('counter-c04'));
    await console_.fill(testId('officer-id'), 'amina');
    for (const digit of '2468') await console_.click(testId(`pin-key-${digit}`));
    await console_.click(testId('btn-login'));
    await expect.poll(() => console_.locator(testId('btn-next')).isEnabled()).toBe(true);
    await console_.click(testId('btn-next'));
    await expect.poll(() => console_.locator(testId('current-number')).innerText()).toBe(number);
    await screenshot(console_, 'flow-2-console-called');
    const [called] = outboxEvents(fixture.dataDir, 'ticket.called');
    expect(called).toMatchObject({ number, counterId: 'c04', officerId: 'amina' });

    // The hall board shows the call, newest first.
    const call = board.locator(testId(`call-${number}`));
    await expect.poll(() => call.isVisible()).toBe(true);
    expect(await call.getAttribute('data-newest')).toBe('true');
    expect(await call.innerText()).toContain('4');
    await screenshot(board, 'flow-3-board-call');

    // The citizen rates the service on the counter's feedback device.
    const device = await connectDevice(fixture.ports.mqtt, fixture.addDevice('eifd-c04', 'c04'));
    try {
      await publishPress(device, 'demo-centre', 'eifd-c04', { seq: 1, boot: newBootId(), rating: 4, upMs: 60_000, sentUpMs: 60_000 });
    } finally {
      await device.endAsync();
    }
    const [pressed] = outboxEvents(fixture.dataDir, 'feedback.pressed');
    expect(pressed).toMatchObject({ counterId: 'c04', rating: 4, ticketId: issued!.ticketId, serviceId: 'birth-cert' });

    // The next citizen's ticket runs out of paper mid-print: the number stays on screen
    // with a notice, and the ticket is reprinted once the printer is back.
    await kiosk.click(testId('ticket-done'));
    await kiosk.click(testId('lang-en'));
    printer.failNextPrint('paper ran out mid-ticket');
    await kiosk.click(testId('service-birth-cert'));
    await kiosk.click(testId('category-regular'));
    await expect.poll(() => kiosk.locator(testId('ticket-not-printed')).isVisible()).toBe(true);
    expect(await kiosk.locator(testId('ticket-number')).innerText()).toBe('E002');
    expect(await kiosk.locator(testId('ticket-not-printed')).innerText()).toContain('remember your number');
    await screenshot(kiosk, 'flow-4-kiosk-not-printed');
    printer.setState('ready', 'paper loaded');
    await expect.poll(() => printer.printed.map((p) => [p.number, p.reprint])).toEqual([[number, false], ['E002', true]]);

    for (const { page, found } of problems) {
      expect(found.errors, page).toEqual([]);
      expect(found.externalRequests, page).toEqual([]);
    }
  });
});
