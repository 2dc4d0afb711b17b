import { AlphaSignEmulator } from '../hardware/alpha/alpha-emulator.ts';
import { openPtyPair, type PtyPair } from '../hardware/serial/pty-pair.ts';
import { DmdDisplayEmulator } from '../hardware/vfd/dmd-emulator.ts';
import type { HubConfig } from '../hub/config/schema.ts';

export interface DemoSigns {
  /** What the emulated signs show now, one line each, for the demo's console. */
  describe(): string[];
  onChange(listener: (line: string) => void): void;
  close(): Promise<void>;
}

/**
 * Emulated hardware for the demo centre: an Alpha hall board and the 2x20 display above
 * counter c01, each a behaving emulator at the far end of a kernel PTY pair (socat),
 * so the hub drives them through its real serial drivers. Without socat the demo runs
 * without them (the web hall board still shows every call).
 */
export async function startDemoSigns(config: HubConfig): Promise<DemoSigns | null> {
  const pairs: PtyPair[] = [];
  let boardPair: PtyPair;
  let displayPair: PtyPair;
  try {
    boardPair = await openPtyPair();
    pairs.push(boardPair);
    displayPair = await openPtyPair();
    pairs.push(displayPair);
  } catch {
    await Promise.all(pairs.map((pair) => pair.close()));
    return null;
  }
  const board = new AlphaSignEmulator({ address: '01' });
  const display = new DmdDisplayEmulator();
  const attachments = [await board.attachSerial(boardPair.devicePath), await display.attachSerial(displayPair.devicePath)];
  config.displays.hallBoards = [{ id: 'hall-board', path: boardPair.hostPath, address: '01', baudRate: 9600, ack: false }];
  config.displays.counterDisplays = [{ counterId: 'c01', path: displayPair.hostPath, baudRate: 9600 }];
  const boardText = () => board.shown()?.text ?? '';
  const displayText = () => display.text().join(' | ');
  return {
    describe: () => [`hall board (Alpha, ${boardPair.hostPath}): ${boardText() || '(blank)'}`, `counter c01 display (DM-D, ${displayPair.hostPath}): ${displayText()}`],
    onChange(listener) {
      board.on('shown', () => listener(`hall board shows  ${boardText()}`));
      display.on('changed', () => listener(`c01 display shows ${displayText()}`));
    },
    async close() {
      for (const attachment of attachments) await attachment.close();
      await Promise.all(pairs.map((pair) => pair.close()));
    },
  };
}
