import type { TicketView } from '../../protocol/queue/ticket.ts';
import type { QueueCommand } from './commands.ts';
import type { CallSigns, CounterIdleReason } from './ports.ts';

/** Commands after which the counter has no ticket on its display, and what the display says then. */
const IDLE_AFTER: Partial<Record<QueueCommand['kind'], CounterIdleReason>> = {
  call_next: 'free',
  finish: 'free',
  no_show: 'free',
  transfer: 'free',
  pause_counter: 'paused',
  close_counter: 'closed',
};

/**
 * What a committed command means for the call signs: a call or recall shows the ticket
 * on the hall boards and above its counter; a ticket leaving the counter (or a counter
 * pausing or closing) puts that counter's display back to idle. A call-next that found
 * nobody waiting finished the previous ticket, so it idles the display too.
 */
export function announceChange(signs: CallSigns, command: QueueCommand, ticket: TicketView | null): void {
  if (!('counterId' in command)) return;
  const { counterId } = command;
  if ((command.kind === 'call_next' || command.kind === 'recall') && ticket) {
    signs.showCall({ number: ticket.number, counterId });
    return;
  }
  const idle = IDLE_AFTER[command.kind];
  if (idle) signs.showCounterIdle(counterId, idle);
}
