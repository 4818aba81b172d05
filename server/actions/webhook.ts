/**
 * Posts a board's meeting summary to its webhook (Slack/Mattermost-compatible `{ text }` plus structured
 * fields). Retried with backoff on network errors, 429 and 5xx; logged; callers never wait on it unless
 * they want to (the promise resolves with the outcome and never rejects).
 */
import type { SummaryWebhookPayload } from '../../shared/action-schemas.js';
import type { Logger } from '../log.js';

export interface WebhookOptions {
  /** Delay before each retry, ms; its length is the number of retries. */
  retryDelaysMs?: readonly number[];
  /** Per-attempt timeout, ms. */
  timeoutMs?: number;
}

export type WebhookOutcome = { ok: true; attempts: number; status: number } | { ok: false; attempts: number; error: string };

const DEFAULT_RETRIES = [500, 2_000, 8_000];

export async function postWebhook(url: string, payload: SummaryWebhookPayload, log: Logger, opts: WebhookOptions = {}): Promise<WebhookOutcome> {
  const delays = opts.retryDelaysMs ?? DEFAULT_RETRIES;
  const body = JSON.stringify(payload);
  let lastError = '';
  for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Meshboard-webhook' },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        log.info('summary webhook delivered', { board: payload.board.id, status: res.status, attempts: attempt });
        return { ok: true, attempts: attempt, status: res.status };
      }
      lastError = `HTTP ${res.status}`;
      // A 4xx other than 429 will not get better by asking again.
      if (res.status < 500 && res.status !== 429) break;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (attempt <= delays.length) {
      log.info('summary webhook failed; retrying', { board: payload.board.id, attempt, error: lastError });
      await new Promise((r) => setTimeout(r, delays[attempt - 1]).unref());
    }
  }
  log.error('summary webhook gave up', { board: payload.board.id, error: lastError });
  return { ok: false, attempts: delays.length + 1, error: lastError };
}
