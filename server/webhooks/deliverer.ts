/**
 * Sends one stored webhook delivery (the outbox's `webhook` channel): looks up its endpoint — a removed one
 * is not called — signs the body afresh for this attempt and POSTs it over a connection that only reaches
 * addresses `WebhookTargets` allows (fresh connection, checked lookup, no redirects, a timeout).
 */
import type { DeliveryResult, Deliverer } from '../outbox/outbox.js';
import type { OutboxRecord } from '../store/outbox-store.js';
import type { WebhookStore } from '../store/webhook-store.js';
import { WebhookRefusedError, type WebhookTargets } from '../actions/webhook-targets.js';
import { guardedPost } from '../actions/guarded-post.js';
import { signatureHeaders } from './signature.js';

/** What the outbox stores for a delivery: the rendered body, serialised once at send time. */
export interface WebhookPayload {
  body: unknown;
}

export interface WebhookDelivererOptions {
  /** Per-attempt timeout, ms. */
  timeoutMs?: number;
  now?: () => number;
}

export class WebhookDeliverer implements Deliverer {
  constructor(
    private readonly store: Pick<WebhookStore, 'get'>,
    private readonly targets: WebhookTargets,
    private readonly opts: WebhookDelivererOptions = {},
  ) {}

  async deliver(message: OutboxRecord): Promise<DeliveryResult> {
    const endpoint = await this.store.get(message.recipient);
    if (!endpoint || endpoint.seriesId !== message.seriesId) return { ok: false, error: 'the endpoint was removed', permanent: true };
    const body = JSON.stringify((message.payload as WebhookPayload).body);
    const timestamp = Math.floor((this.opts.now ?? Date.now)() / 1000);
    const headers = signatureHeaders(endpoint.secret, message.id, timestamp, body);
    let status: number;
    try {
      status = await guardedPost(new URL(endpoint.url), body, this.targets, this.opts.timeoutMs ?? 10_000, headers);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      return { ok: false, error, permanent: err instanceof WebhookRefusedError };
    }
    if (status >= 200 && status < 300) return { ok: true, response: `HTTP ${status}` };
    // A redirect is not followed; a 4xx will not get better by asking again, except a timeout or a rate limit.
    const retryable = status >= 500 || status === 408 || status === 429;
    return { ok: false, error: `HTTP ${status}`, permanent: !retryable };
  }
}
