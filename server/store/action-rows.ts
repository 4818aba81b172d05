/** The rows of action items as both engines return them, and the records they make. */
import type { DueFlag } from '../../shared/decisions.js';
import type { ActionStatus, ActionKind } from '../../shared/action-extraction.js';
import type { ColumnId } from '../../shared/board-schema.js';
import type { ActionRecord } from './action-store.js';

export interface ActionRow {
  board_id: string;
  id: string;
  kind: ActionKind;
  card_id: string;
  column_id: ColumnId;
  card_title: string;
  decision_id: string | null;
  text: string;
  owners: string;
  due: string | null;
  due_text: string;
  due_flag: DueFlag | null;
  board_status: 'open' | 'done';
  person_status: ActionStatus | null;
  /** 0/1 from SQLite, false/true from PostgreSQL. */
  present: boolean | number;
  status: ActionStatus;
  decided_by: string;
  created_at: number;
  updated_at: number;
  done_at: number | null;
}

export const fromRow = (r: ActionRow): ActionRecord => ({
  boardId: r.board_id,
  id: r.id,
  kind: r.kind,
  cardId: r.card_id,
  column: r.column_id,
  cardTitle: r.card_title,
  decisionId: r.decision_id,
  text: r.text,
  owners: JSON.parse(r.owners) as string[],
  due: r.due,
  dueText: r.due_text,
  dueFlag: r.due_flag,
  boardStatus: r.board_status,
  personStatus: r.person_status,
  present: r.present === 1 || r.present === true,
  status: r.status,
  decidedBy: r.decided_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  doneAt: r.done_at,
});

/**
 * A record's values in the order both engines' upserts list the columns (board_id … done_at); `present` as
 * the engine stores a boolean (SQLite 0/1, PostgreSQL true/false).
 */
export const actionValues = (r: ActionRecord, present: boolean | number): unknown[] => [
  r.boardId,
  r.id,
  r.kind,
  r.cardId,
  r.column,
  r.cardTitle,
  r.decisionId,
  r.text,
  JSON.stringify(r.owners),
  r.due,
  r.dueText,
  r.dueFlag,
  r.boardStatus,
  r.personStatus,
  present,
  r.status,
  r.decidedBy,
  r.createdAt,
  r.updatedAt,
  r.status === 'done' ? r.updatedAt : null,
];
