/**
 * Firmata wire constants and the ATmega328P (Uno/Nano) pin layout StandardFirmata
 * exposes. Values match firmata/protocol `protocol.md` 2.5.1, firmata/arduino
 * `FirmataConstants.h` and firmata-io 2.3.0 `lib/firmata.js` (docs/protocols/firmata.md §2).
 */

/** Status bytes. Those below 0xF0 carry a port, pin or channel in their low nibble. */
export const Command = {
  DIGITAL_MESSAGE: 0x90,
  REPORT_ANALOG: 0xc0,
  REPORT_DIGITAL: 0xd0,
  ANALOG_MESSAGE: 0xe0,
  START_SYSEX: 0xf0,
  SET_PIN_MODE: 0xf4,
  /** Firmata 2.5+; StandardFirmata 2.4 ignores it. */
  SET_DIGITAL_PIN_VALUE: 0xf5,
  END_SYSEX: 0xf7,
  REPORT_VERSION: 0xf9,
  SYSTEM_RESET: 0xff,
} as const;

/** First byte after START_SYSEX. */
export const Sysex = {
  ANALOG_MAPPING_QUERY: 0x69,
  ANALOG_MAPPING_RESPONSE: 0x6a,
  CAPABILITY_QUERY: 0x6b,
  CAPABILITY_RESPONSE: 0x6c,
  PIN_STATE_QUERY: 0x6d,
  PIN_STATE_RESPONSE: 0x6e,
  EXTENDED_ANALOG: 0x6f,
  STRING_DATA: 0x71,
  REPORT_FIRMWARE: 0x79,
  SAMPLING_INTERVAL: 0x7a,
} as const;

export const PinMode = {
  INPUT: 0x00,
  OUTPUT: 0x01,
  ANALOG: 0x02,
  PWM: 0x03,
  SERVO: 0x04,
  I2C: 0x06,
  /** INPUT_PULLUP, added in protocol 2.5 (unknown to the StandardFirmata 2.4 hex). */
  PULLUP: 0x0b,
  /** Capability/analog-mapping terminator, and "pin not usable". */
  IGNORE: 0x7f,
} as const;

/** Marks the end of one pin's capabilities, or "no analog channel" in the mapping. */
export const NONE = 0x7f;

/** The protocol versions emulated: the 2.4 avrgirl hex and a 2.5.x build (docs/protocols/firmata.md §2, §5). */
export type FirmataVersion = '2.4' | '2.5';

export const UNO_TOTAL_PINS = 20;
/** Firmata ports are groups of 8 Firmata pins, not AVR ports: D0–7, D8–15, D16–19. */
export const UNO_TOTAL_PORTS = 3;
export const UNO_FIRST_ANALOG_PIN = 14;
export const UNO_ANALOG_CHANNELS = 6;
const UNO_PWM_PINS: ReadonlySet<number> = new Set([3, 5, 6, 9, 10, 11]);

// firmata/arduino Boards.h, ATmega328P: IS_PIN_DIGITAL is 2..19 (D0/D1 carry the
// Firmata serial link itself), A0–A5 are pins 14–19, A4/A5 double as I2C SDA/SCL.
export const isDigitalPin = (pin: number): boolean => pin >= 2 && pin < UNO_TOTAL_PINS;
export const isAnalogPin = (pin: number): boolean =>
  pin >= UNO_FIRST_ANALOG_PIN && pin < UNO_FIRST_ANALOG_PIN + UNO_ANALOG_CHANNELS;
export const isPwmPin = (pin: number): boolean => UNO_PWM_PINS.has(pin);
export const isI2cPin = (pin: number): boolean => pin === 18 || pin === 19;

/** One `{mode, resolution}` entry of a CAPABILITY_RESPONSE. */
export interface PinCapability {
  mode: number;
  resolution: number;
}

/**
 * What StandardFirmata reports per pin, in its order (StandardFirmata.ino
 * `CAPABILITY_QUERY`): INPUT, [PULLUP,] OUTPUT, ANALOG, PWM, SERVO, I2C. The 2.4 hex has no
 * PULLUP entry; its whole response is then 159 bytes (docs/protocols/firmata.md §2).
 */
export function unoCapabilities(version: FirmataVersion): PinCapability[][] {
  const pins: PinCapability[][] = [];
  for (let pin = 0; pin < UNO_TOTAL_PINS; pin++) {
    const modes: PinCapability[] = [];
    if (isDigitalPin(pin)) {
      modes.push({ mode: PinMode.INPUT, resolution: 1 });
      if (version === '2.5') modes.push({ mode: PinMode.PULLUP, resolution: 1 });
      modes.push({ mode: PinMode.OUTPUT, resolution: 1 });
    }
    if (isAnalogPin(pin)) modes.push({ mode: PinMode.ANALOG, resolution: 10 });
    if (isPwmPin(pin)) modes.push({ mode: PinMode.PWM, resolution: 8 });
    if (isDigitalPin(pin)) modes.push({ mode: PinMode.SERVO, resolution: 14 });
    if (isI2cPin(pin)) modes.push({ mode: PinMode.I2C, resolution: 1 });
    pins.push(modes);
  }
  return pins;
}

/** Analog channel of each Firmata pin, `undefined` where the pin has none. */
export function unoAnalogMapping(): (number | undefined)[] {
  return Array.from({ length: UNO_TOTAL_PINS }, (_, pin) => (isAnalogPin(pin) ? pin - UNO_FIRST_ANALOG_PIN : undefined));
}
