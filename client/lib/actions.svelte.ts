/**
 * The live action items of one board: the list the server keeps (shared/decisions.ts `ActionItem`), kept
 * current over socket.io (`actions:watch` acks the list, `actions:changed` brings changed items), and the
 * writes people make to it (`PATCH /api/actions/:id`): marking an item done or open again, and correcting
 * its owner or due date (which the server writes to the item's decision or request on the board).
 *
 * The board page shares one feed between its cards through context (`setActionFeed`/`getActionFeed`);
 * the action list page makes its own.
 */
import { getContext, setContext } from 'svelte';
import { io, type Socket } from 'socket.io-client';
import type { ActionItem, ActionStatus } from '../../shared/action-extraction.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js';
import { correctAction, setActionStatus } from './api.js';
import type { ApiError } from '../../shared/errors.js';

/** `revoked`: the link was replaced while watching (`board:revoked`); the feed has stopped for good. */
export type FeedStatus = 'connecting' | 'live' | 'offline' | 'refused' | 'revoked';

/** Newer wins: an `actions:changed` may overtake the ack of the watch that returned an older list. */
function merge(current: readonly ActionItem[], incoming: readonly ActionItem[]): ActionItem[] {
  const out = [...current];
  const index = new Map(out.map((item, i) => [item.id, i]));
  for (const item of incoming) {
    const i = index.get(item.id);
    if (i === undefined) {
      index.set(item.id, out.length);
      out.push(item);
    } else if (item.updatedAt >= out[i].updatedAt) out[i] = item;
  }
  return out;
}

export class ActionFeedModel {
  readonly boardId: string;
  readonly #token: string;
  readonly #socket: Socket<ServerToClientEvents, ClientToServerEvents>;

  #items = $state.raw<ActionItem[]>([]);
  /** In the order the server first saw them. */
  get items() {
    return this.#items;
  }
  #byId = $derived(new Map(this.#items.map((i) => [i.id, i])));
  get byId() {
    return this.#byId;
  }
  #loaded = $state(false);
  /** Whether the first list arrived. */
  get loaded() {
    return this.#loaded;
  }
  #status = $state<FeedStatus>('connecting');
  get status() {
    return this.#status;
  }
  #pending = $state.raw<ReadonlySet<string>>(new Set());
  /** Ids whose status change is on its way to the server. */
  get pending() {
    return this.#pending;
  }

  constructor(boardId: string, token: string) {
    this.boardId = boardId;
    this.#token = token;
    this.#socket = io({ transports: ['websocket'] });
    // Re-watch after every reconnect: the server forgets the rooms of a dropped socket, and the list
    // may have changed meanwhile.
    this.#socket.on('connect', () => this.#watch());
    this.#socket.on('disconnect', () => {
      if (this.#status !== 'refused' && this.#status !== 'revoked') this.#status = 'offline';
    });
    this.#socket.on('actions:changed', (e) => {
      if (e?.boardId === this.boardId && Array.isArray(e.items)) this.#items = merge(this.#items, e.items);
    });
    // The server let go of this watch; re-watching after a reconnect would only be refused.
    this.#socket.on('board:revoked', (e) => {
      if (e?.boardId !== this.boardId) return;
      this.#status = 'revoked';
      this.destroy();
    });
  }

  #watch(): void {
    this.#socket.emit('actions:watch', { boardId: this.boardId, token: this.#token }, (res) => {
      if (!res.ok) {
        this.#status = 'refused';
        return;
      }
      // The server's order, with anything newer that arrived before the ack kept.
      this.#items = merge(res.data, this.#items);
      this.#loaded = true;
      this.#status = 'live';
    });
  }

  /**
   * Sets an item's status on the server. Shown at once (optimistically) and put back if the server
   * refuses; resolves to whether it was stored.
   */
  async setStatus(id: string, status: ActionStatus): Promise<boolean> {
    const before = this.#byId.get(id);
    if (!before || before.status === status) return true;
    this.#pending = new Set([...this.#pending, id]);
    this.#items = this.#items.map((i) => (i.id === id ? { ...i, status } : i));
    const res = await setActionStatus(id, this.#token, status);
    this.#pending = new Set([...this.#pending].filter((p) => p !== id));
    if (res.ok) {
      this.#items = merge(this.#items, [res.data.actionItem]);
      return true;
    }
    // Only undo my optimistic change if nothing newer arrived in the meantime.
    this.#items = this.#items.map((i) => (i.id === id && i.updatedAt === before.updatedAt ? before : i));
    return false;
  }

  /**
   * Corrects an item's owner and/or due date. Not optimistic: the server re-reads the item from the board,
   * and owners come back parsed. Resolves to null once stored, else the server's refusal (null error when
   * the request never arrived).
   */
  async correct(id: string, patch: { owner?: string; due?: string }, by?: string): Promise<{ error: ApiError | null } | null> {
    this.#pending = new Set([...this.#pending, id]);
    const res = await correctAction(id, this.#token, { ...patch, ...(by ? { by } : {}) });
    this.#pending = new Set([...this.#pending].filter((p) => p !== id));
    if (!res.ok) return { error: res.error };
    this.#items = merge(this.#items, [res.data.actionItem]);
    return null;
  }

  destroy(): void {
    this.#socket.off();
    this.#socket.disconnect();
  }
}

const KEY = Symbol('action-feed');

/** Makes `feed` available to every component below the caller (the board's cards). */
export const setActionFeed = (feed: ActionFeedModel): ActionFeedModel => setContext(KEY, feed);
/** The board's feed, or undefined outside a board page (decision indicators then stay hidden). */
export const getActionFeed = (): ActionFeedModel | undefined => getContext<ActionFeedModel | undefined>(KEY);
