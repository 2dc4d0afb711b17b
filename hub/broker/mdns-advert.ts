import { Bonjour, type Service } from 'bonjour-service';
import type { Logger } from '../logger.ts';
import type { HubPart } from '../part.ts';

/** The DNS-SD service type (`_huduma-hub._tcp`); bridges browse for it (docs/device-contract.md, "Finding the hub"). */
export const HUB_SERVICE_TYPE = 'huduma-hub';

/** Whether a listen address is loopback only (then no other host can use an advert). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export interface HubAdvert {
  centreId: string;
  /** The plaintext MQTT port, 0 when only TLS is served. */
  mqttPort: number;
  mqttsPort: number;
  httpPort: number;
  pid: number;
}

/**
 * Announces the hub by mDNS so counter hosts find it without an address typed in. The
 * TXT record names the centre (a bridge takes only its own centre's hub) and the ports.
 * Multicast is a convenience: when the network refuses it, the hub runs on and says so;
 * bridges then need --hub.
 */
export class MdnsAdvert implements HubPart {
  readonly #advert: HubAdvert;
  readonly #log: Logger;
  #bonjour: Bonjour | null = null;
  #service: Service | null = null;

  constructor(advert: HubAdvert, log: Logger) {
    this.#advert = advert;
    this.#log = log;
  }

  start(): void {
    const { centreId, mqttPort, mqttsPort, httpPort, pid } = this.#advert;
    const warn = (error: unknown) => this.#log.warn({ err: (error as Error).message }, 'mDNS advertising failed; bridges need --hub');
    try {
      this.#bonjour = new Bonjour({}, warn);
      const txt: Record<string, string> = { v: '1', centre: centreId, http: String(httpPort) };
      if (mqttPort) txt.mqtt = String(mqttPort);
      if (mqttsPort) txt.mqtts = String(mqttsPort);
      // The pid keeps two hubs on one machine (tests, a spare) from clashing over the name.
      this.#service = this.#bonjour.publish({ name: `huduma-hub ${centreId} ${pid}`, type: HUB_SERVICE_TYPE, port: mqttPort || mqttsPort, txt });
      this.#service.on('error', warn);
      this.#log.info({ type: `_${HUB_SERVICE_TYPE}._tcp`, centreId }, 'advertising the hub by mDNS');
    } catch (error) {
      warn(error);
    }
  }

  async stop(): Promise<void> {
    const bonjour = this.#bonjour;
    this.#bonjour = null;
    this.#service = null;
    if (!bonjour) return;
    // Says goodbye (TTL 0) so bridges forget the hub at once; bounded, multicast may be gone.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      timer.unref();
      bonjour.unpublishAll(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    bonjour.destroy();
  }
}
