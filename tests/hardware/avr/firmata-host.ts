import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import five from 'johnny-five';
import type { FirmataTransport, OutputChange, SimulatedFirmataBoard } from '../../../hardware/firmata/simulated-board.ts';

/** The part of firmata-io 2.3.0's `Firmata` (`lib/firmata.js`) these tests read. */
export interface FirmataIo extends EventEmitter {
  isReady: boolean;
  version: { major?: number; minor?: number };
  firmware: { name?: string; version?: { major: number; minor: number } };
}

interface FirmataOptions {
  reportVersionTimeout?: number;
}

// firmata-io is CommonJS with no types; `require` keeps its shape ours to declare
// without an ambient module declaration that could clash with another one.
const require = createRequire(import.meta.url);
export const Firmata = (require('firmata-io') as { Firmata: new (transport: FirmataTransport, options?: FirmataOptions) => FirmataIo }).Firmata;

/** Resolves with the first `name` event's first argument. */
export function nextEvent<T = unknown>(emitter: { once(name: string, listener: (value: T) => void): unknown }, name: string): Promise<T> {
  return new Promise((resolve) => emitter.once(name, resolve));
}

/** Resolves with the first `output` the board reports that `matches` (listen before acting). */
export function outputWhere(board: SimulatedFirmataBoard, matches: (change: OutputChange) => boolean): Promise<OutputChange> {
  return new Promise((resolve) => {
    const onOutput = (change: OutputChange) => {
      if (!matches(change)) return;
      board.off('output', onOutput);
      resolve(change);
    };
    board.on('output', onOutput);
  });
}

/** @types/johnny-five declares only `on`, but its Board and components are EventEmitters. */
export function emitter(component: five.Board | five.Button): EventEmitter {
  return component as unknown as EventEmitter;
}

/**
 * johnny-five on an io that is already ready. Never the defaults: `repl: true` exits the
 * process when stdin is not a TTY, and `sigint` (missing from @types) installs a handler
 * that does too (docs/protocols/firmata.md §6).
 */
export async function johnnyFive(io: FirmataIo): Promise<five.Board> {
  const options: five.BoardOption & { sigint: boolean } = { io, repl: false, debug: false, sigint: false };
  const board = new five.Board(options);
  await nextEvent(emitter(board), 'ready');
  return board;
}
