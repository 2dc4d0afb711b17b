import {
  isAnalogPin,
  isDigitalPin,
  PinMode,
  unoAnalogMapping,
  unoCapabilities,
  UNO_ANALOG_CHANNELS,
  UNO_FIRST_ANALOG_PIN,
  UNO_TOTAL_PINS,
  UNO_TOTAL_PORTS,
  type FirmataVersion,
} from './constants.ts';
import {
  encodeAnalogMappingResponse,
  encodeAnalogMessage,
  encodeCapabilityResponse,
  encodeDigitalPort,
  encodePinStateResponse,
  encodeReportFirmware,
  encodeReportVersion,
  encodeStringData,
} from './board-messages.ts';
import type { HostMessage } from './host-messages.ts';
import { PinBank } from './pin-bank.ts';

/** Where the firmware's effects go: bytes on its serial TX line, and pin level changes. */
export interface FirmwareSink {
  transmit(bytes: Buffer): void;
  /** A pin's driven level or PWM duty changed (see `PinBank.outputHigh`). */
  outputChanged(pin: number, high: boolean, pwm: number | undefined): void;
}

/**
 * StandardFirmata on an ATmega328P, as a synchronous state machine: the callbacks of
 * firmata/arduino `StandardFirmata.ino` (2.4.x and 2.5.x) over a `PinBank`. No I/O and no
 * timers: `receive` is one pass of the firmware's `loop()` (process the messages that
 * arrived, then `checkDigitalInputs`), and a wiring change re-checks at once, so every
 * edge is reported — the firmware does not debounce (docs/protocols/firmata.md §4, §7).
 */
export class StandardFirmata {
  readonly pins: PinBank;
  readonly #version: FirmataVersion;
  readonly #firmwareName: string;
  readonly #sink: FirmwareSink;
  readonly #reportPorts: boolean[] = new Array<boolean>(UNO_TOTAL_PORTS).fill(false);
  /** Per port, bit set = pin is an input whose level is reported (`portConfigInputs`). */
  readonly #portConfigInputs: number[] = new Array<number>(UNO_TOTAL_PORTS).fill(0);
  readonly #previousPorts: number[] = new Array<number>(UNO_TOTAL_PORTS).fill(0);
  readonly #analogValues: number[] = new Array<number>(UNO_ANALOG_CHANNELS).fill(0);
  #analogReport = 0;
  #samplingInterval = 19;
  #resetting = false;

  constructor(version: FirmataVersion, firmwareName: string, sink: FirmwareSink) {
    this.pins = new PinBank(version);
    this.#version = version;
    this.#firmwareName = firmwareName;
    this.#sink = sink;
  }

  /**
   * Power-on or DTR reset: the AVR clears DDR/PORT, `setup()` announces version and
   * firmware (`Firmata.begin`) and runs `systemResetCallback`. External wiring persists.
   */
  boot(): void {
    this.#withOutputWatch(() => {
      this.pins.powerOn();
      this.#samplingInterval = 19;
      this.#systemReset();
    });
    const [major, minor] = this.#versionBytes();
    this.#sink.transmit(encodeReportVersion(major, minor));
    this.#sink.transmit(encodeReportFirmware(major, minor, this.#firmwareName));
  }

  /** One `loop()` pass over messages that arrived together. */
  receive(messages: readonly HostMessage[]): void {
    for (const message of messages) this.#withOutputWatch(() => this.#handle(message));
    this.#checkDigitalInputs();
  }

  /** The wiring drives `pin` (`undefined`: lets go, the pin floats). */
  setInput(pin: number, high: boolean | undefined): void {
    this.setInputs([[pin, high]]);
  }

  /**
   * Several wiring changes between two passes of `loop()`: the firmware samples them
   * together, so pins of one port arrive in one port report.
   */
  setInputs(changes: readonly (readonly [pin: number, high: boolean | undefined])[]): void {
    for (const [pin, high] of changes) this.pins.setExternal(pin, high);
    this.#checkDigitalInputs();
  }

  /** A 10-bit reading on analog channel `channel` (A0 = 0). */
  setAnalogInput(channel: number, value: number): void {
    if (!(channel >= 0 && channel < UNO_ANALOG_CHANNELS)) return;
    const reading = Math.max(0, Math.min(1023, Math.round(value)));
    if (this.#analogValues[channel] === reading) return;
    this.#analogValues[channel] = reading;
    // The firmware re-sends every sampling interval; sending on change keeps the
    // emulator free of timers and still gives the host every new value.
    if (this.pins.mode(UNO_FIRST_ANALOG_PIN + channel) === PinMode.ANALOG && this.#analogReport & (1 << channel)) {
      this.#sink.transmit(encodeAnalogMessage(channel, reading));
    }
  }

  /** Last SAMPLING_INTERVAL the host asked for, in ms (19 after boot). */
  get samplingInterval(): number {
    return this.#samplingInterval;
  }

  #versionBytes(): [number, number] {
    return this.#version === '2.5' ? [2, 5] : [2, 4];
  }

  #handle(message: HostMessage): void {
    const [major, minor] = this.#versionBytes();
    switch (message.type) {
      case 'setPinMode':
        return this.#setPinMode(message.pin, message.mode);
      case 'digitalMessage':
        return this.pins.writePort(message.port, message.value);
      case 'setDigitalPinValue':
        return this.pins.setPinValue(message.pin, message.value);
      case 'analogMessage':
      case 'extendedAnalog':
        return this.pins.analogWrite(message.pin, message.value);
      case 'reportDigital':
        return this.#reportDigital(message.port, message.enable);
      case 'reportAnalog':
        return this.#reportAnalog(message.channel, message.enable);
      case 'reportVersion':
        return this.#sink.transmit(encodeReportVersion(major, minor));
      case 'firmwareQuery':
        return this.#sink.transmit(encodeReportFirmware(major, minor, this.#firmwareName));
      case 'capabilityQuery':
        return this.#sink.transmit(encodeCapabilityResponse(unoCapabilities(this.#version)));
      case 'analogMappingQuery':
        return this.#sink.transmit(encodeAnalogMappingResponse(unoAnalogMapping()));
      case 'pinStateQuery': {
        const { pin } = message;
        const known = pin < UNO_TOTAL_PINS ? { mode: this.pins.mode(pin)!, state: this.pins.state(pin)! } : undefined;
        return this.#sink.transmit(encodePinStateResponse(pin, known));
      }
      case 'samplingInterval':
        this.#samplingInterval = message.interval;
        return;
      case 'systemReset':
        // `FirmataClass::systemReset` only resets the parser and calls
        // `systemResetCallback`; it does not re-send version or firmware.
        return this.#systemReset();
      case 'unknown':
        return;
    }
  }

  /** `setPinModeCallback`: reporting bookkeeping here, the pin itself in `PinBank.setMode`. */
  #setPinMode(pin: number, mode: number): void {
    if (pin >= UNO_TOTAL_PINS) return;
    if (isAnalogPin(pin)) this.#reportAnalog(pin - UNO_FIRST_ANALOG_PIN, mode === PinMode.ANALOG);
    if (isDigitalPin(pin)) {
      const input = mode === PinMode.INPUT || (this.#version === '2.5' && mode === PinMode.PULLUP);
      const port = pin >> 3;
      const bit = 1 << (pin & 7);
      this.#portConfigInputs[port] = input ? this.#portConfigInputs[port]! | bit : this.#portConfigInputs[port]! & ~bit;
    }
    // `default:` of the firmware's switch. The mode stays as it was, but the pin was
    // dropped from the reported inputs above: on 2.4, `F4 pin 0B` silences a button.
    if (!this.pins.setMode(pin, mode)) this.#sink.transmit(encodeStringData('Unknown pin mode'));
  }

  /** `reportDigitalCallback`: since 2.4 the port's value is sent at once. */
  #reportDigital(port: number, enable: boolean): void {
    if (port >= UNO_TOTAL_PORTS) return;
    this.#reportPorts[port] = enable;
    if (enable) this.#outputPort(port, true);
  }

  /** `reportAnalogCallback`: enabling sends the reading at once (not during a reset). */
  #reportAnalog(channel: number, enable: boolean): void {
    if (channel >= UNO_ANALOG_CHANNELS) return;
    this.#analogReport = enable ? this.#analogReport | (1 << channel) : this.#analogReport & ~(1 << channel);
    if (enable && !this.#resetting) this.#sink.transmit(encodeAnalogMessage(channel, this.#analogValues[channel]!));
  }

  /** `systemResetCallback`: reporting off, analog pins ANALOG, digital pins OUTPUT. */
  #systemReset(): void {
    this.#resetting = true;
    this.#reportPorts.fill(false);
    this.#portConfigInputs.fill(0);
    this.#previousPorts.fill(0);
    for (let pin = 0; pin < UNO_TOTAL_PINS; pin++) {
      if (isAnalogPin(pin)) this.#setPinMode(pin, PinMode.ANALOG);
      else if (isDigitalPin(pin)) this.#setPinMode(pin, PinMode.OUTPUT);
    }
    this.#analogReport = 0;
    this.#resetting = false;
  }

  /** `outputPort`: pins not configured as inputs read as 0; send only changes unless forced. */
  #outputPort(port: number, force: boolean): void {
    const value = this.pins.readPort(port) & this.#portConfigInputs[port]!;
    if (!force && value === this.#previousPorts[port]) return;
    this.#previousPorts[port] = value;
    this.#sink.transmit(encodeDigitalPort(port, value));
  }

  #checkDigitalInputs(): void {
    for (let port = 0; port < UNO_TOTAL_PORTS; port++) {
      if (this.#reportPorts[port]) this.#outputPort(port, false);
    }
  }

  /** Runs `change` and reports every pin whose driven level or PWM duty it changed. */
  #withOutputWatch(change: () => void): void {
    const levels = (): (readonly [boolean, number | undefined])[] =>
      Array.from({ length: UNO_TOTAL_PINS }, (_, pin) => [this.pins.outputHigh(pin), this.pins.pwmValue(pin)] as const);
    const before = levels();
    change();
    levels().forEach(([high, pwm], pin) => {
      const [wasHigh, wasPwm] = before[pin]!;
      if (high !== wasHigh || pwm !== wasPwm) this.#sink.outputChanged(pin, high, pwm);
    });
  }
}
