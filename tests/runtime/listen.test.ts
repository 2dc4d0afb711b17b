import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { listenWithFallback, PortInUseError } from '../../runtime/listen.ts';
import { PORT_MEMORY_FILE, portMemoryIn } from '../../runtime/port-memory.ts';

const log = pino({ level: 'silent' });
const servers: Server[] = [];
const dirs: string[] = [];
const listening = (server: Server, port: number) => new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
const portOf = (server: Server) => (server.address() as { port: number }).port;
const newServer = () => {
  const server = createServer();
  servers.push(server);
  return server;
};
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

afterEach(async () => {
  await Promise.all(servers.splice(0).filter((s) => s.listening).map(close));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('listenWithFallback with a port memory (issue 14, item 1)', () => {
  it('falls back from a taken default to a free port, and takes the same one at the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'huduma-listen-'));
    dirs.push(dir);
    const squatter = newServer();
    await listening(squatter, 0);
    const defaultPort = portOf(squatter);
    const request = { what: 'MQTT', host: '127.0.0.1', port: defaultPort, explicit: false, flag: '--mqtt-port', memory: portMemoryIn(dir) };

    const first = newServer();
    const fallback = await listenWithFallback(first, request, log);
    expect(fallback).not.toBe(defaultPort);
    expect(JSON.parse(readFileSync(join(dir, PORT_MEMORY_FILE), 'utf8'))).toEqual({ MQTT: fallback });
    await close(first);

    // Restart: the remembered fallback first, even after the default is free again.
    await close(squatter);
    expect(await listenWithFallback(newServer(), request, log)).toBe(fallback);
  });

  it('takes the default again when the remembered port is taken, and forgets the fallback', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'huduma-listen-'));
    dirs.push(dir);
    const probe = newServer();
    await listening(probe, 0);
    const defaultPort = portOf(probe);
    await close(probe);
    const other = newServer();
    await listening(other, 0);
    writeFileSync(join(dir, PORT_MEMORY_FILE), JSON.stringify({ HTTP: portOf(other) }));
    const request = { what: 'HTTP', host: '127.0.0.1', port: defaultPort, explicit: false, flag: '--http-port', memory: portMemoryIn(dir) };
    expect(await listenWithFallback(newServer(), request, log)).toBe(defaultPort);
    expect(JSON.parse(readFileSync(join(dir, PORT_MEMORY_FILE), 'utf8'))).toEqual({});
  });

  it('never replaces a port someone chose, remembered or not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'huduma-listen-'));
    dirs.push(dir);
    const squatter = newServer();
    await listening(squatter, 0);
    writeFileSync(join(dir, PORT_MEMORY_FILE), JSON.stringify({ MQTT: 1 }));
    const request = { what: 'MQTT', host: '127.0.0.1', port: portOf(squatter), explicit: true, flag: '--mqtt-port', memory: portMemoryIn(dir) };
    await expect(listenWithFallback(newServer(), request, log)).rejects.toBeInstanceOf(PortInUseError);
  });
});
