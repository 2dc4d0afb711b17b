import { commandLength, type Frame } from './command-lengths.ts';
import { decodeCommand, type EscposCommand } from './escpos-commands.ts';

export type { EscposCommand } from './escpos-commands.ts';

/** Longest body stored (GS ( k data, GS k data); longer ones are counted, not kept. */
const MAX_STORED = 0xffff;

const isText = (byte: number): boolean => (byte >= 0x20 && byte <= 0x7e) || byte >= 0x80;
const latin1 = (bytes: number[]): string => Buffer.from(bytes).toString('latin1');

/**
 * The printer's command parser (the emulator's framing layer): ESC/POS bytes in, commands
 * out. Each command is framed by its exact length from `command-lengths.ts`
 * (docs/protocols/escpos.md §1, §9) — `GS ( k` by pL/pH, `ESC *` by its columns, `ESC D`
 * to its NUL — so image data and parameters never print as text and never hide a cut.
 * Incremental (bytes may be split anywhere), never throws, bounded memory.
 */
export class EscposParser {
  #text: number[] = [];
  #command: number[] | undefined;
  /** Bytes of the current command beyond what is stored (long raster or symbol data). */
  #skipped = 0;
  #frame: Frame;

  /** Feeds one byte; returns the commands it completed (a text run ends before a command). */
  push(byte: number): EscposCommand[] {
    if (!this.#command) {
      if (isText(byte)) {
        this.#text.push(byte);
        return this.#text.length >= MAX_STORED ? this.flush() : [];
      }
      const out = this.flush();
      this.#command = [byte];
      this.#frame = commandLength(this.#command);
      return this.#complete(out);
    }
    if (this.#command.length < MAX_STORED) this.#command.push(byte);
    else this.#skipped++;
    const frame = this.#frame;
    if (frame === undefined || (typeof frame === 'object' && 'atLeast' in frame && this.#command.length >= frame.atLeast)) {
      this.#frame = commandLength(this.#command);
    }
    return this.#complete([]);
  }

  feed(bytes: Uint8Array): EscposCommand[] {
    const out: EscposCommand[] = [];
    for (const byte of bytes) out.push(...this.push(byte));
    return out;
  }

  /** Ends a pending text run (the host stopped sending; a command never ends a run early). */
  flush(): EscposCommand[] {
    if (this.#text.length === 0) return [];
    const text = latin1(this.#text);
    this.#text = [];
    return [{ type: 'text', text }];
  }

  /** Whether the parser is inside a command (bytes now would be its parameters). */
  get midCommand(): boolean {
    return this.#command !== undefined;
  }

  /** Forgets any partial command and text (`ESC @`, or a new line to the host). */
  reset(): void {
    this.#text = [];
    this.#command = undefined;
    this.#skipped = 0;
    this.#frame = undefined;
  }

  #done(command: number[], frame: Frame): boolean {
    const length = command.length + this.#skipped;
    if (frame === undefined) return false;
    if (typeof frame === 'number') return length >= frame;
    // A header beyond what is stored cannot be read: the command ends here (resynchronise).
    if ('atLeast' in frame) return frame.atLeast > MAX_STORED && command.length >= MAX_STORED;
    if (length >= frame.max) return true;
    if (length <= frame.from || command[command.length - 1] !== frame.until) return false;
    let found = 0;
    for (let i = frame.from; i < command.length; i++) if (command[i] === frame.until) found++;
    return found >= frame.count;
  }

  #complete(out: EscposCommand[]): EscposCommand[] {
    const command = this.#command!;
    if (!this.#done(command, this.#frame)) return out;
    this.#command = undefined;
    this.#skipped = 0;
    this.#frame = undefined;
    out.push(decodeCommand(command));
    return out;
  }
}

/** Parses a complete byte sequence (a trailing text run included). */
export function parseEscpos(bytes: Uint8Array): EscposCommand[] {
  const parser = new EscposParser();
  return [...parser.feed(bytes), ...parser.flush()];
}
