/**
 * REST routes of requests between series and escalated challenges (docs/api.md): send a request card of a
 * meeting to another series, escalate a challenge to another series, and list what a series asked and was
 * asked. The other series is reached with a token of it, as a person pastes its link.
 */
import express, { type RequestHandler, type Response } from 'express';
import {
  CreateAskBody,
  CreateEscalationBody,
  type CreateAskResponse,
  type CreateEscalationResponse,
  type SeriesAsksResponse,
} from '../../shared/series-asks.js';
import type { Role } from '../../shared/roles.js';
import type { AccessControl, SeriesAccessResult } from '../auth/access.js';
import { AskError, type SeriesAsks } from '../series/asks.js';
import { requestToken, sendRefusal } from './access-guard.js';
import { sendError, validateBody } from './errors.js';

export interface SeriesAskRouteDeps {
  asks: SeriesAsks;
  access: AccessControl;
  maxBodyBytes: number;
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

function refuse(res: Response, err: unknown): void {
  if (!(err instanceof AskError)) throw err;
  sendError(res, err.status, err.error);
}

export function seriesAskRouter(deps: SeriesAskRouteDeps): express.Router {
  const { asks } = deps;
  const r = express.Router();
  r.use('/series/:id/asks', express.json({ limit: deps.maxBodyBytes }));
  r.use('/series/:id/escalations', express.json({ limit: deps.maxBodyBytes }));

  r.get('/series/:id/asks', requireSeriesRole(deps.access, 'viewer'), async (_req, res) => {
    const { seriesId } = granted(res);
    const body: SeriesAsksResponse = { seriesId, ...(await asks.list(seriesId)) };
    res.json(body);
  });

  r.post('/series/:id/asks', requireSeriesRole(deps.access, 'participant'), validateBody(CreateAskBody), async (_req, res) => {
    const { seriesId, role } = granted(res);
    try {
      const body: CreateAskResponse = { ask: await asks.ask(seriesId, res.locals.body as CreateAskBody, { name: 'rest', role }) };
      res.status(201).json(body);
    } catch (err) {
      refuse(res, err);
    }
  });

  r.post('/series/:id/escalations', requireSeriesRole(deps.access, 'facilitator'), validateBody(CreateEscalationBody), async (_req, res) => {
    const { seriesId, role } = granted(res);
    try {
      const body: CreateEscalationResponse = { escalation: await asks.escalate(seriesId, res.locals.body as CreateEscalationBody, { name: 'rest', role }) };
      res.status(201).json(body);
    } catch (err) {
      refuse(res, err);
    }
  });

  return r;
}
