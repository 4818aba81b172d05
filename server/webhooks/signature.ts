/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): HMAC-SHA256 over `<id>.<timestamp>.<body>`,
 * keyed with the base64-decoded part of the secret after `whsec_`, sent as `webhook-signature: v1,<base64>`.
 */
import crypto from 'node:crypto';

const PREFIX = 'whsec_';

/** A new endpoint secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return PREFIX + crypto.randomBytes(32).toString('base64');
}

/** The headers of one attempt. `timestampSec`: unix seconds of the attempt (receivers reject stale ones). */
export function signatureHeaders(secret: string, id: string, timestampSec: number, body: string): Record<string, string> {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  const signature = crypto.createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSec), 'webhook-signature': `v1,${signature}` };
}
