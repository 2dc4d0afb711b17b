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
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      const problems = watchPage(page);
      await page.goto(`${secretariat.url}/noc`);
      const rows = page.locator('#rows tr');
      await expect.poll(() => rows.count()).toBe(2);
      const [first, second] = [await rows.nth(0).innerText(), await rows.nth(1).innerText()];
      expect(first).toContain('kisumu-centre');
      expect(first).toContain('silent');
      expect(second).toContain('demo-centre');
      expect(second).toMatch(/1 \/ 1/); // devices online / total, from the heartbeat
      expect(second).toMatch(/3\.50 \/ 4/); // ratings 4 and 3 today
      expect(await page.locator('#summary').innerText()).toMatch(/2 centres · 1 silent/);
      await screenshot(page, 'noc-page');
      expect(problems.errors).toEqual([]);
      expect(problems.externalRequests).toEqual([]);
    } finally {
      await device.endAsync();
      await closeBrowser(browser);
    }
  });
});
