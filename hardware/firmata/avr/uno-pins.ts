import { portBConfig, portCConfig, portDConfig, timer0Config, timer1Config, timer2Config, type AVRTimerConfig } from 'avr8js';
import { AvrHarnessError } from './avr-errors.ts';

/** Uno/Nano pin numbering as Firmata uses it: D0–D13, then A0–A5 as 14–19. */
export const PIN_COUNT = 20;

export type PortName = 'B' | 'C' | 'D';

/** Where an Arduino pin lives on the ATmega328P (Arduino `pins_arduino.h`, standard variant). */
export interface PinLocation {
  port: PortName;
  bit: number;
}

/** D0–D7 = PORTD0–7, D8–D13 = PORTB0–5, A0–A5 = PORTC0–5. */
export function pinLocation(pin: number): PinLocation {
  assertPin(pin);
  if (pin < 8) return { port: 'D', bit: pin };
  if (pin < 14) return { port: 'B', bit: pin - 8 };
  return { port: 'C', bit: pin - 14 };
}

/** The Arduino pin at `bit` of `port`, or undefined for PB6/PB7 (crystal) and PC6 (reset). */
export function pinAt(port: PortName, bit: number): number | undefined {
  if (port === 'D') return bit;
  if (port === 'B') return bit < 6 ? bit + 8 : undefined;
  return bit < 6 ? bit + 14 : undefined;
}

export function assertPin(pin: number): void {
  if (!Number.isInteger(pin) || pin < 0 || pin >= PIN_COUNT) {
    throw new AvrHarnessError('pin_invalid', `pin ${pin} is not an Uno/Nano pin (0–13 digital, 14–19 = A0–A5)`);
  }
}

/**
 * A timer output-compare unit that `analogWrite` connects to a pin. Registers are data
 * addresses; `shift` is the position of the two COMnx bits in TCCRnA (ATmega328P
 * datasheet, TCCR0A/TCCR1A/TCCR2A: COMnA at bits 7:6, COMnB at 5:4).
 */
export interface PwmChannel {
  pin: number;
  tccrA: number;
  shift: number;
  /** OCRnx (the low byte for timer 1: Arduino runs it as 8-bit phase-correct PWM). */
  ocr: number;
}

const PORT_NAMES = new Map<number, PortName>([
  [portBConfig.PORT, 'B'],
  [portCConfig.PORT, 'C'],
  [portDConfig.PORT, 'D'],
]);

function channels(config: AVRTimerConfig): PwmChannel[] {
  const units = [
    { port: config.compPortA, bit: config.compPinA, shift: 6, ocr: config.OCRA },
    { port: config.compPortB, bit: config.compPinB, shift: 4, ocr: config.OCRB },
  ];
  return units.map(({ port, bit, shift, ocr }) => ({ pin: pinAt(PORT_NAMES.get(port)!, bit)!, tccrA: config.TCCRA, shift, ocr }));
}

/**
 * The six PWM pins, taken from avr8js' own timer configs so they agree with the
 * simulator: D6/D5 (timer 0), D9/D10 (timer 1), D11/D3 (timer 2).
 */
export const PWM_CHANNELS: ReadonlyMap<number, PwmChannel> = new Map(
  [timer0Config, timer1Config, timer2Config].flatMap(channels).map((channel) => [channel.pin, channel]),
);
