import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AccessTokens } from '../../auth/access-tokens.ts';
import { EmulatedTicketPrinter, type TicketPrinter } from '../../peripherals/ticket-printer.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { parseBody } from '../validation.ts';

const EmulatorState = z.strictObject({ state: z.enum(['ready', 'paper_near_end', 'paper_end', 'cover_open', 'offline']) });

/**
 * `GET /api/printer` (technician, manager): the ticket printer's state and, for the
 * built-in emulator, the last tickets it printed. `POST /api/printer/emulator` sets the
 * emulator's state (a technician rehearsing "paper out" on the demo centre).
 */
export function printerRoutes(app: FastifyInstance, deps: { tokens: AccessTokens; printer: TicketPrinter }): void {
  const staff = requireRole(deps.tokens, 'technician', 'manager');
  app.get('/api/printer', { onRequest: staff }, async () => ({
    kind: deps.printer.kind,
    state: deps.printer.state(),
    printed: deps.printer instanceof EmulatedTicketPrinter ? [...deps.printer.printed].reverse() : [],
  }));
  app.post('/api/printer/emulator', { onRequest: staff }, async (request) => {
    if (!(deps.printer instanceof EmulatedTicketPrinter)) throw new ApiError(409, 'not_emulator', 'the hub drives a real printer; its state comes from the printer');
    // Pages and the spooler follow the printer's state changes (print-spooler.ts).
    deps.printer.setState(parseBody(EmulatorState, request.body).state);
    return { state: deps.printer.state() };
  });
}
