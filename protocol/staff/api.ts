import { z } from 'zod';
import { IsoTime } from '../messages/common.ts';

/** `POST /api/auth/login`: a technician or manager signs in at /technician or /manager. */
export const StaffLoginRequest = z.strictObject({
  name: z.string().min(1).max(64),
  password: z.string().min(1).max(128),
});
export type StaffLoginRequest = z.infer<typeof StaffLoginRequest>;

export const StaffLoginResponse = z.object({
  token: z.string(),
  name: z.string(),
  role: z.enum(['technician', 'manager']),
  expiresAt: IsoTime,
});
export type StaffLoginResponse = z.infer<typeof StaffLoginResponse>;

/** `GET /api/audit?limit=N`: the newest N entries (1–500, default 100). */
export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
