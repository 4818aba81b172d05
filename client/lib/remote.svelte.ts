/**
 * One REST answer a page shows: loading, ready or failed, and only the answer to the latest request (an older
 * one that arrives late is dropped, so typing in a filter never shows the results of a stale query).
 */
import type { ApiResult } from './api.js';

export type Remote<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'failed'; httpStatus: number };

export class RemoteData<T> {
  #state = $state.raw<Remote<T>>({ status: 'loading' });
  #latest = 0;

  get state(): Remote<T> {
    return this.#state;
  }

  /** Runs `request`; while it runs, what was shown stays (no flicker between filters). */
  async load(request: () => Promise<ApiResult<T>>): Promise<void> {
    const mine = ++this.#latest;
    const res = await request();
    if (mine !== this.#latest) return;
    this.#state = res.ok ? { status: 'ready', data: res.data } : { status: 'failed', httpStatus: res.status };
  }
}
