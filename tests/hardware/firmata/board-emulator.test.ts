import { afterEach, describe, expect, it } from 'vitest';
import { FirmataBoardEmulator } from '../../../hardware/firmata/board-emulator.ts';
import { PinMode, type FirmataVersion } from '../../../hardware/firmata/constants.ts';
import { FirmataEmulatorError } from '../../../hardware/firmata/emulator-errors.ts';
import { hex, nextOutput, RawHost } from './firmata-test-kit.ts';

// Golden bytes from docs/protocols/firmata.md §2 / §3 (captured from real StandardFirmata).
const NAME = hex('53 00 74 00 61 00 6E 00 64 00 61 00 72 00 64 00 46 00 69 00 72 00 6D 00 61 00 74 00 61 00 2E 00 69 00 6E 00 6F 00');
const firmwareReport = (minor: number): number[] => [0xf0, 0x79, 0x02, minor, ...NAME, 0xf7];

/** The capability layout of §5, written out independently of `unoCapabilities`. */
function goldenCapabilities(version: FirmataVersion): number[] {
  const digital = version === '2.5' ? hex('00 01 0B 01 01 01') : hex('00 01 01 01');
  const bytes = hex('F0 6C 7F 7F'); // D0/D1 carry the serial link
  for (let pin = 2; pin <= 19; pin++) {
    bytes.push(...digital);
    if (pin >= 14) bytes.push(...hex('02 0A'));
    if ([3, 5, 6, 9, 10, 11].includes(pin)) bytes.push(...hex('03 08'));
    bytes.push(...hex('04 0E'));
    if (pin === 18 || pin === 19) bytes.push(...hex('06 01'));
    bytes.push(0x7f);
  }
  bytes.push(0xf7);
  return bytes;
}

const STRING_UNKNOWN_PIN_MODE = [0xf0, 0x71, ...[...Buffer.from('Unknown pin mode')].flatMap((c) => [c, 0]), 0xf7];

describe('FirmataBoardEmulator on the wire', () => {
  const hosts: RawHost[] = [];
  const boards: FirmataBoardEmulator[] = [];
  async function boot(firmataVersion: FirmataVersion): Promise<{ board: FirmataBoardEmulator; host: RawHost }> {
    const board = new FirmataBoardEmulator({ firmataVersion });
    const host = await RawHost.attach(board);
    boards.push(board);
    hosts.push(host);
    await host.next(3 + firmwareReport(0).length); // the boot report, checked below
    return { board, host };
  }
  afterEach(async () => {
    hosts.splice(0).forEach((host) => host.close());
    await Promise.all(boards.splice(0).map((board) => board.close()));
  });

  it.each([
    ['2.5', 5],
    ['2.4', 4],
  ] as const)('announces version and firmware when the port opens (%s)', async (firmataVersion, minor) => {
    const board = new FirmataBoardEmulator({ firmataVersion });
    boards.push(board);
    const host = await RawHost.attach(board);
    hosts.push(host);
    expect(await host.next(3)).toEqual([0xf9, 0x02, minor]);
    expect(await host.next(firmwareReport(minor).length)).toEqual(firmwareReport(minor));
  });

  it('answers F9 with the version only and F0 79 F7 with the firmware only', async () => {
    const { host } = await boot('2.5');
    host.send(0xf9);
    expect(await host.next(3)).toEqual(hex('F9 02 05'));
    host.send(0xf0, 0x79, 0xf7);
    expect(await host.next(firmwareReport(5).length)).toEqual(firmwareReport(5));
    expect(await host.pending()).toEqual([]);
  });

  it.each([
    ['2.5', 195],
    ['2.4', 159],
  ] as const)('answers the capability query with the Uno layout (%s, %i bytes)', async (firmataVersion, length) => {
    const { host } = await boot(firmataVersion);
    host.send(0xf0, 0x6b, 0xf7);
    const response = await host.next(length);
    expect(response).toEqual(goldenCapabilities(firmataVersion));
    expect(response.slice(2, 13)).toEqual(hex(firmataVersion === '2.5' ? '7F 7F 00 01 0B 01 01 01 04 0E 7F' : '7F 7F 00 01 01 01 04 0E 7F 00 01'));
  });

  it('answers the analog mapping query', async () => {
    const { host } = await boot('2.5');
    host.send(0xf0, 0x69, 0xf7);
    expect(await host.next(23)).toEqual([0xf0, 0x6a, ...new Array<number>(14).fill(0x7f), 0, 1, 2, 3, 4, 5, 0xf7]);
  });

  it('reports D2–D5 with INPUT_PULLUP at once, then every edge (2.5)', async () => {
    const { board, host } = await boot('2.5');
    host.send(...hex('F4 02 0B F4 03 0B F4 04 0B F4 05 0B D0 01'));
    expect(await host.next(3)).toEqual(hex('90 3C 00'));
    board.setInput(3, false);
    expect(await host.next(3)).toEqual(hex('90 34 00'));
    board.setInput(3, true);
    expect(await host.next(3)).toEqual(hex('90 3C 00'));
    host.send(...hex('F0 6D 02 F7'));
    expect(await host.next(6)).toEqual(hex('F0 6E 02 0B 01 F7'));
  });

  it('sends one message per bounce edge: the firmware does not debounce (§5.2)', async () => {
    const { board, host } = await boot('2.5');
    host.send(...hex('F4 02 0B D0 01'));
    expect(await host.next(3)).toEqual(hex('90 04 00'));
    for (const level of [false, true, false, true, false, true, false]) board.setInput(2, level);
    expect(await host.next(21)).toEqual(hex('90 00 00 90 04 00 90 00 00 90 04 00 90 00 00 90 04 00 90 00 00'));
  });

  it('does not know INPUT_PULLUP on 2.4: says so, keeps the mode and stops reporting the pin', async () => {
    const { board, host } = await boot('2.4');
    host.send(...hex('F4 02 0B D0 01'));
    expect(await host.next(STRING_UNKNOWN_PIN_MODE.length)).toEqual(STRING_UNKNOWN_PIN_MODE);
    expect(await host.next(3)).toEqual(hex('90 00 00'));
    expect(board.pinMode(2)).toBe(PinMode.OUTPUT);
    expect(board.pullupEnabled(2)).toBe(false);
  });

  it('2.4: legacy pull-up is the port latch; a port write with bit 2 = 0 turns it off', async () => {
    const { board, host } = await boot('2.4');
    host.send(...hex('F4 02 00 90 04 00 D0 01'));
    expect(await host.next(3)).toEqual(hex('90 04 00'));
    expect(board.pullupEnabled(2)).toBe(true);
    host.send(...hex('F0 6D 02 F7'));
    expect(await host.next(6)).toEqual(hex('F0 6E 02 00 01 F7'));

    const d7 = nextOutput(board, (change) => change.pin === 7);
    host.send(...hex('90 00 01')); // drives D7 (an OUTPUT since reset) high, D2's bit is 0
    await expect(d7).resolves.toEqual({ pin: 7, high: true });
    expect(board.pullupEnabled(2)).toBe(false);
    expect(await host.next(3)).toEqual(hex('90 00 00')); // D2 now floats and reads 0
    host.send(...hex('F0 6D 02 F7'));
    expect(await host.next(6)).toEqual(hex('F0 6E 02 00 00 F7'));
  });

  it('2.5: a 0 in the port write clears the reported state but leaves the pull-up on', async () => {
    const { board, host } = await boot('2.5');
    host.send(...hex('F4 02 00 90 04 00 D0 01'));
    expect(await host.next(3)).toEqual(hex('90 04 00'));
    host.send(...hex('90 00 01'));
    host.send(...hex('F0 6D 02 F7'));
    expect(await host.next(6)).toEqual(hex('F0 6E 02 00 00 F7'));
    expect(board.pullupEnabled(2)).toBe(true);
    expect(await host.pending()).toEqual([]); // no edge: D2 still reads high
  });

  it('drives PWM from ANALOG_MESSAGE and EXTENDED_ANALOG, digital pins from port writes and F5', async () => {
    const { board, host } = await boot('2.5');
    const changes: unknown[] = [];
    board.on('output', (change) => changes.push(change));
    host.send(...hex('F4 06 03 E6 7F 01'));
    expect(board.outputHigh(6)).toBe(true);
    expect(board.pwmValue(6)).toBe(255);
    host.send(...hex('F0 6F 06 10 00 F7'));
    expect(board.pwmValue(6)).toBe(16);
    host.send(...hex('F4 08 01 F5 08 01'));
    expect(board.outputHigh(8)).toBe(true);
    host.send(...hex('91 00 00'));
    expect(board.outputHigh(8)).toBe(false);
    expect(changes).toEqual([
      { pin: 6, high: false, pwm: 0 },
      { pin: 6, high: true, pwm: 255 },
      { pin: 6, high: true, pwm: 16 },
      { pin: 8, high: true },
      { pin: 8, high: false },
    ]);
    expect(await host.pending()).toEqual([]);
  });

  it('2.4 ignores F5 (its parser has no SET_DIGITAL_PIN_VALUE)', async () => {
    const { board, host } = await boot('2.4');
    host.send(...hex('F4 08 01 F5 08 01'));
    expect(board.outputHigh(8)).toBe(false);
    host.send(...hex('91 01 00'));
    expect(board.outputHigh(8)).toBe(true);
  });

  it('resets on FF without re-announcing, as FirmataClass::systemReset does', async () => {
    const { board, host } = await boot('2.5');
    host.send(...hex('F4 02 0B D0 01'));
    expect(await host.next(3)).toEqual(hex('90 04 00'));
    host.send(0xff);
    expect(board.pinMode(2)).toBe(PinMode.OUTPUT);
    expect(board.pinMode(14)).toBe(PinMode.ANALOG);
    board.setInput(2, false);
    expect(await host.pending()).toEqual([]); // reporting is off again
    expect(board.received.map((message) => message.type)).toEqual(['setPinMode', 'reportDigital', 'systemReset']);
  });

  it('records unknown sysex, replies nothing, and keeps going after garbage', async () => {
    const { board, host } = await boot('2.5');
    host.send(...hex('F0 70 02 10 00 F7 12 34 F0 6D 02 F7'));
    expect(await host.next(6)).toEqual(hex('F0 6E 02 01 00 F7'));
    expect(board.received).toEqual([
      { type: 'unknown', command: 0x70, data: [0x02, 0x10, 0x00] },
      { type: 'pinStateQuery', pin: 2 },
    ]);
  });

  it('reports an analog channel when asked, and its changes', async () => {
    const { board, host } = await boot('2.5');
    board.setAnalogInput(0, 700);
    host.send(...hex('C0 01'));
    expect(await host.next(3)).toEqual(hex('E0 3C 05'));
    board.setAnalogInput(0, 3);
    expect(await host.next(3)).toEqual(hex('E0 03 00'));
  });

  it('boots afresh when re-plugged, as the DTR auto-reset does, keeping the wiring', async () => {
    const { board, host } = await boot('2.5');
    host.send(...hex('F4 02 0B F4 07 01 90 00 01'));
    expect(board.outputHigh(7)).toBe(true);
    board.setInput(2, false);
    const detached = new Promise((resolve) => board.once('detach', resolve));
    host.close();
    await detached;
    expect(board.attached).toBe(false);

    const again = await RawHost.attach(board);
    hosts.push(again);
    expect(await again.next(3)).toEqual(hex('F9 02 05'));
    expect(board.outputHigh(7)).toBe(false);
    expect(board.pinMode(2)).toBe(PinMode.OUTPUT);
    await again.next(firmwareReport(5).length);
    again.send(...hex('F4 02 00 D0 01'));
    expect(await again.next(3)).toEqual(hex('90 00 00')); // the button is still held
  });

  it('refuses bad pins, a second attachment, and use after close', async () => {
    const { board } = await boot('2.5');
    expect(() => board.setInput(20, true)).toThrow(FirmataEmulatorError);
    expect(() => board.attachTransport()).toThrow(expect.objectContaining({ code: 'board_attached' }));
    await board.close();
    expect(() => board.attachTransport()).toThrow(expect.objectContaining({ code: 'board_closed' }));
  });
});
