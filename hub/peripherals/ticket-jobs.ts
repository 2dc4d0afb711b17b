import { ticketLabelsOf, type TicketJob, type TicketLabels } from '../../hardware/escpos/ticket-bytes.ts';
import { testPageLines } from '../../hardware/escpos/test-page.ts';
import type { LocalizedText } from '../../protocol/queue/ticket.ts';
import type { Strings } from '../../protocol/wording/overrides.ts';
import type { HubConfig } from '../config/schema.ts';
import type { TicketToPrint } from '../queue/ports.ts';

/**
 * What a queue ticket puts on paper, for every printer adapter alike: the centre's name,
 * the service's names, the ticket's figures, the issue time in the centre's timezone and
 * the printed wording of the centre's strings. The hardware layer lays the job out once
 * (hardware/escpos/ticket-bytes.ts `ticketText`), for the ESC/POS bytes and the built-in
 * emulator's lines alike.
 */
export class TicketJobs {
  readonly #centreName: LocalizedText;
  readonly #timeZone: string;
  #serviceNames: Map<string, LocalizedText>;
  readonly #labels: TicketLabels;

  constructor(config: Pick<HubConfig, 'centre' | 'services'>, strings: Strings) {
    this.#centreName = config.centre.name;
    this.#timeZone = config.centre.timezone;
    this.#serviceNames = new Map(config.services.map((s) => [s.id, s.names]));
    this.#labels = ticketLabelsOf(strings);
  }

  /** A live config change (docs/live-config.md): new or renamed services print their names. */
  followServices(services: HubConfig['services']): void {
    this.#serviceNames = new Map(services.map((s) => [s.id, s.names]));
  }

  /** The test page's lines (hardware/escpos/test-page.ts), with the centre and the time in its zone. */
  testPage(atMs: number, printer: string): string[] {
    const at = new Intl.DateTimeFormat('en-GB', { timeZone: this.#timeZone, dateStyle: 'short', timeStyle: 'short' }).format(new Date(atMs));
    return testPageLines({ centreName: this.#centreName.en, at, printer });
  }

  jobFor({ ticket, reprint }: TicketToPrint): TicketJob {
    return {
      centreName: this.#centreName,
      // A ticket's service is one of the config's: the engine refuses any other.
      serviceNames: this.#serviceNames.get(ticket.serviceId) ?? { en: ticket.serviceId, sw: ticket.serviceId },
      number: ticket.number,
      ticketId: ticket.id,
      peopleAhead: ticket.peopleAhead,
      quotedWait: ticket.quotedWait,
      issuedAt: ticket.issuedAt,
      timeZone: this.#timeZone,
      reprint,
      labels: this.#labels,
    };
  }
}
