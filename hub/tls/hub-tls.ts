import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { makePrivateDir } from '../../runtime/private-files.ts';
import { certificateNames, createCentreCa, issueServerCertificate, summarise, type CertificateNames, type CertificateSummary, type KeyPairPem } from './centre-certificates.ts';

/** Where a hub keeps its TLS material, under its data dir (docs/security.md, "TLS"). */
export function tlsPaths(dataDir: string) {
  const dir = join(dataDir, 'tls');
  return {
    dir,
    /** Public: copy it to counter hosts (`huduma-bridge --hub-ca`) and kiosks. */
    caCert: join(dir, 'centre-ca.crt'),
    /** Secret: signs server certificates; only `tls init` reads it. */
    caKey: join(dir, 'centre-ca.key'),
    cert: join(dir, 'hub.crt'),
    key: join(dir, 'hub.key'),
  };
}

/** What the MQTT and HTTPS listeners need. */
export interface HubTlsMaterial {
  key: string;
  cert: string;
  ca: string;
  summary: CertificateSummary;
}

export interface EnsuredTls extends HubTlsMaterial {
  paths: ReturnType<typeof tlsPaths>;
  /** `created`: a new CA and certificate; `renewed`: a new certificate with the old key; `kept`: as it was. */
  outcome: 'created' | 'renewed' | 'kept';
}

/**
 * Makes the centre CA and the hub certificate if the data dir has none; with `renew`,
 * issues a new server certificate for `names` from the same CA and key (bridges keep
 * trusting the CA, the kiosk's pin of the key stays right). Keys are written 0600.
 */
export function ensureHubTls(dataDir: string, options: { centreId: string; names?: CertificateNames; nowMs: number; renew?: boolean }): EnsuredTls {
  const paths = tlsPaths(dataDir);
  makePrivateDir(paths.dir);
  const names = options.names ?? defaultCertificateNames();
  let outcome: EnsuredTls['outcome'] = 'kept';
  if (!existsSync(paths.caKey) || !existsSync(paths.caCert)) {
    const ca = createCentreCa(options.centreId, options.nowMs);
    writePair(paths.caKey, paths.caCert, ca);
    writePair(paths.key, paths.cert, issueServerCertificate(ca, names, options.nowMs));
    outcome = 'created';
  } else if (options.renew || !existsSync(paths.cert) || !existsSync(paths.key)) {
    const ca = { keyPem: readFileSync(paths.caKey, 'utf8'), certPem: readFileSync(paths.caCert, 'utf8') };
    const key = existsSync(paths.key) ? readFileSync(paths.key, 'utf8') : undefined;
    writePair(paths.key, paths.cert, issueServerCertificate(ca, names, options.nowMs, key));
    outcome = 'renewed';
  }
  return { ...readHubTls(dataDir)!, paths, outcome };
}

/** The hub's TLS material, or null when `tls init` was never run on this data dir. */
export function readHubTls(dataDir: string): HubTlsMaterial | null {
  const paths = tlsPaths(dataDir);
  if (![paths.caCert, paths.cert, paths.key].every((path) => existsSync(path))) return null;
  const ca = readFileSync(paths.caCert, 'utf8');
  const cert = readFileSync(paths.cert, 'utf8');
  return { key: readFileSync(paths.key, 'utf8'), cert, ca, summary: summarise(ca, cert) };
}

/**
 * The names a hub is usually reached by on the centre LAN: its hostname, the mDNS
 * name, localhost, and every address of its interfaces.
 */
export function defaultCertificateNames(): CertificateNames {
  const host = hostname();
  const ips = Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .map((address) => address.address.split('%')[0]!);
  return certificateNames([host, `${host}.local`, 'localhost', '127.0.0.1', '::1', ...ips]);
}

function writePair(keyPath: string, certPath: string, pair: KeyPairPem): void {
  writeFileSync(keyPath, pair.keyPem, { mode: 0o600 });
  writeFileSync(certPath, pair.certPem, { mode: 0o600 });
}
