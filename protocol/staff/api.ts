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

/** `POST /api/pairing` (technician or manager): open a pairing code for one counter's new device. */
export const PairingOpenRequest = z.strictObject({
  counterId: z.string().min(1).max(64),
});
export type PairingOpenRequest = z.infer<typeof PairingOpenRequest>;

/** 201: the code to give `huduma-bridge start --pair CODE`; single use, until `expiresAt`. */
export const PairingOpenResponse = z.object({
  code: z.string().regex(/^\d{6}$/),
  counterId: z.string(),
  expiresAt: IsoTime,
});
export type PairingOpenResponse = z.infer<typeof PairingOpenResponse>;
