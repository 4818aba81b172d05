/**
 * The board's keyboard shortcuts (listed for people in ShortcutsDialog.svelte):
 *   ?            the shortcuts dialog
 *   n            add a card to the current column (the one with focus, else the shown tab)
 *   j / k        next / previous card in the column (also ↓ / ↑ when a card itself has focus)
 *   h / l        the card at the same height in the previous / next column (also ← / →)
 *   Alt+↑ / ↓    move the focused card up / down (the keyboard's drag and drop; announced)
 *   d            the decision field of the focused card (opening the card)
 *   Enter        open the focused card for editing (typing a letter that is no shortcut does too; CardFrame)
 *   . / Shift+N  next agenda item (leaders, while a meeting runs)
 * None fires while typing in a field; there Escape leaves the field for its card instead.
 */
import { CARD_SELECTOR, cardOrder, revealCard, settleInView } from './card-reveal.js';
import { flushSync, tick } from 'svelte';
import { COLUMNS, type ColumnId } from '../../shared/board-schema.js';
import type { BoardModel } from './board.svelte.js';
import { cardEditor } from './card-editor.svelte.js';
import { t } from './i18n/index.svelte.js';
import { announcer } from './live-announcer.svelte.js';
import type { MeetingModel } from './meeting.svelte.js';

/** Whether the shortcuts dialog is open; any button may open it. */
class ShortcutsHelp {
  #open = $state(false);
  get open() {
    return this.#open;
  }

  show(): void {
    this.#open = true;
  }

  hide(): void {
    this.#open = false;
  }
}

export const shortcutsHelp = new ShortcutsHelp();

/** What the dialog lists, in order: keys (alternatives) and the dictionary key of the action. */
export const SHORTCUT_LIST = [
  { keys: [['?']], action: 'help' },
  { keys: [['n']], action: 'add' },
  { keys: [['j'], ['↓']], action: 'next' },
  { keys: [['k'], ['↑']], action: 'prev' },
  { keys: [['h'], ['l'], ['←'], ['→']], action: 'column' },
  { keys: [['Alt', '↑']], action: 'moveUp' },
  { keys: [['Alt', '↓']], action: 'moveDown' },
  { keys: [['d']], action: 'decision' },
  { keys: [['Enter']], action: 'edit' },
  { keys: [['.'], ['Shift', 'N']], action: 'nextItem' },
  {
    keys: [
      ['Ctrl', 'Z'],
      ['Ctrl', 'Shift', 'Z'],
    ],
    action: 'undo',
  },
  { keys: [['Ctrl', 'F']], action: 'find' },
  { keys: [['Esc']], action: 'escape' },
] as const;

const CARD = CARD_SELECTOR;

/** Keys that are shortcuts on a focused card; any other letter typed there opens the card for editing. */
export const SHORTCUT_KEYS: ReadonlySet<string> = new Set(['?', 'n', 'N', '.', 'j', 'k', 'h', 'l', 'd']);

export function isTypingTarget(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(el.type);
  return false;
}

const cardOf = (el: Element | null): HTMLElement | null => (el?.closest(CARD) as HTMLElement | null) ?? null;
const idOf = (el: Element | null): string | undefined => cardOf(el)?.dataset.cardId;

export class BoardShortcuts {
  readonly #board: BoardModel;
  readonly #meeting: MeetingModel;
  readonly #tab: () => ColumnId;
  readonly #showColumn: (c: ColumnId) => void;

  /** `tab`: the column shown on a phone; `showColumn` switches to one (a phone shows one column at a time). */
  constructor(board: BoardModel, meeting: MeetingModel, tab: () => ColumnId, showColumn: (c: ColumnId) => void) {
    this.#board = board;
    this.#meeting = meeting;
    this.#tab = tab;
    this.#showColumn = showColumn;
  }

  /** The column of the focused element, else the one shown. */
  #column(): ColumnId {
    const col = document.activeElement?.closest<HTMLElement>('[data-column]')?.dataset.column;
    return (COLUMNS as readonly string[]).includes(col ?? '') ? (col as ColumnId) : this.#tab();
  }

  handle = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.isComposing || e.ctrlKey || e.metaKey) return;
    // A modal dialog (names, end meeting, this list) owns the keyboard.
    if (shortcutsHelp.open || document.querySelector('dialog[open]')) return;
    const target = e.target as HTMLElement | null;
    if (isTypingTarget(target)) {
      const card = cardOf(target);
      // Escape leaves a card's field for the card, where the shortcuts work again (an open card closes
      // itself first, in CardFrame; new-card forms handle their own).
      if (e.key === 'Escape' && card && !target?.closest('form')) {
        e.preventDefault();
        card.focus();
      }
      return;
    }
    const onCard = target instanceof HTMLElement && target.matches(CARD);
    if (e.altKey) {
      if (e.key === 'ArrowUp' || e.key === 'ArrowDown') this.#run(e, () => this.moveFocused(e.key === 'ArrowUp' ? -1 : 1));
      return;
    }
    switch (e.key) {
      case '?':
        return this.#run(e, () => shortcutsHelp.show());
      case 'n':
        return this.#run(e, () => this.add());
      case 'N':
      case '.':
        return this.#run(e, () => this.nextItem());
      case 'j':
        return this.#run(e, () => this.step(1));
      case 'k':
        return this.#run(e, () => this.step(-1));
      case 'h':
        return this.#run(e, () => this.side(-1));
      case 'l':
        return this.#run(e, () => this.side(1));
      case 'd':
        return this.#run(e, () => this.decide());
      case 'ArrowDown':
      case 'ArrowUp':
        if (onCard) this.#run(e, () => this.step(e.key === 'ArrowDown' ? 1 : -1));
        return;
      case 'ArrowLeft':
      case 'ArrowRight':
        if (onCard) this.#run(e, () => this.side(e.key === 'ArrowRight' ? 1 : -1));
        return;
    }
  };

  #run(e: KeyboardEvent, action: () => unknown): void {
    e.preventDefault();
    void action();
  }

  /** Opens the current column's new-card form (or goes back into it). */
  add(): void {
    if (!this.#board.canEdit) return;
    const column = this.#column();
    this.#showColumn(column);
    const button = document.querySelector<HTMLButtonElement>(`#col-${column} .add-btn`);
    if (button?.getAttribute('aria-expanded') === 'true')
      document.querySelector<HTMLElement>(`#col-${column} form input, #col-${column} form textarea`)?.focus();
    else button?.click();
  }

  /** Focuses the next (`delta` 1) or previous card of the current column; from outside a card, the first or last. */
  step(delta: 1 | -1): void {
    // By id, not by element: a long column renders only the cards on screen, and j/k go through all of them.
    const cards = cardOrder(this.#column());
    if (!cards.length) return;
    const here = idOf(document.activeElement);
    const i = here ? cards.indexOf(here) : -1;
    const next = i < 0 ? (delta > 0 ? 0 : cards.length - 1) : Math.max(0, Math.min(cards.length - 1, i + delta));
    void revealCard(cards[next]).then((el) => this.#focus(el));
  }

  /** Focuses the card at about the same position in the neighbouring column. */
  side(delta: 1 | -1): void {
    const from = this.#column();
    const to = COLUMNS[COLUMNS.indexOf(from) + delta];
    if (!to) return;
    const here = idOf(document.activeElement);
    const i = here ? Math.max(0, cardOrder(from).indexOf(here)) : 0;
    this.#showColumn(to);
    void tick().then(async () => {
      const cards = cardOrder(to);
      if (cards.length) this.#focus(await revealCard(cards[Math.min(i, cards.length - 1)]));
      else document.querySelector<HTMLElement>(`#col-${to} .add-btn`)?.focus();
    });
  }

  /** Moves the card that has focus one place up or down, keeps it focused and says where it went. */
  async moveFocused(delta: 1 | -1): Promise<void> {
    const card = cardOf(document.activeElement);
    const id = card?.dataset.cardId;
    if (!card || !id || !this.#board.canEdit) return;
    const column = card.closest<HTMLElement>('[data-column]')?.dataset.column as ColumnId | undefined;
    if (!column) return;
    const ids = this.#board.view.columns[column].map((c) => c.id);
    const from = ids.indexOf(id);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= ids.length) return;
    await moveCardAndSay(this.#board, id, to, ids.length, card.getAttribute('aria-label') ?? '');
    this.#focus(await revealCard(id));
  }

  /** Opens the card that has focus and puts the keyboard in its decision field. */
  decide(): void {
    const id = cardOf(document.activeElement)?.dataset.cardId;
    if (!id || !this.#board.canEdit) return;
    cardEditor.open(id);
    flushSync();
    document.getElementById(`decision-${id}`)?.focus();
  }

  nextItem(): void {
    if (!this.#meeting.running) return;
    if (!this.#meeting.isLeader) return announcer.say(t.shortcuts.leadersOnly);
    void this.#meeting.run('meeting:next-item');
  }

  #focus(el: HTMLElement | null): void {
    if (!el) return;
    el.focus();
    void settleInView(el);
  }
}

/** Moves a card to `to` (0-based, of `count`) and announces "Moved … to position n of m". Resolves once the DOM is updated. */
export async function moveCardAndSay(board: BoardModel, id: string, to: number, count: number, label: string): Promise<void> {
  board.move(id, to);
  announcer.say(t.shortcuts.moved(label, to + 1, count));
  await tick();
}
