/**
 * Search within a board from its header: the query, debounced requests to `GET /api/boards/:id/search`
 * (only the newest answer is shown) and jumping to a card on the live board.
 */
import { revealCard } from './card-reveal.js';
import type { SearchResult } from '../../shared/history-schemas.js';
import { searchBoard } from './history-api.js';

/** The server's bound on a query. */
export const SEARCH_MAX = 200;
const DEBOUNCE_MS = 250;

export class BoardSearchModel {
  readonly boardId: string;
  readonly token: string;
  #query = $state('');
  get query() {
    return this.#query;
  }
  #results = $state.raw<SearchResult[]>([]);
  get results() {
    return this.#results;
  }
  #truncated = $state(false);
  get truncated() {
    return this.#truncated;
  }
  #answered = $state('');
  /** The query the shown results answer ('' = none yet). */
  get answered() {
    return this.#answered;
  }
  #busy = $state(false);
  get busy() {
    return this.#busy;
  }
  #failed = $state(false);
  get failed() {
    return this.#failed;
  }

  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(boardId: string, token: string) {
    this.boardId = boardId;
    this.token = token;
  }

  /** Sets the query and searches after a pause in typing; a blank query clears the results at once. */
  set(query: string): void {
    this.#query = query.slice(0, SEARCH_MAX);
    clearTimeout(this.#timer);
    const q = this.#query.trim();
    if (!q) {
      this.#seq++;
      this.#results = [];
      this.#answered = '';
      this.#busy = false;
      this.#failed = false;
      return;
    }
    this.#busy = true;
    this.#timer = setTimeout(() => void this.#run(q), DEBOUNCE_MS);
  }

  async #run(q: string): Promise<void> {
    const seq = ++this.#seq;
    const res = await searchBoard(this.boardId, this.token, q);
    if (seq !== this.#seq) return;
    this.#busy = false;
    this.#failed = !res.ok;
    if (!res.ok) return;
    this.#results = res.data.results;
    this.#truncated = res.data.truncated;
    this.#answered = q;
  }

  destroy(): void {
    clearTimeout(this.#timer);
    this.#seq++;
  }
}

/**
 * Scrolls the live board to a card and flashes it; false when the card is not on the board (any more).
 * The caller switches the phone's column tab first, so the card is displayed.
 */
export async function flashCard(cardId: string): Promise<boolean> {
  const el = await revealCard(cardId);
  if (!el) return false;
  const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  el.scrollIntoView({ block: 'center', behavior: reduced ? 'auto' : 'smooth' });
  el.removeAttribute('data-search-hit');
  // Re-adding on the next frame restarts the animation when the same card is picked twice.
  requestAnimationFrame(() => {
    el.setAttribute('data-search-hit', '');
    setTimeout(() => el.removeAttribute('data-search-hit'), 2600);
  });
  // Focus moves to the card so keyboard and screen-reader users land where they jumped.
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus({ preventScroll: true });
  return true;
}
