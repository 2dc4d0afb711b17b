import { Command, Sysex } from './constants.ts';

/**
 * What a host (firmata-io) sends a board, decoded (firmata/protocol `protocol.md`).
 * Values are the raw 7-bit-assembled numbers; what the firmware does with them
 * (e.g. only the low 8 bits of a port value) is the device's business, not the codec's.
 */
export type HostMessage =
  | { type: 'setPinMode'; pin: number; mode: number }
  /** `90|port LSB MSB`: value bits 0–6 from LSB, bit 7 from MSB bit 0. */
  | { type: 'digitalMessage'; port: number; value: number }
  /** `F5 pin value` (protocol 2.5+). */
  | { type: 'setDigitalPinValue'; pin: number; value: number }
  /** `E0|pin LSB MSB`: PWM/servo write for pins 0–15. */
  | { type: 'analogMessage'; pin: number; value: number }
  | { type: 'reportAnalog'; channel: number; enable: boolean }
  | { type: 'reportDigital'; port: number; enable: boolean }
  | { type: 'reportVersion' }
  | { type: 'systemReset' }
  | { type: 'capabilityQuery' }
  | { type: 'analogMappingQuery' }
  | { type: 'pinStateQuery'; pin: number }
  /** `F0 6F pin v0 v1 [v2 [v3]] F7`: PWM/servo write for any pin. */
  | { type: 'extendedAnalog'; pin: number; value: number }
  | { type: 'firmwareQuery' }
  | { type: 'samplingInterval'; interval: number }
  /** A sysex the emulated StandardFirmata does not act on, or one too short to act on. */
  | { type: 'unknown'; command: number; data: number[] };

export type HostMessageType = HostMessage['type'];

const lsb = (value: number): number => value & 0x7f;
const msb = (value: number): number => (value >> 7) & 0x7f;

function sysex(command: number, ...data: number[]): Buffer {
  return Buffer.from([Command.START_SYSEX, command, ...data, Command.END_SYSEX]);
}

/** Extended analog values use as many 7-bit bytes as they need, two at least. */
function extendedValueBytes(value: number): number[] {
  const bytes = [lsb(value), msb(value)];
  if (value >= 1 << 14) bytes.push((value >> 14) & 0x7f);
  if (value >= 1 << 21) bytes.push((value >> 21) & 0x7f);
  return bytes;
}

/**
 * Encodes one host message as firmata-io 2.3.0 would send it. Used by tests and by
 * anything that talks raw Firmata to a board; field values are masked to their wire width.
 */
export function encodeHostMessage(message: HostMessage): Buffer {
  switch (message.type) {
    case 'setPinMode':
      return Buffer.from([Command.SET_PIN_MODE, lsb(message.pin), lsb(message.mode)]);
    case 'digitalMessage':
      return Buffer.from([Command.DIGITAL_MESSAGE | (message.port & 0x0f), lsb(message.value), msb(message.value)]);
    case 'setDigitalPinValue':
      return Buffer.from([Command.SET_DIGITAL_PIN_VALUE, lsb(message.pin), lsb(message.value)]);
    case 'analogMessage':
      return Buffer.from([Command.ANALOG_MESSAGE | (message.pin & 0x0f), lsb(message.value), msb(message.value)]);
    case 'reportAnalog':
      return Buffer.from([Command.REPORT_ANALOG | (message.channel & 0x0f), message.enable ? 1 : 0]);
    case 'reportDigital':
      return Buffer.from([Command.REPORT_DIGITAL | (message.port & 0x0f), message.enable ? 1 : 0]);
    case 'reportVersion':
      return Buffer.from([Command.REPORT_VERSION]);
    case 'systemReset':
      return Buffer.from([Command.SYSTEM_RESET]);
    case 'capabilityQuery':
      return sysex(Sysex.CAPABILITY_QUERY);
    case 'analogMappingQuery':
      return sysex(Sysex.ANALOG_MAPPING_QUERY);
    case 'pinStateQuery':
      return sysex(Sysex.PIN_STATE_QUERY, lsb(message.pin));
    case 'extendedAnalog':
      return sysex(Sysex.EXTENDED_ANALOG, lsb(message.pin), ...extendedValueBytes(message.value));
    case 'firmwareQuery':
      return sysex(Sysex.REPORT_FIRMWARE);
    case 'samplingInterval':
      return sysex(Sysex.SAMPLING_INTERVAL, lsb(message.interval), msb(message.interval));
    case 'unknown':
      return sysex(lsb(message.command), ...message.data.map(lsb));
  }
}
