/**
 * The personal page's state: one person's items across a series, loaded through their personal link and
 * reloaded after each answer (the server is the record; there is no live feed of it).
 */
import type { ApiError } from '../../shared/errors.js';
import type { MyItemsResponse, MyRequestStatusBody } from '../../shared/series-people.js';
import { answerRequest, fetchMyItems, setMyActionStatus } from './series-people-api.js';

export type MyItemsProblem = 'forbidden' | 'not-found' | 'offline' | null;

export class MyItemsModel {
  #items = $state.raw<MyItemsResponse | null>(null);
  #problem = $state.raw<MyItemsProblem>(null);
  #busy = $state.raw(false);
  #error = $state.raw<ApiError | null>(null);

  constructor(
    readonly seriesId: string,
    readonly token: string,
  ) {}

  get items() {
    return this.#items;
  }
  /** Why the page cannot be shown at all. */
  get problem() {
    return this.#problem;
  }
  get busy() {
    return this.#busy;
  }
  /** The server's refusal of the last answer, if it refused. */
  get error() {
    return this.#error;
  }

  async load(): Promise<void> {
    const res = await fetchMyItems(this.seriesId, this.token);
    if (res.ok) {
      this.#items = res.data;
      this.#problem = null;
    } else this.#problem = res.status === 404 ? 'not-found' : res.status === 0 ? 'offline' : 'forbidden';
  }

  answer(cardId: string, status: MyRequestStatusBody['status'], reason?: string): Promise<boolean> {
    return this.#run(() => answerRequest(this.seriesId, this.token, cardId, { status, ...(reason ? { reason } : {}) }));
  }

  setAction(actionId: string, status: 'done' | 'open' | 'blocked'): Promise<boolean> {
    return this.#run(() => setMyActionStatus(this.seriesId, this.token, actionId, status));
  }

  async #run(fn: () => Promise<{ ok: true } | { ok: false; error: ApiError | null }>): Promise<boolean> {
    this.#busy = true;
    this.#error = null;
    try {
      const res = await fn();
      if (!res.ok) this.#error = res.error ?? { code: 'unavailable', message: '' };
      await this.load();
      return res.ok;
    } finally {
      this.#busy = false;
    }
  }
}
