import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { certificateNames } from '../../hub/tls/centre-certificates.ts';
import { ensureHubTls, readHubTls } from '../../hub/tls/hub-tls.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const NOW = Date.UTC(2026, 11, 7, 9, 0, 0);

describe('the centre CA and the hub certificate', () => {
  it('makes a CA that signs a server certificate for the hub\'s names, with private keys 0600', () => {
    const dir = tempDir();
    try {
      const tls = ensureHubTls(dir.path, { centreId: 'demo-centre', names: certificateNames(['hub.local', 'localhost', '127.0.0.1', '192.168.1.20']), nowMs: NOW });
      expect(tls.outcome).toBe('created');
      const ca = new X509Certificate(tls.ca);
      const server = new X509Certificate(tls.cert);
      expect(ca.ca).toBe(true);
      expect(server.ca).toBe(false);
      expect(server.verify(ca.publicKey)).toBe(true);
      expect(server.checkIssued(ca)).toBe(true);
      expect(server.checkHost('hub.local')).toBe('hub.local');
      expect(server.checkIP('192.168.1.20')).toBe('192.168.1.20');
      expect(server.checkHost('evil.example')).toBeUndefined();
      expect(server.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
      // The key on disk is the certificate's key.
      expect(createPublicKey(createPrivateKey(tls.key)).export({ type: 'spki', format: 'pem' })).toBe(server.publicKey.export({ type: 'spki', format: 'pem' }));
      for (const path of [tls.paths.caKey, tls.paths.key]) expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(tls.paths.dir).mode & 0o777).toBe(0o700);
      expect(new Date(server.validFrom).getTime()).toBeLessThanOrEqual(NOW);
      expect(tls.summary.names).toEqual(expect.arrayContaining(['DNS:hub.local', 'IP Address:192.168.1.20']));
      expect(tls.summary.caSha256).toBe(ca.fingerprint256);
    } finally {
      dir.remove();
    }
  });

  it('keeps what exists; a renewal issues a new certificate from the same CA and key, so pins stay right', () => {
    const dir = tempDir();
    try {
      const first = ensureHubTls(dir.path, { centreId: 'demo-centre', names: certificateNames(['hub.local']), nowMs: NOW });
      expect(ensureHubTls(dir.path, { centreId: 'demo-centre', nowMs: NOW }).outcome).toBe('kept');
      const renewed = ensureHubTls(dir.path, { centreId: 'demo-centre', names: certificateNames(['hub.local', '10.0.0.9']), nowMs: NOW + 86_400_000, renew: true });
      expect(renewed.outcome).toBe('renewed');
      expect(renewed.ca).toBe(first.ca);
      expect(renewed.cert).not.toBe(first.cert);
      expect(renewed.summary.serverSpkiSha256).toBe(first.summary.serverSpkiSha256);
      expect(new X509Certificate(renewed.cert).checkIP('10.0.0.9')).toBe('10.0.0.9');
      expect(readHubTls(dir.path)!.cert).toBe(readFileSync(renewed.paths.cert, 'utf8'));
    } finally {
      dir.remove();
    }
  });

  it('reads nothing where tls init never ran', () => {
    const dir = tempDir();
    try {
      expect(readHubTls(dir.path)).toBeNull();
    } finally {
      dir.remove();
    }
  });
});
