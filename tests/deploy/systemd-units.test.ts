import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/hub-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const UNITS_DIR = join(REPO_ROOT, 'deploy', 'systemd');

/** `systemd-analyze verify` on a unit file: what systemd itself says about every line. */
function verify(path: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    execFile('systemd-analyze', ['verify', '--man=no', path], (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}`.trim() })),
  );
}

/** The unit as installed, with the checkout standing in for /opt/huduma-hub (so ExecStart exists). */
function installed(dir: string, name: string, instance?: string): string {
  const target = join(dir, instance ? name.replace('@.', `@${instance}.`) : name);
  writeFileSync(target, readFileSync(join(UNITS_DIR, name), 'utf8').replaceAll('/opt/huduma-hub', REPO_ROOT.replace(/\/$/, '')));
  return target;
}

describe('the systemd units in deploy/systemd (docs/install.md, docs/security.md)', () => {
  const units = readdirSync(UNITS_DIR).filter((name) => name.endsWith('.service'));

  it('ships a unit for the hub and the bridge', () => {
    expect(units).toEqual(expect.arrayContaining(['huduma-hub.service', 'huduma-bridge@.service']));
  });

  it.each(units)('%s: systemd accepts every line; it runs as its own user, sandboxed, with a private state dir', async (name) => {
    const dir = tempDir('huduma-units-');
    try {
      const text = readFileSync(join(UNITS_DIR, name), 'utf8');
      for (const line of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes', 'UMask=0077', 'StateDirectoryMode=0700', 'CapabilityBoundingSet=']) expect(text).toContain(line);
      expect(text).toMatch(/^User=huduma/m);
      expect(await verify(installed(dir.path, name, 'eifd-01'))).toEqual({ code: 0, output: '' });
    } finally {
      dir.remove();
    }
  });

  it('the check can fail: a misspelt key is reported', async () => {
    const dir = tempDir('huduma-units-');
    try {
      const path = installed(dir.path, 'huduma-hub.service');
      writeFileSync(path, readFileSync(path, 'utf8').replace('ProtectSystem=strict', 'ProtectSystm=strict'));
      expect((await verify(path)).output).toMatch(/Unknown key 'ProtectSystm'/);
    } finally {
      dir.remove();
    }
  });
});
