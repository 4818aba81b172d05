/**
 * Answering a request ("what I need from you") on a board: the `need:answer` command of the meeting channel
 * (socket.io namespace `/meeting`) and the rule of who may answer. The server decides who is asking from the
 * seat it issued to the socket (its roster name) and the link's role, never from the payload.
 */
import { z } from 'zod';
import { LIMITS, NEED_STATUSES, type NeedCard } from './board-schema.js';
import type { Role } from './roles.js';
import type { Ack } from './socket-events.js';

/** Accept, decline (with a reason for the asker), mark done, or reopen (`open`) a request. */
export const NeedAnswerPayload = z.strictObject({
  cardId: z.string().min(1).max(64),
  status: z.enum(NEED_STATUSES),
  reason: z.string().trim().max(LIMITS.shortText).optional(),
});
export type NeedAnswerPayload = z.infer<typeof NeedAnswerPayload>;

/** The request as it stands once the answer is stored. */
export type NeedAnswerResult = Pick<NeedCard, 'id' | 'status' | 'declineReason' | 'answeredBy' | 'answeredAt'>;

export interface NeedAnswerClientEvents {
  'need:answer': (payload: NeedAnswerPayload, ack: (res: Ack<NeedAnswerResult>) => void) => void;
}

/** Names match when they are the same once trimmed, whatever the case ("ana " is Ana). */
export const sameName = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Whether `who` may answer `card`: its addressee, or anyone with a facilitator's link. Viewers never. */
export function mayAnswer(card: Pick<NeedCard, 'addressee'>, who: { name: string; role: Role }): boolean {
  if (who.role === 'facilitator') return true;
  if (who.role !== 'participant') return false;
  return card.addressee.trim() !== '' && sameName(card.addressee, who.name);
}
