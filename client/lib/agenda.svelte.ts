/**
 * The printable agenda's state: the board as the link's role sees it (`GET /api/boards/:id`, read once —
 * paper is not live) and what the agenda adds up to.
 */
import type { AgendaCard, BoardView } from '../../shared/board-schema.js';
import { roleAtLeast, type Role } from '../../shared/roles.js';
import { fetchBoard } from './api.js';
import type { ClosedReason } from './board.svelte.js';

export interface AgendaRow {
  item: AgendaCard;
  /** Minutes from the meeting's start, or null once an earlier item has no timebox. */
  startsAt: number | null;
}

/** Start offsets of the agenda's items: the sum of the timeboxes before each one. */
export function agendaRows(items: readonly AgendaCard[]): AgendaRow[] {
  let at: number | null = 0;
  return items.map((item) => {
    const row = { item, startsAt: at };
    at = at === null || item.timebox === null ? null : at + item.timebox;
    return row;
  });
}

/** Sum of the timeboxes set (items without one add nothing). */
export const totalMinutes = (items: readonly AgendaCard[]): number => items.reduce((sum, i) => sum + (i.timebox ?? 0), 0);

/** `0:00`-style clock offset for `minutes` into the meeting. */
export const clockOffset = (minutes: number): string => `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;

export class AgendaModel {
  readonly boardId: string;
  readonly token: string;
  #board = $state.raw<BoardView | null>(null);
  get board() {
    return this.#board;
  }
  #role = $state<Role | null>(null);
  get role() {
    return this.#role;
  }
  #closed = $state<ClosedReason>(null);
  get closed() {
    return this.#closed;
  }
  #loading = $state(false);
  get loading() {
    return this.#loading;
  }
  #loadFailed = $state(false);
  get loadFailed() {
    return this.#loadFailed;
  }
  #isFacilitator = $derived(this.#role === 'facilitator');
  get isFacilitator() {
    return this.#isFacilitator;
  }
  #canEdit = $derived(this.#role !== null && roleAtLeast(this.#role, 'participant'));
  get canEdit() {
    return this.#canEdit;
  }

  constructor(boardId: string, token: string) {
    this.boardId = boardId;
    this.token = token;
  }

  async load(): Promise<void> {
    this.#loading = true;
    const res = await fetchBoard(this.boardId, this.token);
    this.#loading = false;
    this.#loadFailed = false;
    if (res.ok) {
      const { role, meta, columns } = res.data;
      this.#role = role;
      this.#board = { meta, columns };
    } else if (res.status === 404) this.#closed = 'not-found';
    else if (res.status === 401) this.#closed = 'no-token';
    else if (res.status === 403) this.#closed = 'forbidden';
    else this.#loadFailed = true;
  }
}
