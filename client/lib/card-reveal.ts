/**
 * Finding a card on the page when it may not be there. A long column renders only the cards on screen
 * (CardList.svelte), so "focus the next card", "jump to the search hit" or "show the current item" cannot
 * just look the element up: they ask the column that lists the card to scroll to it and render it.
 */
import type { ColumnId } from '../../shared/board-schema.js';

/**
 * From this many cards a column renders only those on screen: a meeting's few cards stay plain elements
 * (the browser's find-in-page sees them all), a board of thousands stays quick.
 */
export const VIRTUAL_FROM = 60;

export interface ColumnHandle {
  /** The ids of the column's cards in the order they are shown. */
  order(): readonly string[];
  /** Scrolls the card into the rendered range and resolves with its element (null if it is not listed). */
  reveal(id: string): Promise<HTMLElement | null>;
}

const columns = new Map<ColumnId, ColumnHandle>();

/** A column lists its cards here while it is on the page; returns the function that takes it off. */
export function registerColumn(column: ColumnId, handle: ColumnHandle): () => void {
  columns.set(column, handle);
  return () => {
    if (columns.get(column) === handle) columns.delete(column);
  };
}

export const CARD_SELECTOR = 'article[data-card-id]';

/** The card's element if it is rendered now. */
export const cardElement = (id: string): HTMLElement | null => document.querySelector<HTMLElement>(`${CARD_SELECTOR}[data-card-id="${CSS.escape(id)}"]`);

/** The ids of a column's cards as shown, rendered or not; [] when the column is not on the page. */
export const cardOrder = (column: ColumnId): readonly string[] => columns.get(column)?.order() ?? [];

/**
 * Scrolls `el` into view and keeps it there for the few frames in which the cards rendered around it are
 * measured (a long column estimates the height of cards it has not rendered, so they move as they come in).
 */
export async function settleInView(el: HTMLElement, block: ScrollLogicalPosition = 'nearest'): Promise<void> {
  let last = NaN;
  for (let frame = 0; frame < 20 && el.isConnected; frame++) {
    const { top, bottom, height } = el.getBoundingClientRect();
    const inView = top >= 0 && top < innerHeight && (bottom <= innerHeight || height > innerHeight);
    if (inView && top === last) return;
    if (!inView) el.scrollIntoView({ block });
    last = top;
    await new Promise(requestAnimationFrame);
  }
}

/** The card's element, scrolled into the rendered range first if it has to be; null when no column lists it. */
export async function revealCard(id: string): Promise<HTMLElement | null> {
  for (const handle of columns.values()) if (handle.order().includes(id)) return handle.reveal(id);
  return cardElement(id);
}
