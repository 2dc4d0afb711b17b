import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { DeviceConfigMessage } from '../protocol/messages/config.ts';
import type { Rating } from '../protocol/messages/press.ts';
import type { BridgeClock } from './clock.ts';
import type { BoardConfig, LoadedBridgeConfig } from './config.ts';
import { CommandHandler } from './command-handler.ts';
import { SavedHubConfig } from './saved-hub-config.ts';
import { EifdBoard, type OpenTransport } from './eifd-board.ts';
import { HubLink } from './hub-link.ts';
import { PressJournal, type QueuedPress } from './press-journal.ts';
import { PressSender } from './press-sender.ts';
import { Signaller } from './signaller.ts';
import { voteAccepted, voteNotSaved, voteRepeated, voteSavedOffline } from './signal-patterns.ts';
import { Telemetry } from './telemetry.ts';
import { BRIDGE_FIRMWARE } from './version.ts';
import { VoteDebouncer } from './vote-debouncer.ts';

export interface VoteRecord {
  press: QueuedPress;
  /** Inside the lock-out of the previous vote: sent all the same, the hub flags it. */
  repeat: boolean;
  /** The local acknowledgment that was played. */
  signal: string;
  /** False when the journal refused it or could not write it. */
  kept: boolean;
}

interface EifdDeviceEvents {
  vote: [VoteRecord];
  /** The button on `pin` has been released long enough to vote again. */
  rearmed: [pin: number];
}

/**
 * One feedback device: a board, its MQTT session, its offline journal. Composes the
 * parts and owns the vote path: debounced press → lock-out check → journal append
 * (durable) → local acknowledgment → send. Nothing on that path waits for the network.
 */
export class EifdDevice extends EventEmitter<EifdDeviceEvents> {
  readonly deviceId: string;
  readonly board: EifdBoard;
  readonly link: HubLink;
  readonly journal: PressJournal;
  readonly #clock: BridgeClock;
  readonly #log: Logger;
  readonly #boot: string;
  readonly #signaller: Signaller;
  readonly #debouncer: VoteDebouncer;
  readonly #sender: PressSender;
  readonly #telemetry: Telemetry;
  readonly #commands: CommandHandler;
  readonly #savedConfig: SavedHubConfig;
  readonly #ratingByPin: Map<number, Rating>;
  #lockoutMs: number;
  #lockedUntil = -1;
  #seq = 0;
  #journalWriteErrors = 0;

  constructor(options: { board: BoardConfig; settings: LoadedBridgeConfig; boot: string; clock: BridgeClock; log: Logger; openTransport?: OpenTransport }) {
    super();
    const { board: boardConfig, settings, clock } = options;
    this.deviceId = boardConfig.deviceId;
    this.#clock = clock;
    this.#boot = options.boot;
    this.#log = options.log.child({ deviceId: this.deviceId });
    const dir = join(settings.dataDir, this.deviceId);
    mkdirSync(dir, { recursive: true });
    this.journal = PressJournal.open(join(dir, 'presses.jsonl'), settings.queue);
    if (this.journal.unreadableLines > 0) this.#log.warn({ lines: this.journal.unreadableLines }, 'skipped unreadable lines in the offline queue (a write cut short by a crash)');
    if (this.journal.size > 0) this.#log.info({ queued: this.journal.size }, 'votes from an earlier run are waiting for the hub');
    this.#savedConfig = new SavedHubConfig(join(dir, 'hub-config.json'));
    this.#lockoutMs = settings.lockoutMs;
    this.#ratingByPin = new Map(boardConfig.profile.buttons.map((b) => [b.pin, b.rating]));
    this.board = new EifdBoard({ profile: boardConfig.profile, serial: boardConfig.serial, clock, log: this.#log, probeIntervalMs: settings.boardProbeIntervalMs, ...(options.openTransport ? { openTransport: options.openTransport } : {}) });
    this.link = new HubLink({ url: settings.hub, ca: settings.hubCaPem, centreId: settings.centreId, deviceId: this.deviceId, password: boardConfig.password, reconnect: settings.reconnect, clock, log: this.#log });
    this.#signaller = new Signaller(clock);
    this.#signaller.setOffline(true);
    this.#debouncer = new VoteDebouncer(clock, { debounceMs: settings.debounceMs, pins: [...this.#ratingByPin.keys()] }, (pin) => this.#vote(pin), (pin) => this.emit('rearmed', pin));
    this.#sender = new PressSender({ journal: this.journal, link: this.link, clock, boot: this.#boot, log: this.#log });
    this.#telemetry = new Telemetry({ clock, link: this.link, intervalMs: settings.telemetryIntervalMs, read: () => this.#telemetryFields() });
    this.#commands = new CommandHandler({ board: this.board, link: this.link, signaller: this.#signaller, log: this.#log });
    this.#wire();
    const saved = this.#savedConfig.load();
    if (saved) this.#applyConfig(saved, false);
  }

  start(): void {
    this.board.start();
    this.link.start();
    this.#telemetry.start();
  }

  /** Board first (no new votes), then the hub session; the journal closes last. */
  async stop(): Promise<void> {
    this.#telemetry.stop();
    await this.board.stop();
    this.#debouncer.reset();
    await this.link.stop();
    this.journal.close();
  }

  #wire(): void {
    this.board.on('level', (pin, down) => this.#debouncer.level(pin, down));
    this.board.on('armed', ({ downAtStart }) => {
      this.#debouncer.reset(downAtStart);
      if (downAtStart.length > 0) this.#log.warn({ pins: downAtStart }, 'button(s) read pressed at start: stuck or held; they count once released');
      this.#signaller.attach(this.board);
      void this.#publishStatus();
    });
    this.board.on('lost', () => {
      this.#signaller.attach(null);
      this.#debouncer.reset();
      void this.#publishStatus();
    });
    this.link.on('connected', () => {
      this.#signaller.setOffline(false);
      void this.#publishStatus();
      this.#telemetry.sendNow();
    });
    this.link.on('disconnected', () => this.#signaller.setOffline(true));
    this.link.on('config', (config) => this.#applyConfig(config, true));
    this.link.on('command', (command) => this.#commands.handle(command));
  }

  #vote(pin: number): void {
    const rating = this.#ratingByPin.get(pin);
    if (rating === undefined) return;
    const now = this.#clock.uptimeMs();
    const repeat = now < this.#lockedUntil;
    if (!repeat) this.#lockedUntil = now + this.#lockoutMs;
    const press: QueuedPress = { boot: this.#boot, seq: ++this.#seq, rating, upMs: now, at: new Date(this.#clock.wallMs()).toISOString() };
    // Durable first (fdatasync), then the citizen's acknowledgment: a vote the citizen
    // saw acknowledged survives a crash or power cut of the bridge host.
    const result = this.journal.append(press);
    if (!result.durable) {
      this.#journalWriteErrors += 1;
      this.#log.error({ seq: press.seq }, 'could not write the vote to the offline queue (disk full?); it is held in memory only');
    }
    if (result.dropped) this.#log.warn({ dropped: { boot: result.dropped.boot, seq: result.dropped.seq }, droppedTotal: this.journal.droppedTotal }, 'offline queue full: dropped the oldest vote');
    if (!result.kept) this.#log.warn({ seq: press.seq, droppedTotal: this.journal.droppedTotal }, 'offline queue full: refused this vote');
    // A vote the journal refused or could not write is not promised to the citizen.
    const pattern = !result.kept || !result.durable ? voteNotSaved(rating) : repeat ? voteRepeated(rating) : this.link.connected ? voteAccepted(rating) : voteSavedOffline(rating);
    this.#signaller.play(pattern);
    this.emit('vote', { press, repeat, signal: pattern.name, kept: result.kept });
    this.#sender.kick();
  }

  #applyConfig(config: DeviceConfigMessage, fromHub: boolean): void {
    // The same ranges the bridge's own config allows: a bad value from the hub must not
    // silence the device (and it is remembered across restarts).
    this.#lockoutMs = clamp(config.lockoutMs, 0, 60_000);
    if (config.debounceMs !== undefined) this.#debouncer.debounceMs = clamp(config.debounceMs, 30, 500);
    if (config.telemetryIntervalMs !== undefined) this.#telemetry.intervalMs = config.telemetryIntervalMs;
    if (!fromHub) return;
    this.#log.info({ counterId: config.counterId, lockoutMs: config.lockoutMs }, 'applied the hub config');
    try {
      this.#savedConfig.save(config);
    } catch (error) {
      this.#log.warn({ err: (error as Error).message }, 'could not save the hub config locally');
    }
  }

  async #publishStatus(): Promise<void> {
    if (!this.link.connected) return;
    // Online only once the buttons are armed (process contract).
    const status = this.board.armed ? { state: 'online' as const, fw: BRIDGE_FIRMWARE, boot: this.#boot } : { state: 'offline' as const, fw: BRIDGE_FIRMWARE, boot: this.#boot };
    await this.link.publishStatus(status).catch(() => undefined);
  }

  #telemetryFields() {
    return {
      upMs: this.#clock.uptimeMs(),
      queued: this.journal.size,
      dropped: this.journal.droppedTotal,
      fw: BRIDGE_FIRMWARE,
      boardArmed: this.board.armed,
      ackedTotal: this.#sender.ackedTotal,
      journalWriteErrors: this.#journalWriteErrors,
      lockoutMs: this.#lockoutMs,
      stuckButtons: this.#debouncer.stuckPins(),
    };
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
