/**
 * "Since last meeting": the action items a series' earlier meetings left open or blocked, live on a later
 * meeting's board. `series:watch` acks the series' items and `series:actions` brings every change, from any
 * meeting's page; people answer with done, still open or blocked (`PATCH /api/actions/:id`, which the board's
 * own link may do: it opens the whole series).
 */
import { io, type Socket } from 'socket.io-client';
import type { ActionItem, ActionStatus } from '../../shared/action-extraction.js';
import type { SeriesActionItem } from '../../shared/series-events.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js';
import { setActionStatus } from './api.js';
import type { FeedStatus } from './actions.svelte.js';

/** The answers the review offers for an item. */
export const REVIEW_STATUSES = ['done', 'open', 'blocked'] as const satisfies readonly ActionStatus[];

/** Newer wins; an item first met in an event takes the meeting it changed on as its own. */
function merge(current: readonly SeriesActionItem[], incoming: readonly ActionItem[], seq: number): SeriesActionItem[] {
  const out = [...current];
  const index = new Map(out.map((item, i) => [item.id, i]));
  for (const item of incoming) {
    const i = index.get(item.id);
    if (i === undefined) {
      const s = 'seq' in item ? (item as SeriesActionItem) : { ...item, seq, latestSeq: seq };
      index.set(item.id, out.length);
      out.push(s);
    } else if (item.updatedAt >= out[i].updatedAt) out[i] = { ...item, seq: out[i].seq, latestSeq: Math.max(out[i].latestSeq, seq) };
  }
  return out;
}

export class SeriesReviewModel {
  readonly seriesId: string;
  /** The meeting the review is shown on: items of meetings before it are reviewed. */
  readonly seq: number;
  readonly #token: string;
  readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  #items = $state.raw<SeriesActionItem[]>([]);
  /**
   * Items that were up for review at some point of this visit: one marked done stays in the list (showing
   * "done" pressed) instead of vanishing under the pointer of whoever pressed it.
   */
  #seen = new Set<string>();
  #review = $derived.by(() =>
    this.#items.filter((i) => {
      if (i.seq >= this.seq || i.status === 'cancelled') return false;
      if (i.status === 'open' || i.status === 'blocked') this.#seen.add(i.id);
      return this.#seen.has(i.id);
    }),
  );
  /** Oldest meeting first, in the order they were decided. */
  get review() {
    return this.#review;
  }
  #loaded = $state(false);
  get loaded() {
    return this.#loaded;
  }
  #status = $state<FeedStatus>('connecting');
  get status() {
    return this.#status;
  }
  #pending = $state.raw<ReadonlySet<string>>(new Set());
  get pending() {
    return this.#pending;
  }

  constructor(seriesId: string, seq: number, token: string) {
    this.seriesId = seriesId;
    this.seq = seq;
    this.#token = token;
    this.#socket = io({ transports: ['websocket'] });
    this.#socket.on('connect', () => this.#watch());
    this.#socket.on('disconnect', () => {
      if (this.#status !== 'refused' && this.#status !== 'revoked') this.#status = 'offline';
    });
    this.#socket.on('series:actions', (e) => {
      if (e?.seriesId === this.seriesId && Array.isArray(e.items)) this.#items = merge(this.#items, e.items, e.seq);
    });
    this.#socket.on('board:revoked', () => {
      this.#status = 'revoked';
      this.destroy();
    });
  }

  #watch(): void {
    this.#socket.emit('series:watch', { seriesId: this.seriesId, token: this.#token }, (res) => {
      if (!res.ok) {
        this.#status = 'refused';
        return;
      }
      this.#items = merge(res.data, this.#items, 0);
      this.#loaded = true;
      this.#status = 'live';
    });
  }

  /** Shown at once, put back if the server refuses; resolves to whether it was stored. */
  async setStatus(id: string, status: ActionStatus): Promise<boolean> {
    const before = this.#items.find((i) => i.id === id);
    if (!before || before.status === status) return true;
    this.#pending = new Set([...this.#pending, id]);
    this.#items = this.#items.map((i) => (i.id === id ? { ...i, status } : i));
    const res = await setActionStatus(id, this.#token, status);
    this.#pending = new Set([...this.#pending].filter((p) => p !== id));
    if (res.ok) {
      this.#items = merge(this.#items, [res.data.actionItem], before.seq);
      return true;
    }
    this.#items = this.#items.map((i) => (i.id === id && i.updatedAt === before.updatedAt ? before : i));
    return false;
  }

  destroy(): void {
    this.#socket.off();
    this.#socket.disconnect();
  }
}
