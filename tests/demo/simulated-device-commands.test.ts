import { describe, expect, it } from 'vitest';
import { answerSimulatedCommand } from '../../demo/simulated-commands.ts';
import { SimulatedEifd } from '../../demo/simulated-eifd.ts';
import { withDeadline, WAIT_MS } from '../helpers/deadline.ts';
import { startHub } from '../helpers/hub-fixture.ts';
import { waitUntil } from '../helpers/hub-process.ts';

/**
 * Issue 14 item 9: the demo's simulated devices answer the technician's `identify` and
 * `selftest` as a bridge does (docs/device-contract.md), over the hub's real broker and
 * its `POST /api/devices/{id}/commands`, so the technician console works in the demo.
 */
describe('demo: simulated devices answer technician commands', () => {
  it('identify and selftest through the hub API and the real broker', async () => {
    const h = await startHub();
    const creds = h.addDevice('eifd-c04', 'c04');
    // A press every ~hour: this test is about commands.
    const device = new SimulatedEifd({ brokerUrl: `mqtt://127.0.0.1:${h.ports.mqtt}`, centreId: h.config.centre.id, ...creds, meanPressIntervalMs: 3_600_000, ratingShare: { 4: 1, 3: 0, 2: 0, 1: 0 } });
    try {
      await withDeadline(device.start(), WAIT_MS, 'the simulated device to connect and announce itself');
      await waitUntil(async () => h.hub.health().devices.online, (online) => online === 1, 'the simulated device online at the hub');
      const technician = h.admin.tokens.create('technician', null, new Set(h.config.counters.map((c) => c.id))).token;
      const command = async (op: string) => {
        const response = await withDeadline(
          fetch(`http://127.0.0.1:${h.ports.http}/api/devices/eifd-c04/commands`, { method: 'POST', headers: { authorization: `Bearer ${technician}`, 'content-type': 'application/json' }, body: JSON.stringify({ op }) }),
          WAIT_MS,
          `the hub's answer to the ${op} command`,
        );
        return { status: response.status, body: (await response.json()) as { result?: Record<string, unknown> } };
      };

      const identify = await command('identify');
      expect(identify).toMatchObject({ status: 200, body: { result: { ok: true, data: { simulated: true } } } });
      const selftest = await command('selftest');
      expect(selftest.status).toBe(200);
      expect(selftest.body.result).toMatchObject({
        ok: true,
        data: { buttons: [{ pin: 2, rating: 4, state: 'released' }, { pin: 3, rating: 3, state: 'released' }, { pin: 4, rating: 2, state: 'released' }, { pin: 5, rating: 1, state: 'released' }], ledsLit: [4, 3, 2, 1], buzzer: true },
      });
    } finally {
      await withDeadline(device.stop(), WAIT_MS, 'the simulated device to stop');
      await h.stop();
    }
  });

  it('answers a malformed command with a usable id as the bridge does, and ignores one without', () => {
    expect(answerSimulatedCommand(Buffer.from('{"id":"c-1","op":"reboot"}'))).toMatchObject({ id: 'c-1', ok: false, error: { code: 'invalid_command' } });
    expect(answerSimulatedCommand(Buffer.from('{"op":"identify"}'))).toBeNull();
    expect(answerSimulatedCommand(Buffer.from('not json'))).toBeNull();
  });
});
