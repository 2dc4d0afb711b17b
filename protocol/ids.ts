import { z } from 'zod';

/**
 * Centre, device and counter ids (wire contract v1): lower-case letters, digits and
 * dashes, 1–32 characters, starting with a letter or digit. They appear in MQTT topics,
 * so this also keeps `/`, `+` and `#` out of topic levels (zigbee2mqtt#470, #3175).
 */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

export const Id = z.string().regex(ID_PATTERN, 'must match ^[a-z0-9][a-z0-9-]{0,31}$ (lower-case letters, digits, dashes; 1–32 chars)');

export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}
