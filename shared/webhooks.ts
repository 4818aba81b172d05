/**
 * Outgoing webhooks of a series (docs/webhooks.md): the endpoints a facilitator registers, the events each
 * wants, and the delivery log read from the outbox. Bodies are validated here; answers have runtime schemas
 * for the OpenAPI document and the tests that check real answers against it.
 */
import { z } from 'zod';
import { SERIES_EVENT_TYPES } from './reach.js';

/** How a delivery's body is shaped: our own signed JSON, or a chat server's incoming-webhook message. */
export const WEBHOOK_FORMATS = ['standard', 'slack', 'mattermost', 'teams'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** The event a facilitator sends by hand to see that an endpoint works; never emitted by a meeting. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

export const WEBHOOK_LIMITS = {
  url: 2000,
  /** Endpoints per series. */
  perSeries: 10,
} as const;

export const CreateWebhookBody = z.strictObject({
  url: z.string().trim().min(1).max(WEBHOOK_LIMITS.url),
  format: z.enum(WEBHOOK_FORMATS),
  events: z
    .array(z.enum(SERIES_EVENT_TYPES))
    .min(1, 'choose at least one event')
    .max(SERIES_EVENT_TYPES.length)
    .transform((events) => SERIES_EVENT_TYPES.filter((e) => events.includes(e))),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

const epochMs = z.number().int().describe('milliseconds since the epoch');

/** An endpoint as listed: never with its secret, which only the create answer carries. */
export const WebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  format: z.enum(WEBHOOK_FORMATS),
  events: z.array(z.enum(SERIES_EVENT_TYPES)),
  createdAt: epochMs,
});
export type Webhook = z.infer<typeof WebhookSchema>;

export const WebhookListResponseSchema = z.object({ webhooks: z.array(WebhookSchema) });
export type WebhookListResponse = z.infer<typeof WebhookListResponseSchema>;

export const CreateWebhookResponseSchema = z.object({
  webhook: WebhookSchema,
  secret: z.string().describe('`whsec_` + base64 of 32 random bytes: verifies the `webhook-signature` header; shown only here'),
});
export type CreateWebhookResponse = z.infer<typeof CreateWebhookResponseSchema>;

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;

/** One delivery of one event to one endpoint, with every attempt's outcome folded in. */
export const WebhookDeliverySchema = z.object({
  id: z.string().describe('the `webhook-id` header of every attempt'),
  event: z.string().describe(`an event type, or ${WEBHOOK_TEST_EVENT}`),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  responseStatus: z.number().int().nullable().describe("the HTTP status of the receiver's last answer, when there was one"),
  createdAt: epochMs,
  sentAt: epochMs.nullable(),
  nextAttemptAt: epochMs.nullable().describe('when a pending delivery is tried next'),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveriesResponseSchema = z.object({ deliveries: z.array(WebhookDeliverySchema) });
export type WebhookDeliveriesResponse = z.infer<typeof WebhookDeliveriesResponseSchema>;

export const WebhookDeliveryResponseSchema = z.object({ delivery: WebhookDeliverySchema });
export type WebhookDeliveryResponse = z.infer<typeof WebhookDeliveryResponseSchema>;
