/** REST calls of a series' webhooks, facilitators only (docs/api.md#series-webhooks). */
import type {
  CreateWebhookBody,
  CreateWebhookResponse,
  WebhookDeliveriesResponse,
  WebhookDeliveryResponse,
  WebhookListResponse,
} from '../../shared/webhooks.js';
import { call } from './api.js';

const base = (seriesId: string) => `/api/series/${encodeURIComponent(seriesId)}/webhooks`;
const one = (seriesId: string, id: string) => `${base(seriesId)}/${encodeURIComponent(id)}`;

export const fetchWebhooks = (seriesId: string, token: string) => call<WebhookListResponse>('GET', base(seriesId), { token });

export const createWebhook = (seriesId: string, token: string, body: CreateWebhookBody) => call<CreateWebhookResponse>('POST', base(seriesId), { body, token });

export const deleteWebhook = (seriesId: string, token: string, id: string) => call<null>('DELETE', one(seriesId, id), { token });

export const testWebhook = (seriesId: string, token: string, id: string) => call<WebhookDeliveryResponse>('POST', `${one(seriesId, id)}/test`, { token });

export const fetchDeliveries = (seriesId: string, token: string, id: string) =>
  call<WebhookDeliveriesResponse>('GET', `${one(seriesId, id)}/deliveries`, { token });

export const resendDelivery = (seriesId: string, token: string, id: string, deliveryId: string) =>
  call<WebhookDeliveryResponse>('POST', `${one(seriesId, id)}/deliveries/${encodeURIComponent(deliveryId)}/resend`, { token });
