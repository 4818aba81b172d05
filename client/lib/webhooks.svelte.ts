/**
 * A series' webhooks as the facilitator manages them: the endpoints, the secret of the one just added (shown
 * once, then forgotten), and each endpoint's delivery log, loaded when it is opened.
 */
import type { ApiError } from '../../shared/errors.js';
import type { CreateWebhookBody, Webhook, WebhookDelivery } from '../../shared/webhooks.js';
import { createWebhook, deleteWebhook, fetchDeliveries, fetchWebhooks, resendDelivery, testWebhook } from './webhooks-api.js';

export type Outcome = { ok: true } | { ok: false; error: ApiError | null };

export class WebhooksModel {
  readonly #seriesId: string;
  readonly #token: string;
  #hooks = $state.raw<Webhook[] | null>(null);
  get hooks() {
    return this.#hooks;
  }
  #loadFailed = $state(false);
  get loadFailed() {
    return this.#loadFailed;
  }
  /** The new endpoint's secret: the server shows it once, so this page does too. */
  #secret = $state<{ id: string; secret: string } | null>(null);
  get secret() {
    return this.#secret;
  }
  #logs = $state.raw<Record<string, WebhookDelivery[] | undefined>>({});

  constructor(seriesId: string, token: string) {
    this.#seriesId = seriesId;
    this.#token = token;
  }

  async load(): Promise<void> {
    const res = await fetchWebhooks(this.#seriesId, this.#token);
    this.#loadFailed = !res.ok;
    if (res.ok) this.#hooks = res.data.webhooks;
  }

  async add(body: CreateWebhookBody): Promise<Outcome> {
    const res = await createWebhook(this.#seriesId, this.#token, body);
    if (!res.ok) return { ok: false, error: res.error };
    this.#hooks = [...(this.#hooks ?? []), res.data.webhook];
    this.#secret = { id: res.data.webhook.id, secret: res.data.secret };
    return { ok: true };
  }

  forgetSecret(): void {
    this.#secret = null;
  }

  async remove(id: string): Promise<Outcome> {
    const res = await deleteWebhook(this.#seriesId, this.#token, id);
    if (!res.ok && res.status !== 404) return { ok: false, error: res.error };
    this.#hooks = (this.#hooks ?? []).filter((h) => h.id !== id);
    if (this.#secret?.id === id) this.#secret = null;
    return { ok: true };
  }

  log(id: string): WebhookDelivery[] | undefined {
    return this.#logs[id];
  }

  async loadLog(id: string): Promise<Outcome> {
    const res = await fetchDeliveries(this.#seriesId, this.#token, id);
    if (!res.ok) return { ok: false, error: res.error };
    this.#logs = { ...this.#logs, [id]: res.data.deliveries };
    return { ok: true };
  }

  async test(id: string): Promise<Outcome> {
    const res = await testWebhook(this.#seriesId, this.#token, id);
    if (!res.ok) return { ok: false, error: res.error };
    this.#logs = { ...this.#logs, [id]: [res.data.delivery, ...(this.#logs[id] ?? [])] };
    return { ok: true };
  }

  async resend(id: string, deliveryId: string): Promise<Outcome> {
    const res = await resendDelivery(this.#seriesId, this.#token, id, deliveryId);
    if (!res.ok) return { ok: false, error: res.error };
    this.#logs = { ...this.#logs, [id]: (this.#logs[id] ?? []).map((d) => (d.id === deliveryId ? res.data.delivery : d)) };
    return { ok: true };
  }
}
