/**
 * Drag-and-drop reordering within a column (a mouse convenience; the move up/down buttons are the
 * keyboard and touch path). The card being dragged is kept here because `dataTransfer` cannot be read
 * during `dragover`, and a drop is only accepted from the same column: cards never change columns.
 */
import type { ColumnId } from '../../shared/board-schema.js';

export const DRAG_TYPE = 'application/x-meshboard-card';

let dragging: { id: string; column: ColumnId } | null = null;

export function startDrag(event: DragEvent, id: string, column: ColumnId, card: HTMLElement | null): void {
  dragging = { id, column };
  if (!event.dataTransfer) return;
  event.dataTransfer.effectAllowed = 'move';
  event.dataTransfer.setData(DRAG_TYPE, id);
  if (card) event.dataTransfer.setDragImage(card, 24, 24);
}

export const endDrag = (): void => {
  dragging = null;
};

/** The dragged card if it may be dropped in `column`. */
export const draggedIn = (column: ColumnId): string | null => (dragging?.column === column ? dragging.id : null);

/**
 * Where a drop at `clientY` puts the card, as an index among the column's other cards (what moveCard
 * expects): before the first card on screen whose middle is below the pointer. `ids` is the column in
 * document order; a long column renders only some of its cards, so positions come from it, not the DOM.
 */
export function dropIndex(container: HTMLElement, clientY: number, draggedId: string, ids: readonly string[]): number {
  const others = ids.filter((id) => id !== draggedId);
  let after = -1;
  for (const el of container.querySelectorAll<HTMLElement>('article[data-card-id]')) {
    const id = el.dataset.cardId;
    if (!id || id === draggedId) continue;
    const r = el.getBoundingClientRect();
    const at = others.indexOf(id);
    if (clientY <= r.top + r.height / 2) return at < 0 ? after + 1 : at;
    after = Math.max(after, at);
  }
  return after + 1;
}
