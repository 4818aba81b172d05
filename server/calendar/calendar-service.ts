/**
 * Calendar subscription feeds (docs/calendars.md): one per series and one per person of it, each at a URL
 * whose key is an HMAC of (series, person, generation) under a server secret. Nothing about the key is
 * stored: the same URL is shown every time it is asked for, and a new generation ("new link") makes a new
 * key, so the old URL answers 404. The URL grants reading that one feed and nothing else.
 *
 * SEQUENCE of a meeting (RFC 5545 §3.8.7.4) is stored, not derived from times: a meeting moved to an earlier
 * slot must still get a higher one. Each time a feed is written, a meeting whose time or status differs from
 * the last one written gets the next number (calendar-store.ts).
 */
import crypto from 'node:crypto';
import { isIsoDate } from '../../shared/board-schema.js';
import { calendarFeedPath, FEED_KEY_PATTERN, webcalUrl, type CalendarFeedResponse } from '../../shared/calendar.js';
import { sameName } from '../../shared/need-answers.js';
import { seriesPath, type Series, type SeriesMeeting } from '../../shared/series.js';
import type { MyRequest } from '../../shared/series-people.js';
import type { SeriesActionItem, SeriesService } from '../series/series-service.js';
import type { CalendarStore } from '../store/calendar-store.js';
import { feedIcs, type IcsActionItem, type IcsMeeting } from './ics.js';

export interface CalendarDeps {
  store: CalendarStore;
  /** The server secret the feed keys are derived from. */
  secret: Buffer;
  series: Pick<SeriesService, 'view' | 'actions'>;
  /** Each request of the series once, as on the latest meeting it is on, keyed by its root id. */
  requests(seriesId: string): Promise<Map<string, MyRequest>>;
}

/** Whose feed: the series' own (`''`) or a person's, by name (compared case-insensitively). */
export type FeedOwner = { kind: 'series' } | { kind: 'person'; name: string };

const nameKey = (owner: FeedOwner): string => (owner.kind === 'series' ? '' : owner.name.trim().toLowerCase());

export class CalendarFeeds {
  constructor(private readonly deps: CalendarDeps) {}

  /** The feed's URLs under `origin`; the same every time until the feed is replaced. */
  async urls(origin: string, seriesId: string, owner: FeedOwner): Promise<CalendarFeedResponse> {
    const generation = await this.deps.store.ensure(seriesId, nameKey(owner));
    return feedUrls(origin, seriesId, this.#key(seriesId, nameKey(owner), generation));
  }

  /** A new URL for the feed; the previous one stops working. */
  async replace(origin: string, seriesId: string, owner: FeedOwner): Promise<CalendarFeedResponse> {
    const generation = await this.deps.store.bump(seriesId, nameKey(owner));
    return feedUrls(origin, seriesId, this.#key(seriesId, nameKey(owner), generation));
  }

  /**
   * Whose feed `key` opens, or null. Compared with every current key of the series in constant time, so how
   * long it takes says nothing about how close a guess was.
   */
  async resolve(seriesId: string, key: string): Promise<FeedOwner | null> {
    if (!FEED_KEY_PATTERN.test(key)) return null;
    const feeds = await this.deps.store.feeds(seriesId);
    if (!feeds.has('')) feeds.set('', 0);
    const presented = Buffer.from(key);
    let found: string | null = null;
    for (const [name, generation] of feeds) {
      if (crypto.timingSafeEqual(Buffer.from(this.#key(seriesId, name, generation)), presented)) found = name;
    }
    if (found === null) return null;
    return found === '' ? { kind: 'series' } : { kind: 'person', name: found };
  }

  /** The feed's iCalendar file, or null when the series is gone. */
  async feed(origin: string, seriesId: string, owner: FeedOwner): Promise<string | null> {
    const view = await this.deps.series.view(seriesId);
    if (!view) return null;
    const { series } = view;
    const url = `${origin}${seriesPath(seriesId)}`;
    const meetings = await Promise.all(view.meetings.map((m) => this.#meeting(series, m, url)));
    if (view.next) meetings.push(await this.#planned(series, (view.meetings.at(-1)?.seq ?? 0) + 1, view.next.startsAt, url));
    let items = await this.deps.series.actions(seriesId);
    let name = series.name;
    const extra: IcsActionItem[] = [];
    if (owner.kind === 'person') {
      items = items.filter((i) => i.owners.some((o) => sameName(o, owner.name)));
      const requests = await this.deps.requests(seriesId);
      // The feed knows the name lowercased: shown as the series or its items write it.
      const written = [...series.people, ...items.flatMap((i) => i.owners), ...[...requests.values()].map((r) => r.addressee)];
      name = `${series.name}: ${written.find((p) => sameName(p, owner.name))?.trim() ?? owner.name}`;
      const openedAt = new Map(view.meetings.map((m) => [m.seq, m.openedAt]));
      for (const [root, r] of requests) {
        if (!sameName(r.addressee, owner.name) || !isIsoDate(r.byWhen)) continue;
        extra.push({
          id: `request.${root}`,
          text: `Request from ${r.asker || 'someone'}: ${r.what}`,
          owners: [r.addressee],
          due: r.byWhen,
          status: r.status === 'done' ? 'done' : r.status === 'declined' ? 'cancelled' : 'open',
          url,
          seriesName: series.name,
          updatedAt: openedAt.get(r.seq) ?? series.updatedAt,
        });
      }
    }
    return feedIcs({ name, meetings, actionItems: [...items.map((i) => toIcsItem(i, series.name, url)), ...extra] }, series.updatedAt);
  }

  /**
   * Meeting `seq` of a series as invitations and feeds write it, with its current SEQUENCE (for `invitationIcs`),
   * or null when there is no such meeting. The next planned meeting of the cadence counts as one.
   */
  async meeting(seriesId: string, seq: number, url: string | null): Promise<IcsMeeting | null> {
    const view = await this.deps.series.view(seriesId);
    if (!view) return null;
    const m = view.meetings.find((x) => x.seq === seq);
    if (m) return this.#meeting(view.series, m, url);
    if (!view.next || seq !== (view.meetings.at(-1)?.seq ?? 0) + 1) return null;
    return this.#planned(view.series, seq, view.next.startsAt, url);
  }

  #planned(series: Series, seq: number, startsAt: number, url: string | null): Promise<IcsMeeting> {
    return this.#ics(series, { seq, startsAt, endsAt: startsAt + series.durationMinutes * 60_000, status: 'planned', stamp: series.updatedAt }, url);
  }

  #meeting(series: Series, m: SeriesMeeting, url: string | null): Promise<IcsMeeting> {
    const stamp = Math.max(m.openedAt, m.startedAt ?? 0, m.endedAt ?? 0);
    return this.#ics(series, { seq: m.seq, startsAt: m.startsAt, endsAt: m.endsAt, status: m.status, stamp }, url);
  }

  async #ics(
    series: Series,
    m: { seq: number; startsAt: number; endsAt: number; status: IcsMeeting['status']; stamp: number },
    url: string | null,
  ): Promise<IcsMeeting> {
    // Only what a calendar shows counts as a change: the time, and whether it is planned, on or cancelled.
    const shown = m.status === 'missed' ? 'cancelled' : m.status === 'planned' ? 'planned' : 'on';
    const sequence = await this.deps.store.sequence(series.id, m.seq, `${m.startsAt}/${m.endsAt}/${shown}`);
    return {
      seriesId: series.id,
      seq: m.seq,
      seriesName: series.name,
      team: series.team,
      startsAt: m.startsAt,
      endsAt: m.endsAt,
      timezone: series.timezone,
      status: m.status,
      url,
      sequence,
      stamp: m.stamp,
    };
  }

  #key(seriesId: string, name: string, generation: number): string {
    return crypto
      .createHmac('sha256', this.deps.secret)
      .update(JSON.stringify([seriesId, name, generation]))
      .digest('base64url');
  }
}

function feedUrls(origin: string, seriesId: string, key: string): CalendarFeedResponse {
  const url = `${origin}${calendarFeedPath(seriesId, key)}`;
  return { url, webcal: webcalUrl(url) };
}

function toIcsItem(i: SeriesActionItem, seriesName: string, url: string): IcsActionItem {
  return { id: i.id, text: i.text, owners: i.owners, due: i.due, status: i.status, url, seriesName, updatedAt: i.updatedAt };
}
