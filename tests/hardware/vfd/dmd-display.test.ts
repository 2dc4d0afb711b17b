import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../runtime/clock.ts';
import { LoopbackBinding } from '../../../hardware/serial/loopback-binding.ts';
import { DmdDisplay, type DmdDisplayOptions } from '../../../hardware/vfd/dmd-display.ts';
import { DmdDisplayEmulator } from '../../../hardware/vfd/dmd-emulator.ts';
import { isDmdError } from '../../../hardware/vfd/dmd-errors.ts';
import { advance, flush, hex, nextEvent, runUntil, settledLater, within } from '../board-test-kit.ts';

describe('DmdDisplay driver (in-process cable, manual clock)', () => {
  const drivers: DmdDisplay[] = [];
  afterEach(async () => {
    for (const driver of drivers.splice(0)) await driver.stop();
  });

  async function rig(options: Partial<DmdDisplayOptions> = {}) {
    const clock = new ManualClock(0);
    const binding = new LoopbackBinding();
    const cable = binding.createPort('loopback');
    const display = new DmdDisplayEmulator();
    const received: number[] = [];
    cable.on('hostBytes', (bytes) => (received.push(...bytes), display.receive(bytes)));
    const driver = new DmdDisplay({ path: 'loopback', binding, clock, lineCheckMs: 0, reconnectMs: 100, ...options });
    drivers.push(driver);
    const healthy = nextEvent(driver, 'healthy');
    driver.start();
    await within(healthy, 'healthy once open');
    return { clock, cable, display, driver, received };
  }

  it('shows both lines, initialising the display once per connection', async () => {
    const { driver, display, received } = await rig({ brightness: 3 });
    await within(driver.show('Ticket A042', '-> Counter 5'), 'show');
    expect(display.text()).toEqual(['Ticket A042', '-> Counter 5']);
    expect(display.settings.brightness).toBe(3);
    expect(Buffer.from(received.slice(0, 7))).toEqual(hex('1B 40 1F 58 03 1F 24'));
    received.length = 0;
    await within(driver.show('Ticket A043', '-> Counter 12'), 'second show');
    expect(display.text()).toEqual(['Ticket A043', '-> Counter 12']);
    expect(received.slice(0, 2)).toEqual([0x1f, 0x24]); // no second ESC @: no flicker
    expect(driver.health()).toMatchObject({ connected: true, healthy: true });
  });

  it('wraps updates in ESC = 2 … ESC = 1 in pass-through mode', async () => {
    const { driver, display, received } = await rig({ passThrough: true });
    await within(driver.show('Ticket A044', '-> Counter 1'), 'show');
    expect(Buffer.from(received.slice(0, 5))).toEqual(hex('1B 3D 02 1B 40'));
    expect(Buffer.from(received.slice(-3))).toEqual(hex('1B 3D 01'));
    expect(display.text()).toEqual(['Ticket A044', '-> Counter 1']);
    expect(display.settings.route).toBe(1);
  });

  it('supersedes text not yet written, and rejects bad settings up front', async () => {
    const { driver, display } = await rig();
    const first = settledLater(driver.show('one', '1'));
    const second = settledLater(driver.show('two', '2'));
    const third = driver.show('three', '3');
    await within(third, 'the latest show');
    const [a, b] = [await first, await second];
    expect(a.ok).toBe(true); // already being written when the others came
    expect(!b.ok && isDmdError(b.error, 'superseded')).toBe(true);
    expect(display.text()).toEqual(['three', '3']);
    expect(() => new DmdDisplay({ path: 'x', brightness: 7 })).toThrow(expect.objectContaining({ code: 'value_invalid' }));
  });

  it('reports a pulled line, keeps the latest text and shows it again after reconnect', async () => {
    const { driver, cable, display, clock } = await rig();
    await within(driver.show('Ticket A045', '-> Counter 2'), 'show');
    const unhealthy = nextEvent(driver, 'unhealthy');
    const disconnected = nextEvent(driver, 'disconnected');
    cable.unplug();
    expect(await within(disconnected, 'disconnected')).toBeInstanceOf(Error);
    expect(await unhealthy).toMatchObject({ code: 'disconnected' });
    await expect(driver.show('Ticket A046', '-> Counter 3')).rejects.toMatchObject({ code: 'not_connected', disconnected: true });

    display.receive(hex('0C')); // the display was power-cycled meanwhile
    await advance(clock, 500);
    expect(driver.connected).toBe(false);
    const healthy = nextEvent(driver, 'healthy');
    const delivered = nextEvent(driver, 'delivered');
    cable.plug();
    await runUntil(clock, healthy, { what: 'healthy again' });
    await runUntil(clock, delivered, { what: 'the latest text again' });
    expect(display.text()).toEqual(['Ticket A046', '-> Counter 3']);
  });

  it('reports writes that do not drain as unhealthy, and healthy once one does', async () => {
    const clock = new ManualClock(0);
    const binding = new LoopbackBinding();
    const port = binding.createPort('stuck');
    port.hold(true); // held back (XOFF / nobody reading)
    const written: Buffer[] = [];
    port.on('hostBytes', (data) => written.push(data));
    const driver = new DmdDisplay({ path: 'stuck', binding, clock, lineCheckMs: 0, writeTimeoutMs: 1000 });
    drivers.push(driver);
    const connected = nextEvent(driver, 'connected');
    driver.start();
    await within(connected, 'connected');
    const unhealthy = nextEvent(driver, 'unhealthy');
    const result = settledLater(driver.show('Ticket A047', '-> Counter 4'));
    expect(await runUntil(clock, unhealthy)).toMatchObject({ code: 'not_drained' });
    const outcome = await result;
    expect(!outcome.ok && isDmdError(outcome.error, 'not_drained')).toBe(true);
    expect(driver.healthy).toBe(false);
    port.hold(false);
    await runUntil(clock, nextEvent(driver, 'healthy'), { what: 'the retried write to drain' });
    expect(written.length).toBeGreaterThanOrEqual(2);
    await flush();
  });
});
