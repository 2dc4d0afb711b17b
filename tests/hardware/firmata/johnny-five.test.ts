import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { FirmataBoardEmulator } from '../../../hardware/firmata/board-emulator.ts';
import { PinMode, type FirmataVersion } from '../../../hardware/firmata/constants.ts';
import { asEmitter, Firmata, five, nextOutput, readyBoard, within, type FirmataIo } from './firmata-test-kit.ts';

describe.each<FirmataVersion>(['2.5', '2.4'])('firmata-io 2.3.0 + johnny-five 2.1.0 on the emulator (Firmata %s)', (firmataVersion) => {
  let emulator: FirmataBoardEmulator;
  let io: FirmataIo | undefined;
  afterEach(async () => {
    // Close the host's transport or the process stays alive (docs/protocols/firmata.md §6).
    io?.transport.close?.();
    io = undefined;
    await emulator.close();
  });

  async function connect(): Promise<import('johnny-five').Board> {
    emulator = new FirmataBoardEmulator({ firmataVersion });
    // Default reportVersionTimeout (5 s): the boot report must make it ready without asking.
    io = new Firmata(emulator.attachTransport());
    const started = Date.now();
    const board = await readyBoard(io);
    expect(Date.now() - started).toBeLessThan(1000);
    return board;
  }

  it('reaches ready from the boot report and the capability queries', async () => {
    await connect();
    expect(io!.version).toEqual({ major: 2, minor: firmataVersion === '2.5' ? 5 : 4 });
    expect(io!.firmware.name).toBe('StandardFirmata.ino');
    expect(io!.pins).toHaveLength(20);
    expect(io!.pins[2]!.supportedModes.includes(io!.MODES.PULLUP)).toBe(firmataVersion === '2.5');
    expect(emulator.received.map((message) => message.type)).toEqual(['capabilityQuery', 'analogMappingQuery']);
  });

  it('a Button with isPullup sees press and release', async () => {
    const board = await connect();
    const button = asEmitter(new five.Button({ pin: 2, isPullup: true, board }));
    // The legacy pull-up (INPUT + write HIGH) on both versions: johnny-five never sends 0B.
    expect(emulator.pinMode(2)).toBe(PinMode.INPUT);
    expect(emulator.pullupEnabled(2)).toBe(true);

    const pressed = within(once(button, 'press'), 'press');
    emulator.setInput(2, false);
    await pressed;
    // Awaiting `press` is what holds the level past johnny-five's 7 ms debounce; a
    // release before it fires would leave a single `release` (docs/protocols/firmata.md §7).
    const released = within(once(button, 'release'), 'release');
    emulator.setInput(2, true);
    await released;
  });

  it('a bounce burst reaches the host edge by edge but johnny-five debounces it to one press', async () => {
    const board = await connect();
    const button = asEmitter(new five.Button({ pin: 3, isPullup: true, board }));
    let presses = 0;
    button.on('press', () => presses++);
    const reads: number[] = [];
    io!.on('digital-read-3', (value: number) => reads.push(value));
    const pressed = within(once(button, 'press'), 'press');
    for (const level of [false, true, false, true, false]) emulator.setInput(3, level);
    await pressed;
    expect(reads.slice(-5)).toEqual([0, 1, 0, 1, 0]);
    expect(presses).toBe(1);
  });

  it('Led on PWM pin 6 turns the pin on through analogWrite', async () => {
    const board = await connect();
    const lit = nextOutput(emulator, (change) => change.pin === 6 && change.high);
    new five.Led({ pin: 6, board }).on();
    await expect(lit).resolves.toEqual({ pin: 6, high: true, pwm: 255 });
    expect(emulator.outputHigh(6)).toBe(true);
    expect(emulator.pinMode(6)).toBe(PinMode.PWM);
  });

  it('Led on digital pin 8 turns the pin on and off through port writes', async () => {
    const board = await connect();
    const led = new five.Led({ pin: 8, board });
    const lit = nextOutput(emulator, (change) => change.pin === 8 && change.high);
    led.on();
    await expect(lit).resolves.toEqual({ pin: 8, high: true });
    const dark = nextOutput(emulator, (change) => change.pin === 8 && !change.high);
    led.off();
    await dark;
    expect(emulator.pinMode(8)).toBe(PinMode.OUTPUT);
  });

  // firmata-io copies reported input levels into its port cache, so a write to another
  // pin of port 0 while a button is held sends that button's bit as 0. On 2.4 that is
  // the pull-up switched off; on 2.5 it only changes the reported pin state.
  it(`a port-0 write while D2 is held ${firmataVersion === '2.4' ? 'switches its pull-up off' : 'leaves its pull-up on'}`, async () => {
    await connect();
    const host = io!;
    host.pinMode(2, host.MODES.INPUT);
    host.digitalWrite(2, 1);
    // The first report is the idle level (high); wait for the one after the press.
    const low = within(new Promise<void>((resolve) => host.on('digital-read-2', (value: number) => value === 0 && resolve())), 'D2 low');
    host.digitalRead(2, () => undefined);
    emulator.setInput(2, false);
    await low;

    const d7 = nextOutput(emulator, (change) => change.pin === 7 && change.high);
    host.pinMode(7, host.MODES.OUTPUT);
    host.digitalWrite(7, 1);
    await d7;
    expect(emulator.received.at(-1)).toEqual({ type: 'digitalMessage', port: 0, value: 0x80 });
    expect(emulator.pullupEnabled(2)).toBe(firmataVersion === '2.5');
  });
});
