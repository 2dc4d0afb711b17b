import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../runtime/clock.ts';
import { isDeadLineError, watchLine } from '../../../hardware/serial/dead-line.ts';
import type { ModemStatus } from '../../../hardware/serial/serial-binding.ts';
import { flush as settle } from '../board-test-kit.ts';

describe('watchLine', () => {
  it('tells a dead device (EIO, ENXIO) from a live PTY (ENOTTY) or UART', () => {
    expect(isDeadLineError(new Error('Input/output error, cannot get'))).toBe(true);
    expect(isDeadLineError(new Error('No such device or address, cannot get'))).toBe(true);
    expect(isDeadLineError(new Error('Inappropriate ioctl for device, cannot get'))).toBe(false);
    expect(isDeadLineError(null)).toBe(false);
  });

  it('checks on the clock and reports a dead line once', async () => {
    const clock = new ManualClock(0);
    let answer: Error | null = new Error('Inappropriate ioctl for device, cannot get');
    let checks = 0;
    const lines: ModemStatus = { cts: true, dsr: true, dcd: true };
    const port = {
      isOpen: true,
      get: () => (checks++, new Promise<ModemStatus>((resolve, reject) => setImmediate(() => (answer ? reject(answer) : resolve(lines))))),
    };
    const dead: Error[] = [];
    watchLine(port, clock, 100, (error) => dead.push(error));
    for (let i = 0; i < 3; i++) {
      clock.advance(100);
      await settle();
    }
    expect(checks).toBe(3);
    answer = new Error('Input/output error, cannot get');
    clock.advance(100);
    await settle();
    clock.advance(1000);
    await settle();
    expect(dead).toHaveLength(1);
    expect(checks).toBe(4);
  });
});
