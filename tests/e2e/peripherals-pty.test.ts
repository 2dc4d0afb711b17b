import { afterEach, describe, expect, it } from 'vitest';
import { AlphaSignEmulator, type AlphaShown } from '../../hardware/alpha/alpha-emulator.ts';
import { openPtyPair, type PtyPair } from '../../hardware/serial/pty-pair.ts';
import { DmdDisplayEmulator } from '../../hardware/vfd/dmd-emulator.ts';
import { nextEvent, within } from '../hardware/board-test-kit.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { outboxEvents, QueueClient, tokensFor } from '../helpers/queue-client.ts';
import { TEST_LINES } from '../../hub/peripherals/serial-call-signs.ts';

const COUNTERS = ['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10'];

/**
 * The hub driving its hall board (Alpha protocol) and a counter display (Epson DM-D)
 * over real kernel PTY pairs (socat) to behaving emulators: a call made through the API
 * shows on both; a board that stops answering is reported (/health, board.status event)
 * and retried until it answers again.
 */
describe('hall board and counter display over PTYs', () => {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function pty(): Promise<PtyPair> {
    const pair = await openPtyPair();
    cleanup.push(() => pair.close());
    return pair;
  }

  it('shows a call on the hall board and on the counter display, and reports a board that stops answering', async () => {
    const [boardLine, displayLine] = [await pty(), await pty()];
    const board = new AlphaSignEmulator({ address: '01', ackNak: true });
    const display = new DmdDisplayEmulator();
    const boardAttachment = await board.attachSerial(boardLine.devicePath);
    const displayAttachment = await display.attachSerial(displayLine.devicePath);
    cleanup.push(() => boardAttachment.close(), () => displayAttachment.close());

    const fixture: HubFixture = await startHub({
      configure: (config) => {
        config.displays.hallBoards = [{ id: 'hall-1', path: boardLine.hostPath, address: '01', baudRate: 9600, ack: true }];
        config.displays.counterDisplays = [{ counterId: 'c03', path: displayLine.hostPath, baudRate: 9600 }];
        config.displays.retryMs = 500;
      },
    });
    cleanup.push(() => fixture.stop());
    const api = new QueueClient(fixture.ports.http);
    const tokens = tokensFor(fixture, COUNTERS);

    // The counter display greets until its counter calls.
    await expect.poll(() => display.text()).toEqual(['Counter/Kaunta 3', 'Karibu / Welcome']);

    const ticket = (await api.issue(tokens.kiosk, 'good-conduct')).body.ticket;
    const onBoard = nextEvent<AlphaShown | null>(board, 'shown', (shown) => shown?.text === `${ticket.number} -> 3`);
    const onDisplay = nextEvent<[string, string]>(display, 'changed', (lines) => lines[0].startsWith(`Ticket/Tiketi ${ticket.number}`));
    expect((await api.counter(tokens.officer('c03'), 'c03', 'call-next')).status).toBe(200);
    await within(onBoard, `"${ticket.number} -> 3" on the hall board`);
    await within(onDisplay, 'the call on the counter display');
    expect(display.text()).toEqual([`Ticket/Tiketi ${ticket.number}`, '-> Counter/Kaunta 3']);
    expect(board.shown()).toMatchObject({ label: 'A', text: `${ticket.number} -> 3` });

    // The board stops answering (ACK/NAK on): reported, retried, then healthy again.
    board.setAnswering(false);
    const second = (await api.issue(tokens.kiosk, 'police-abstract')).body.ticket;
    await api.counter(tokens.officer('c03'), 'c03', 'call-next');
    await expect.poll(() => fixture.hub.health().displays.find((d) => d.id === 'hall-1')?.healthy, { timeout: 10_000 }).toBe(false);
    expect(fixture.hub.health().warnings.join(' ')).toContain('hall board hall-1 not answering');
    board.setAnswering(true);
    await within(nextEvent<AlphaShown | null>(board, 'shown', (shown) => shown?.text === `${second.number} -> 3`), 'the retried call', 10_000);
    await expect.poll(() => fixture.hub.health().displays.find((d) => d.id === 'hall-1')?.healthy, { timeout: 10_000 }).toBe(true);
    // Each sign's line opening, then the board's outage and recovery (the recovery's event is
    // written through the store writer just after /health shows it: wait for it).
    await expect.poll(() => outboxEvents(fixture.dataDir, 'board.status').filter((e) => e.boardId === 'hall-1').length).toBe(3);
    const statuses = outboxEvents(fixture.dataDir, 'board.status');
    expect(statuses.filter((e) => e.boardId === 'hall-1').map((e) => [e.healthy, e.reason])).toEqual([
      [true, null],
      [false, expect.stringContaining('did not ACK')],
      [true, null],
    ]);
    expect(statuses.filter((e) => e.boardId === 'display-c03').map((e) => e.healthy)).toEqual([true]);
  });

  it('lists the boards and shows a test pattern on each, audited (technician endpoints)', async () => {
    const [boardLine, displayLine] = [await pty(), await pty()];
    const board = new AlphaSignEmulator({ address: '01', ackNak: true });
    const display = new DmdDisplayEmulator();
    const boardAttachment = await board.attachSerial(boardLine.devicePath);
    const displayAttachment = await display.attachSerial(displayLine.devicePath);
    cleanup.push(() => boardAttachment.close(), () => displayAttachment.close());
    const fixture: HubFixture = await startHub({
      configure: (config) => {
        config.displays.hallBoards = [{ id: 'hall-1', path: boardLine.hostPath, address: '01', baudRate: 9600, ack: true }];
        config.displays.counterDisplays = [{ counterId: 'c03', path: displayLine.hostPath, baudRate: 9600 }];
      },
    });
    cleanup.push(() => fixture.stop());
    const api = new QueueClient(fixture.ports.http);
    const tokens = tokensFor(fixture, COUNTERS);
    await expect.poll(() => display.text()).toEqual(['Counter/Kaunta 3', 'Karibu / Welcome']);

    await expect.poll(async () => (await api.call('GET', '/api/boards', tokens.technician)).body).toEqual({
      boards: [
        { id: 'hall-1', kind: 'hall', healthy: true, reason: null },
        { id: 'display-c03', kind: 'counter', healthy: true, reason: null },
      ],
    });
    const onBoard = nextEvent<AlphaShown | null>(board, 'shown', (shown) => shown?.text === TEST_LINES[0]);
    expect((await api.call('POST', '/api/boards/hall-1/test', tokens.technician, {})).body).toMatchObject({ shown: true, board: { id: 'hall-1', healthy: true } });
    await within(onBoard, 'the test pattern on the hall board');
    expect((await api.call('POST', '/api/boards/display-c03/test', tokens.technician, {})).status).toBe(200);
    await expect.poll(() => display.text()).toEqual([...TEST_LINES]);
    const unknown = await api.call<{ error: { message: string } }>('POST', '/api/boards/hall-9/test', tokens.technician, {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('hall-1, display-c03');
    const audit = await api.call<{ entries: Array<{ action: string; target: string }> }>('GET', '/api/audit?limit=5', tokens.technician);
    expect(audit.body.entries.map((e) => [e.action, e.target])).toEqual([
      ['board.test', 'display-c03'],
      ['board.test', 'hall-1'],
    ]);
  });
});
