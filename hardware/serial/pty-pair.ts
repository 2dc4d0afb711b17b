import { spawn, type ChildProcess } from 'node:child_process';
import { lstat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Two linked kernel pseudo-terminals: bytes written to one end arrive at the other. */
export interface PtyPair {
  /** Path for the host side (the driver opens this). */
  hostPath: string;
  /** Path for the device side (an emulator serves this). */
  devicePath: string;
  close(): Promise<void>;
}

/**
 * Starts `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B`
 * (docs/protocols/serial-lines.md §2) and resolves once both links exist. Closing kills
 * socat, which makes both ends report EOF/EIO, as pulling the USB cable does.
 */
export async function openPtyPair(options: { dir?: string } = {}): Promise<PtyPair> {
  // A given dir gives the same paths again: a board replugged into the same port
  // (what /dev/serial/by-id/… does for a real one). The caller removes that dir.
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'huduma-pty-')));
  const hostPath = join(dir, 'host');
  const devicePath = join(dir, 'device');
  const socat: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${devicePath}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  socat.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  // socat logs "starting data transfer loop" once both PTYs are open and linked.
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (stderr.includes('starting data transfer loop')) {
        socat.stderr!.off('data', onData);
        resolve();
      }
    };
    socat.stderr!.on('data', onData);
    socat.once('error', (error) => reject(new Error(`cannot run socat (apt-get install socat): ${error.message}`)));
    void exited.then(() => reject(new Error(`socat exited before the PTYs were ready:\n${stderr}`)));
  });
  await Promise.all([lstat(hostPath), lstat(devicePath)]);
  return {
    hostPath,
    devicePath,
    async close() {
      if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGTERM');
      await exited;
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
