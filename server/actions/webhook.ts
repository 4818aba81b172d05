/**
 * Posts a board's meeting summary to its webhook (Slack/Mattermost-compatible `{ text }` plus structured
 * fields). Only to addresses `WebhookTargets` allows, checked after DNS resolution on the connection itself;
 * no redirects are followed. Retried with backoff on network errors, 429 and 5xx; logged; callers never wait
 * on it unless they want to (the promise resolves with the outcome and never rejects).
 */
import type { SummaryWebhookPayload } from '../../shared/action-schemas.js';
import type { Logger } from '../log.js';
import { WebhookRefusedError, type WebhookTargets } from './webhook-targets.js';
import { guardedPost } from './guarded-post.js';

export interface WebhookOptions {
  /** Delay before each retry, ms; its length is the number of retries. */
  retryDelaysMs?: readonly number[];
  /** Per-attempt timeout, ms. */
  timeoutMs?: number;
}

export type WebhookOutcome = { ok: true; attempts: number; status: number } | { ok: false; attempts: number; error: string };

const DEFAULT_RETRIES = [500, 2_000, 8_000];

export async function postWebhook(
  url: string,
  payload: SummaryWebhookPayload,
  targets: WebhookTargets,
  log: Logger,
  opts: WebhookOptions = {},
): Promise<WebhookOutcome> {
  const delays = opts.retryDelaysMs ?? DEFAULT_RETRIES;
  const body = JSON.stringify(payload);
  let lastError = '';
  let attempt = 1;
  for (; attempt <= delays.length + 1; attempt++) {
    try {
      const status = await guardedPost(new URL(url), body, targets, opts.timeoutMs ?? 10_000);
      if (status >= 200 && status < 300) {
        log.info('summary webhook delivered', { board: payload.board.id, status, attempts: attempt });
        return { ok: true, attempts: attempt, status };
      }
      lastError = `HTTP ${status}`;
      // A 4xx other than 429 will not get better by asking again; nor will a redirect, which is not followed.
      if (status < 500 && status !== 429) break;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      if (err instanceof WebhookRefusedError) break;
    }
    if (attempt <= delays.length) {
      log.info('summary webhook failed; retrying', { board: payload.board.id, attempt, error: lastError });
      await new Promise((r) => setTimeout(r, delays[attempt - 1]).unref());
    }
  }
  const attempts = Math.min(attempt, delays.length + 1);
  log.error('summary webhook gave up', { board: payload.board.id, error: lastError, attempts });
  return { ok: false, attempts, error: lastError };
}
