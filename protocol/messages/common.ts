import { z } from 'zod';

/**
 * A bridge's boot id: random, at least 64 bits, made at each bridge start (wire
 * contract v1). We accept the usual encodings (hex, UUID, base64/base64url) up to 64
 * characters; we cannot check the entropy, only the shape.
 */
export const BootId = z
  .string()
  .regex(/^[A-Za-z0-9._:+/=-]{1,64}$/, 'must be 1–64 characters of [A-Za-z0-9._:+/=-]');

/** ISO-8601 timestamp with a zone designator ("Z" or an offset). */
export const IsoTime = z.iso.datetime({ offset: true });

/** A non-negative safe integer count or duration in milliseconds. */
export const NonNegativeInt = z.int().min(0);

export const FirmwareVersion = z.string().min(1).max(64);
