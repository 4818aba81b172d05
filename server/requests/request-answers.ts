/**
 * The one place a request's answer is written: the meeting channel's `need:answer` (a person seated in the
 * meeting) and the personal link's "My items" (server/series/people-service.ts) both come here. Who answers
 * is decided by the caller from what the server issued (a seat's roster name, a personal token's person);
 * here the rule is applied — the addressee answers, or a facilitator — and the answer is written through the
 * live document with an origin that names who gave it, and resolved only once it is stored.
 */
import { answerNeed, getCard, readCard, type NeedCard, type NeedStatus } from '../../shared/board-schema.js';
import { mayAnswer } from '../../shared/need-answers.js';
import type { Role } from '../../shared/roles.js';
import { localOrigin, type BoardRegistry } from '../sync/board-registry.js';

export type AnswerRefusal = { reason: 'board_not_found' | 'card_not_found' | 'not_a_request' } | { reason: 'not_the_addressee'; addressee: string };

export type AnswerResult = { ok: true; card: NeedCard } | ({ ok: false } & AnswerRefusal);

export interface Answer {
  status: NeedStatus;
  /** Why, for a decline; ignored otherwise. */
  reason?: string;
}

/** Who answers, as the server knows them; `via` names the path in the origin (`meeting`, `personal-link`). */
export interface Answerer {
  name: string;
  role: Role;
  via: string;
}

export class RequestAnswers {
  constructor(
    private readonly registry: BoardRegistry,
    private readonly now: () => number = Date.now,
  ) {}

  async answer(boardId: string, cardId: string, answer: Answer, who: Answerer): Promise<AnswerResult> {
    const result = await this.registry.withBoard(boardId, async (board): Promise<AnswerResult> => {
      const card = readCard(getCard(board.doc, cardId));
      if (!card) return { ok: false, reason: 'card_not_found' };
      if (card.column !== 'needs') return { ok: false, reason: 'not_a_request' };
      if (!mayAnswer(card, who)) return { ok: false, reason: 'not_the_addressee', addressee: card.addressee };
      const origin = localOrigin(who.via, { name: who.name, role: who.role });
      answerNeed(board.doc, cardId, { status: answer.status, reason: answer.reason, by: who.name.trim(), at: this.now() }, origin);
      // Acknowledge only once the answer is stored: it may be the only record of what was promised.
      await this.registry.persisted(board);
      const stored = readCard(getCard(board.doc, cardId));
      return stored?.column === 'needs' ? { ok: true, card: stored } : { ok: false, reason: 'card_not_found' };
    });
    return result ?? { ok: false, reason: 'board_not_found' };
  }
}
