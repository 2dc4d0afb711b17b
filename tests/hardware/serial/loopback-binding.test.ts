import { describe, expect, it } from 'vitest';
import { LoopbackBinding } from '../../../hardware/serial/loopback-binding.ts';
import type { SerialSettings } from '../../../hardware/serial/serial-binding.ts';
import { flush, within } from '../board-test-kit.ts';

const at = (path: string): SerialSettings => ({ path, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
const lostOf = (port: { onLost(listener: (error: Error) => void): void }): Promise<Error> => new Promise((resolve) => port.onLost(resolve));

/** What the loopback binding does beyond the shared contract: what its device end sees, and how a pull is heard. */
describe('LoopbackBinding', () => {
  it('tells the device when a host opens and closes, and refuses a second host (EBUSY)', async () => {
    const binding = new LoopbackBinding();
    const device = binding.createPort('p');
    const seen: string[] = [];
    device.on('hostOpen', (settings) => seen.push(`open ${settings.baudRate}`));
    device.on('hostClose', (error) => seen.push(`close ${error ? 'error' : 'clean'}`));
    const port = await binding.open(at('p'));
    await expect(binding.open(at('p'))).rejects.toMatchObject({ code: 'EBUSY' });
    await port.close();
    expect(seen).toEqual(['open 9600', 'close clean']);
    await expect(binding.open(at('nowhere'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a pulled USB adapter is lost at once; a quiet pull only fails I/O; a replug opens afresh', async () => {
    const binding = new LoopbackBinding();
    const device = binding.createPort('p');
    const loud = await binding.open(at('p'));
    const lost = lostOf(loud);
    device.unplug();
    expect(await within(lost, 'the loss')).toMatchObject({ code: 'EIO' });
    await expect(binding.open(at('p'))).rejects.toMatchObject({ code: 'ENOENT' });

    device.plug();
    const quiet = await binding.open(at('p'));
    let heard = false;
    quiet.onLost(() => (heard = true));
    device.unplug({ quiet: true });
    await flush();
    expect(heard).toBe(false);
    await expect(quiet.get()).rejects.toMatchObject({ code: 'EIO' });
    await expect(quiet.write(Buffer.from('x'))).rejects.toMatchObject({ code: 'EIO' });
    device.plug();
    const fresh = await binding.open(at('p'));
    expect(fresh.isOpen).toBe(true);
  });

  it('the device can hang up on its host, and hold it off until it takes bytes again', async () => {
    const binding = new LoopbackBinding();
    const device = binding.createPort('p');
    const got: string[] = [];
    device.on('hostBytes', (bytes) => got.push(bytes.toString()));
    const port = await binding.open(at('p'));
    device.hold(true);
    let drained = false;
    const write = port.write(Buffer.from('held')).then(() => (drained = true));
    await flush();
    expect([got, drained]).toEqual([[], false]);
    device.hold(false);
    await write;
    expect(got).toEqual(['held']);
    const lost = lostOf(port);
    device.hangUp(new Error('switched off'));
    expect((await within(lost, 'the hang-up')).message).toBe('switched off');
    expect(device.plugged).toBe(true);
  });
});
