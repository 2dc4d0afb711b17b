import { systemClock } from '../../../runtime/clock.ts';
import { loadHubConfig } from '../../config/load.ts';
import { HubError } from '../../errors.ts';
import { certificateNames } from '../../tls/centre-certificates.ts';
import { defaultCertificateNames, ensureHubTls, readHubTls, tlsPaths } from '../../tls/hub-tls.ts';
import { parseCommandArgs, printJson, type CliIo } from '../../../runtime/cli.ts';
import { dataDirOf } from '../store-access.ts';

const USAGE = {
  init: 'huduma-hub tls init [--name HOST_OR_IP]... [--renew] [--data-dir DIR] [--config FILE]',
  show: 'huduma-hub tls show [--data-dir DIR] [--config FILE]',
};

/**
 * `tls init|show`: the centre CA and the hub's certificate (docs/security.md, "TLS").
 * `init` makes them once (names: this host's name, name.local, localhost and its
 * addresses, plus every --name); `--renew` issues a new certificate for the names from
 * the same CA and key. Both print where the files are and what to pin.
 */
export function tlsCommand(args: string[], io: CliIo): number {
  const [sub, ...rest] = args;
  const common = { 'data-dir': { type: 'string' }, config: { type: 'string' } } as const;
  switch (sub) {
    case 'init': {
      const { values, positionals } = parseCommandArgs(rest, { ...common, name: { type: 'string', multiple: true }, renew: { type: 'boolean' } }, USAGE.init);
      if (positionals.length > 0) throw new HubError('usage', `unexpected argument "${positionals[0]}"\n\nusage: ${USAGE.init}`);
      const centreId = loadHubConfig(values.config === undefined ? {} : { configPath: values.config }).config.centre.id;
      const defaults = defaultCertificateNames();
      const names = certificateNames([...defaults.dnsNames, ...defaults.ips, ...(values.name ?? [])]);
      const tls = ensureHubTls(dataDirOf(values), { centreId, names, nowMs: systemClock.now(), renew: values.renew === true });
      printJson(io, { outcome: tls.outcome, caFile: tls.paths.caCert, certFile: tls.paths.cert, ...tls.summary });
      return 0;
    }
    case 'show': {
      const { values } = parseCommandArgs(rest, common, USAGE.show);
      const dataDir = dataDirOf(values);
      const tls = readHubTls(dataDir);
      if (!tls) throw new HubError('tls_missing', `no centre certificate in ${tlsPaths(dataDir).dir}; make one with: ${USAGE.init}`);
      printJson(io, { caFile: tlsPaths(dataDir).caCert, certFile: tlsPaths(dataDir).cert, ...tls.summary });
      return 0;
    }
    default:
      throw new HubError('usage', `unknown tls command "${sub ?? ''}"; one of:\n  ${Object.values(USAGE).join('\n  ')}`);
  }
}
