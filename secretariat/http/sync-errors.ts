import type { FastifyReply } from 'fastify';
import type { SyncErrorBody, SyncErrorCode } from '../../protocol/sync/index.ts';

/**
 * A refused sync request. The message is written for the technician reading the hub's
 * log at the centre: it says what was wrong and what to do about it. Every refusal
 * carries the Secretariat's clock (`serverTime`) so a hub without NTP can correct its
 * offset from any answer, not only from a timestamp_skew.
 *
 * `reason` is for the Secretariat's own log and metrics and never leaves it: it keeps
 * apart what the client must not be able to tell apart (an unknown centre and a bad
 * signature answer alike; docs/security.md, "Secretariat"), and names the limit
 * behind a rate_limited.
 */
export class SyncRefusal extends Error {
  readonly statusCode: number;
  readonly code: SyncErrorCode;
  readonly headers: Record<string, string>;
  /** Extra body fields (seq_conflict: conflicts, highestSeq). */
  readonly detail: Partial<Pick<SyncErrorBody, 'conflicts' | 'highestSeq'>>;
  readonly reason: string;

  constructor(statusCode: number, code: SyncErrorCode, message: string, headers: Record<string, string> = {}, detail: SyncRefusal['detail'] = {}, reason: string = code) {
    super(message);
    this.name = 'SyncRefusal';
    this.statusCode = statusCode;
    this.code = code;
    this.headers = headers;
    this.detail = detail;
    this.reason = reason;
  }
}

export function sendSyncRefusal(reply: FastifyReply, refusal: SyncRefusal, serverTime: number): FastifyReply {
  const body: SyncErrorBody = { error: { code: refusal.code, message: refusal.message }, serverTime, ...refusal.detail };
  return reply.status(refusal.statusCode).headers(refusal.headers).send(body);
}

/** Header values and ids from the wire, shortened before they are echoed into a message. */
export function quote(value: string, max = 64): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
