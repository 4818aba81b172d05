/**
 * A person's own items across a series (the personal link) and the series' drop-in link for people without a
 * computer: REST bodies and answers of `/api/series/:id/people…`, `/me…`, `/dropin…` and `/inbox…`. The server
 * validates every body with these; the client's pages and forms use the same schemas.
 */
import { z } from 'zod';
import { LIMITS } from './board-schema.js';
import { Seat } from './meeting.js';

export const DROPIN_KINDS = ['request', 'win', 'loss', 'question'] as const;
export type DropinKind = (typeof DROPIN_KINDS)[number];
export const DROPIN_TEXT_MAX = 2000;

/** Where a drop-in submission stands: waiting for the facilitator, taken onto a board, or set aside. */
export const DROPIN_STATUSES = ['pending', 'taken', 'set_aside'] as const;
export type DropinStatus = (typeof DROPIN_STATUSES)[number];

const name = z.string().trim().min(1, 'must not be empty').max(LIMITS.name, `must be at most ${LIMITS.name} characters`);

/** The facilitator makes (or replaces) a person's link. */
export const PersonLinkBody = z.strictObject({ name });
export type PersonLinkBody = z.infer<typeof PersonLinkBody>;

/** A person seated in a meeting of the series takes their own link; the name is the roster's, never sent. */
export const SeatLinkBody = z.strictObject({ boardId: z.string().max(64), seat: Seat });
export type SeatLinkBody = z.infer<typeof SeatLinkBody>;

export const PersonLinkResponseSchema = z.object({
  name: z.string().describe('the person the link is for'),
  link: z.string().describe('the personal page with its token; replaces that person’s previous link'),
});
export type PersonLinkResponse = z.infer<typeof PersonLinkResponseSchema>;

export const MyRequestSchema = z.object({
  cardId: z.string(),
  boardId: z.string().describe('the latest meeting board the request is on'),
  seq: z.number().describe('that meeting’s number'),
  asker: z.string(),
  addressee: z.string(),
  what: z.string(),
  byWhen: z.string(),
  status: z.enum(['open', 'accepted', 'declined', 'done']),
  declineReason: z.string(),
});
export type MyRequest = z.infer<typeof MyRequestSchema>;

export const MyActionSchema = z.object({
  id: z.string(),
  text: z.string(),
  owners: z.array(z.string()),
  due: z.string().nullable(),
  status: z.enum(['open', 'done', 'cancelled', 'blocked']),
  seq: z.number().describe('the meeting it was decided in'),
});
export type MyAction = z.infer<typeof MyActionSchema>;

export const MyItemsResponseSchema = z.object({
  name: z.string(),
  seriesName: z.string(),
  askedOfMe: z.array(MyRequestSchema),
  iAsked: z.array(MyRequestSchema),
  myActions: z.array(MyActionSchema),
});
export type MyItemsResponse = z.infer<typeof MyItemsResponseSchema>;

/** The addressee answers a request. A decline may say why. */
export const MyRequestStatusBody = z.strictObject({
  status: z.enum(['accepted', 'declined', 'done']),
  reason: z.string().trim().max(LIMITS.shortText).optional(),
});
export type MyRequestStatusBody = z.infer<typeof MyRequestStatusBody>;

export const MyActionStatusBody = z.strictObject({ status: z.enum(['done', 'open', 'blocked']) });
export type MyActionStatusBody = z.infer<typeof MyActionStatusBody>;

export const DropinLinkResponseSchema = z.object({ link: z.string().describe('the drop-in page with its token; replaces the previous one') });
export type DropinLinkResponse = z.infer<typeof DropinLinkResponseSchema>;

/** All a drop-in token can read. */
export const DropinInfoSchema = z.object({ seriesName: z.string(), team: z.string() });
export type DropinInfo = z.infer<typeof DropinInfoSchema>;

export const DropinSubmitBody = z
  .strictObject({
    kind: z.enum(DROPIN_KINDS),
    text: z.string().trim().min(1, 'must not be empty').max(DROPIN_TEXT_MAX, `must be at most ${DROPIN_TEXT_MAX} characters`),
    name: z.string().trim().max(LIMITS.name).optional(),
    addressee: z.string().trim().max(LIMITS.name).optional(),
  })
  .refine((b) => b.kind === 'request' || !b.addressee, { path: ['addressee'], message: 'only a request has an addressee' });
export type DropinSubmitBody = z.infer<typeof DropinSubmitBody>;

export const DropinSubmitResponseSchema = z.object({ id: z.string(), status: z.literal('pending') });

export const InboxItemSchema = z.object({
  id: z.string(),
  kind: z.enum(DROPIN_KINDS),
  text: z.string(),
  name: z.string(),
  addressee: z.string(),
  createdAt: z.number(),
  status: z.enum(DROPIN_STATUSES),
  boardId: z.string().nullable().describe('the board it was taken onto'),
  cardId: z.string().nullable(),
});
export type InboxItem = z.infer<typeof InboxItemSchema>;

export const InboxResponseSchema = z.object({ items: z.array(InboxItemSchema).describe('pending submissions, oldest first') });
export type InboxResponse = z.infer<typeof InboxResponseSchema>;

/** Takes a submission onto a board: the given one of the series, else its latest meeting not yet ended. */
export const TakeDropinBody = z.strictObject({ boardId: z.string().max(64).optional() });
export type TakeDropinBody = z.infer<typeof TakeDropinBody>;

export const TakeDropinResponseSchema = z.object({
  item: InboxItemSchema,
  created: z.boolean().describe('false when it had been taken already: no second card'),
});
export type TakeDropinResponse = z.infer<typeof TakeDropinResponseSchema>;

export const personalPath = (seriesId: string): string => `/s/${encodeURIComponent(seriesId)}/me`;
export const dropinPath = (seriesId: string): string => `/s/${encodeURIComponent(seriesId)}/drop`;
