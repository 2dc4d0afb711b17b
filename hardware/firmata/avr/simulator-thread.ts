// The simulator thread: runs the ATmega328P paced to wall time, so StandardFirmata's
// millis(), sampling interval and UART see real timing, and so the instruction loop
// (2–3.4x real time flat out on one core, docs/protocols/firmata.md §5; ~2x on the 2-core
// test VM once the JIT has warmed up) never holds up the event loop of the process
// under test, which also runs an MQTT hub and the bridge.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { PinState } from 'avr8js';
import type { OutputChange } from '../simulated-board.ts';
import { Atmega328p, CLOCK_HZ } from './atmega328p.ts';
import { toProgramWords } from './intel-hex.ts';
import type { FromSimulator, SimulatorSetup, ToSimulator } from './simulator-messages.ts';
import { PIN_COUNT, PWM_CHANNELS, pinAt, type PortName } from './uno-pins.ts';

const port = parentPort!;
const setup = workerData as SimulatorSetup;
const program = toProgramWords(setup.flash);
const inputs = setup.inputs.slice();
const send = (message: FromSimulator, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const CYCLES_PER_MS = CLOCK_HZ / 1000;
// Simulated time run per wake-up at most. If this thread was starved (a loaded CI box),
// simulated time falls behind instead of catching up in one long burst that would delay
// host bytes and then deliver a flood of output at once.
const MAX_SLICE_CYCLES = 20 * CYCLES_PER_MS;
// setTimeout's floor: host bytes wait at most about this long before the firmware sees them.
const WAKE_MS = 1;

let machine: Atmega328p | null = null;
let timer: NodeJS.Timeout | null = null;
let targetCycle = 0;
let lastWake = 0;
let tx: number[] = [];
let changes: OutputChange[] = [];
// What the main thread was last told about each pin.
const reportedHigh: boolean[] = new Array<boolean>(PIN_COUNT).fill(false);
const reportedPwm: Array<number | undefined> = new Array<number | undefined>(PIN_COUNT).fill(undefined);

function reset(): void {
  machine = new Atmega328p(program, inputs, { transmit: (byte) => tx.push(byte), portChanged });
  targetCycle = 0;
  lastWake = performance.now();
  // A fresh chip has every pin an input: whatever was driven before is not any more.
  for (let pin = 0; pin < PIN_COUNT; pin++) report(pin);
  if (!timer) timer = setTimeout(slice, WAKE_MS);
}

function slice(): void {
  timer = null;
  if (!machine) return;
  const now = performance.now();
  targetCycle += Math.min((now - lastWake) * CYCLES_PER_MS * setup.speed, MAX_SLICE_CYCLES);
  lastWake = now;
  machine.runUntil(targetCycle);
  // A PWM duty change moves no port bit by itself; look at the compare units once a slice.
  for (const pin of PWM_CHANNELS.keys()) report(pin);
  flush();
  timer = setTimeout(slice, WAKE_MS);
}

function portChanged(name: PortName): void {
  for (let bit = 0; bit < 8; bit++) {
    const pin = pinAt(name, bit);
    if (pin !== undefined) report(pin);
  }
}

/**
 * Reports `pin` if its level changed. A pin under timer PWM counts as high with its duty,
 * not as ~1,000 toggles a second (timer 0 runs at 976 Hz): the hub only needs "is this
 * LED lit". Only the chip is visible here, so `pwm` appears only while a timer drives
 * the pin: the Arduino core turns analogWrite(0) and analogWrite(255) into plain
 * digitalWrite LOW/HIGH (wiring_analog.c), which report as levels without `pwm`.
 */
function report(pin: number): void {
  const duty = machine!.pwmDuty(pin);
  const high = duty === undefined ? machine!.pinState(pin) === PinState.High : duty > 0;
  if (high === reportedHigh[pin] && duty === reportedPwm[pin]) return;
  reportedHigh[pin] = high;
  reportedPwm[pin] = duty;
  changes.push(duty === undefined ? { pin, high } : { pin, high, pwm: duty });
}

function flush(): void {
  if (changes.length > 0) {
    send({ type: 'output', changes });
    changes = [];
  }
  if (tx.length > 0) {
    const bytes = Uint8Array.from(tx);
    send({ type: 'tx', bytes }, [bytes.buffer]);
    tx = [];
  }
}

port.on('message', (message: ToSimulator) => {
  switch (message.type) {
    case 'reset':
      reset();
      break;
    case 'rx':
      // While the board is held in reset (never powered up yet) the bytes go nowhere.
      machine?.receive(message.bytes);
      break;
    case 'input':
      inputs[message.pin] = message.level;
      machine?.setInput(message.pin, message.level);
      break;
    case 'stop':
      machine = null;
      if (timer) clearTimeout(timer);
      timer = null;
      port.close();
      break;
  }
});

send({ type: 'ready' });
