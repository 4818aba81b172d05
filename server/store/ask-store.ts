/**
 * Persistence of requests between series (asks) and of challenges escalated to another series (SQLite
 * implementation: sqlite-ask-store.ts). Where a record went is noted here before the board holding it is
 * written (`placedBoard`, `shownBoard`); an opening that never made its board takes the notes back
 * (`forgetBoard`), so nothing lands twice and nothing is lost (server/series/asks.ts).
 */
import type { ChallengeStep, NeedStatus, Proposal } from '../../shared/board-schema.js';

export interface AskRecord {
  id: string;
  fromSeries: string;
  fromBoard: string;
  /** The root id of the asking card (`carriedFrom || id`): the same through every meeting it is carried to. */
  fromCard: string;
  toSeries: string;
  asker: string;
  addressee: string;
  what: string;
  byWhen: string;
  status: NeedStatus;
  reason: string;
  createdAt: number;
  /** The first answer (accepted, declined, done); null while there is none. */
  answeredAt: number | null;
  /** The meeting (seq) of the other series the latest answer came from: an older meeting's copy cannot undo it. */
  answerSeq: number | null;
  /** The other series' meeting board the request was put on; null until it is. */
  placedBoard: string | null;
  /** The answer (status) last shown to the asking team, and the board it was shown on. */
  shownStatus: NeedStatus | null;
  shownBoard: string | null;
}

export interface EscalationRecord {
  id: string;
  fromSeries: string;
  fromBoard: string;
  fromCard: string;
  toSeries: string;
  problem: string;
  proposals: Pick<Proposal, 'text' | 'author' | 'createdAt'>[];
  history: ChallengeStep[];
  createdAt: number;
  placedBoard: string | null;
}

export interface AskStore {
  /** Stores a new ask; false when the same card of the same series has been asked already. */
  createAsk(ask: AskRecord): Promise<boolean>;
  getAsk(id: string): Promise<AskRecord | null>;
  /** Asks the series made, and asks made of it, oldest first. */
  asksFrom(seriesId: string): Promise<AskRecord[]>;
  asksTo(seriesId: string): Promise<AskRecord[]>;
  /** Notes the board an ask was put on; false when it had been put somewhere already. */
  placeAsk(id: string, boardId: string): Promise<boolean>;
  /** Records an answer; the first answer's time is kept. */
  answerAsk(id: string, answer: { status: NeedStatus; reason: string; at: number; seq: number }): Promise<void>;
  /** Notes that the asking team was shown `status` on `boardId`. */
  showAnswer(id: string, status: NeedStatus, boardId: string): Promise<void>;

  /** Stores a new escalation; false when that challenge of that series has been escalated already. */
  createEscalation(e: EscalationRecord): Promise<boolean>;
  escalationsFrom(seriesId: string): Promise<EscalationRecord[]>;
  escalationsTo(seriesId: string): Promise<EscalationRecord[]>;
  placeEscalation(id: string, boardId: string): Promise<boolean>;

  /** Takes back every note that something was placed or shown on `boardId` (a board that was never made). */
  forgetBoard(boardId: string): Promise<void>;
}
