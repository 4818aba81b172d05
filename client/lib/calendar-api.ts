/** REST calls of the calendar feeds (docs/api.md "Calendar feeds of a series"). */
import type { CalendarFeedResponse } from '../../shared/calendar.js';
import { call } from './api.js';

/** Whose feed: the series' (any series link) or the person's own (their personal link). */
export type FeedKind = 'series' | 'me';

const path = (seriesId: string, kind: FeedKind) => `/api/series/${encodeURIComponent(seriesId)}${kind === 'me' ? '/me' : ''}/calendar`;

export const fetchCalendarFeed = (seriesId: string, token: string, kind: FeedKind) => call<CalendarFeedResponse>('GET', path(seriesId, kind), { token });

/** The series' facilitator, or the person for their own feed: a new URL; the old one stops working. */
export const replaceCalendarFeed = (seriesId: string, token: string, kind: FeedKind) =>
  call<CalendarFeedResponse>('POST', `${path(seriesId, kind)}/rotate`, { token });
