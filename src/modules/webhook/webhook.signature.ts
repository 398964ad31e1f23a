import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of every webhook POST. */
export const WEBHOOK_HEADERS = {
  /** The delivery id: the same on every attempt of one delivery, so a receiver can drop repeats. */
  delivery: 'x-hub-delivery',
  /** Seconds since the epoch when the attempt was signed; part of the signed text, against replays. */
  timestamp: 'x-hub-timestamp',
  /** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" under the webhook's secret>`. */
  signature: 'x-hub-signature-256',
} as const;

/** The signature header value of a body sent at `timestamp` (seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Whether `signature` is the one `signWebhook` gives, compared in constant time (for receivers and tests). */
export function verifyWebhook(secret: string, timestamp: number, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
