/**
 * Search within one board: the live document (every card's text fields, proposals, decisions), its action
 * items, version names and audit lines. Case-insensitive substring matching; stored rows are matched in
 * SQLite with LIKE (escaped), the live board in memory.
 */
import type { BoardView, Card } from '../../shared/board-schema.js';
import type { SearchResult } from '../../shared/history-schemas.js';
import type { ActionItem } from '../../shared/action-extraction.js';

const FIELDS: { [C in Card['column']]: readonly string[] } = {
  agenda: ['title', 'notes', 'owner'],
  needs: ['what', 'asker', 'addressee'],
  challenges: ['problem'],
};

/** Case-insensitive containment (Unicode lower-casing, so "ÉTÉ" finds "été"). */
export const contains = (text: string, q: string): boolean => text.toLowerCase().includes(q.toLowerCase());

/** Matches in the live board's cards, in display order: card fields and proposals (`card`), decisions (`decision`). */
export function searchView(view: BoardView, q: string): SearchResult[] {
  const out: SearchResult[] = [];
  for (const column of ['agenda', 'needs', 'challenges'] as const) {
    for (const card of view.columns[column] as Card[]) {
      const fields = card as unknown as Record<string, unknown>;
      for (const f of FIELDS[column]) {
        const v = fields[f];
        if (typeof v === 'string' && v && contains(v, q)) out.push({ kind: 'card', cardId: card.id, column, text: v });
      }
      if (card.column === 'challenges') {
        for (const p of card.proposals) if (contains(p.text, q)) out.push({ kind: 'card', cardId: card.id, column, text: p.text });
      }
      for (const d of card.decisions) {
        if (contains(d.text, q) || contains(d.owners, q)) out.push({ kind: 'decision', cardId: card.id, column, text: d.text });
      }
    }
  }
  return out;
}

/** Matches among action items: their text, owners or source card title. */
export function searchActions(items: readonly ActionItem[], q: string): SearchResult[] {
  return items
    .filter((i) => contains(i.text, q) || i.owners.some((o) => contains(o, q)) || contains(i.cardTitle, q))
    .map((i) => ({ kind: 'action', cardId: i.cardId, column: i.column, text: i.text, at: i.updatedAt }));
}
