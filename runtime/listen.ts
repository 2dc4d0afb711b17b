import type { Server } from 'node:net';
import type { Logger } from 'pino';
import type { PortMemory } from './port-memory.ts';

/** A port someone chose is taken (code `port_in_use`); the programs map it to their exit code. */
export class PortInUseError extends Error {
  readonly code = 'port_in_use';
}

export interface ListenRequest {
  /** What listens, for messages: "MQTT", "HTTP". */
  what: string;
  host: string;
  port: number;
  /**
   * True when someone chose this port (flag or config file): if it is taken that is an
   * error. A default port that is taken (1883 on a box that already runs mosquitto) is
   * replaced by a free one, and the log says so.
   */
  explicit: boolean;
  flag: string;
  /** Where a fallback port is kept across restarts (the data dir); without it every start picks a new one. */
  memory?: PortMemory | undefined;
}

/**
 * Listens and returns the bound port (which differs from the request for port 0). For a
 * default port: the fallback remembered from an earlier start first (so devices and
 * bridges set up from the banner keep working, even once the default is free again),
 * then the default, then any free port, which is remembered.
 */
export async function listenWithFallback(server: Server, request: ListenRequest, log: Logger): Promise<number> {
  const { memory, what } = request;
  const fallback = request.explicit || request.port === 0 ? undefined : memory?.recall(what);
  if (fallback !== undefined && fallback !== request.port) {
    try {
      const port = await listenOnce(server, request.host, fallback);
      log.info({ requested: request.port, port }, `${what} listens on ${port}, the port this data dir fell back to before (default ${request.port}); ${request.flag} N chooses one`);
      return port;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    }
  }
  try {
    const port = await listenOnce(server, request.host, request.port);
    if (fallback !== undefined) memory?.keep(what, null);
    return port;
  } catch (error) {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    if (request.explicit || request.port === 0) {
      throw new PortInUseError(`${what} port ${request.port} on ${request.host} is already in use; choose another with ${request.flag} N, or ${request.flag} 0 for any free port`, { cause: error });
    }
    const port = await listenOnce(server, request.host, 0);
    memory?.keep(what, port);
    log.warn({ requested: request.port, port }, `${what} default port ${request.port} is taken (another service is using it); listening on ${port} instead, and on it again at the next start`);
    return port;
  }
}

function listenOnce(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.removeListener('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.removeListener('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port });
  });
}
