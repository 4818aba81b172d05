/**
 * REST routes of series (docs/api.md): create one, read it with its meetings, change its settings, open its
 * next meeting, move a meeting, list its action items, replace a role's link. A series' token works on every
 * meeting's board; a board's token works on its series (server/auth/access.ts).
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import { ErrorCode } from '../../shared/errors.js';
import { RotateLinkBody } from '../../shared/api-schemas.js';
import type { Role } from '../../shared/roles.js';
import {
  CreateSeriesBody,
  OpenMeetingBody,
  RescheduleMeetingBody,
  seriesPath,
  UpdateSeriesBody,
  type CreateSeriesResponse,
  type OpenMeetingResponse,
  type SeriesResponse,
} from '../../shared/series.js';
import { withToken } from '../../shared/urls.js';
import type { AccessControl, SeriesAccessResult } from '../auth/access.js';
import { clientAddress, type Limits } from '../limits/limits.js';
import { SeriesError, toMeeting, type SeriesService } from '../series/series-service.js';
import type { SeriesStore } from '../store/series-store.js';
import { requestToken, sendRefusal } from './access-guard.js';
import { mayCreateBoards, requestOrigin } from './api-routes.js';
import { sendError, validateBody } from './errors.js';

export interface SeriesRouteDeps {
  series: SeriesService;
  store: Pick<SeriesStore, 'rotateToken' | 'meetings'>;
  access: AccessControl;
  publicUrl?: string;
  maxBodyBytes: number;
  limits: Limits;
  /** After a role's link was replaced: disconnect holders of the old one on each of these boards. */
  onLinkRotated(boardId: string, role: Role): void;
}

const granted = (res: Response) => res.locals.series as Extract<SeriesAccessResult, { ok: true }>;

function requireSeriesRole(access: AccessControl, needed: Role): RequestHandler {
  return async (req, res, next) => {
    const result = await access.checkSeries(String(req.params.id), requestToken(req), needed);
    if (!result.ok) return sendRefusal(res, result);
    res.locals.series = result;
    next();
  };
}

/** Answers what the series service refused, with its reason; anything else goes to the error handler. */
function refuse(res: Response, err: unknown): void {
  if (!(err instanceof SeriesError)) throw err;
  sendError(res, err.status, err.error);
}

export function seriesRouter(deps: SeriesRouteDeps): express.Router {
  const { series } = deps;
  const r = express.Router();
  const viewer = requireSeriesRole(deps.access, 'viewer');
  const facilitator = requireSeriesRole(deps.access, 'facilitator');
  r.use('/series', express.json({ limit: deps.maxBodyBytes }));

  const answer = async (req: Request, id: string, role: Role): Promise<SeriesResponse | null> => {
    const view = await series.view(id);
    if (!view) return null;
    return { ...view, role, url: `${requestOrigin(req, deps.publicUrl)}${seriesPath(id)}` };
  };

  r.post('/series', validateBody(CreateSeriesBody), mayCreateBoards(deps.access), deps.limits.guard('boardCreate', clientAddress), async (req, res) => {
    try {
      const created = await series.create(res.locals.body as CreateSeriesBody);
      const view = (await answer(req, created.id, 'facilitator')) as SeriesResponse;
      const page = `${requestOrigin(req, deps.publicUrl)}${seriesPath(created.id)}`;
      const links = {
        facilitator: withToken(page, created.tokens.facilitator),
        participant: withToken(page, created.tokens.participant),
        viewer: withToken(page, created.tokens.viewer),
      };
      const body: CreateSeriesResponse = { ...view, links };
      res.status(201).location(`/api/series/${created.id}`).json(body);
    } catch (err) {
      refuse(res, err);
    }
  });

  r.get('/series/:id', viewer, async (req, res) => {
    const { seriesId, role } = granted(res);
    const body = await answer(req, seriesId, role);
    if (!body) return sendError(res, 404, { code: ErrorCode.NotFound, reason: 'series_not_found', message: 'series not found' });
    res.json(body);
  });

  r.patch('/series/:id', facilitator, validateBody(UpdateSeriesBody), async (req, res) => {
    try {
      const { seriesId, role } = granted(res);
      await series.update(seriesId, res.locals.body as UpdateSeriesBody);
      res.json(await answer(req, seriesId, role));
    } catch (err) {
      refuse(res, err);
    }
  });

  r.post('/series/:id/meetings', facilitator, validateBody(OpenMeetingBody), async (_req, res) => {
    try {
      const { after } = res.locals.body as OpenMeetingBody;
      const { meeting, created } = await series.openNext(granted(res).seriesId, after);
      const body: OpenMeetingResponse = { meeting: toMeeting(meeting), created };
      res.status(created ? 201 : 200).json(body);
    } catch (err) {
      refuse(res, err);
    }
  });

  r.patch('/series/:id/meetings/:seq', facilitator, validateBody(RescheduleMeetingBody), async (req, res) => {
    const seq = Number(req.params.seq);
    if (!Number.isInteger(seq) || seq < 1 || seq > 1_000_000)
      return sendError(res, 404, { code: ErrorCode.NotFound, reason: 'meeting_not_found', message: 'no such meeting' });
    try {
      const meeting = await series.reschedule(granted(res).seriesId, seq, res.locals.body as RescheduleMeetingBody);
      res.json({ meeting: toMeeting(meeting) });
    } catch (err) {
      refuse(res, err);
    }
  });

  r.get('/series/:id/actions', viewer, async (_req, res) => {
    res.json({ seriesId: granted(res).seriesId, actionItems: await series.actions(granted(res).seriesId) });
  });

  r.post('/series/:id/links/rotate', facilitator, validateBody(RotateLinkBody), async (req, res) => {
    const { seriesId } = granted(res);
    const { role } = res.locals.body as RotateLinkBody;
    const token = await deps.store.rotateToken(seriesId, role);
    for (const m of await deps.store.meetings(seriesId)) deps.onLinkRotated(m.boardId, role);
    res.json({ role, link: withToken(`${requestOrigin(req, deps.publicUrl)}${seriesPath(seriesId)}`, token) });
  });

  return r;
}
