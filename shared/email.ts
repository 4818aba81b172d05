/**
 * Mail: what a person can be sent, the address they give on their personal view, and what the facilitator
 * sees of the series' outbox (docs/notifications.md). The server validates every body with these.
 */
import { z } from 'zod';

/** What mail a person can be sent; each can be turned off (unsubscribed) on its own. */
export const EMAIL_KINDS = ['summary', 'actions', 'ask', 'answer', 'reminder', 'digest', 'invitation'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

export const EMAIL_LANGS = ['en', 'de'] as const;
export type EmailLang = (typeof EMAIL_LANGS)[number];

/** RFC 5321's limit on a path; z.email() checks the shape. */
export const ADDRESS_MAX = 254;

export const MyEmailBody = z.strictObject({
  address: z.email('must be an email address').max(ADDRESS_MAX, `must be at most ${ADDRESS_MAX} characters`),
  lang: z.enum(EMAIL_LANGS),
});
export type MyEmailBody = z.infer<typeof MyEmailBody>;

/** Kinds turned on (true) or off (false); those not named stay as they are. */
export const MyEmailKindsBody = z.strictObject({ kinds: z.partialRecord(z.enum(EMAIL_KINDS), z.boolean()) });
export type MyEmailKindsBody = z.infer<typeof MyEmailKindsBody>;

export const MyEmailResponseSchema = z.object({
  enabled: z.boolean().describe('whether this server sends mail at all (SMTP_URL is set)'),
  address: z.string().nullable().describe('the address given for this series, or null'),
  lang: z.enum(EMAIL_LANGS),
  confirmed: z.boolean().describe('mail is sent only once the address is confirmed from the mail sent to it'),
  kinds: z.record(z.enum(EMAIL_KINDS), z.boolean()).describe('which kinds of mail the address gets'),
});
export type MyEmailResponse = z.infer<typeof MyEmailResponseSchema>;

export const EmailTokenBody = z.strictObject({ token: z.string().min(1).max(2000) });
export type EmailTokenBody = z.infer<typeof EmailTokenBody>;

export const ConfirmResponseSchema = z.object({
  address: z.string(),
  seriesName: z.string(),
  link: z.string().describe('the personal view, to open next'),
});
export type ConfirmResponse = z.infer<typeof ConfirmResponseSchema>;

export const UnsubscribeResponseSchema = z.object({ address: z.string(), kind: z.enum(EMAIL_KINDS) });
export type UnsubscribeResponse = z.infer<typeof UnsubscribeResponseSchema>;

export const OutboxEntrySchema = z.object({
  id: z.string(),
  channel: z.enum(['email', 'webhook']),
  kind: z.string(),
  recipient: z.string().describe('an address shown in part (a•••@example.org), or a webhook'),
  subject: z.string(),
  status: z.enum(['pending', 'sent', 'failed', 'cancelled']),
  attempts: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  nextAttemptAt: z.number(),
  sentAt: z.number().nullable(),
});
export type OutboxEntry = z.infer<typeof OutboxEntrySchema>;
export const OutboxListSchema = z.object({ mailEnabled: z.boolean(), entries: z.array(OutboxEntrySchema) });
export type OutboxList = z.infer<typeof OutboxListSchema>;

export const confirmPath = '/email/confirm';
export const unsubscribePath = '/email/unsubscribe';
