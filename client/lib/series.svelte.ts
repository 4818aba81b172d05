/**
 * A series as its page shows it: the series with its meetings and next slot (`GET /api/series/:id`), what the
 * token lets me do, and the facilitator's changes — open the next meeting, move a meeting, change the
 * settings — each answered with the series as it now is.
 */
import { roleAtLeast, type Role } from '../../shared/roles.js';
import type { RescheduleMeetingBody, SeriesMeeting, SeriesResponse, UpdateSeriesBody } from '../../shared/series.js';
import type { ApiError } from '../../shared/errors.js';
import type { ClosedReason } from './board.svelte.js';
import { fetchSeries, openNextMeeting, rescheduleMeeting, updateSeries } from './series-api.js';

/** A refused change: the server's error (null when it could not be reached). */
export type Outcome = { ok: true } | { ok: false; error: ApiError | null };

export class SeriesModel {
  readonly seriesId: string;
  readonly token: string;
  #data = $state.raw<SeriesResponse | null>(null);
  get data() {
    return this.#data;
  }
  #closed = $state<ClosedReason>(null);
  get closed() {
    return this.#closed;
  }
  #offline = $state(false);
  get offline() {
    return this.#offline;
  }
  #role = $derived<Role | null>(this.#data?.role ?? null);
  get role() {
    return this.#role;
  }
  #isFacilitator = $derived(this.#role === 'facilitator');
  get isFacilitator() {
    return this.#isFacilitator;
  }
  #canEdit = $derived(this.#role !== null && roleAtLeast(this.#role, 'participant'));
  get canEdit() {
    return this.#canEdit;
  }
  /** The meeting that is open or running, the latest if several. */
  #current = $derived<SeriesMeeting | null>([...(this.#data?.meetings ?? [])].reverse().find((m) => m.status === 'open' || m.status === 'running') ?? null);
  get current() {
    return this.#current;
  }
  #latestSeq = $derived(this.#data?.meetings.at(-1)?.seq ?? 0);
  get latestSeq() {
    return this.#latestSeq;
  }

  constructor(seriesId: string, token: string) {
    this.seriesId = seriesId;
    this.token = token;
  }

  async load(): Promise<void> {
    const res = await fetchSeries(this.seriesId, this.token);
    this.#offline = false;
    if (res.ok) this.#data = res.data;
    else if (res.status === 404) this.#closed = 'not-found';
    else if (res.status === 401) this.#closed = 'no-token';
    else if (res.status === 403) this.#closed = 'forbidden';
    else this.#offline = true;
  }

  /**
   * Opens the meeting after the latest one I know. Pressed twice (or in two browsers at once) it opens one
   * meeting: the server answers the second press with the same meeting.
   */
  async openNext(): Promise<{ ok: true; meeting: SeriesMeeting; created: boolean } | { ok: false; error: ApiError | null }> {
    const res = await openNextMeeting(this.seriesId, this.token, this.#latestSeq);
    if (!res.ok) return { ok: false, error: res.error };
    await this.load();
    return { ok: true, ...res.data };
  }

  async reschedule(seq: number, body: RescheduleMeetingBody): Promise<Outcome> {
    const res = await rescheduleMeeting(this.seriesId, this.token, seq, body);
    if (!res.ok) return { ok: false, error: res.error };
    await this.load();
    return { ok: true };
  }

  async update(body: UpdateSeriesBody): Promise<Outcome> {
    const res = await updateSeries(this.seriesId, this.token, body);
    if (!res.ok) return { ok: false, error: res.error };
    this.#data = res.data;
    return { ok: true };
  }
}
