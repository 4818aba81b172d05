/**
 * Calendar feeds of a series (docs/calendars.md, docs/api.md "Calendar feeds"). The feed itself is read with
 * the key in its URL, no role token — calendar apps and providers poll it; the URLs are handed out to any
 * role of the series (the series' feed) and to a person's own link (their feed), who may also replace them.
 */
import crypto from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { ErrorCode } from '../../shared/errors.js';
import type { AccessControl } from '../auth/access.js';
import type { CalendarFeeds, FeedOwner } from '../calendar/calendar-service.js';
import { clientAddress, type Limits } from '../limits/limits.js';
import { requestToken, requireSeriesToken, sendRefusal } from './access-guard.js';
import { requestOrigin } from './api-routes.js';
import { sendError } from './errors.js';

export interface CalendarRouteDeps {
  feeds: CalendarFeeds;
  access: AccessControl;
  seriesExists(seriesId: string): Promise<boolean>;
  /** The person a personal link's token names in the series, or null. */
  resolvePerson(seriesId: string, token: string): Promise<string | null>;
  publicUrl?: string;
  /** `calendarRead` counts feed reads per client address (calendar apps poll hourly at most: REFRESH-INTERVAL). */
  limits: Pick<Limits, 'guard'>;
}

const NOT_FOUND = { code: ErrorCode.NotFound, message: 'no such calendar feed (the link may have been replaced)' };

/** Whether `If-None-Match` names `etag` (a list, `*`, or a weak form of it). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

export function calendarRouter(deps: CalendarRouteDeps): express.Router {
  const { feeds } = deps;
  const r = express.Router();
  const origin = (req: Request) => requestOrigin(req, deps.publicUrl);
  const owner = (res: Response) => res.locals.feedOwner as FeedOwner;
  const seriesId = (req: Request) => String(req.params.id);

  const seriesRole =
    (needed: 'viewer' | 'facilitator'): RequestHandler =>
    async (req, res, next) => {
      const result = await deps.access.checkSeries(seriesId(req), requestToken(req), needed);
      if (!result.ok) return sendRefusal(res, result);
      res.locals.feedOwner = { kind: 'series' } satisfies FeedOwner;
      next();
    };
  const checkPerson = requireSeriesToken(deps.seriesExists, deps.resolvePerson);
  const personal: RequestHandler = (req, res, next) =>
    checkPerson(req, res, (err?: unknown) => {
      if (err) return next(err);
      res.locals.feedOwner = { kind: 'person', name: res.locals.person as string } satisfies FeedOwner;
      next();
    });

  r.get('/series/:id/calendar', seriesRole('viewer'), async (req, res) => {
    res.json(await feeds.urls(origin(req), seriesId(req), owner(res)));
  });
  r.post('/series/:id/calendar/rotate', seriesRole('facilitator'), async (req, res) => {
    res.json(await feeds.replace(origin(req), seriesId(req), owner(res)));
  });
  r.get('/series/:id/me/calendar', personal, async (req, res) => {
    res.json(await feeds.urls(origin(req), seriesId(req), owner(res)));
  });
  r.post('/series/:id/me/calendar/rotate', personal, async (req, res) => {
    res.json(await feeds.replace(origin(req), seriesId(req), owner(res)));
  });

  // `:file` is `<key>.ics`: the key is the only credential, so a wrong one and a gone series look alike.
  r.get('/series/:id/calendar/:file', deps.limits.guard('calendarRead', clientAddress), async (req, res) => {
    const file = String(req.params.file);
    const found = file.endsWith('.ics') ? await feeds.resolve(seriesId(req), file.slice(0, -4)) : null;
    const body = found && (await feeds.feed(origin(req), seriesId(req), found));
    if (!body) return sendError(res, 404, NOT_FOUND);
    const etag = `"${crypto.createHash('sha256').update(body).digest('base64url')}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, max-age=300');
    if (matches(req.get('if-none-match'), etag)) return void res.status(304).end();
    res.type('text/calendar; charset=utf-8').send(body);
  });

  return r;
}
