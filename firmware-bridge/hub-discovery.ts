import { Bonjour } from 'bonjour-service';
import type { Logger } from 'pino';
import type { BridgeClock } from './clock.ts';

/** The hub's DNS-SD type, `_huduma-hub._tcp` (hub/broker/mdns-advert.ts announces it). */
const HUB_SERVICE_TYPE = 'huduma-hub';

/**
 * Looks for this centre's hub by mDNS (docs/provisioning.md, "Finding the hub"): the
 * first `_huduma-hub._tcp` service whose TXT `centre` is ours, as `mqtt://ADDRESS:PORT`
 * (or `mqtts://` when the hub serves only TLS). Null when none answers in `timeoutMs`
 * or multicast is unavailable; the caller then falls back to its default.
 */
export function discoverHub(centreId: string, options: { timeoutMs: number; clock: BridgeClock; log: Logger; tls: boolean }): Promise<string | null> {
  return new Promise((resolve) => {
    let bonjour: Bonjour | null = null;
    const done = (url: string | null) => {
      cancel();
      try {
        bonjour?.destroy();
        bonjour = null;
      } catch {
        // already closed
      }
      resolve(url);
    };
    const cancel = options.clock.setTimer(() => done(null), options.timeoutMs);
    try {
      bonjour = new Bonjour({}, (error: Error) => {
        options.log.warn({ err: error.message }, 'mDNS unavailable; cannot look for the hub');
        done(null);
      });
      bonjour.find({ type: HUB_SERVICE_TYPE }, (service) => {
        const txt = (service.txt ?? {}) as Record<string, string>;
        if (txt.centre !== centreId) return;
        const port = options.tls ? Number(txt.mqtts) : Number(txt.mqtt);
        if (!Number.isInteger(port) || port <= 0) return;
        // The address the answer came from is one the hub is reachable at from here.
        const address = service.referer?.address ?? service.addresses?.find((a) => !a.includes(':'));
        if (!address) return;
        const host = address.includes(':') ? `[${address}]` : address;
        options.log.info({ hub: `${host}:${port}`, centreId, name: service.name }, 'hub found by mDNS');
        done(`${options.tls ? 'mqtts' : 'mqtt'}://${host}:${port}`);
      });
    } catch (error) {
      options.log.warn({ err: (error as Error).message }, 'mDNS unavailable; cannot look for the hub');
      done(null);
    }
  });
}
