import {
  AVRADC,
  AVRClock,
  AVRIOPort,
  AVRTimer,
  AVRUSART,
  CPU,
  PinState,
  adcConfig,
  avrInstruction,
  clockConfig,
  portBConfig,
  portCConfig,
  portDConfig,
  timer0Config,
  timer1Config,
  timer2Config,
  usart0Config,
} from 'avr8js';
import { PIN_COUNT, PWM_CHANNELS, pinAt, pinLocation, type PortName } from './uno-pins.ts';

/** Uno and Nano run the ATmega328P from a 16 MHz crystal. */
export const CLOCK_HZ = 16_000_000;
/** 32 KiB of flash. */
export const FLASH_BYTES = 0x8000;

/**
 * What the outside world does to an input pin: drive it `true`/`false`, or leave it open
 * (`null`), when it reads whatever the chip's own pull-up makes of it.
 */
export type InputLevel = boolean | null;

export interface Atmega328pEvents {
  /** A byte the firmware wrote to UDR0 (its serial TX). */
  transmit(byte: number): void;
  /** A port's output latch or direction changed (any pin of `port` may have changed). */
  portChanged(port: PortName): void;
}

/**
 * An Uno/Nano: avr8js' CPU with the peripherals StandardFirmata touches (timers for
 * `millis()` and PWM, USART0 for Serial, GPIO B/C/D, the ADC for analogRead), plus the
 * wiring around it. One instance per power-on: a reset builds a new one.
 *
 * avr8js does not model the internal pull-ups (docs/protocols/firmata.md §5: an open input
 * reads 0, so an active-low button reads pressed at boot). The wiring model here supplies
 * them: an open pin reads high exactly when the firmware has the pin as an input with its
 * PORT bit set (ATmega328P datasheet, "Configuring the Pin": DDxn=0, PORTxn=1 = pull-up),
 * which is what Firmata 2.4's legacy "write HIGH to an INPUT" does.
 */
export class Atmega328p {
  readonly cpu: CPU;
  readonly #usart: AVRUSART;
  readonly #ports: Record<PortName, AVRIOPort>;
  readonly #inputs: InputLevel[];
  readonly #rxQueue: number[] = [];

  constructor(program: Uint16Array, inputs: readonly InputLevel[], events: Atmega328pEvents) {
    this.cpu = new CPU(program);
    new AVRTimer(this.cpu, timer0Config);
    new AVRTimer(this.cpu, timer1Config);
    new AVRTimer(this.cpu, timer2Config);
    new AVRClock(this.cpu, CLOCK_HZ, clockConfig);
    // Without the ADC an analogRead() would spin forever waiting for ADSC to clear.
    new AVRADC(this.cpu, adcConfig);
    this.#usart = new AVRUSART(this.cpu, usart0Config, CLOCK_HZ);
    this.#ports = { B: new AVRIOPort(this.cpu, portBConfig), C: new AVRIOPort(this.cpu, portCConfig), D: new AVRIOPort(this.cpu, portDConfig) };
    this.#inputs = Array.from({ length: PIN_COUNT }, (_, pin) => inputs[pin] ?? null);

    this.#usart.onByteTransmit = (byte) => events.transmit(byte);
    // One byte on the wire at a time, at the baud rate the firmware configured: the next
    // host byte starts when the previous one has been received (docs/protocols/firmata.md §5).
    this.#usart.onRxComplete = () => this.#feed();
    for (const name of ['B', 'C', 'D'] as const) {
      this.#ports[name].addListener(() => {
        this.#applyInputs(name);
        events.portChanged(name);
      });
      this.#applyInputs(name);
    }
  }

  /** Executes instructions until the cycle counter reaches `cycle`. */
  runUntil(cycle: number): void {
    const cpu = this.cpu;
    while (cpu.cycles < cycle) {
      avrInstruction(cpu);
      cpu.tick();
    }
  }

  /** Queues bytes arriving on RX0 from the host. */
  receive(bytes: Uint8Array): void {
    for (const byte of bytes) this.#rxQueue.push(byte);
    this.#feed();
  }

  setInput(pin: number, level: InputLevel): void {
    this.#inputs[pin] = level;
    this.#applyInputs(pinLocation(pin).port);
  }

  pinState(pin: number): PinState {
    const { port, bit } = pinLocation(pin);
    return this.#ports[port].pinState(bit);
  }

  /** The duty (OCRnx) when a timer drives `pin` as PWM, else undefined. */
  pwmDuty(pin: number): number | undefined {
    const channel = PWM_CHANNELS.get(pin);
    if (!channel) return undefined;
    const { port, bit } = pinLocation(pin);
    const data = this.cpu.data;
    const isOutput = (data[this.#ports[port].portConfig.DDR]! >> bit) & 1;
    const compareMode = (data[channel.tccrA]! >> channel.shift) & 0b11;
    return isOutput && compareMode !== 0 ? data[channel.ocr]! : undefined;
  }

  #feed(): void {
    const usart = this.#usart;
    if (this.#rxQueue.length === 0 || usart.rxBusy) return;
    // Before Serial.begin() the receiver is off and a real UART ignores the line: bytes
    // sent then are lost, as they are while a real board is still in its bootloader.
    if (!usart.rxEnable) {
      this.#rxQueue.length = 0;
      return;
    }
    usart.writeByte(this.#rxQueue.shift()!);
  }

  /** Presents each pin's external level (or its pull-up, when open) on the PIN register. */
  #applyInputs(name: PortName): void {
    const port = this.#ports[name];
    for (let bit = 0; bit < 8; bit++) {
      const pin = pinAt(name, bit);
      if (pin === undefined) continue;
      const level = this.#inputs[pin];
      port.setPin(bit, level ?? port.pinState(bit) === PinState.InputPullUp);
    }
  }
}
