import { isIPv6 } from 'node:net';

/**
 * The key the per-address limits count under (docs/security.md, "Secretariat"): an
 * IPv4 address as is (also when it arrives IPv4-mapped on a dual-stack socket), an
 * IPv6 address by its /64, since one host is routinely given a whole /64 and could
 * otherwise take a fresh address per connection. Behind a reverse proxy the address
 * is the one the proxy saw (fastify's trustProxy, `--trust-proxy`).
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const groups = expandIPv6(ip);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : ip;
}

/** Eight hextets of an IPv6 address (zone and embedded IPv4 tail handled), or undefined. */
function expandIPv6(ip: string): string[] | undefined {
  const address = ip.split('%', 1)[0]!.toLowerCase();
  const [head, tail] = address.includes('::') ? (address.split('::', 2) as [string, string]) : [address, undefined];
  const part = (text: string): string[] => (text === '' ? [] : text.split(':').flatMap((group) => (group.includes('.') ? ipv4ToHextets(group) : [group])));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  return [...left, ...Array.from({ length: missing }, () => '0'), ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}

function ipv4ToHextets(ipv4: string): string[] {
  const [a, b, c, d] = ipv4.split('.').map(Number) as [number, number, number, number];
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
