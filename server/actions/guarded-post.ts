/**
 * One JSON POST to an outside address (a board's summary webhook, a series' webhook endpoint), over a
 * connection that only reaches addresses `WebhookTargets` allows: a fresh connection each time (a pooled socket
 * would skip the checked lookup), no redirects followed, a timeout. Resolves with the status once the
 * response headers arrive (the body is drained, unread); rejects on a network error or a refused address.
 */
import http from 'node:http';
import https from 'node:https';
import type { WebhookTargets } from './webhook-targets.js';

export function guardedPost(url: URL, body: string, targets: WebhookTargets, timeoutMs: number, headers: Record<string, string> = {}): Promise<number> {
  const connect = targets.connectOptions(url);
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Meshboard-webhook', ...headers },
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
        ...connect,
      },
      (res) => {
        res.resume();
        res.on('error', () => undefined);
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
