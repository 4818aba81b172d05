/**
 * The action items a board's document implies: one per decision, one per accepted request. Pure, like the
 * decision parser it builds on, so the server's stored items and the browser's badges agree.
 */
import type * as Y from 'yjs';
import { cardsMap, isIsoDate, readCard, type Card, type ColumnId, type Decision } from './board-schema.js';
import { boardParseContext, parseDecision, type DueFlag, type ParseContext } from './decisions.js';

/** `blocked`: its owner says it cannot go on (set in a meeting's review of open items); it stays to do. */
export const ACTION_STATUSES = ['open', 'done', 'cancelled', 'blocked'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const ACTION_KINDS = ['decision', 'need'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** What the document alone says about an action item (no status set by people, no timestamps). */
export interface ExtractedAction {
  id: string;
  kind: ActionKind;
  /** The card the item comes from, its column and its headline (agenda title, need, challenge). */
  cardId: string;
  column: ColumnId;
  cardTitle: string;
  /** The decision's id (null for a need). */
  decisionId: string | null;
  text: string;
  /** [] = unassigned. */
  owners: string[];
  /** `YYYY-MM-DD` or null. */
  due: string | null;
  dueText: string;
  dueFlag: DueFlag | null;
  decidedBy: string;
  /** What the board itself says: a request marked done on the board is done. */
  boardStatus: 'open' | 'done';
}

/**
 * An action item as the API and the socket events show it.
 *
 * `id` is derived from its source and so stable across edits and restarts: `dec:<decisionId>` for a
 * decision, `need:<cardId>` for an accepted request. It is unique within a board (the store keys items by
 * board and id).
 */
export interface ActionItem extends Omit<ExtractedAction, 'boardStatus'> {
  boardId: string;
  /** open, done or cancelled. Set by people (server-side) or by the board: a deleted source cancels it. */
  status: ActionStatus;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
}

export const decisionActionId = (decisionId: string): string => `dec:${decisionId}`;
export const needActionId = (cardId: string): string => `need:${cardId}`;

/** A card's headline, for showing where an action item comes from. */
export function cardHeadline(card: Card): string {
  const t = card.column === 'agenda' ? card.title : card.column === 'needs' ? card.what : card.problem;
  const line = t.split('\n')[0].trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** The action items one card implies: one per decision, plus one for a request that was accepted (or done). */
export function extractCard(card: Card, ctx: ParseContext): ExtractedAction[] {
  const base = { cardId: card.id, column: card.column, cardTitle: cardHeadline(card) };
  const out: ExtractedAction[] = card.decisions.map((d: Decision) => {
    const p = parseDecision(d, ctx);
    return {
      ...base,
      id: decisionActionId(d.id),
      kind: 'decision',
      decisionId: d.id,
      text: p.text,
      owners: p.owners,
      due: p.due,
      dueText: p.dueText,
      dueFlag: p.dueFlag,
      decidedBy: d.decidedBy,
      boardStatus: 'open',
    };
  });
  if (card.column === 'needs' && (card.status === 'accepted' || card.status === 'done')) {
    const due = card.byWhen.trim();
    const owner = card.addressee.trim();
    out.push({
      ...base,
      // A request carried into later meetings stays one action item: it keeps the id of the card it started as.
      id: needActionId(card.carriedFrom || card.id),
      kind: 'need',
      decisionId: null,
      text: card.what.trim(),
      owners: owner ? [owner] : [],
      due: isIsoDate(due) ? due : null,
      dueText: due,
      dueFlag: due === '' ? null : !isIsoDate(due) ? 'unparseable' : due < ctx.meetingDate ? 'past' : null,
      // The addressee decided, by accepting.
      decidedBy: owner,
      boardStatus: card.status === 'done' ? 'done' : 'open',
    });
  }
  return out;
}

/**
 * The action items the document implies, for the given cards (all cards when `cardIds` is omitted).
 * Cards that no longer exist contribute nothing: their items are no longer implied.
 */
export function extractActions(doc: Y.Doc, cardIds?: Iterable<string>, ctx: ParseContext = boardParseContext(doc)): ExtractedAction[] {
  const cards = cardsMap(doc);
  const out: ExtractedAction[] = [];
  const ids = cardIds ? new Set(cardIds) : cards.keys();
  for (const id of ids) {
    const card = readCard(cards.get(id));
    if (card && card.id === id) out.push(...extractCard(card, ctx));
  }
  return out;
}
