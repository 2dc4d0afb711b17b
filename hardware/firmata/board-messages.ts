import { Command, NONE, Sysex, type PinCapability } from './constants.ts';

/**
 * Pure encoders for what a board sends its host (firmata/protocol `protocol.md`), each
 * returning the exact bytes StandardFirmata writes. Golden-byte tests pin them to
 * captures from the real firmware (docs/protocols/firmata.md §2).
 */

const lsb = (value: number): number => value & 0x7f;
const msb = (value: number): number => (value >> 7) & 0x7f;

function sysex(command: number, data: number[]): Buffer {
  return Buffer.from([Command.START_SYSEX, command, ...data, Command.END_SYSEX]);
}

/** Each byte of `text` as a 7-bit LSB, MSB pair (`Firmata.sendValueAsTwo7bitBytes`). */
function twoSevenBitBytes(text: string): number[] {
  return [...Buffer.from(text, 'utf8')].flatMap((byte) => [lsb(byte), msb(byte)]);
}

/** `F9 major minor`: the protocol version, unsolicited at boot and in reply to `F9`. */
export function encodeReportVersion(major: number, minor: number): Buffer {
  return Buffer.from([Command.REPORT_VERSION, lsb(major), lsb(minor)]);
}

/** `F0 79 major minor <name as LSB,MSB pairs> F7`: sent right after the version at boot. */
export function encodeReportFirmware(major: number, minor: number, name: string): Buffer {
  return sysex(Sysex.REPORT_FIRMWARE, [lsb(major), lsb(minor), ...twoSevenBitBytes(name)]);
}

/** `F0 6C {mode resolution}… 7F (per pin) F7`. */
export function encodeCapabilityResponse(pins: readonly (readonly PinCapability[])[]): Buffer {
  const data = pins.flatMap((modes) => [...modes.flatMap(({ mode, resolution }) => [lsb(mode), lsb(resolution)]), NONE]);
  return sysex(Sysex.CAPABILITY_RESPONSE, data);
}

/** `F0 6A <channel or 7F per pin> F7`. */
export function encodeAnalogMappingResponse(channels: readonly (number | undefined)[]): Buffer {
  return sysex(
    Sysex.ANALOG_MAPPING_RESPONSE,
    channels.map((channel) => (channel === undefined ? NONE : lsb(channel))),
  );
}

/** `90|port LSB MSB`: the levels of one 8-pin port, bit n = pin port*8+n. */
export function encodeDigitalPort(port: number, value: number): Buffer {
  return Buffer.from([Command.DIGITAL_MESSAGE | (port & 0x0f), lsb(value), msb(value)]);
}

/** `E0|channel LSB MSB`: an analog input reading (channel = A0…A15). */
export function encodeAnalogMessage(channel: number, value: number): Buffer {
  return Buffer.from([Command.ANALOG_MESSAGE | (channel & 0x0f), lsb(value), msb(value)]);
}

/**
 * `F0 6E pin mode state… F7`. The firmware sends only as many state bytes as the value
 * needs (StandardFirmata `PIN_STATE_QUERY`: bits 7–15 add a second byte, bits 14–15 a
 * third), and for a pin it does not have only `F0 6E pin F7`.
 */
export function encodePinStateResponse(pin: number, known?: { mode: number; state: number }): Buffer {
  const data = [lsb(pin)];
  if (known) {
    const { mode, state } = known;
    data.push(lsb(mode), lsb(state));
    if (state & 0xff80) data.push(msb(state));
    if (state & 0xc000) data.push((state >> 14) & 0x7f);
  }
  return sysex(Sysex.PIN_STATE_RESPONSE, data);
}

/** `F0 71 <text as LSB,MSB pairs> F7`, e.g. StandardFirmata's "Unknown pin mode". */
export function encodeStringData(text: string): Buffer {
  return sysex(Sysex.STRING_DATA, twoSevenBitBytes(text));
}
