import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { canPrint, PrinterState } from '../../../protocol/events/peripherals.ts';
import { actorOf, type AccessTokens, type TokenGrant } from '../../auth/access-tokens.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
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
 * `POST /api/printer/test` prints a test page that uses no queue number
 * (docs/provisioning.md, "Printer and board tests").
 */
export function printerRoutes(app: FastifyInstance, deps: { tokens: AccessTokens; audit: AuditLog; printer: Pick<TicketPrinter, 'kind' | 'state' | 'check' | 'printTestPage'>; emulator: PrinterEmulator | null }): void {
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
  app.post('/api/printer/test', { onRequest: staff }, async (request) => {
    const actor = { actor: actorOf((request as FastifyRequest & { grant: TokenGrant }).grant) };
    // Asked first, as before a ticket: a printer out of paper is reported, not tried.
    const state = await printer.check();
    let error: string | null = canPrint(state) ? null : `printer ${state}`;
    if (error === null) error = await printer.printTestPage().then(() => null, (e: Error) => e.message);
    await deps.audit.record(actor, 'printer.test', printer.kind, { printed: error === null, state: printer.state() });
    if (error !== null) throw new ApiError(503, 'printer_unavailable', `the test page was not printed: ${error}`, undefined, { fields: { state: printer.state() } });
    return { printed: true, state: printer.state() };
  });
}
