import { Command, Sysex } from './constants.ts';
import type { HostMessage } from './host-messages.ts';

/**
 * Longest sysex body kept. StandardFirmata's own buffer is 64 bytes; 1 KiB leaves room
 * for any real host message while a stream of garbage cannot grow memory without bound.
 */
export const MAX_SYSEX_BYTES = 1024;

/** Data bytes that follow each non-sysex status byte (`protocol.md`, message table). */
function dataLength(status: number): number | undefined {
  if (status < 0xf0) {
    switch (status & 0xf0) {
      case Command.DIGITAL_MESSAGE:
      case Command.ANALOG_MESSAGE:
        return 2;
      case Command.REPORT_ANALOG:
      case Command.REPORT_DIGITAL:
        return 1;
      default:
        return undefined;
    }
  }
  if (status === Command.SET_PIN_MODE || status === Command.SET_DIGITAL_PIN_VALUE) return 2;
  return undefined;
}

function decodeChannelMessage(status: number, data: number[]): HostMessage {
  const [a = 0, b = 0] = data;
  const channel = status & 0x0f;
  switch (status >= 0xf0 ? status : status & 0xf0) {
    case Command.SET_PIN_MODE:
      return { type: 'setPinMode', pin: a, mode: b };
    case Command.SET_DIGITAL_PIN_VALUE:
      return { type: 'setDigitalPinValue', pin: a, value: b };
    case Command.DIGITAL_MESSAGE:
      return { type: 'digitalMessage', port: channel, value: a | (b << 7) };
    case Command.ANALOG_MESSAGE:
      return { type: 'analogMessage', pin: channel, value: a | (b << 7) };
    case Command.REPORT_ANALOG:
      return { type: 'reportAnalog', channel, enable: a !== 0 };
    default:
      return { type: 'reportDigital', port: channel, enable: a !== 0 };
  }
}

function decodeSysex(body: number[]): HostMessage | undefined {
  const [command, ...data] = body;
  if (command === undefined) return undefined; // `F0 F7`: nothing to act on
  switch (command) {
    case Sysex.CAPABILITY_QUERY:
      return { type: 'capabilityQuery' };
    case Sysex.ANALOG_MAPPING_QUERY:
      return { type: 'analogMappingQuery' };
    case Sysex.REPORT_FIRMWARE:
      return { type: 'firmwareQuery' };
    case Sysex.PIN_STATE_QUERY:
      // StandardFirmata: `if (argc > 0)`; shorter ones are ignored.
      if (data.length >= 1) return { type: 'pinStateQuery', pin: data[0]! };
      break;
    case Sysex.SAMPLING_INTERVAL:
      if (data.length >= 2) return { type: 'samplingInterval', interval: data[0]! | (data[1]! << 7) };
      break;
    case Sysex.EXTENDED_ANALOG:
      // `argc > 1`; up to four 7-bit value bytes, LSB first (protocol.md EXTENDED_ANALOG).
      if (data.length >= 2) {
        let value = 0;
        data.slice(1, 5).forEach((byte, index) => (value += byte * 2 ** (7 * index)));
        return { type: 'extendedAnalog', pin: data[0]!, value };
      }
      break;
  }
  return { type: 'unknown', command, data };
}

/**
 * Incremental decoder of the host→board byte stream (the framing layer): feed it chunks
 * as they arrive, get whole messages back. It never throws. Like StandardFirmata's
 * `processInput`, data bytes with no pending command are dropped and any status byte
 * starts a new message, so the stream resynchronises on the next byte ≥ 0x80. Unlike
 * the firmware (which stores every byte up to F7), a status byte also ends a sysex —
 * as firmata-io does on its side — so a truncated sysex cannot swallow what follows.
 */
export class HostMessageParser {
  #status: number | undefined;
  #needed = 0;
  #data: number[] = [];
  #sysex: number[] | undefined;
  #sysexOverflow = false;

  feed(chunk: Uint8Array): HostMessage[] {
    const messages: HostMessage[] = [];
    for (const byte of chunk) {
      const message = this.#next(byte);
      if (message) messages.push(message);
    }
    return messages;
  }

  /** Forgets any partial message, as StandardFirmata's `systemReset` clears its parser. */
  reset(): void {
    this.#status = undefined;
    this.#data = [];
    this.#sysex = undefined;
    this.#sysexOverflow = false;
  }

  #next(byte: number): HostMessage | undefined {
    if (this.#sysex) {
      if (byte === Command.END_SYSEX) {
        const body = this.#sysex;
        const overflowed = this.#sysexOverflow;
        this.reset();
        return overflowed ? undefined : decodeSysex(body);
      }
      if (byte < 0x80) {
        if (this.#sysex.length < MAX_SYSEX_BYTES) this.#sysex.push(byte);
        else this.#sysexOverflow = true;
        return undefined;
      }
      this.reset(); // a status byte inside a sysex: abandon it and start over
    }
    if (byte < 0x80) {
      if (this.#status === undefined) return undefined; // garbage or excess data
      this.#data.push(byte);
      if (this.#data.length < this.#needed) return undefined;
      const message = decodeChannelMessage(this.#status, this.#data);
      this.reset(); // Firmata has no MIDI running status: further data is ignored
      return message;
    }
    this.reset();
    switch (byte) {
      case Command.START_SYSEX:
        this.#sysex = [];
        return undefined;
      case Command.REPORT_VERSION:
        return { type: 'reportVersion' };
      case Command.SYSTEM_RESET:
        return { type: 'systemReset' };
    }
    const needed = dataLength(byte);
    if (needed !== undefined) {
      this.#status = byte;
      this.#needed = needed;
    }
    return undefined;
  }
}

/** Decodes a complete byte sequence in one go. */
export function parseHostMessages(bytes: Uint8Array): HostMessage[] {
  return new HostMessageParser().feed(bytes);
}
