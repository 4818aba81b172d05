/**
 * A series' webhook endpoints and their deliveries. Each series event becomes one outbox message per endpoint
 * that wants its type, under the key `webhook:<endpoint>:<event key>`, so an event seen twice is sent once;
 * the outbox sends it (deliverer.ts), retries it and keeps its log.
 */
import { randomId } from '../../shared/ids.js';
import type { SeriesEvent } from '../../shared/reach.js';
import {
  WEBHOOK_LIMITS,
  WEBHOOK_TEST_EVENT,
  type CreateWebhookBody,
  type CreateWebhookResponse,
  type Webhook,
  type WebhookDelivery,
} from '../../shared/webhooks.js';
import type { WebhookTargets } from '../actions/webhook-targets.js';
import type { Outbox } from '../outbox/outbox.js';
import type { OutboxRecord } from '../store/outbox-store.js';
import type { WebhookRecord, WebhookStore } from '../store/webhook-store.js';
import type { WebhookPayload } from './deliverer.js';
import { renderWebhook, subjectOf, type WebhookEvent } from './render.js';
import { newWebhookSecret } from './signature.js';

/** A request the service refuses, with the status and message the route answers. */
export class WebhookError extends Error {
  override readonly name = 'WebhookError';
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface WebhookServiceDeps {
  store: WebhookStore;
  outbox: Outbox;
  targets: WebhookTargets;
  /** The server's public origin for links in bodies (PUBLIC_URL, else the address it listens on). */
  baseUrl: () => string;
}

const LOG_LENGTH = 50;

export const toWebhook = (r: WebhookRecord): Webhook => ({ id: r.id, url: r.url, format: r.format, events: r.events, createdAt: r.createdAt });

export function toDelivery(r: OutboxRecord): WebhookDelivery {
  const status = /^HTTP (\d{3})$/.exec((r.status === 'sent' ? r.response : r.lastError) ?? '');
  return {
    id: r.id,
    event: r.kind,
    status: r.status,
    attempts: r.attempts,
    lastError: r.lastError,
    responseStatus: status ? Number(status[1]) : null,
    createdAt: r.createdAt,
    sentAt: r.sentAt,
    nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt : null,
  };
}

export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  async list(seriesId: string): Promise<Webhook[]> {
    return (await this.deps.store.list(seriesId)).map(toWebhook);
  }

  async create(seriesId: string, body: CreateWebhookBody): Promise<CreateWebhookResponse> {
    const check = await this.deps.targets.check(body.url);
    if (!check.ok) throw new WebhookError(400, `url ${check.message}`, 'url');
    const rec: WebhookRecord = {
      id: `wh_${randomId(16)}`,
      seriesId,
      url: body.url,
      format: body.format,
      events: body.events,
      secret: newWebhookSecret(),
      createdAt: Date.now(),
    };
    if (!(await this.deps.store.add(rec, WEBHOOK_LIMITS.perSeries))) {
      throw new WebhookError(409, `a series has at most ${WEBHOOK_LIMITS.perSeries} webhooks; remove one first`);
    }
    return { webhook: toWebhook(rec), secret: rec.secret };
  }

  /** Removes an endpoint; its deliveries still waiting are cancelled (one being sent fails when it finds it gone). */
  async remove(seriesId: string, id: string): Promise<void> {
    if (!(await this.deps.store.remove(seriesId, id))) throw notFound();
    await this.deps.outbox.cancelPendingTo(id);
  }

  /** Sends `webhook.test` to one endpoint now. */
  async test(seriesId: string, id: string, seriesName: string): Promise<WebhookDelivery> {
    const endpoint = await this.#endpoint(seriesId, id);
    const event: WebhookEvent = { type: WEBHOOK_TEST_EVENT, seriesId, seriesName, at: Date.now(), key: `test:${randomId(12)}` };
    const { id: messageId } = await this.#enqueue(endpoint, event);
    return toDelivery((await this.deps.outbox.get(messageId)) as OutboxRecord);
  }

  /** One endpoint's deliveries, newest first. */
  async deliveries(seriesId: string, id: string): Promise<WebhookDelivery[]> {
    await this.#endpoint(seriesId, id);
    return (await this.deps.outbox.listTo(seriesId, id, LOG_LENGTH)).map(toDelivery);
  }

  /** Sends a delivery of an endpoint again, now, with the same `webhook-id`. */
  async resend(seriesId: string, id: string, deliveryId: string): Promise<WebhookDelivery> {
    await this.#endpoint(seriesId, id);
    const rec = await this.deps.outbox.get(deliveryId);
    if (!rec || rec.channel !== 'webhook' || rec.recipient !== id || rec.seriesId !== seriesId) throw notFound('delivery');
    const again = await this.deps.outbox.resend(deliveryId);
    if (!again) throw new WebhookError(409, 'this delivery can no longer be sent');
    return toDelivery(again);
  }

  /** The `SeriesEvents` listener: one delivery per endpoint of the series that wants the event's type. */
  readonly onEvent = async (event: SeriesEvent): Promise<void> => {
    for (const endpoint of await this.deps.store.list(event.seriesId)) {
      if (endpoint.events.includes(event.type)) await this.#enqueue(endpoint, event);
    }
  };

  #enqueue(endpoint: WebhookRecord, event: WebhookEvent) {
    const payload: WebhookPayload = { body: renderWebhook(endpoint.format, event, this.deps.baseUrl()) };
    return this.deps.outbox.add({
      key: `webhook:${endpoint.id}:${event.key}`,
      channel: 'webhook',
      seriesId: endpoint.seriesId,
      kind: event.type,
      recipient: endpoint.id,
      subject: subjectOf(event),
      payload,
    });
  }

  async #endpoint(seriesId: string, id: string): Promise<WebhookRecord> {
    const rec = await this.deps.store.get(id);
    if (!rec || rec.seriesId !== seriesId) throw notFound();
    return rec;
  }
}

const notFound = (what: 'webhook' | 'delivery' = 'webhook') => new WebhookError(404, `no such ${what}`);
