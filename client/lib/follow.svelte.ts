/**
 * Follow mode: while following, a change of the meeting's current item brings that item into view and
 * flashes it; a new phase brings its column (or panel) into view, a dot vote its panel. Scrolling by hand or editing another card detaches (the user is busy elsewhere and must not
 * be yanked away); re-attaching jumps back to the current item.
 */
import { revealCard } from './card-reveal.js';
const SCROLL_KEYS = new Set(['PageUp', 'PageDown', 'Home', 'End', 'ArrowUp', 'ArrowDown', ' ']);
const FLASH_MS = 2200;

const isTyping = (el: EventTarget | null) =>
  el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el instanceof HTMLElement && el.isContentEditable);

export class FollowModel {
  #following = $state(true);
  get following() {
    return this.#following;
  }
  #leading = false;
  /** The item the meeting is on; editing it does not count as "elsewhere". */
  #currentId: string | null = null;

  /** Starts listening for the user's own scrolling and editing; returns the cleanup. */
  listen(): () => void {
    const detach = () => this.detach();
    const onKey = (e: KeyboardEvent) => {
      if (SCROLL_KEYS.has(e.key) && !isTyping(e.target) && !(e.target instanceof HTMLButtonElement && e.key === ' ')) detach();
    };
    const onFocus = (e: FocusEvent) => {
      if (!isTyping(e.target)) return;
      const card = (e.target as HTMLElement).closest<HTMLElement>('[data-card-id]');
      if (card && card.dataset.cardId !== this.#currentId) detach();
    };
    window.addEventListener('wheel', detach, { passive: true });
    window.addEventListener('touchmove', detach, { passive: true });
    window.addEventListener('keydown', onKey);
    window.addEventListener('focusin', onFocus);
    return () => {
      window.removeEventListener('wheel', detach);
      window.removeEventListener('touchmove', detach);
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('focusin', onFocus);
    };
  }

  /** The current item changed (or the user re-attached): show it if following. */
  show(id: string | null): void {
    this.#currentId = id;
    if (!this.#following || !id) return;
    // A long column may not have the card rendered: it is scrolled to and rendered first.
    void revealCard(id).then((el) => {
      if (!el || this.#currentId !== id) return;
      el.scrollIntoView({ block: 'center', behavior: behavior() });
      flash(el);
    });
  }

  /**
   * A place the phase moved to (`selector`: a column, a panel, the vote): scrolled to its top, clear of the
   * bars stuck to the top of the screen, if following; `flashed` for what deserves a second look.
   */
  reveal(selector: string, flashed = false): void {
    this.#currentId = null;
    if (!this.#following) return;
    const el = document.querySelector<HTMLElement>(selector);
    if (!el) return;
    const top = el.getBoundingClientRect().top + window.scrollY - stuckHeight() - 8;
    window.scrollTo({ top: Math.max(0, top), behavior: behavior() });
    if (flashed) flash(el);
  }

  /**
   * The facilitator drives the meeting: there is nobody for them to follow, so they never detach and the
   * item they move to is always brought into view. Set from the server's roster, so a hand-over flips it.
   */
  setLeading(leading: boolean): void {
    this.#leading = leading;
    if (leading) this.#following = true;
  }

  /** Stops following until `reattach` (the user chose to look elsewhere). */
  detach(): void {
    if (!this.#leading) this.#following = false;
  }

  /** Follows again; the caller then shows the current item (after switching a phone to its column). */
  attach(): void {
    this.#following = true;
  }
}

const behavior = (): ScrollBehavior => (matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth');

function flash(el: HTMLElement): void {
  for (const other of document.querySelectorAll('.follow-flash')) other.classList.remove('follow-flash');
  // Restart the animation even when the same element flashes twice in a row.
  void el.offsetWidth;
  el.classList.add('follow-flash');
  setTimeout(() => el.classList.remove('follow-flash'), FLASH_MS);
}

/** How much of the top of the screen sticky bars cover (the meeting bar on a desktop, the column tabs on a phone). */
function stuckHeight(): number {
  let covered = 0;
  for (const el of document.querySelectorAll<HTMLElement>('.meeting-bar, [role=tablist]')) {
    if (getComputedStyle(el).position === 'sticky' && el.offsetHeight > 0) covered = Math.max(covered, el.offsetHeight);
  }
  return Math.max(0, covered);
}
