/**
 * Deleting a card from the board: the card goes at once, a toast offers Undo, and the keyboard lands on
 * the next card of the column (or the one before, or the column's add button) — never on another card's
 * delete button. The toast says when the card's decisions take their action items with them.
 */
import { cardOrder, revealCard } from './card-reveal.js';
import { tick } from 'svelte';
import type { ColumnId } from '../../shared/board-schema.js';
import type { BoardModel } from './board.svelte.js';
import { cardEditor } from './card-editor.svelte.js';

export interface Deleted {
  /** Short human name of the card ("Roadmap"). */
  label: string;
  /** How many decisions went with it: each one's action item is cancelled until the card comes back. */
  decisions: number;
  cardId: string;
  /** Restores the card; false when it is already back (or cannot be). */
  undo: () => boolean;
}

class CardDeletion {
  #last = $state.raw<Deleted | null>(null);
  /** The most recent deletion still offered for undo; null when none. */
  get last() {
    return this.#last;
  }

  /** Deletes `cardId` (of `column`) and moves the focus to its neighbour. */
  async remove(store: BoardModel, column: ColumnId, cardId: string, label: string, decisions: number): Promise<void> {
    const cards = cardOrder(column);
    const at = cards.indexOf(cardId);
    const neighbour = at < 0 ? undefined : (cards[at + 1] ?? cards[at - 1]);
    cardEditor.close(cardId);
    const undo = store.removeUndoably(cardId);
    this.#last = { label, decisions, cardId, undo };
    await tick();
    const next = neighbour ? await revealCard(neighbour) : null;
    (next ?? document.querySelector<HTMLElement>(`#col-${column} .add-btn`))?.focus();
  }

  /** Brings the last deleted card back and puts the keyboard on it. */
  async undo(): Promise<void> {
    const last = this.#last;
    this.#last = null;
    if (!last?.undo()) return;
    await tick();
    const el = await revealCard(last.cardId);
    el?.focus({ preventScroll: true });
    el?.scrollIntoView({ block: 'nearest' });
  }

  dismiss(): void {
    this.#last = null;
  }
}

export const cardDeletion = new CardDeletion();
