/** A calendar feed's URLs as the subscribe panel shows them: loaded once, replaced on request. */
import type { CalendarFeedResponse } from '../../shared/calendar.js';
import { fetchCalendarFeed, replaceCalendarFeed, type FeedKind } from './calendar-api.js';

export class CalendarFeedModel {
  #feed = $state.raw<CalendarFeedResponse | null>(null);
  #failed = $state.raw(false);
  #busy = $state.raw(false);

  constructor(
    readonly seriesId: string,
    readonly token: string,
    readonly kind: FeedKind,
  ) {}

  get feed() {
    return this.#feed;
  }
  /** The URLs could not be loaded (offline, or the link no longer valid). */
  get failed() {
    return this.#failed;
  }
  get busy() {
    return this.#busy;
  }

  async load(): Promise<void> {
    const res = await fetchCalendarFeed(this.seriesId, this.token, this.kind);
    this.#failed = !res.ok;
    if (res.ok) this.#feed = res.data;
  }

  /** A new URL; false when the server made none (the old one then still works). */
  async replace(): Promise<boolean> {
    this.#busy = true;
    try {
      const res = await replaceCalendarFeed(this.seriesId, this.token, this.kind);
      if (res.ok) this.#feed = res.data;
      return res.ok;
    } finally {
      this.#busy = false;
    }
  }
}
