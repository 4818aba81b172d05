/**
 * Calendar subscription feeds of a series (docs/calendars.md): one for the series, one per person. A feed's
 * URL carries its own key, not a role token: it is handed to calendar providers and opens that feed alone.
 */
import { z } from 'zod';

/** Where to subscribe: the https URL and the same feed as a `webcal://` link, which calendar apps open directly. */
export interface CalendarFeedResponse {
  url: string;
  webcal: string;
}

export const CalendarFeedResponseSchema = z.object({
  url: z.string().describe('the feed over https (or http on a server without TLS); give it to a calendar app that asks for a URL'),
  webcal: z.string().describe('the same feed as a webcal:// link, which calendar apps open as a subscription'),
}) satisfies z.ZodType<CalendarFeedResponse>;

/** A feed's key: base64url of an HMAC-SHA256, 43 characters. */
export const FEED_KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The path of a feed under the server's origin. */
export const calendarFeedPath = (seriesId: string, key: string): string => `/api/series/${encodeURIComponent(seriesId)}/calendar/${key}.ics`;

/** The webcal:// form of an http(s) feed URL. */
export const webcalUrl = (url: string): string => url.replace(/^https?:\/\//, 'webcal://');
