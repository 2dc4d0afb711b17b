import { AlphaError } from './alpha-errors.ts';

/**
 * Alpha Sign Communications Protocol packet framing (docs/protocols/alpha-sign.md §2–§4;
 * spec 9708-8061F rev F): pure encoding, checksum and addressing. Decoding is the streaming
 * `AlphaPacketParser` (alpha-parser.ts); command payloads are in alpha-text.ts.
 *
 * ```
 * NUL×≥5  SOH  Type  Addr(2 ASCII hex)  { STX Cmd Data [ETX Checksum(4 ASCII hex)] }…  EOT
 * ```
 */
export const NUL = 0x00;
export const SOH = 0x01;
export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;
export const ACK = 0x06;
export const ESC = 0x1b;
export const NAK = 0x15;

/** At least five NULs, so the sign can find the baud rate (§2). */
export const MIN_PREAMBLE_NULS = 5;
/** Type `'Z'` = all sign types (§2). */
export const ALL_SIGN_TYPES = 'Z';
/** Address `"00"` = broadcast: every sign on the bus takes the packet (§3). */
export const BROADCAST = '00';
/** A silence of about a second inside a packet ends it (§2). */
export const PACKET_GAP_MS = 1000;
/** The pause after each STX but the first when blocks are nested (§2). */
export const NESTING_PAUSE_MS = 100;

/** One `STX Cmd Data [ETX Checksum]` block. */
export interface AlphaBlock {
  /** Command code, one printable ASCII character: `A` write TEXT, `E` write SPECIAL, … */
  command: string;
  /** Everything between the command code and ETX (or the next STX/EOT). */
  data: Buffer;
  /** Whether the block ends in `ETX` + checksum; §4: they are optional together. */
  checksum: boolean;
}

export interface AlphaPacket {
  /** Type code, one printable ASCII character; `'Z'` = all sign types. */
  type: string;
  /** Two characters, `0-9A-F` or `?`; `"00"` = broadcast. */
  address: string;
  blocks: AlphaBlock[];
}

/**
 * `address` as the two uppercase ASCII characters on the wire: a number 0–255, or a
 * string of two hex digits / `?` wildcard nibbles (§3: `00` broadcast, `01`–`FF` one
 * sign, `?` any digit there). Throws `AlphaError('address_invalid')`.
 */
export function normaliseAddress(address: string | number): string {
  if (typeof address === 'number') {
    if (Number.isInteger(address) && address >= 0 && address <= 0xff) return address.toString(16).toUpperCase().padStart(2, '0');
  } else if (/^[0-9A-Fa-f?]{2}$/.test(address)) {
    return address.toUpperCase();
  }
  throw new AlphaError('address_invalid', `not an Alpha sign address (two hex digits 00–FF, ? = any nibble, or 0–255): ${JSON.stringify(address)}`);
}

/**
 * Whether a sign set to `signAddress` takes a packet sent to `packetAddress`: its own
 * address, broadcast `00`, or a wildcard pattern whose `?` nibbles match anything.
 */
export function addressMatches(packetAddress: string, signAddress: string): boolean {
  if (packetAddress === BROADCAST) return true;
  if (packetAddress.length !== 2 || signAddress.length !== 2) return false;
  for (let i = 0; i < 2; i++) {
    const wanted = packetAddress[i]!.toUpperCase();
    if (wanted !== '?' && wanted !== signAddress[i]!.toUpperCase()) return false;
  }
  return true;
}

/** Whether more than one sign may take a packet to `address` (broadcast or wildcard). */
export function isGroupAddress(address: string): boolean {
  return address === BROADCAST || address.includes('?');
}

/** §4: the 16-bit sum of the bytes from STX to ETX inclusive, as a number 0–FFFF. */
export function checksumOf(bytes: Uint8Array): number {
  let sum = 0;
  for (const byte of bytes) sum = (sum + byte) & 0xffff;
  return sum;
}

/** The 4 uppercase ASCII hex digits that follow ETX. */
export function checksumDigits(sum: number): string {
  return (sum & 0xffff).toString(16).toUpperCase().padStart(4, '0');
}

/** `value` if it is one printable ASCII character (20–7E), else `AlphaError('field_invalid')`. */
export function oneCharacter(value: string, what: string): string {
  if (value.length === 1 && value.charCodeAt(0) >= 0x20 && value.charCodeAt(0) <= 0x7e) return value;
  throw new AlphaError('field_invalid', `${what} must be one printable ASCII character, got ${JSON.stringify(value)}`);
}

/** The bytes of one block: `STX Cmd Data`, plus `ETX` and its checksum when asked. */
export function encodeBlock(block: AlphaBlock): Buffer {
  // No escaping exists in §2: these bytes inside data would end or restart the packet.
  const framing = block.data.findIndex((byte) => byte >= SOH && byte <= EOT);
  if (framing >= 0) throw new AlphaError('field_invalid', `block data holds a framing byte (${block.data[framing]!.toString(16).padStart(2, '0')}) at ${framing}`);
  const body = Buffer.concat([Buffer.from([STX]), Buffer.from(oneCharacter(block.command, 'command code'), 'latin1'), block.data]);
  if (!block.checksum) return body;
  const summed = Buffer.concat([body, Buffer.from([ETX])]);
  return Buffer.concat([summed, Buffer.from(checksumDigits(checksumOf(summed)), 'ascii')]);
}

/**
 * One packet, split where the sender must pause: with several blocks (nesting) the bytes
 * after each STX but the first wait `NESTING_PAUSE_MS` (§2). A one-block packet is a
 * single segment, to be sent contiguously. Concatenated, the segments are the packet.
 */
export function encodePacketSegments(packet: AlphaPacket, options: { nuls?: number } = {}): Buffer[] {
  const nuls = Math.max(MIN_PREAMBLE_NULS, options.nuls ?? MIN_PREAMBLE_NULS);
  if (packet.blocks.length === 0) throw new AlphaError('field_invalid', 'an Alpha packet needs at least one STX block');
  const head = Buffer.concat([
    Buffer.alloc(nuls, NUL),
    Buffer.from([SOH]),
    Buffer.from(oneCharacter(packet.type, 'type code') + normaliseAddress(packet.address), 'latin1'),
  ]);
  const segments: Buffer[] = [];
  let current: Buffer[] = [head];
  packet.blocks.forEach((block, index) => {
    const bytes = encodeBlock(block);
    if (index === 0) {
      current.push(bytes);
      return;
    }
    current.push(bytes.subarray(0, 1)); // the nested STX, then the pause
    segments.push(Buffer.concat(current));
    current = [bytes.subarray(1)];
  });
  current.push(Buffer.from([EOT]));
  segments.push(Buffer.concat(current));
  return segments;
}

/** One packet as contiguous bytes (pauses, if any, dropped: see `encodePacketSegments`). */
export function encodePacket(packet: AlphaPacket, options: { nuls?: number } = {}): Buffer {
  return Buffer.concat(encodePacketSegments(packet, options));
}
