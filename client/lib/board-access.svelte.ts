/**
 * What a board link lets me do, for the pages around a board that have no live document of their own
 * (action list, summary): asks the server once (`GET /api/boards/:id`) and turns a bad link into the same
 * reasons the board page shows.
 */
import { roleAtLeast, type Role } from '../../shared/roles.js';
import { fetchBoard } from './api.js';
import type { ClosedReason } from './board.svelte.js';

export class BoardAccessModel {
  readonly boardId: string;
  readonly token: string;
  #role = $state<Role | null>(null);
  get role() {
    return this.#role;
  }
  #title = $state('');
  get title() {
    return this.#title;
  }
  #closed = $state<ClosedReason>(null);
  get closed() {
    return this.#closed;
  }
  #offline = $state(false);
  /** Set when the server could not be reached; the page can offer to retry. */
  get offline() {
    return this.#offline;
  }
  #canEdit = $derived(this.#role !== null && roleAtLeast(this.#role, 'participant'));
  get canEdit() {
    return this.#canEdit;
  }
  #isFacilitator = $derived(this.#role === 'facilitator');
  get isFacilitator() {
    return this.#isFacilitator;
  }

  constructor(boardId: string, token: string) {
    this.boardId = boardId;
    this.token = token;
  }

  async load(): Promise<void> {
    const res = await fetchBoard(this.boardId, this.token);
    this.#offline = false;
    if (res.ok) {
      this.#role = res.data.role;
      this.#title = res.data.meta.title;
    } else if (res.status === 404) this.#closed = 'not-found';
    else if (res.status === 401) this.#closed = 'no-token';
    else if (res.status === 403) this.#closed = 'forbidden';
    else this.#offline = true;
  }
}
