import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/**
 * The centre's own certificate authority and the hub's server certificate, made on the
 * hub at install (docs/security.md, "TLS"). The CA is private to one centre: bridges
 * trust only it (pinned), the kiosk's Chromium is told its server key, and nothing
 * else on the LAN can present a certificate they accept. RSA 2048 (node-forge signs
 * RSA only; Node makes the keys natively, in well under a second).
 */
export interface CertificateNames {
  /** DNS names the hub is reached by (its hostname, hostname.local, localhost …). */
  dnsNames: string[];
  /** IP addresses the hub is reached by. */
  ips: string[];
}

const CA_YEARS = 20;
/** Renewed with `huduma-hub tls init --renew` (the CA stays, so nothing needs copying again). */
const SERVER_YEARS = 2;

export interface KeyPairPem {
  keyPem: string;
  certPem: string;
}

/** A new centre CA (self-signed, may sign server certificates only). */
export function createCentreCa(centreId: string, nowMs: number): KeyPairPem {
  const ca = rsaKeyPair();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = forge.pki.publicKeyFromPem(ca.publicKeyPem);
  caCert.serialNumber = serial();
  setValidity(caCert, nowMs, CA_YEARS);
  const subject = [
    { name: 'commonName', value: `Huduma centre ${centreId} CA` },
    { name: 'organizationName', value: 'Huduma Centre' },
  ];
  caCert.setSubject(subject);
  caCert.setIssuer(subject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(forge.pki.privateKeyFromPem(ca.privateKeyPem), forge.md.sha256.create());
  return { keyPem: ca.privateKeyPem, certPem: forge.pki.certificateToPem(caCert) };
}

/**
 * The hub's server certificate, signed by the centre CA, for `names`. `keyPem` reuses
 * an existing server key (a renewal keeps the key, so the kiosk's pin stays valid);
 * without it a new key is made.
 */
export function issueServerCertificate(ca: KeyPairPem, names: CertificateNames, nowMs: number, keyPem?: string): KeyPairPem {
  const key = keyPem ?? rsaKeyPair().privateKeyPem;
  const privateKey = forge.pki.privateKeyFromPem(key);
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey((privateKey as forge.pki.rsa.PrivateKey).n, (privateKey as forge.pki.rsa.PrivateKey).e);
  cert.serialNumber = serial();
  setValidity(cert, nowMs, SERVER_YEARS);
  cert.setSubject([{ name: 'commonName', value: names.dnsNames[0] ?? names.ips[0] ?? 'huduma-hub' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    // Chromium and mosquitto check the name in subjectAltName only.
    { name: 'subjectAltName', altNames: [...names.dnsNames.map((value) => ({ type: 2, value })), ...names.ips.map((ip) => ({ type: 7, ip }))] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.keyPem), forge.md.sha256.create());
  return { keyPem: key, certPem: forge.pki.certificateToPem(cert) };
}

/** What a technician needs to trust the hub: fingerprints, names, expiry. */
export interface CertificateSummary {
  /** SHA-256 of the CA certificate (colon hex), to check the file copied to a counter host. */
  caSha256: string;
  /** base64 SHA-256 of the server certificate's public key: Chromium's --ignore-certificate-errors-spki-list. */
  serverSpkiSha256: string;
  names: string[];
  notAfter: string;
}

export function summarise(caCertPem: string, certPem: string): CertificateSummary {
  const ca = new X509Certificate(caCertPem);
  const server = new X509Certificate(certPem);
  const spki = server.publicKey.export({ type: 'spki', format: 'der' });
  return {
    caSha256: ca.fingerprint256,
    serverSpkiSha256: createHash('sha256').update(spki).digest('base64'),
    names: (server.subjectAltName ?? '').split(', ').filter(Boolean),
    notAfter: new Date(server.validTo).toISOString(),
  };
}

/** Splits `--name` values into DNS names and IP addresses. */
export function certificateNames(values: string[]): CertificateNames {
  const unique = [...new Set(values.map((v) => v.trim()).filter(Boolean))];
  return { dnsNames: unique.filter((v) => isIP(v) === 0), ips: unique.filter((v) => isIP(v) !== 0) };
}

function rsaKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

function setValidity(cert: forge.pki.Certificate, nowMs: number, years: number): void {
  // An hour back: a counter host whose clock is a little behind still accepts it.
  cert.validity.notBefore = new Date(nowMs - 3_600_000);
  cert.validity.notAfter = new Date(nowMs + years * 365 * 86_400_000);
}

/** A positive 16-byte serial (RFC 5280 §4.1.2.2: positive, at most 20 octets). */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}
