import { afterAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, screenshot, watchPage } from '../helpers/browser.ts';
import { connectDevice, newBootId, publishPress, uptimeSince } from '../helpers/device-client.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { startSecretariat, type SecretariatFixture } from '../helpers/secretariat-fixture.ts';
import { deviceTopic } from '../../protocol/topics.ts';

/**
 * The NOC page in real headless Chromium: a real hub syncs to a real Secretariat, and
 * the page lists the centre with its devices online, today's satisfaction and its sync
 * position; a registered centre that never sent a heartbeat is ranked first, as silent.
 */
describe('NOC page in Chromium', () => {
  let secretariat: SecretariatFixture;
  let hub: HubFixture;
  afterAll(async () => {
    await hub?.stop();
    await secretariat?.stop();
  });

  it('ranks the silent centre first and shows the live centre’s sync and satisfaction', async () => {
    secretariat = await startSecretariat();
    const secret = await secretariat.addCentre('demo-centre');
    await secretariat.addCentre('kisumu-centre'); // registered, never heard from
    hub = await startHub({
      overrides: { secretariatUrl: secretariat.url, secretariatSecret: secret },
      configure: (config) => {
        config.secretariat.heartbeatIntervalMs = 200;
        config.secretariat.lingerMs = 0;
      },
    });
    const device = await connectDevice(hub.ports.mqtt, hub.addDevice('eifd-c01', 'c01'));
    const boot = newBootId();
    const uptime = uptimeSince(60_000);
    // Online as a device says it (wire contract: retained status once its buttons are armed).
    await device.publishAsync(deviceTopic('demo-centre', 'eifd-c01', 'status'), JSON.stringify({ state: 'online', fw: 'test', boot }), { qos: 1, retain: true });
    for (const [seq, rating] of [[1, 4], [2, 3]] as const) await publishPress(device, 'demo-centre', 'eifd-c01', { seq, boot, rating, upMs: seq * 10_000, sentUpMs: uptime() });
    // device.online and the two presses synced, and a heartbeat that saw the device.
    await expect
      .poll(async () => {
        const centre = await secretariat.centre('demo-centre');
        return centre.ackedThroughSeq >= 3 && centre.devicesOnline === 1;
      }, { timeout: 15_000 })
      .toBe(true);

    const browser = await launchBrowser();
    try {
      // The NOC's PC on UTC; the page shows Nairobi time, 24-hour (docs/noc-runbook.md).
      const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, timezoneId: 'UTC', locale: 'en-US' });
      const page = await context.newPage();
      await page.clock.setFixedTime(Date.parse('2026-12-07T15:28:18Z'));
      const problems = watchPage(page);
      await page.goto(`${secretariat.url}/noc`);
      const rows = page.locator('#rows tr');
      await expect.poll(() => rows.count()).toBe(2);
      const [first, second] = [await rows.nth(0).innerText(), await rows.nth(1).innerText()];
      // A centre that never sent a heartbeat has no name yet: its id, and what the alarm means.
      expect(first).toContain('kisumu-centre');
      expect(await rows.nth(0).locator('td').nth(1).innerText()).toBe('silent: never heard from');
      // The live centre by the name its config gives it, the id under it; no alarm, said so.
      expect(await rows.nth(1).locator('td.centre').innerText()).toBe('Huduma Centre GPO Nairobi (sample)\ndemo-centre');
      expect(await rows.nth(1).locator('td').nth(1).innerText()).toBe('none');
      expect(second).toMatch(/1 \/ 1/); // devices online / total, from the heartbeat
      // Satisfaction: the mean, a bar with one segment per rating given (4 and 3: half each), the count.
      expect(second).toMatch(/3\.50 \/ 4/);
      expect(second).toContain('2 presses today · 100% good or excellent');
      expect(second).not.toContain('★');
      const segments = await rows.nth(1).locator('.bar span').evaluateAll((spans) => spans.map((s) => [s.className, s.getAttribute('style'), s.getAttribute('title')]));
      expect(segments).toEqual([['r4', 'width: 50%;', 'excellent: 1'], ['r3', 'width: 50%;', 'good: 1']]);
      expect(await page.locator('#summary').innerText()).toMatch(/^2 centres · 1 silent · 1 with alarms$/);
      // 15:28:18 UTC is 18:28:18 in Nairobi: not the browser's "3:28:18 PM".
      await expect.poll(() => page.locator('#refreshed').innerText()).toMatch(/^refreshed 18:28:18/);
      await screenshot(page, 'noc-page');
      expect(problems.errors).toEqual([]);
      expect(problems.externalRequests).toEqual([]);

      // One centre is "1 centre" (the API answer cut to its first centre).
      const single = await context.newPage();
      await single.route('**/api/centres', async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { centres: unknown[] };
        await route.fulfill({ response, json: { ...body, centres: body.centres.slice(0, 1) } });
      });
      await single.goto(`${secretariat.url}/noc`);
      await expect.poll(() => single.locator('#summary').innerText()).toBe('1 centre · 1 silent · 1 with alarms');
    } finally {
      await device.endAsync();
      await closeBrowser(browser);
    }
  });
});
