import { isAnalogPin, isDigitalPin, isI2cPin, isPwmPin, PinMode, UNO_TOTAL_PINS, UNO_TOTAL_PORTS, type FirmataVersion } from './constants.ts';

interface Pin {
  /** Firmata's `pinConfig`: the mode the host set (what PIN_STATE reports). */
  mode: number;
  /** Firmata's `pinState`: last value written, or the pull-up state of an input. */
  state: number;
  /** The AVR PORT bit: output level when driven, pull-up enable when not. */
  latch: boolean;
  /** PWM duty (the 8-bit OCR register) while the pin is in PWM mode. */
  pwm: number | undefined;
  /** Level the outside wiring forces on the pin, if any. */
  external: boolean | undefined;
}

const freshPin = (external?: boolean): Pin => ({ mode: PinMode.INPUT, state: 0, latch: false, pwm: undefined, external });
const isDriven = (pin: Pin): boolean => pin.mode === PinMode.OUTPUT || pin.mode === PinMode.PWM;
const bitOf = (pin: number): number => 1 << (pin & 7);

/**
 * The 20 pins of an ATmega328P under StandardFirmata: Firmata's per-pin `pinConfig` and
 * `pinState` over the AVR's DDR/PORT/PIN bits, with the pin-level callbacks of
 * firmata/arduino `StandardFirmata.ino` where 2.4.x (April 2015) and 2.5.x differ.
 */
export class PinBank {
  readonly #version: FirmataVersion;
  #pins: Pin[] = Array.from({ length: UNO_TOTAL_PINS }, () => freshPin());

  constructor(version: FirmataVersion) {
    this.#version = version;
  }

  /** Power-on/reset of the AVR: DDR and PORT cleared; the outside wiring stays. */
  powerOn(): void {
    this.#pins = this.#pins.map((pin) => freshPin(pin.external));
  }

  mode(pin: number): number | undefined {
    return this.#pins[pin]?.mode;
  }

  state(pin: number): number | undefined {
    return this.#pins[pin]?.state;
  }

  pullupEnabled(pin: number): boolean {
    const record = this.#pins[pin];
    return record !== undefined && !isDriven(record) && record.latch;
  }

  /** Driven high by OUTPUT, or PWM with a non-zero duty (an LED on it is lit). */
  outputHigh(pin: number): boolean {
    const record = this.#pins[pin];
    if (!record || !isDriven(record)) return false;
    return record.mode === PinMode.PWM ? (record.pwm ?? 0) > 0 : record.latch;
  }

  pwmValue(pin: number): number | undefined {
    const record = this.#pins[pin];
    return record?.mode === PinMode.PWM ? record.pwm : undefined;
  }

  setExternal(pin: number, level: boolean | undefined): void {
    const record = this.#pins[pin];
    if (record) record.external = level;
  }

  /**
   * The PIN bits of Firmata port `port` (`readPort`; D0/D1 always 0). Wiring wins, else
   * the driven level, else the pull-up; a floating pin reads 0, as in avr8js.
   */
  readPort(port: number): number {
    let value = 0;
    for (let pinNumber = Math.max(2, port * 8); pinNumber < Math.min(port * 8 + 8, UNO_TOTAL_PINS); pinNumber++) {
      const pin = this.#pins[pinNumber]!;
      const high = pin.external ?? (isDriven(pin) ? this.outputHigh(pinNumber) : pin.latch);
      if (high) value |= bitOf(pinNumber);
    }
    return value;
  }

  /**
   * The `switch (mode)` of `setPinModeCallback`, after it zeroed `pinState`. Returns
   * false where the firmware hits `default:` (an unknown mode: it says so and leaves
   * the mode as it was).
   */
  setMode(pinNumber: number, mode: number): boolean {
    const pin = this.#pins[pinNumber];
    if (!pin) return true;
    pin.state = 0;
    const digital = isDigitalPin(pinNumber);
    switch (mode) {
      case PinMode.ANALOG:
        if (isAnalogPin(pinNumber)) configure(pin, PinMode.ANALOG, false);
        return true;
      case PinMode.INPUT:
        // pinMode(INPUT) clears the PORT bit too (Arduino ≥ 1.0.1): pull-up off.
        if (digital) configure(pin, PinMode.INPUT, false);
        return true;
      case PinMode.OUTPUT:
        // 2.4 writes LOW first ("disable PWM"); 2.5 only when leaving PWM, so a pin
        // whose latch was high (a pull-up) starts out driving high.
        if (digital) configure(pin, PinMode.OUTPUT, this.#version === '2.5' && pin.mode !== PinMode.PWM ? pin.latch : false);
        return true;
      case PinMode.PWM:
        if (isPwmPin(pinNumber)) {
          configure(pin, PinMode.PWM, false); // analogWrite(pin, 0)
          pin.pwm = 0;
        }
        return true;
      case PinMode.SERVO:
        if (digital) configure(pin, PinMode.SERVO, pin.latch);
        return true;
      case PinMode.I2C:
        if (isI2cPin(pinNumber)) configure(pin, PinMode.I2C, pin.latch);
        return true;
      case PinMode.PULLUP:
        if (this.#version === '2.4') return false; // 2.4 has no INPUT_PULLUP
        if (digital) {
          configure(pin, PinMode.PULLUP, true);
          pin.state = 1;
        }
        return true;
      default:
        return false;
    }
  }

  /** `digitalWriteCallback`: only pins in OUTPUT or INPUT mode are touched. */
  writePort(port: number, value: number): void {
    if (port >= UNO_TOTAL_PORTS) return;
    for (let pinNumber = port * 8; pinNumber < Math.min(port * 8 + 8, UNO_TOTAL_PINS); pinNumber++) {
      const pin = this.#pins[pinNumber]!;
      if (!isDigitalPin(pinNumber) || (pin.mode !== PinMode.OUTPUT && pin.mode !== PinMode.INPUT)) continue;
      const bit = (value & bitOf(pinNumber)) !== 0;
      if (pin.mode === PinMode.OUTPUT || this.#version === '2.4') {
        // 2.4 writes the PORT bit of INPUT pins too: 1 turns the pull-up on, 0 off
        // (docs/protocols/firmata.md §3, legacy pull-up).
        pin.latch = bit;
      } else if (bit && pin.state !== 1) {
        // 2.5 only ever enables it (`pinMode(pin, INPUT_PULLUP)`); a 0 changes the
        // reported state but leaves the pull-up on.
        pin.latch = true;
      }
      pin.state = bit ? 1 : 0;
    }
  }

  /** `F5`, 2.5's `setPinValueCallback`: OUTPUT pins only. 2.4's parser ignores F5. */
  setPinValue(pinNumber: number, value: number): void {
    const pin = this.#pins[pinNumber];
    if (this.#version !== '2.5' || !pin || !isDigitalPin(pinNumber) || pin.mode !== PinMode.OUTPUT) return;
    pin.state = value;
    pin.latch = value !== 0;
  }

  /** `analogWriteCallback`: PWM and SERVO pins only. */
  analogWrite(pinNumber: number, value: number): void {
    const pin = this.#pins[pinNumber];
    if (!pin) return;
    if (pin.mode === PinMode.SERVO) pin.state = value;
    if (pin.mode !== PinMode.PWM) return;
    pin.state = value;
    // Arduino's analogWrite loads the 8-bit OCR register (0 and 255 become plain LOW/HIGH).
    pin.pwm = value & 0xff;
    pin.latch = pin.pwm > 0;
  }
}

function configure(pin: Pin, mode: number, latch: boolean): void {
  pin.mode = mode;
  pin.latch = latch;
  pin.pwm = undefined;
}
