/**
 * Requests between series ("asks": what one team needs from another) and challenges escalated to another
 * series: REST payloads and answers of `/api/series/:id/asks` and `/api/series/:id/escalations` (docs/api.md).
 * The caller reaches the other series with a link of it (its id and token), as a person pastes it.
 */
import { z } from 'zod';
import { NEED_STATUSES, type NeedStatus } from './board-schema.js';
import { BOARD_ID_PATTERN } from './ids.js';

const id = z.string().regex(BOARD_ID_PATTERN, 'must be an id from a link');
const token = z.string().min(1).max(200);

/** Sends the request on card `cardId` of meeting board `boardId` to series `toSeries`, reached with `toToken`. */
export const CreateAskBody = z.strictObject({ boardId: id, cardId: z.string().min(1).max(64), toSeries: id, toToken: token });
export type CreateAskBody = z.infer<typeof CreateAskBody>;

/** Escalates challenge `cardId` of meeting board `boardId` to series `toSeries`, reached with `toToken`. */
export const CreateEscalationBody = CreateAskBody;
export type CreateEscalationBody = CreateAskBody;

const epochMs = z.number().int().describe('milliseconds since the epoch');

export const AskSchema = z.object({
  id: z.string(),
  fromSeries: z.string(),
  fromSeriesName: z.string(),
  toSeries: z.string(),
  toSeriesName: z.string(),
  asker: z.string(),
  addressee: z.string(),
  what: z.string(),
  byWhen: z.string(),
  status: z.enum(NEED_STATUSES),
  /** Why the other team declined ('' when not declined or not said). */
  reason: z.string(),
  createdAt: epochMs,
  /** When the other team first answered (accepted, declined or done); null while it has not. */
  answeredAt: epochMs.nullable(),
  /** answeredAt − createdAt, the time the other team took to answer. */
  answerMs: z.number().int().nullable(),
  /** Whether the request is on one of the other team's meetings yet. */
  placed: z.boolean(),
});
export type Ask = z.infer<typeof AskSchema>;

export const EscalationSchema = z.object({
  id: z.string(),
  fromSeries: z.string(),
  fromSeriesName: z.string(),
  toSeries: z.string(),
  toSeriesName: z.string(),
  problem: z.string(),
  proposals: z.number().int().describe('how many proposals went with it'),
  createdAt: epochMs,
  placed: z.boolean(),
});
export type Escalation = z.infer<typeof EscalationSchema>;

export const CreateAskResponseSchema = z.object({ ask: AskSchema });
export const CreateEscalationResponseSchema = z.object({ escalation: EscalationSchema });
export const SeriesAsksResponseSchema = z.object({
  seriesId: z.string(),
  /** Requests this series made of others, and those others made of it, oldest first. */
  made: z.array(AskSchema),
  received: z.array(AskSchema),
  escalated: z.array(EscalationSchema),
  escalatedHere: z.array(EscalationSchema),
});
export type CreateAskResponse = z.infer<typeof CreateAskResponseSchema>;
export type CreateEscalationResponse = z.infer<typeof CreateEscalationResponseSchema>;
export type SeriesAsksResponse = z.infer<typeof SeriesAsksResponseSchema>;

/** An answer ends the wait: accepted, declined or done. */
export const isAnswer = (s: NeedStatus): boolean => s !== 'open';

/**
 * The series id and token of a series (or board) link a person pasted: `…/s/<id>?token=…` or `…/b/<id>?token=…`
 * (a board's token reaches its series). Null when the text is not such a link.
 */
export function parseSeriesLink(text: string): { seriesId: string; token: string } | null {
  let url: URL;
  try {
    url = new URL(text.trim(), 'http://link.invalid');
  } catch {
    return null;
  }
  const m = /^\/(?:s|b)\/([^/]+)\/?$/.exec(url.pathname);
  const token = url.searchParams.get('token');
  if (!m || !token) return null;
  const seriesId = decodeURIComponent(m[1]);
  return BOARD_ID_PATTERN.test(seriesId) ? { seriesId, token } : null;
}
