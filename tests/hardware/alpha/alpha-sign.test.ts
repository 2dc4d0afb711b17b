import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../runtime/clock.ts';
import { AlphaBus } from '../../../hardware/alpha/alpha-bus.ts';
import { AlphaSignEmulator } from '../../../hardware/alpha/alpha-emulator.ts';
import { isAlphaError } from '../../../hardware/alpha/alpha-errors.ts';
import { ACK, EOT, NAK } from '../../../hardware/alpha/alpha-frame.ts';
import { AlphaSign, type AlphaSignOptions } from '../../../hardware/alpha/alpha-sign.ts';
import { LoopbackBinding } from '../../../hardware/serial/loopback-binding.ts';
import type { SerialBinding } from '../../../hardware/serial/serial-binding.ts';
import { advance, flush, nextEvent, runUntil, settledLater, within } from '../board-test-kit.ts';

/** A driver on an in-process cable to a bus with signs 05 and 07, on a manual clock. */
async function rig(options: Partial<AlphaSignOptions> = {}) {
  const clock = new ManualClock(0);
  const binding = new LoopbackBinding();
  const cable = binding.createPort('loopback');
  const bus = new AlphaBus();
  bus.attachLoopback(cable);
  const five = new AlphaSignEmulator({ address: '05', ackNak: options.ackNak ?? false, clock });
  const seven = new AlphaSignEmulator({ address: '07', ackNak: options.ackNak ?? false, clock });
  five.attach(bus);
  seven.attach(bus);
  let packetsOnBus = 0;
  bus.connect({ receive: (bytes) => (packetsOnBus += bytes.filter((byte) => byte === EOT).length) });
  const driver = new AlphaSign({ path: 'loopback', binding, clock, ackTimeoutMs: 500, retries: 2, retryBaseMs: 250, retryMaxMs: 2000, lineCheckMs: 0, reconnectMs: 100, ...options });
  const connected = nextEvent(driver, 'connected');
  driver.start();
  await within(connected, 'the driver to connect');
  return { clock, cable, bus, five, seven, driver, packetsOnBus: () => packetsOnBus };
}

describe('AlphaSign driver (in-process bus, manual clock)', () => {
  const drivers: AlphaSign[] = [];
  afterEach(async () => {
    for (const driver of drivers.splice(0)) await driver.stop();
  });
  const started = async (options: Partial<AlphaSignOptions> = {}) => {
    const r = await rig(options);
    drivers.push(r.driver);
    return r;
  };

  it('shows a call on the addressed sign only (file A, middle, hold)', async () => {
    const { driver, five, seven } = await started();
    const delivered = nextEvent(driver, 'delivered');
    await within(driver.show('05', 'A042 -> 5'), 'show');
    expect(await delivered).toMatchObject({ address: '05', key: '05/A', attempts: 1, acknowledged: false });
    await flush();
    expect(five.shown()).toMatchObject({ label: 'A', position: 'middle', mode: 'hold', text: 'A042 -> 5' });
    expect(seven.shown()).toBeNull();
    await within(driver.show(7, ['Ticket A043', '-> Counter 2'], { mode: 'flash' }), 'two lines');
    await flush();
    expect(seven.files.A).toMatchObject({ position: 'top', mode: 'flash', text: 'Ticket A043\n-> Counter 2' });
    await within(driver.show('00', 'Closed at 16:00', { label: '0' }), 'broadcast priority');
    await flush();
    expect(five.shown()).toMatchObject({ label: '0', text: 'Closed at 16:00' });
    await within(driver.show('00', [], { label: '0' }), 'clear priority');
    await flush();
    expect(five.shown()).toMatchObject({ label: 'A', text: 'A042 -> 5' });
  });

  it('opens the line at 9600 7E1 and lowers DTR (§2)', async () => {
    const loopback = new LoopbackBinding();
    loopback.createPort('/dev/serial/by-id/rs485');
    const opened: unknown[] = [];
    const binding: SerialBinding = {
      async open(settings) {
        const port = await loopback.open(settings);
        const set = port.set.bind(port);
        return Object.assign(port, { set: (flags: { dtr?: boolean }) => (opened.push(settings, flags), set(flags)) });
      },
    };
    const driver = new AlphaSign({ path: '/dev/serial/by-id/rs485', lineCheckMs: 0, binding });
    drivers.push(driver);
    const connected = nextEvent(driver, 'connected');
    driver.start();
    await within(connected, 'connected');
    expect(opened).toEqual([{ path: '/dev/serial/by-id/rs485', baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 }, { dtr: false }]);
  });

  it('rejects bad input without sending anything', async () => {
    const { driver, packetsOnBus } = await started();
    await expect(driver.show('5', 'x')).rejects.toMatchObject({ code: 'address_invalid' });
    await expect(driver.show('05', ['1', '2', '3', '4'])).rejects.toMatchObject({ code: 'text_invalid' });
    await flush();
    expect(packetsOnBus()).toBe(0);
  });

  it('ACK/NAK: a sign that stops answering is retried with backoff, reported, and healthy again on its next ACK', async () => {
    const { driver, five, clock, packetsOnBus } = await started({ ackNak: true });
    const firstHealthy = nextEvent(driver, 'healthy');
    await runUntil(clock, driver.show('05', 'A042 -> 5'), { what: 'the first ACK' });
    expect(await firstHealthy).toEqual({ address: '05' });

    five.setAnswering(false);
    const unhealthy = nextEvent(driver, 'unhealthy');
    const result = settledLater(driver.show('05', 'A043 -> 5'));
    const sentBefore = packetsOnBus();
    const report = await runUntil(clock, unhealthy, { what: 'unhealthy' });
    expect(report).toMatchObject({ address: '05', code: 'no_answer' });
    const outcome = await result;
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && isAlphaError(outcome.error, 'no_answer')).toBe(true);
    expect(packetsOnBus() - sentBefore).toBe(3); // first try + 2 retries
    expect(clock.now()).toBeGreaterThanOrEqual(3 * 500 + 250 + 500); // three timeouts, two backoffs
    expect(driver.health().boards['05']).toMatchObject({ healthy: false, code: 'no_answer' });

    // Retried in the background, with growing gaps, until it answers.
    const retried = packetsOnBus();
    await advance(clock, 6000);
    expect(packetsOnBus()).toBeGreaterThan(retried);
    five.setAnswering(true);
    const healthy = await runUntil(clock, nextEvent(driver, 'healthy'), { what: 'healthy again' });
    expect(healthy).toEqual({ address: '05' });
    expect(five.shown()).toMatchObject({ text: 'A043 -> 5' });
    expect(driver.health()).toMatchObject({ connected: true, boards: { '05': { healthy: true } } });
  });

  it('ACK/NAK: retries a NAKed packet and reports a sign that keeps NAKing as rejected', async () => {
    const { driver, bus, five, clock } = await started({ ackNak: true });
    five.setAnswering(false);
    let answer = NAK;
    const noisy = bus.connect({ receive: (bytes) => bytes.includes(EOT) && noisy.transmit(Buffer.from([answer])) });
    const unhealthy = nextEvent(driver, 'unhealthy');
    const result = settledLater(driver.show('05', 'A044 -> 1'));
    expect(await runUntil(clock, unhealthy)).toMatchObject({ address: '05', code: 'rejected' });
    const outcome = await result;
    expect(!outcome.ok && isAlphaError(outcome.error, 'rejected')).toBe(true);
    answer = ACK;
    await runUntil(clock, nextEvent(driver, 'healthy'));
  });

  it('broadcasts are not acknowledged, and a newer call supersedes one not yet delivered', async () => {
    const { driver, five, seven, clock } = await started({ ackNak: true });
    await runUntil(clock, driver.show('00', 'Welcome'));
    expect(seven.shown()).toMatchObject({ text: 'Welcome' });
    five.setAnswering(false);
    const first = settledLater(driver.show('05', 'A045 -> 5'));
    await flush();
    const second = driver.show('05', 'A046 -> 5');
    const outcome = await first;
    expect(!outcome.ok && isAlphaError(outcome.error, 'superseded')).toBe(true);
    five.setAnswering(true);
    await runUntil(clock, second);
    expect(five.shown()).toMatchObject({ text: 'A046 -> 5' });
  });

  it('reports a pulled line, keeps the latest text, reconnects and resends it', async () => {
    const { driver, cable, five, seven, clock } = await started();
    await runUntil(clock, driver.show('07', 'A001 -> 7'));
    const disconnected = nextEvent(driver, 'disconnected');
    cable.unplug();
    expect(await within(disconnected, 'disconnected')).toBeInstanceOf(Error);
    expect(driver.connected).toBe(false);
    await expect(driver.show('05', 'A002 -> 5')).rejects.toMatchObject({ code: 'not_connected', disconnected: true });

    await advance(clock, 1000); // reopen attempts fail while unplugged
    expect(driver.connected).toBe(false);
    seven.receive(Buffer.from('\x01Z07\x02AA\x1b bforgot\x04')); // the sign lost its text meanwhile
    const reconnected = nextEvent(driver, 'connected');
    const resent = nextEvent(driver, 'delivered', (d: { address: string }) => d.address === '07');
    cable.plug();
    await runUntil(clock, reconnected, { what: 'reconnect' });
    await runUntil(clock, resent, { what: 'the resend to 07' });
    expect(five.shown()).toMatchObject({ text: 'A002 -> 5' });
    expect(seven.shown()).toMatchObject({ text: 'A001 -> 7' });
  });

  it('stop rejects what is pending', async () => {
    const { driver, five } = await started({ ackNak: true });
    five.setAnswering(false);
    const pending = settledLater(driver.show('05', 'A047 -> 5'));
    await flush();
    await driver.stop();
    const outcome = await pending;
    expect(!outcome.ok && isAlphaError(outcome.error, 'stopped')).toBe(true);
    expect(driver.connected).toBe(false);
  });
});
