import { z } from 'zod';

/**
 * What a staff member (or a token used by automation) did at the hub. The list grows
 * with the technician and manager features; a consumer that meets an action it does not
 * know shows it as it is (docs/security.md, "Audit trail").
 */
export const AuditAction = z.enum([
  'staff.login',
  'staff.login_failed',
  'staff.logout',
  'device.command',
  'device.moved',
  'device.revoked',
  'device.rekeyed',
  'pairing.opened',
  'pairing.claimed',
  'printer.test',
  'board.test',
  'config.applied',
  'service.suspended',
  'service.resumed',
  'counter.released',
  'alert.resolved',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** A value in `details`: short scalars only, so no secret or blob can ride along unnoticed. */
const DetailValue = z.union([z.string().max(300), z.number(), z.boolean(), z.null()]);

/**
 * `audit.recorded`: one staff action. `actor` is the staff name, the officer id, or
 * `token:<id>` for a `token create` token; never a password, PIN or token.
 */
export const AuditRecordedData = z.object({
  actor: z.string().min(1).max(64),
  action: AuditAction,
  /** What was acted on (a device, counter, service, staff name), or null. */
  target: z.string().max(64).nullable(),
  details: z.record(z.string().max(40), DetailValue),
});
export type AuditRecordedData = z.infer<typeof AuditRecordedData>;

export const AUDIT_EVENT_SCHEMAS = { 'audit.recorded': AuditRecordedData } as const;
