import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PrinterState } from '../../../protocol/events/peripherals.ts';
import type { AccessTokens } from '../../auth/access-tokens.ts';
import type { PrinterEmulator } from '../../peripherals/emulated-ticket-printer.ts';
import type { TicketPrinter } from '../../queue/ports.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { parseBody } from '../validation.ts';

const EmulatorState = z.strictObject({ state: PrinterState });

/**
 * `GET /api/printer` (technician, manager): the ticket printer's state and, for the
 * built-in emulator, the last tickets it printed. `POST /api/printer/emulator` sets the
 * emulator's state (a technician rehearsing "paper out" on the demo centre). The
 * emulator's controls come only when the hub runs it (`emulator` null otherwise).
 */
export function printerRoutes(app: FastifyInstance, deps: { tokens: AccessTokens; printer: Pick<TicketPrinter, 'kind' | 'state'>; emulator: PrinterEmulator | null }): void {
  const staff = requireRole(deps.tokens, 'technician', 'manager');
  const { printer, emulator } = deps;
  app.get('/api/printer', { onRequest: staff }, async () => ({
    kind: printer.kind,
    state: printer.state(),
    printed: emulator ? [...emulator.printed].reverse() : [],
  }));
  app.post('/api/printer/emulator', { onRequest: staff }, async (request) => {
    if (!emulator) throw new ApiError(409, 'not_emulator', 'the hub drives a real printer; its state comes from the printer');
    // Pages and the spooler follow the printer's state changes (hub/queue/print-spooler.ts).
    emulator.setState(parseBody(EmulatorState, request.body).state);
    return { state: printer.state() };
  });
}
