/**
 * Persistence of action items, meeting attendees and summary webhooks, behind one small async interface
 * (SQLite implementation: sqlite-action-store.ts). Rows go when their board is deleted.
 */
import type { ActionItem, ActionStatus, ExtractedAction } from '../../shared/action-extraction.js';

/**
 * An action item as stored: what the board says (`ExtractedAction`), whether its source is still on the
 * board (`present`), and the status people set (`personStatus`, server-authoritative). The shown `status`
 * follows from those three (`effectiveStatus`).
 */
export interface ActionRecord extends ExtractedAction {
  boardId: string;
  present: boolean;
  personStatus: ActionStatus | null;
  status: ActionStatus;
  createdAt: number;
  updatedAt: number;
  /** When it was first marked done (kept while it stays done); null while not done. Set by the store. */
  doneAt?: number | null;
}

/**
 * A missing source cancels; otherwise what people set wins over what the board says, so that editing a
 * decision never reopens an item someone marked done.
 */
export function effectiveStatus(r: Pick<ActionRecord, 'present' | 'personStatus' | 'boardStatus'>): ActionStatus {
  if (!r.present) return 'cancelled';
  return r.personStatus ?? r.boardStatus;
}

/** The public view of a record. */
export function toActionItem(r: ActionRecord): ActionItem {
  return {
    id: r.id,
    boardId: r.boardId,
    kind: r.kind,
    cardId: r.cardId,
    column: r.column,
    cardTitle: r.cardTitle,
    decisionId: r.decisionId,
    text: r.text,
    owners: r.owners,
    due: r.due,
    dueText: r.dueText,
    dueFlag: r.dueFlag,
    status: r.status,
    decidedBy: r.decidedBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** Names kept per board as attendees; enough for any meeting, bounded against a client renaming itself in a loop. */
export const MAX_ATTENDEES = 500;

export interface ActionStore {
  /** Every action item of a board, in creation order. */
  list(boardId: string): Promise<ActionRecord[]>;
  /** The items of a board that come from `cardIds` or have one of `ids`. */
  listScope(boardId: string, cardIds: readonly string[], ids: readonly string[]): Promise<ActionRecord[]>;
  get(boardId: string, id: string): Promise<ActionRecord | null>;
  /** Items with this id on any board (ids are unique per board only). */
  findById(id: string): Promise<ActionRecord[]>;
  /** Inserts or replaces records, all in one transaction. */
  upsert(records: readonly ActionRecord[]): Promise<void>;

  /** Records that these names were present at the board's meeting (new names only while fewer than MAX_ATTENDEES). */
  addAttendees(boardId: string, names: readonly string[], at: number): Promise<void>;
  /** Names seen on the board, in the order first seen. */
  attendees(boardId: string): Promise<string[]>;

  /** Sets (or, with null, removes) the board's summary webhook URL. */
  setWebhook(boardId: string, url: string | null, at: number): Promise<void>;
  webhook(boardId: string): Promise<string | null>;
}
