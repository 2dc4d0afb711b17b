import { IntelHexError } from './avr-errors.ts';

// Record types, Intel "Hexadecimal Object File Format Specification" rev. A (1988).
const DATA = 0x00;
const END_OF_FILE = 0x01;
const EXTENDED_SEGMENT_ADDRESS = 0x02;
const START_SEGMENT_ADDRESS = 0x03;
const EXTENDED_LINEAR_ADDRESS = 0x04;
const START_LINEAR_ADDRESS = 0x05;

/** Value of erased flash: avr-gcc leaves gaps unprogrammed, and programmers skip them. */
export const ERASED = 0xff;

const HEX_PAIRS = /^(?:[0-9A-Fa-f]{2})+$/;

/**
 * Loads Intel HEX text into a memory image of `size` bytes (gaps stay `ERASED`).
 * Understands data, end-of-file, extended segment and extended linear address records,
 * and skips the start-address records (a reset vector, meaningless to flash). Every
 * record's checksum is verified and a missing end-of-file record is an error, so a
 * truncated or corrupted download fails here with the line named instead of running
 * as half a firmware. Throws only `IntelHexError`.
 */
export function parseIntelHex(text: string, size: number): Uint8Array {
  const image = new Uint8Array(size).fill(ERASED);
  // Upper address bits set by record types 02/04; a data record's 16-bit offset adds to it.
  let base = 0;
  // Type 02 addresses wrap within their 64 KiB segment; type 04 addresses do not.
  let segmented = false;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = lines[index]!.trim();
    if (line === '') continue;
    const record = decodeRecord(line, lineNumber);
    const { type, offset, data } = record;
    switch (type) {
      case DATA:
        for (let i = 0; i < data.length; i++) {
          const address = segmented ? base + ((offset + i) & 0xffff) : base + offset + i;
          if (address >= size) throw new IntelHexError(lineNumber, `writes address 0x${address.toString(16)}, beyond the ${size}-byte memory`);
          image[address] = data[i]!;
        }
        break;
      case END_OF_FILE:
        expectLength(record, 0, lineNumber);
        // Anything after the end-of-file record is not part of the image (tools append
        // nothing there; a stray trailer is harmless and ignored).
        return image;
      case EXTENDED_SEGMENT_ADDRESS:
        expectLength(record, 2, lineNumber);
        base = ((data[0]! << 8) | data[1]!) * 16;
        segmented = true;
        break;
      case EXTENDED_LINEAR_ADDRESS:
        expectLength(record, 2, lineNumber);
        base = ((data[0]! << 8) | data[1]!) * 0x10000;
        segmented = false;
        break;
      case START_SEGMENT_ADDRESS:
      case START_LINEAR_ADDRESS:
        expectLength(record, 4, lineNumber);
        break;
      default:
        throw new IntelHexError(lineNumber, `unknown record type 0x${type.toString(16).padStart(2, '0')}`);
    }
  }
  throw new IntelHexError(lines.length, 'no end-of-file record (:00000001FF): the file is truncated');
}

interface HexRecord {
  type: number;
  offset: number;
  data: Uint8Array;
}

/** `:LLAAAATT<LL data bytes>CC`, where all bytes including CC sum to 0 modulo 256. */
function decodeRecord(line: string, lineNumber: number): HexRecord {
  if (!line.startsWith(':')) throw new IntelHexError(lineNumber, 'a record must start with ":"');
  const hex = line.slice(1);
  if (!HEX_PAIRS.test(hex)) throw new IntelHexError(lineNumber, 'a record must be pairs of hex digits after ":"');
  const bytes = Uint8Array.from(hex.match(/../g)!, (pair) => parseInt(pair, 16));
  if (bytes.length < 5) throw new IntelHexError(lineNumber, `a record needs at least 5 bytes, this one has ${bytes.length}`);
  const length = bytes[0]!;
  if (bytes.length !== length + 5) throw new IntelHexError(lineNumber, `length field says ${length} data bytes but the record has ${bytes.length - 5}`);
  let sum = 0;
  for (const byte of bytes) sum = (sum + byte) & 0xff;
  if (sum !== 0) {
    const expected = (0x100 - ((sum - bytes[bytes.length - 1]!) & 0xff)) & 0xff;
    throw new IntelHexError(lineNumber, `checksum 0x${hexByte(bytes[bytes.length - 1]!)} does not match the record (expected 0x${hexByte(expected)})`);
  }
  return { type: bytes[3]!, offset: (bytes[1]! << 8) | bytes[2]!, data: bytes.subarray(4, 4 + length) };
}

function expectLength(record: HexRecord, length: number, lineNumber: number): void {
  if (record.data.length !== length) throw new IntelHexError(lineNumber, `record type 0x${hexByte(record.type)} must carry ${length} data bytes, not ${record.data.length}`);
}

function hexByte(value: number): string {
  return value.toString(16).padStart(2, '0');
}

/** Flash as avr8js wants it (`new CPU(progMem: Uint16Array)`): 16-bit instruction words, low byte first as avr-gcc writes them. */
export function toProgramWords(image: Uint8Array): Uint16Array {
  const words = new Uint16Array(Math.ceil(image.length / 2));
  for (let i = 0; i < words.length; i++) words[i] = image[2 * i]! | ((image[2 * i + 1] ?? ERASED) << 8);
  return words;
}
