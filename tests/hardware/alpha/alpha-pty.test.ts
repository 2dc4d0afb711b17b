import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlphaBus } from '../../../hardware/alpha/alpha-bus.ts';
import { AlphaSignEmulator, type AlphaShown } from '../../../hardware/alpha/alpha-emulator.ts';
import { AlphaSign, type AlphaSignOptions } from '../../../hardware/alpha/alpha-sign.ts';
import { openPtyPair, type PtyPair } from '../../../hardware/serial/pty-pair.ts';
import { nextEvent, within } from '../board-test-kit.ts';

/** Over real socat PTY pairs (docs/protocols/serial-lines.md §2): driver on the host end, signs on the device end. */
describe('AlphaSign over a PTY pair', () => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function pair(dir?: string): Promise<PtyPair> {
    const opened = await openPtyPair(dir ? { dir } : {});
    cleanup.push(() => opened.close());
    return opened;
  }

  function driver(path: string, options: Partial<AlphaSignOptions> = {}): AlphaSign {
    const sign = new AlphaSign({ path, ...options });
    cleanup.push(() => sign.stop());
    return sign;
  }

  async function started(sign: AlphaSign): Promise<void> {
    const connected = nextEvent(sign, 'connected');
    sign.start();
    await within(connected, 'the driver to open the PTY');
  }

  const showing = (emulator: AlphaSignEmulator, text: string): Promise<AlphaShown | null> =>
    within(nextEvent<AlphaShown | null>(emulator, 'shown', (shown) => shown?.text === text), `"${text}" on sign ${emulator.address}`);

  it('shows a call on the addressed sign of two on one bus (file A, middle, hold)', async () => {
    const pty = await pair();
    const bus = new AlphaBus();
    const five = new AlphaSignEmulator({ address: '05' });
    const seven = new AlphaSignEmulator({ address: '07' });
    five.attach(bus);
    seven.attach(bus);
    const attachment = await bus.attachSerial(pty.devicePath);
    cleanup.push(() => attachment.close());
    const sign = driver(pty.hostPath);
    await started(sign);

    const shown = showing(five, 'A042 -> 5');
    await within(sign.show('05', 'A042 -> 5'), 'show');
    expect(await shown).toMatchObject({ label: 'A', position: 'middle', mode: 'hold', text: 'A042 -> 5' });
    expect(five.files.A).toMatchObject({ position: 'middle', mode: 'hold', text: 'A042 -> 5' });
    expect(seven.shown()).toBeNull();
    expect(seven.packetsReceived).toBe(0);
  });

  it('with ACK/NAK, a sign that stops answering is reported, retried, and healthy again when it answers', async () => {
    const pty = await pair();
    const five = new AlphaSignEmulator({ address: '05', ackNak: true });
    const attachment = await five.attachSerial(pty.devicePath);
    cleanup.push(() => attachment.close());
    const sign = driver(pty.hostPath, { ackNak: true, ackTimeoutMs: 150, retries: 1, retryBaseMs: 50, retryMaxMs: 200 });
    await started(sign);
    const firstAck = nextEvent(sign, 'healthy');
    await within(sign.show('05', 'A042 -> 5'), 'the first acknowledged show');
    expect(await firstAck).toEqual({ address: '05' });

    five.setAnswering(false);
    const unhealthy = nextEvent(sign, 'unhealthy');
    const rejected = sign.show('05', 'A043 -> 5').catch((error: unknown) => error);
    expect(await within(unhealthy, 'unhealthy')).toMatchObject({ address: '05', code: 'no_answer' });
    expect(await rejected).toMatchObject({ code: 'no_answer' });
    expect(five.shown()).toMatchObject({ text: 'A042 -> 5' });

    const healthy = nextEvent(sign, 'healthy');
    const shown = showing(five, 'A043 -> 5');
    five.setAnswering(true);
    expect(await within(healthy, 'healthy again')).toEqual({ address: '05' });
    await shown;
    expect(sign.health().boards['05']).toMatchObject({ healthy: true });
  });

  it('reports a pulled line and reconnects when a new pair appears on the same paths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'huduma-alpha-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const first = await openPtyPair({ dir });
    const five = new AlphaSignEmulator({ address: '05' });
    const before = await five.attachSerial(first.devicePath);
    const sign = driver(first.hostPath, { lineCheckMs: 100, reconnectMs: 50, maxReconnectMs: 200 });
    await started(sign);
    const shown = showing(five, 'A042 -> 5');
    await within(sign.show('05', 'A042 -> 5'), 'show');
    await shown;

    const disconnected = nextEvent<Error | undefined>(sign, 'disconnected');
    await first.close(); // socat gone: the next idle line check (TIOCMGET) fails with EIO
    expect(await within(disconnected, 'disconnected')).toBeInstanceOf(Error);
    expect(sign.connected).toBe(false);
    await expect(sign.show('05', 'A044 -> 5')).rejects.toMatchObject({ code: 'not_connected' });
    await before.close(); // the sign's end is replugged too

    const reconnected = nextEvent(sign, 'connected');
    const second = await pair(dir);
    expect(second.hostPath).toBe(first.hostPath);
    const after = await five.attachSerial(second.devicePath);
    cleanup.push(() => after.close());
    await within(reconnected, 'the driver back on the new pair');
    const latest = showing(five, 'A045 -> 5');
    await within(sign.show('05', 'A045 -> 5'), 'show after reconnect');
    await latest;
  });
});
