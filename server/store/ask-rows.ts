/** The rows of asks and escalations as both engines return them, and the records they make. */
import type { NeedStatus } from '../../shared/board-schema.js';
import type { AskRecord, EscalationRecord } from './ask-store.js';

export interface AskRow {
  id: string;
  from_series: string;
  from_board: string;
  from_card: string;
  to_series: string;
  asker: string;
  addressee: string;
  what: string;
  by_when: string;
  status: NeedStatus;
  reason: string;
  created_at: number;
  answered_at: number | null;
  answer_seq: number | null;
  placed_board: string | null;
  shown_status: NeedStatus | null;
  shown_board: string | null;
}

export interface EscalationRow {
  id: string;
  from_series: string;
  from_board: string;
  from_card: string;
  to_series: string;
  problem: string;
  proposals: string;
  history: string;
  created_at: number;
  placed_board: string | null;
}

export const fromAsk = (r: AskRow): AskRecord => ({
  id: r.id,
  fromSeries: r.from_series,
  fromBoard: r.from_board,
  fromCard: r.from_card,
  toSeries: r.to_series,
  asker: r.asker,
  addressee: r.addressee,
  what: r.what,
  byWhen: r.by_when,
  status: r.status,
  reason: r.reason,
  createdAt: r.created_at,
  answeredAt: r.answered_at,
  answerSeq: r.answer_seq,
  placedBoard: r.placed_board,
  shownStatus: r.shown_status,
  shownBoard: r.shown_board,
});

export const fromEscalation = (r: EscalationRow): EscalationRecord => ({
  id: r.id,
  fromSeries: r.from_series,
  fromBoard: r.from_board,
  fromCard: r.from_card,
  toSeries: r.to_series,
  problem: r.problem,
  proposals: JSON.parse(r.proposals) as EscalationRecord['proposals'],
  history: JSON.parse(r.history) as EscalationRecord['history'],
  createdAt: r.created_at,
  placedBoard: r.placed_board,
});
