import type { Server } from 'node:net';
import type { Logger } from 'pino';

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
}

/** Listens and returns the bound port (which differs from the request for port 0). */
export async function listenWithFallback(server: Server, request: ListenRequest, log: Logger): Promise<number> {
  try {
    return await listenOnce(server, request.host, request.port);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    if (request.explicit || request.port === 0) {
      throw new PortInUseError(`${request.what} port ${request.port} on ${request.host} is already in use; choose another with ${request.flag} N, or ${request.flag} 0 for any free port`, { cause: error });
    }
    const port = await listenOnce(server, request.host, 0);
    log.warn({ requested: request.port, port }, `${request.what} default port ${request.port} is taken (another service is using it); listening on ${port} instead`);
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
