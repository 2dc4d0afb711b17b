import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { AccessTokens } from '../../auth/access-tokens.ts';
import { requireRole } from '../auth.ts';
import { parseBody } from '../validation.ts';

/** A bridge command line fits in 300 characters; a QR of that stays readable from a laptop screen. */
const QrRequest = z.strictObject({ text: z.string().min(1).max(300) });

/**
 * `POST /api/qr {"text"}` (technician or manager) → `{"svg"}`: a QR code the technician
 * page shows next to the bridge command line, so a phone at the counter PC can read it
 * instead of someone copying it by hand (docs/provisioning.md). Made on the hub: the
 * pages load nothing from outside, and staff-only, so it is no free CPU for anyone.
 */
export function qrCodeRoutes(app: FastifyInstance, deps: { tokens: AccessTokens }): void {
  app.post('/api/qr', { onRequest: requireRole(deps.tokens, 'technician', 'manager'), bodyLimit: 4096 }, async (request) => {
    const { text } = parseBody(QrRequest, request.body);
    return { svg: await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
  });
}
