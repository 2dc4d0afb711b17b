import { BS, CAN, CLR, CR, DMD_COLUMNS, DMD_ROWS, ESC, HOM, HT, LF, US } from './dmd-commands.ts';

/**
 * The state of a DM-D 2×20 display as it interprets bytes (docs/protocols/dm-d.md §2, §6):
 * pure, fed chunk by chunk (a command may be split across chunks), never throws.
 *
 * Where the documents are silent this model chooses, and says so:
 * - Bytes 20–FF are characters and are shown (80–FF by the code table; `lines()` renders
 *   them as Latin-1). Control bytes 00–1F without a command of their own are ignored
 *   (DLE real-time commands meant for a printer behind the display are control bytes too);
 *   `ESC x` and `US x` with an unknown `x` are ignored, both bytes.
 * - After column 20 the cursor parks there; the next character first wraps: overwrite
 *   mode to the start of the other line, vertical scroll to the lower line (scrolling up
 *   when already there), horizontal scroll shifts the line left.
 * - `US U` (show time) is recorded, not drawn. `US ( A` device selection: a display with
 *   `deviceNumber` ignores everything but `US ( A` while deselected.
 * - While `ESC = 1` routes data to the printer, only `ESC =` and `US ( A` are acted on.
 */

export type DmdScreenMode = 'overwrite' | 'verticalScroll' | 'horizontalScroll';

export interface DmdSettings {
  mode: DmdScreenMode;
  brightness: number;
  /** Blink interval in 50 ms units; 0 = steady. */
  blink: number;
  displayOn: boolean;
  cursorVisible: boolean;
  reverse: boolean;
  codeTable: number;
  internationalSet: number;
  /** `ESC = n`: 1 printer, 2 display, 3 both. */
  route: number;
  /** Deselected by `US ( A` (device number addressing). */
  enabled: boolean;
  time: { hour: number; minute: number } | null;
  timeShown: boolean;
}

const BLANK = 0x20;
const defaults = (): Omit<DmdSettings, 'route' | 'enabled'> => ({
  mode: 'overwrite',
  brightness: 4,
  blink: 0,
  displayOn: true,
  cursorVisible: false,
  reverse: false,
  codeTable: 0,
  internationalSet: 0,
  time: null,
  timeShown: false,
});

/** Bytes a command needs, counting its first two; undefined = not known yet (`US ( A` needs pL pH). */
function commandLength(pending: readonly number[]): number | undefined {
  const [lead, code] = pending;
  if (code === undefined) return undefined;
  if (lead === ESC) return code === 0x74 || code === 0x52 || code === 0x3d ? 3 : 2;
  switch (code) {
    case 0x24: // US $ x y
    case 0x54: // US T h m
      return 4;
    case 0x43: // US C n
    case 0x45: // US E n
    case 0x58: // US X n
    case 0x72: // US r n
      return 3;
    case 0x28: // US ( A pL pH …
      return pending.length < 5 ? undefined : 5 + pending[3]! + pending[4]! * 256;
    default:
      return 2;
  }
}

export class DmdScreen {
  readonly #grid: number[][] = [];
  #column = 0;
  #row = 0;
  /** The cursor is parked past the last column; the next character wraps first. */
  #parked = false;
  #pending: number[] = [];
  #settings: DmdSettings;
  readonly #deviceNumber: number | undefined;

  constructor(options: { deviceNumber?: number } = {}) {
    this.#deviceNumber = options.deviceNumber;
    this.#settings = { ...defaults(), route: 2, enabled: true };
    this.#clearAll();
  }

  /** The two lines as shown, 20 characters each. */
  lines(): [string, string] {
    return [this.#render(0), this.#render(1)];
  }

  /** The cursor, 1-based as `US $` counts (column 1–20, row 1–2). */
  get cursor(): { column: number; row: number } {
    return { column: this.#column + 1, row: this.#row + 1 };
  }

  get settings(): Readonly<DmdSettings> {
    return { ...this.#settings };
  }

  feed(bytes: Uint8Array): void {
    for (const byte of bytes) {
      if (this.#pending.length > 0 || byte === ESC || byte === US) {
        this.#pending.push(byte);
        const length = commandLength(this.#pending);
        if (length !== undefined && this.#pending.length >= length) {
          const command = this.#pending;
          this.#pending = [];
          this.#command(command);
        }
        continue;
      }
      if (!this.#listening()) continue;
      if (byte >= BLANK) this.#put(byte);
      else this.#control(byte);
    }
  }

  #listening(): boolean {
    return this.#settings.enabled && this.#settings.route !== 1;
  }

  #command(command: number[]): void {
    const [lead, code, a = 0, b = 0] = command;
    if (lead === US && code === 0x28) return this.#selectDevice(command);
    if (lead === ESC && code === 0x3d) {
      if (a >= 1 && a <= 3 && this.#settings.enabled) this.#settings.route = a;
      return;
    }
    if (!this.#listening()) return;
    const s = this.#settings;
    if (lead === ESC) {
      if (code === 0x40) this.#initialise();
      else if (code === 0x74) s.codeTable = a;
      else if (code === 0x52) s.internationalSet = a;
      return;
    }
    switch (code) {
      case 0x01: s.mode = 'overwrite'; break;
      case 0x02: s.mode = 'verticalScroll'; break;
      case 0x03: s.mode = 'horizontalScroll'; break;
      case 0x24:
        if (a >= 1 && a <= DMD_COLUMNS && b >= 1 && b <= DMD_ROWS) this.#moveTo(a - 1, b - 1);
        break;
      case 0x43: s.cursorVisible = (a & 1) === 1; break;
      case 0x45: s.blink = a === 255 ? 0 : a; s.displayOn = a !== 255; break;
      case 0x58: if (a >= 1 && a <= 4) s.brightness = a; break;
      case 0x72: s.reverse = (a & 1) === 1; break;
      case 0x54: if (a < 24 && b < 60) s.time = { hour: a, minute: b }; break;
      case 0x55: s.timeShown = s.time !== null; break;
      case 0x0a: // US LF: cursor up
        if (this.#row === 1) this.#moveTo(this.#column, 0);
        else if (s.mode === 'overwrite') this.#moveTo(this.#column, 1);
        break;
      case 0x0d: this.#moveTo(DMD_COLUMNS - 1, this.#row); break; // US CR: right end
      case 0x42: this.#moveTo(0, DMD_ROWS - 1); break; // US B: bottom left
      default: break; // unknown US x: ignored
    }
  }

  /** `US ( A pL pH 30 [n m]…`: n 48 disable / 49 enable, m device number, 0 = all. */
  #selectDevice(command: number[]): void {
    if (command[2] !== 0x41 || command[5] !== 0x30 || this.#deviceNumber === undefined) return;
    for (let i = 6; i + 1 < command.length; i += 2) {
      const [n, m] = [command[i]!, command[i + 1]!];
      if ((m === 0 || m === this.#deviceNumber) && (n === 48 || n === 49)) this.#settings.enabled = n === 49;
    }
  }

  #control(byte: number): void {
    const overwrite = this.#settings.mode === 'overwrite';
    switch (byte) {
      case BS:
        if (this.#parked) this.#parked = false;
        else if (this.#column > 0) this.#column--;
        else if (this.#row === 1) this.#moveTo(DMD_COLUMNS - 1, 0);
        else if (overwrite) this.#moveTo(DMD_COLUMNS - 1, 1);
        return;
      case HT:
        if (this.#column < DMD_COLUMNS - 1) this.#column++;
        else if (this.#settings.mode !== 'horizontalScroll') this.#nextLine();
        return;
      case LF:
        if (this.#row === 0) this.#moveTo(this.#column, 1);
        else if (overwrite) this.#moveTo(this.#column, 0);
        else if (this.#settings.mode === 'verticalScroll') this.#scrollUp();
        return;
      case CR: this.#moveTo(0, this.#row); return;
      case HOM: this.#moveTo(0, 0); return;
      case CLR: this.#clearAll(); return;
      case CAN:
        this.#grid[this.#row]!.fill(BLANK);
        this.#moveTo(0, this.#row);
        return;
      default: return; // no command of its own: ignored
    }
  }

  #put(byte: number): void {
    if (this.#parked) {
      this.#parked = false;
      if (this.#settings.mode === 'horizontalScroll') {
        const line = this.#grid[this.#row]!;
        line.shift();
        line.push(BLANK);
      } else {
        this.#nextLine();
      }
    }
    this.#grid[this.#row]![this.#column] = byte;
    if (this.#column < DMD_COLUMNS - 1) this.#column++;
    else this.#parked = true;
  }

  /** Start of the next line: overwrite wraps to the other line, vertical scroll scrolls on the last. */
  #nextLine(): void {
    if (this.#row === 0) this.#moveTo(0, 1);
    else if (this.#settings.mode === 'verticalScroll') {
      this.#scrollUp();
      this.#moveTo(0, 1);
    } else this.#moveTo(0, 0);
  }

  #scrollUp(): void {
    this.#grid.shift();
    this.#grid.push(new Array<number>(DMD_COLUMNS).fill(BLANK));
  }

  #moveTo(column: number, row: number): void {
    this.#column = column;
    this.#row = row;
    this.#parked = false;
  }

  #clearAll(): void {
    this.#grid.splice(0, this.#grid.length, ...Array.from({ length: DMD_ROWS }, () => new Array<number>(DMD_COLUMNS).fill(BLANK)));
    this.#moveTo(0, 0);
  }

  #initialise(): void {
    this.#settings = { ...defaults(), route: this.#settings.route, enabled: this.#settings.enabled };
    this.#clearAll();
  }

  #render(row: number): string {
    return String.fromCharCode(...this.#grid[row]!);
  }
}
