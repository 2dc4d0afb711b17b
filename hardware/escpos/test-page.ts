import { toTicketAscii } from './ascii-text.ts';
import { feedAndCut, initialise, LF, paperStatusBarrier, selectCodeTable } from './commands.ts';

/**
 * A printer test page (docs/provisioning.md, "Printer test"): what a technician prints
 * to check paper, cutter and line without using a queue number. Plain text lines in
 * printable ASCII, then the same cut and `GS r 1` barrier as a ticket, so the page is
 * confirmed exactly as a ticket is (docs/protocols/escpos.md §6).
 */
export function testPageLines(page: { centreName: string; at: string; printer: string }): string[] {
  return ['*** PRINTER TEST / MAJARIBIO ***', toTicketAscii(page.centreName).trim(), `Printed / Imechapishwa: ${page.at}`, `Printer: ${page.printer}`, 'No ticket number used', '0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ', '*** END / MWISHO ***'];
}

export function buildTestPageBytes(lines: readonly string[]): Buffer {
  const body = lines.map((line) => Buffer.concat([Buffer.from(toTicketAscii(line), 'ascii'), Buffer.from([LF])]));
  return Buffer.concat([initialise(), selectCodeTable(0), ...body, Buffer.from([LF, LF]), feedAndCut('partial', 0), paperStatusBarrier()]);
}
