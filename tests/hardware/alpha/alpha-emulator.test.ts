import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../runtime/clock.ts';
import { AlphaBus } from '../../../hardware/alpha/alpha-bus.ts';
import { AlphaSignEmulator } from '../../../hardware/alpha/alpha-emulator.ts';
import { encodePacket } from '../../../hardware/alpha/alpha-frame.ts';
import { fieldsForLines, writeSpecialBlock, writeTextPacket } from '../../../hardware/alpha/alpha-text.ts';
import { LoopbackBinding } from '../../../hardware/serial/loopback-binding.ts';
import { flush, hex } from '../board-test-kit.ts';

const text = (address: string, label: string, lines: string[], checksum = true): Buffer =>
  encodePacket(writeTextPacket(address, label, fieldsForLines(lines), { checksum }));

/** A bus whose host end is an in-process cable, with the bytes the signs sent back. */
async function busWithHost(): Promise<{ bus: AlphaBus; replies: number[]; close(): Promise<void> }> {
  const bus = new AlphaBus();
  const binding = new LoopbackBinding();
  bus.attachLoopback(binding.createPort('loop'));
  const port = await binding.open({ path: 'loop', baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 });
  const replies: number[] = [];
  port.onData((chunk) => replies.push(...chunk));
  return { bus, replies, close: () => port.close() };
}

describe('AlphaSignEmulator', () => {
  const signs: AlphaSignEmulator[] = [];
  const sign = (options: ConstructorParameters<typeof AlphaSignEmulator>[0]): AlphaSignEmulator => {
    const created = new AlphaSignEmulator(options);
    signs.push(created);
    return created;
  };
  afterEach(() => signs.splice(0).forEach((s) => s.close()));

  it('takes its own address and broadcast on a shared bus; the priority file overrides until cleared', async () => {
    const { bus } = await busWithHost();
    const five = sign({ address: '05' });
    const seven = sign({ address: 7 });
    five.attach(bus);
    seven.attach(bus);

    bus.fromHost(hex('00 00 00 00 00 01 5A 30 35 02 41 41 1B 20 62 41 30 34 32 20 2D 3E 20 35 03 30 32 44 42 04')); // §2 example
    await flush();
    expect(five.files.A).toMatchObject({ position: 'middle', mode: 'hold', text: 'A042 -> 5' });
    expect(five.shown()).toMatchObject({ label: 'A', text: 'A042 -> 5' });
    expect(seven.shown()).toBeNull();
    expect(seven.packetsReceived).toBe(0);

    bus.fromHost(hex('00 00 00 00 00 01 5A 30 30 02 41 30 1B 20 62 41 30 34 32 20 2D 3E 20 35 04')); // §2 broadcast, priority
    await flush();
    expect(five.shown()).toMatchObject({ label: '0', text: 'A042 -> 5' });
    expect(seven.shown()).toMatchObject({ label: '0', text: 'A042 -> 5' });

    bus.fromHost(text('00', '0', [], false)); // empty message clears the priority file
    await flush();
    expect(five.shown()).toMatchObject({ label: 'A', text: 'A042 -> 5' });
    expect(seven.shown()).toBeNull();

    bus.fromHost(text('0?', 'B', ['Ticket A043', '-> Counter 2'])); // wildcard nibble
    await flush();
    expect(five.files.B).toMatchObject({ position: 'top', mode: 'hold', text: 'Ticket A043\n-> Counter 2' });
    expect(seven.shown()).toMatchObject({ label: 'B' });
  });

  it('silently drops a bad checksum and counts it; answers ACK/NAK only when enabled, only to its own address', async () => {
    const { bus, replies } = await busWithHost();
    const five = sign({ address: '05' });
    five.attach(bus);
    const corrupt = text('05', 'A', ['A042 -> 5']);
    corrupt[corrupt.length - 2] = corrupt[corrupt.length - 2]! ^ 0x01;
    bus.fromHost(corrupt);
    await flush();
    expect(five.checksumErrors).toBe(1);
    expect(five.shown()).toBeNull();
    expect(replies).toEqual([]);

    five.setAckNak(true);
    bus.fromHost(Buffer.concat([corrupt, text('05', 'A', ['A042 -> 5']), text('00', 'A', ['all'])]));
    await flush();
    expect(replies).toEqual([0x15, 0x06]); // NAK, ACK; the broadcast unanswered
    expect(five.checksumErrors).toBe(2);
    expect(five.shown()).toMatchObject({ text: 'all' });
  });

  it('hears nothing while dead, and takes its address from the Serial Address special function', async () => {
    const { bus, replies } = await busWithHost();
    const five = sign({ address: '05', ackNak: true });
    five.attach(bus);
    five.setAnswering(false);
    bus.fromHost(text('05', 'A', ['lost']));
    await flush();
    expect(five.packetsReceived).toBe(0);
    expect(replies).toEqual([]);

    five.setAnswering(true);
    bus.fromHost(encodePacket({ type: 'Z', address: '05', blocks: [writeSpecialBlock('7', '09')] }));
    await flush();
    expect(five.address).toBe('09');
    expect(five.specials['7']).toEqual(Buffer.from('09'));
    bus.fromHost(Buffer.concat([text('05', 'A', ['old address']), text('09', 'A', ['new address'])]));
    await flush();
    expect(five.shown()).toMatchObject({ text: 'new address' });
    expect(replies).toEqual([0x06, 0x06]);
  });

  it('ends a packet the host stopped sending after the ~1 s gap (§2)', async () => {
    const clock = new ManualClock(0);
    const five = sign({ address: '05', clock });
    const packet = text('05', 'A', ['A042 -> 5'], false);
    five.receive(packet.subarray(0, packet.length - 3)); // no EOT; text cut to "A042 ->"
    clock.advance(1000);
    expect(five.shown()).toBeNull();
    clock.advance(2);
    expect(five.shown()).toMatchObject({ text: 'A042 ->' });
    five.receive(packet.subarray(packet.length - 3)); // the tail alone is noise
    expect(five.shown()).toMatchObject({ text: 'A042 ->' });
  });

  it('ignores type codes it does not serve and commands it does not emulate', async () => {
    const five = sign({ address: '05', typeCodes: ['1'] });
    five.receive(encodePacket({ ...writeTextPacket('05', 'A', fieldsForLines(['x'])), type: 'c' }));
    expect(five.packetsReceived).toBe(0);
    five.receive(encodePacket({ ...writeTextPacket('05', 'A', fieldsForLines(['one'])), type: '1' }));
    five.receive(encodePacket({ type: 'Z', address: '05', blocks: [{ command: 'G', data: Buffer.from('1abc'), checksum: true }] }));
    expect(five.packetsReceived).toBe(2);
    expect(five.shown()).toMatchObject({ text: 'one' });
  });
});
