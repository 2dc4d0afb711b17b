import { SYNC_MAX_COMPRESSED_BYTES } from '../../protocol/sync/index.ts';

/**
 * The limits that keep unauthenticated traffic from costing the receiver memory,
 * sockets or time (docs/security.md, "Secretariat", lists each with its flag). A
 * request's body is read only after every check its headers allow has passed, and
 * until its signature verifies it is an *unverified body*: capped in number, per
 * client address and in bytes, and dropped when it stops moving.
 */
export interface IntakeLimits {
  /** No body byte for this long: the upload is dropped (the socket is closed). */
  uploadIdleTimeoutMs: number;
  /**
   * An upload must average at least this rate over each full window, so a sender
   * cannot hold a slot by trickling a byte just inside the idle timeout. The default
   * (2 KiB/s, 16 kbit/s) is a quarter of a poor 64 kbit/s centre link.
   */
  uploadMinBytesPerS: number;
  uploadRateWindowMs: number;
  /** Unverified bodies being read at once, in all. */
  maxUnverifiedBodies: number;
  /** … from one client address (an IPv6 /64 counts as one). */
  maxUnverifiedPerAddress: number;
  /** Bytes reserved for unverified bodies at once (each reserves its Content-Length, or the maximum when it has none). */
  maxUnverifiedBytes: number;
  /** Verified requests of one centre being handled at once; a hub needs two (a batch and a heartbeat). */
  maxInFlightPerCentre: number;
  /** TCP connections at once; beyond, new ones are closed at once (node's server.maxConnections). */
  maxConnections: number;
  /** Time to receive a request's headers (node's headersTimeout). */
  headersTimeoutMs: number;
  /**
   * An idle keep-alive connection is closed after this (node's keepAliveTimeout). Above a
   * hub's heartbeat interval (60 s), so a hub's connection lives from one to the next
   * instead of racing the close with its next request.
   */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_INTAKE_LIMITS: IntakeLimits = {
  uploadIdleTimeoutMs: 30_000,
  uploadMinBytesPerS: 2048,
  uploadRateWindowMs: 60_000,
  maxUnverifiedBodies: 32,
  maxUnverifiedPerAddress: 4,
  maxUnverifiedBytes: 64 * 1024 * 1024,
  maxInFlightPerCentre: 4,
  maxConnections: 1024,
  headersTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
};

/** Node's default header limit (16 KiB), stated rather than inherited: sync headers are a few hundred bytes. */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * node's requestTimeout (the whole request, body included) is a backstop, not the
 * rule: it must let the slowest upload the rate rule accepts finish, a full 4 MiB at
 * the minimum rate (34 minutes at the defaults), plus a window of slack.
 */
export function requestTimeoutMs(limits: IntakeLimits): number {
  return Math.ceil(SYNC_MAX_COMPRESSED_BYTES / limits.uploadMinBytesPerS) * 1000 + limits.uploadRateWindowMs + limits.headersTimeoutMs;
}

/**
 * A refused request's body is read and dropped (so the client reads its answer on a
 * connection that stays usable) only up to this declared size; above it the answer
 * closes the connection instead. Reading 4 MiB bodies just to drop them turns an
 * attacker's bandwidth into garbage the receiver must collect, while a hub's requests
 * are far smaller (batches of at most 1 MiB before gzip by default).
 */
export const MAX_DRAIN_BYTES = 1024 * 1024;
