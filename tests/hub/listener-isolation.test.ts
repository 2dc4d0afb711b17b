import { afterEach, describe, expect, it } from 'vitest';
import { connectDevice, newBootId, publishPress } from '../helpers/device-client.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { QueueClient, tokensFor } from '../helpers/queue-client.ts';

describe('a failing event listener cannot break an acknowledgement (issue 13, item 6)', () => {
  let fx: HubFixture | null = null;
  afterEach(async () => {
    await fx?.stop();
    fx = null;
  });

  it('a press is still acknowledged and stored, and a ticket still issued, when listeners throw', async () => {
    fx = await startHub();
    fx.hub.bus.on('press.stored', () => {
      throw new Error('a press listener bug');
    });
    fx.hub.bus.on('queue.changed', () => {
      throw new Error('a queue listener bug');
    });
    const device = await connectDevice(fx.ports.mqtt, fx.addDevice('eifd-01', 'c01'));
    await publishPress(device, 'demo-centre', 'eifd-01', { seq: 1, boot: newBootId(), rating: 4, upMs: 1000, sentUpMs: 1000 });
    await device.endAsync();
    const tokens = tokensFor(fx, ['c01']);
    const issued = await new QueueClient(fx.ports.http).issue(tokens.kiosk, 'id-new');
    expect(issued.status).toBe(201);
    const health = fx.hub.health();
    expect(health.ingest.pressesTotal).toBe(1);
    expect(health.eventListenerFailures).toBeGreaterThanOrEqual(2);
    expect(fx.logs.lines().filter((line) => line.msg === 'an event listener failed; the event was delivered to the others').length).toBeGreaterThanOrEqual(2);
  });
});
