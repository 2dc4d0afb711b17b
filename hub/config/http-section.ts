import { z } from 'zod';

export const DEFAULT_HTTP_PORT = 8080;

/**
 * The queue stream sends a comment this often (hub/http/routes/queue-stream.ts); the
 * idle time-out must be longer or every quiet stream would be cut.
 */
export const STREAM_KEEPALIVE_MS = 25_000;

const Bytes = (min: number, max: number, unit: string) => z.int().min(min, `must be at least ${min} ${unit}`).max(max, `must be at most ${max} ${unit}`);
const Ms = (min: number, max: number) => z.int().min(min, `must be at least ${min} ms`).max(max, `must be at most ${max} ms`);
const Count = (max: number) => z.int().min(1, 'must be at least 1').max(max, `must be at most ${max}`);

/**
 * What one client on the centre LAN may hold of the hub's HTTP side (docs/security.md,
 * "Hub HTTP API"): request bodies, time, connections and event streams. Every value
 * is small enough that a hostile client cannot exhaust memory or file handles, and
 * large enough for the pages, kiosks and consoles of a big centre.
 */
const HttpLimitsSection = z
  .strictObject({
    /** JSON bodies of most routes (a transfer reason, a suspension message). */
    bodyBytes: Bytes(1024, 1024 * 1024, 'bytes').default(16 * 1024),
    /** `POST /api/officer/login`: counter, officer id and PIN, well under 200 bytes. */
    loginBodyBytes: Bytes(256, 64 * 1024, 'bytes').default(1024),
    /** `POST /api/appointments` (manager/technician upload): ~110 bytes per booking. */
    appointmentsBodyBytes: Bytes(16 * 1024, 4 * 1024 * 1024, 'bytes').default(512 * 1024),
    /** Nesting of arrays and objects in a JSON body; no route needs more than 4. */
    jsonMaxDepth: Count(256).default(16),
    /** The request line and headers must arrive within this. */
    headersTimeoutMs: Ms(1000, 120_000).default(10_000),
    /** The whole request (headers and body) must arrive within this. */
    requestTimeoutMs: Ms(1000, 600_000).default(30_000),
    /** A kept-alive connection with no next request is closed after this. */
    keepAliveTimeoutMs: Ms(500, 120_000).default(5000),
    /** A connection with no bytes either way for this long is closed (event streams send a keep-alive every 25 s). */
    idleTimeoutMs: Ms(STREAM_KEEPALIVE_MS + 5000, 3_600_000).default(60_000),
    /**
     * Open connections from one client address. A browser opens up to 6, but a script
     * on a kiosk's behalf may fire hundreds of tickets at once (kiosk requests are not
     * rate-limited, process contract); what a connection can cost is bounded by the
     * time-outs and body limits, so this only bounds file handles.
     */
    connectionsPerAddress: Count(10_000).default(1024),
    /** Open connections in all; when all are taken, the address holding the most gives its oldest up to a newcomer holding fewer. */
    connectionsTotal: Count(15_000).default(2048),
    /** `GET /api/queue/stream` per client address (a PC with a console and a board needs 2). */
    streamsPerAddress: Count(10_000).default(8),
    /** Event streams in all (kiosks, consoles and boards of a big centre: under 100). */
    streamsTotal: Count(15_000).default(256),
  })
  .superRefine((limits, ctx) => {
    if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
      ctx.addIssue({ code: 'custom', path: ['headersTimeoutMs'], message: `must be at most requestTimeoutMs (${limits.requestTimeoutMs}): the headers are part of the request` });
    }
    if (limits.connectionsPerAddress > limits.connectionsTotal) {
      ctx.addIssue({ code: 'custom', path: ['connectionsPerAddress'], message: `must be at most connectionsTotal (${limits.connectionsTotal})` });
    }
    if (limits.streamsPerAddress > limits.connectionsPerAddress) {
      ctx.addIssue({ code: 'custom', path: ['streamsPerAddress'], message: `must be at most connectionsPerAddress (${limits.connectionsPerAddress}): each stream is a connection` });
    }
    if (limits.streamsTotal > limits.connectionsTotal) {
      ctx.addIssue({ code: 'custom', path: ['streamsTotal'], message: `must be at most connectionsTotal (${limits.connectionsTotal}): each stream is a connection` });
    }
  });

/**
 * PIN guessing (docs/security.md): per officer, `officerMaxFailures` wrong PINs in a row
 * lock that officer out for `officerLockoutMs`; per client address, `addressMaxFailures`
 * wrong logins within `addressWindowMs` (whichever officers they named) refuse further
 * logins from that address until the oldest leaves the window. Staff (technicians,
 * managers): `staffMaxFailures` wrong passwords for one name within `staffWindowMs`
 * lock that name for `staffLockoutMs`, the right password included.
 */
const HttpLoginSection = z.strictObject({
  officerMaxFailures: Count(20).default(5),
  officerLockoutMs: Ms(1000, 24 * 3_600_000).default(5 * 60_000),
  addressMaxFailures: Count(1000).default(10),
  addressWindowMs: Ms(1000, 24 * 3_600_000).default(15 * 60_000),
  staffMaxFailures: Count(20).default(5),
  staffWindowMs: Ms(1000, 24 * 3_600_000).default(15 * 60_000),
  staffLockoutMs: Ms(1000, 24 * 3_600_000).default(15 * 60_000),
});

export const HttpSection = z.strictObject({
  host: z.string().min(1).default('0.0.0.0'),
  port: z.int().min(0).max(65535).default(DEFAULT_HTTP_PORT),
  limits: HttpLimitsSection.prefault({}),
  login: HttpLoginSection.prefault({}),
});

export type HttpConfig = z.output<typeof HttpSection>;
export type HttpLimits = HttpConfig['limits'];
export type LoginLimits = HttpConfig['login'];
