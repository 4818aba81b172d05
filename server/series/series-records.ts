/**
 * What the decision log, team memory and the report are computed from: per meeting of a series, its board as
 * stored, its action items, who was seated, and the status changes the audit trail recorded. Plain data, so
 * the computations (decision-log.ts, memory.ts, report.ts) stay pure and testable with made-up records;
 * `load-records.ts` reads them from the stores.
 */
import type { ActionStatus } from '../../shared/action-extraction.js';
import type { BoardView, Card } from '../../shared/board-schema.js';
import type { MeetingRecord } from '../store/series-store.js';

/** A `card.status` line of the audit trail, read back into its parts. */
export interface StatusChange {
  at: number;
  cardId: string;
  from: string;
  to: string;
}

/** The part of an action record the figures use. */
export interface ActionFacts {
  id: string;
  status: ActionStatus;
  owners: string[];
  due: string | null;
  /** When it was first marked done; null while it is not done. */
  doneAt: number | null;
}

export interface MeetingFacts {
  seq: number;
  date: string;
  boardId: string;
  status: MeetingRecord['status'];
  startedAt: number | null;
  endedBy: MeetingRecord['endedBy'];
  /** Null when the board could not be read (deleted meanwhile). */
  board: BoardView | null;
  actions: ActionFacts[];
  attendees: string[];
  /** Oldest first. */
  statusChanges: StatusChange[];
}

export interface SeriesFacts {
  series: { id: string; name: string; team: string; timezone: string };
  /** Oldest first, without meetings still being opened. */
  meetings: MeetingFacts[];
}

/** The id a card started as: the same on every meeting it was carried to. */
export const rootOf = (card: Pick<Card, 'id' | 'carriedFrom'>): string => card.carriedFrom || card.id;

export function cardsOf(board: BoardView): Card[] {
  return [...board.columns.agenda, ...board.columns.needs, ...board.columns.challenges];
}

/** Each card root's first version (who raised it, when, in which meeting). */
export function firstVersions(facts: SeriesFacts): Map<string, { card: Card; meeting: MeetingFacts }> {
  const out = new Map<string, { card: Card; meeting: MeetingFacts }>();
  for (const m of facts.meetings) for (const card of m.board ? cardsOf(m.board) : []) if (!out.has(rootOf(card))) out.set(rootOf(card), { card, meeting: m });
  return out;
}

/** Reads `changed status of … from open to accepted` back into its two statuses (the card text is quoted before them). */
export function parseStatusSummary(summary: string): { from: string; to: string } | null {
  const m = / from ([a-z]+) to ([a-z]+)$/.exec(summary);
  return m ? { from: m[1], to: m[2] } : null;
}
