/**
 * What the action list page shows of a board's action items: the reader's filters (my items, owner, status,
 * show cancelled), the layout (grouped by owner or sorted by due date), the derived groups and the counts —
 * all of the filtered list. Pure views over `ActionFeedModel.items`; nothing here writes.
 */
import type { ActionItem } from '../../shared/action-extraction.js';
import type { ActionFeedModel } from './actions.svelte.js';
import { todayIso } from './dates.js';

export type ListLayout = 'owner' | 'due';
/** `active` = open and done; cancelled items are governed by `showCancelled` on top of any of these. */
export type StatusFilter = 'active' | 'open' | 'done';
/** Owner filter: '' = everyone, `UNASSIGNED` = items nobody owns, else a name. */
export const UNASSIGNED = '\u0000unassigned';

export interface ActionGroup {
  /** A name, or `UNASSIGNED`; null when the list is not grouped. */
  owner: string | null;
  items: ActionItem[];
}

/** Open and due before `today` (the reader's day). Done and cancelled items are never overdue. */
export const isOverdue = (item: ActionItem, today: string): boolean => item.status === 'open' && item.due !== null && item.due < today;

/** Earliest due first; items without a date last; then in the order they were decided. */
export function byDue(a: ActionItem, b: ActionItem): number {
  if (a.due !== b.due) return a.due === null ? 1 : b.due === null ? -1 : a.due < b.due ? -1 : 1;
  return a.createdAt - b.createdAt;
}

const sameName = (a: string, b: string) => a.toLocaleLowerCase() === b.toLocaleLowerCase();

/** Everyone who owns an item, spelled as first seen, alphabetically. */
export function ownersOf(items: readonly ActionItem[]): string[] {
  const out: string[] = [];
  for (const item of items) for (const o of item.owners) if (!out.some((n) => sameName(n, o))) out.push(o);
  return out.sort((a, b) => a.localeCompare(b));
}

/** One group per owner (an item with two owners is in both), unassigned last; each sorted by due date. */
export function groupByOwner(items: readonly ActionItem[]): ActionGroup[] {
  const groups = ownersOf(items).map((owner) => ({ owner, items: items.filter((i) => i.owners.some((o) => sameName(o, owner))).sort(byDue) }));
  const nobody = items.filter((i) => i.owners.length === 0).sort(byDue);
  if (nobody.length) groups.push({ owner: UNASSIGNED, items: nobody });
  return groups;
}

/** Whether `item` is owned by `name` (names compare as the list groups them: case aside). */
export const ownedBy = (item: ActionItem, name: string): boolean => item.owners.some((o) => sameName(o, name));

export class ActionListModel {
  readonly #feed: ActionFeedModel;
  /** The reader's name on this device (client/lib/identity.ts), '' when they never gave one. */
  readonly me: string;
  #mine = $state(false);
  /** Only the reader's own items. */
  get mine() {
    return this.#mine;
  }
  #layout = $state<ListLayout>('owner');
  get layout() {
    return this.#layout;
  }
  #owner = $state('');
  get owner() {
    return this.#owner;
  }
  #status = $state<StatusFilter>('active');
  get status() {
    return this.#status;
  }
  #showCancelled = $state(false);
  get showCancelled() {
    return this.#showCancelled;
  }
  #today = $state(todayIso());
  /** The reader's day; refreshed by `tick` so a page left open overnight still highlights correctly. */
  get today() {
    return this.#today;
  }

  constructor(feed: ActionFeedModel, me: string = '') {
    this.#feed = feed;
    this.me = me.trim();
  }

  // `.by`: the feed is set in the constructor, after field initialisers; these run only when read.
  #owners = $derived.by(() => ownersOf(this.#feed.items));
  get owners() {
    return this.#owners;
  }
  /** The items whose owner passes the owner filters (my items, owner); the counts are of these. */
  #owned = $derived.by(() =>
    this.#feed.items.filter((i) => {
      if (this.#mine && !ownedBy(i, this.me)) return false;
      if (this.#owner === UNASSIGNED) return i.owners.length === 0;
      return this.#owner === '' || ownedBy(i, this.#owner);
    }),
  );
  #visible = $derived.by(() =>
    this.#owned.filter((i) => {
      // A blocked item is still to do: the 'open' filter shows it.
      const status = i.status === 'blocked' ? 'open' : i.status;
      return status === 'cancelled' ? this.#showCancelled : this.#status === 'active' || status === this.#status;
    }),
  );
  get visible() {
    return this.#visible;
  }
  #groups = $derived<ActionGroup[]>(this.#layout === 'owner' ? groupByOwner(this.#visible) : [{ owner: null, items: [...this.#visible].sort(byDue) }]);
  get groups() {
    return this.#groups;
  }
  /** Of the items the owner filters let through, so the counts always describe what the reader is looking at. */
  #counts = $derived.by(() => {
    const items = this.#owned;
    const count = (pred: (i: ActionItem) => boolean) => items.filter(pred).length;
    return {
      open: count((i) => i.status === 'open' || i.status === 'blocked'),
      done: count((i) => i.status === 'done'),
      cancelled: count((i) => i.status === 'cancelled'),
      overdue: count((i) => isOverdue(i, this.#today)),
    };
  });
  get counts() {
    return this.#counts;
  }
  #filtered = $derived(this.#mine || this.#owner !== '' || this.#status !== 'active');
  /** Whether any filter hides something (to offer "clear filters"). */
  get filtered() {
    return this.#filtered;
  }

  /** Shows only the reader's own items (needs a name: `me`). */
  showMine(mine: boolean): void {
    this.#mine = mine && this.me !== '';
  }

  setLayout(layout: ListLayout): void {
    this.#layout = layout;
  }

  /** '' = everyone, `UNASSIGNED` = items nobody owns, else a name. */
  filterByOwner(owner: string): void {
    this.#owner = owner;
  }

  filterByStatus(status: StatusFilter): void {
    this.#status = status;
  }

  setShowCancelled(show: boolean): void {
    this.#showCancelled = show;
  }

  tick(): void {
    this.#today = todayIso();
  }

  clearFilters(): void {
    this.#mine = false;
    this.#owner = '';
    this.#status = 'active';
  }
}
