/**
 * REST routes of personal links and the drop-in link of a series (docs/api.md). Three kinds of caller:
 * the facilitator (series link) makes the links and works the inbox; a person's own link reads and answers
 * that person's items only; the drop-in link reads the series' name and hands in submissions, nothing else.
 * The personal and drop-in tokens open nothing else: every other route refuses them like any wrong link.
 */
import express, { type RequestHandler, type Response } from 'express';
import { ErrorCode } from '../../shared/errors.js';
import {
  DropinSubmitBody,
  MyActionStatusBody,
  MyRequestStatusBody,
  PersonLinkBody,
  SeatLinkBody,
  TakeDropinBody,
  dropinPath,
  personalPath,
  type DropinLinkResponse,
  type PersonLinkResponse,
} from '../../shared/series-people.js';
import { withToken } from '../../shared/urls.js';
import type { AccessControl } from '../auth/access.js';
import { clientAddress, type Limits } from '../limits/limits.js';
import type { DropinService } from '../series/dropin-service.js';
import { PeopleError, type PeopleService } from '../series/people-service.js';
import { SeriesError } from '../series/series-service.js';
import type { SeriesStore } from '../store/series-store.js';
import { SERIES_NOT_FOUND, requestToken, requireSeriesToken, sendRefusal } from './access-guard.js';
import { requestOrigin } from './api-routes.js';
import { sendError, validateBody } from './errors.js';

export interface SeriesPeopleRouteDeps {
  people: PeopleService;
  dropin: DropinService;
  seriesStore: Pick<SeriesStore, 'get'>;
  access: AccessControl;
  publicUrl?: string;
  maxBodyBytes: number;
  limits: Limits;
}

/** A body that may be left out (`boardId` has a default) is read as `{}`. */
const emptyBodyIsEmptyObject: RequestHandler = (req, _res, next) => {
  req.body ??= {};
  next();
};

const seriesId = (res: Response): string => res.locals.seriesId as string;
const person = (res: Response): string => res.locals.person as string;

/** Answers a refusal of the people or drop-in service with its status; anything else goes to the error handler. */
function refuse(res: Response, err: unknown): void {
  if (err instanceof PeopleError) {
    const code = err.status === 403 ? ErrorCode.Forbidden : err.status === 404 ? ErrorCode.NotFound : ErrorCode.PreconditionFailed;
    return sendError(res, err.status, { code, message: err.message });
  }
  if (err instanceof SeriesError) return sendError(res, err.status, err.error);
  throw err;
}

export function seriesPeopleRouter(deps: SeriesPeopleRouteDeps): express.Router {
  const { people, dropin } = deps;
  const r = express.Router();
  r.use('/series/:id', express.json({ limit: deps.maxBodyBytes }));

  const facilitator: RequestHandler = async (req, res, next) => {
    const result = await deps.access.checkSeries(String(req.params.id), requestToken(req), 'facilitator');
    if (!result.ok) return sendRefusal(res, result);
    res.locals.seriesId = result.seriesId;
    next();
  };
  const exists = async (id: string) => (await deps.seriesStore.get(id)) !== null;
  const personal = requireSeriesToken(exists, (id, token) => people.resolve(id, token));
  const dropinToken = requireSeriesToken(exists, async (id, token) => ((await dropin.isToken(id, token)) ? '' : null));
  const origin = (req: express.Request) => requestOrigin(req, deps.publicUrl);

  // ---- personal links --------------------------------------------------------------------------------------

  r.post('/series/:id/people/links', facilitator, validateBody(PersonLinkBody), async (req, res) => {
    const { name } = res.locals.body as PersonLinkBody;
    const token = await people.link(seriesId(res), name);
    const body: PersonLinkResponse = { name, link: withToken(`${origin(req)}${personalPath(seriesId(res))}`, token) };
    res.status(201).json(body);
  });

  // The seat is the proof: issued by the meeting channel to this person's socket alone.
  r.post('/series/:id/people/me', validateBody(SeatLinkBody), async (req, res) => {
    const id = String(req.params.id);
    if (!(await deps.seriesStore.get(id))) return sendRefusal(res, SERIES_NOT_FOUND);
    try {
      const { boardId, seat } = res.locals.body as SeatLinkBody;
      const { name, token } = await people.linkForSeat(id, boardId, seat);
      const body: PersonLinkResponse = { name, link: withToken(`${origin(req)}${personalPath(id)}`, token) };
      res.status(201).json(body);
    } catch (err) {
      refuse(res, err);
    }
  });

  r.get('/series/:id/me', personal, async (_req, res) => {
    try {
      res.json(await people.items(seriesId(res), person(res)));
    } catch (err) {
      refuse(res, err);
    }
  });

  r.post('/series/:id/me/requests/:cardId', personal, validateBody(MyRequestStatusBody), async (req, res) => {
    try {
      res.json(await people.answerRequest(seriesId(res), person(res), String(req.params.cardId), res.locals.body as MyRequestStatusBody));
    } catch (err) {
      refuse(res, err);
    }
  });

  r.post('/series/:id/me/actions/:actionId', personal, validateBody(MyActionStatusBody), async (req, res) => {
    try {
      const { status } = res.locals.body as MyActionStatusBody;
      res.json(await people.setActionStatus(seriesId(res), person(res), String(req.params.actionId), status));
    } catch (err) {
      refuse(res, err);
    }
  });

  // ---- the drop-in link --------------------------------------------------------------------------------------

  r.post('/series/:id/dropin/link', facilitator, async (req, res) => {
    const token = await dropin.link(seriesId(res));
    const body: DropinLinkResponse = { link: withToken(`${origin(req)}${dropinPath(seriesId(res))}`, token) };
    res.status(201).json(body);
  });

  r.get('/series/:id/dropin', dropinToken, async (_req, res) => {
    const info = await dropin.info(seriesId(res));
    if (!info) return sendRefusal(res, SERIES_NOT_FOUND);
    res.json(info);
  });

  r.post(
    '/series/:id/dropin',
    dropinToken,
    validateBody(DropinSubmitBody),
    deps.limits.guard('dropinAddress', clientAddress),
    deps.limits.guard('dropinSeries', (_req, res) => seriesId(res)),
    async (_req, res) => {
      const rec = await dropin.submit(seriesId(res), res.locals.body as DropinSubmitBody);
      res.status(201).json({ id: rec.id, status: 'pending' });
    },
  );

  r.get('/series/:id/inbox', facilitator, async (_req, res) => {
    res.json({ items: await dropin.inbox(seriesId(res)) });
  });

  r.post('/series/:id/inbox/:itemId/take', facilitator, emptyBodyIsEmptyObject, validateBody(TakeDropinBody), async (req, res) => {
    try {
      const { boardId } = res.locals.body as TakeDropinBody;
      const result = await dropin.take(seriesId(res), String(req.params.itemId), boardId);
      res.status(result.created ? 201 : 200).json(result);
    } catch (err) {
      refuse(res, err);
    }
  });

  r.post('/series/:id/inbox/:itemId/set-aside', facilitator, async (req, res) => {
    try {
      res.json({ item: await dropin.setAside(seriesId(res), String(req.params.itemId)) });
    } catch (err) {
      refuse(res, err);
    }
  });

  return r;
}
