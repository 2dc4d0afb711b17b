import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPtyPair } from '../../../hardware/serial/pty-pair.ts';
import { DmdDisplay, type DmdDisplayOptions } from '../../../hardware/vfd/dmd-display.ts';
import { DmdDisplayEmulator } from '../../../hardware/vfd/dmd-emulator.ts';
import { nextEvent, within } from '../board-test-kit.ts';

/** Over real socat PTY pairs (docs/protocols/serial-lines.md §2): driver on the host end, display on the device end. */
describe('DmdDisplay over a PTY pair', () => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  function driver(path: string, options: Partial<DmdDisplayOptions> = {}): DmdDisplay {
    const display = new DmdDisplay({ path, ...options });
    cleanup.push(() => display.stop());
    return display;
  }

  const showing = (display: DmdDisplayEmulator, line1: string, line2: string): Promise<unknown> =>
    within(
      nextEvent<[string, string]>(display, 'changed', ([first, second]) => first.trimEnd() === line1 && second.trimEnd() === line2),
      `"${line1}" / "${line2}" on the display`,
    );

  it('shows both lines of a call on the display', async () => {
    const pair = await openPtyPair();
    cleanup.push(() => pair.close());
    const display = new DmdDisplayEmulator();
    const attachment = await display.attachSerial(pair.devicePath);
    cleanup.push(() => attachment.close());
    const counter = driver(pair.hostPath);
    const healthy = nextEvent(counter, 'healthy');
    counter.start();
    await within(healthy, 'the driver to open the PTY');

    const shown = showing(display, 'Ticket A042', '-> Counter 5');
    await within(counter.show('Ticket A042', '-> Counter 5'), 'show');
    await shown;
    expect(display.lines()).toEqual(['Ticket A042         ', '-> Counter 5        ']);
    expect(counter.health()).toMatchObject({ connected: true, healthy: true });
  });

  it('reports a pulled line and reconnects when a new pair appears on the same paths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'huduma-dmd-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const first = await openPtyPair({ dir });
    const display = new DmdDisplayEmulator();
    const before = await display.attachSerial(first.devicePath);
    const counter = driver(first.hostPath, { lineCheckMs: 100, reconnectMs: 50, maxReconnectMs: 200 });
    const connected = nextEvent(counter, 'connected');
    counter.start();
    await within(connected, 'connected');
    const shown = showing(display, 'Ticket A042', '-> Counter 5');
    await within(counter.show('Ticket A042', '-> Counter 5'), 'show');
    await shown;

    const unhealthy = nextEvent(counter, 'unhealthy');
    const disconnected = nextEvent<Error | undefined>(counter, 'disconnected');
    await first.close(); // socat gone: the next idle line check (TIOCMGET) fails with EIO
    expect(await within(disconnected, 'disconnected')).toBeInstanceOf(Error);
    expect(await unhealthy).toMatchObject({ code: 'disconnected' });
    await expect(counter.show('Ticket A043', '-> Counter 5')).rejects.toMatchObject({ code: 'not_connected' });
    await before.close(); // the display's end is replugged too

    const healthy = nextEvent(counter, 'healthy');
    const second = await openPtyPair({ dir });
    cleanup.push(() => second.close());
    expect(second.hostPath).toBe(first.hostPath);
    const after = await display.attachSerial(second.devicePath);
    cleanup.push(() => after.close());
    await within(healthy, 'healthy on the new pair');
    const latest = showing(display, 'Ticket A044', '-> Counter 6');
    await within(counter.show('Ticket A044', '-> Counter 6'), 'show after reconnect');
    await latest;
  });
});
