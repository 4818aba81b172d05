/**
 * REST routes of a series' team memory and report (docs/api.md): the decision log, the tagged cards, and the
 * figures of a period as JSON, CSV or Markdown. Any link of the series (or of one of its meetings) may read
 * them. Each answer is computed afresh from the stored records; nothing is cached or typed in.
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { describeZodError } from '../../shared/api-schemas.js';
import { ErrorCode } from '../../shared/errors.js';
import { DecisionLogQuery, MemoryQuery, REPORT_FORMATS, ReportQuery, type ReportFormat } from '../../shared/series-report.js';
import type { AccessControl, SeriesAccessResult } from '../auth/access.js';
import { decisionLog } from '../series/decision-log.js';
import { loadSeriesFacts, type RecordSources } from '../series/load-records.js';
import { teamMemory } from '../series/memory.js';
import { renderReport } from '../series/report-exports.js';
import { computeReport, defaultPeriod } from '../series/report.js';
import type { SeriesFacts } from '../series/series-records.js';
import { requestToken, sendRefusal } from './access-guard.js';
import { sendError } from './errors.js';

export interface SeriesReportRouteDeps extends RecordSources {
  access: AccessControl;
  now?: () => number;
}

const seriesOf = (res: Response) => (res.locals.series as Extract<SeriesAccessResult, { ok: true }>).seriesId;

/** Validates `req.query` with `schema`; on failure answers 400 naming the field. */
function validateQuery(schema: z.ZodType): RequestHandler {
  return (req, res, next) => {
    const parsed = schema.safeParse(req.query);
    if (!parsed.success) return sendError(res, 400, { code: ErrorCode.BadRequest, ...describeZodError(parsed.error) });
    res.locals.query = parsed.data;
    next();
  };
}

export function seriesReportRouter(deps: SeriesReportRouteDeps): express.Router {
  const r = express.Router();
  const now = deps.now ?? Date.now;
  const viewer: RequestHandler = async (req, res, next) => {
    const result = await deps.access.checkSeries(String(req.params.id), requestToken(req), 'viewer');
    if (!result.ok) return sendRefusal(res, result);
    res.locals.series = result;
    next();
  };
  const facts = async (res: Response): Promise<SeriesFacts | null> => {
    const f = await loadSeriesFacts(deps, seriesOf(res));
    if (!f) sendError(res, 404, { code: ErrorCode.NotFound, reason: 'series_not_found', message: 'series not found' });
    return f;
  };

  r.get('/series/:id/decisions', viewer, validateQuery(DecisionLogQuery), async (_req, res) => {
    const f = await facts(res);
    if (!f) return;
    const { token: _t, ...filter } = res.locals.query as DecisionLogQuery;
    res.json({ seriesId: f.series.id, decisions: decisionLog(f, filter) });
  });

  r.get('/series/:id/memory', viewer, validateQuery(MemoryQuery), async (_req, res) => {
    const f = await facts(res);
    if (!f) return;
    res.json({ seriesId: f.series.id, entries: teamMemory(f, (res.locals.query as MemoryQuery).tag) });
  });

  const report = async (req: Request, res: Response, format: ReportFormat | null) => {
    const f = await facts(res);
    if (!f) return;
    const q = res.locals.query as ReportQuery;
    const whole = defaultPeriod(f);
    const period = { from: q.from ?? whole.from, to: q.to ?? whole.to };
    if (period.from > period.to)
      return sendError(res, 400, { code: ErrorCode.BadRequest, field: q.to ? 'to' : 'from', message: 'the period ends before it starts' });
    const figures = computeReport(f, period, now());
    if (!format) return res.json(figures);
    const out = renderReport(figures, format);
    // attachment() sets the type from the file name's extension: set ours (charset, header=present) after it.
    res.attachment(out.filename);
    res.type(out.contentType);
    res.send(out.body);
  };
  r.get('/series/:id/report', viewer, validateQuery(ReportQuery), (req, res) => report(req, res, null));
  r.get('/series/:id/report.:format', viewer, validateQuery(ReportQuery), (req, res) => {
    const format = REPORT_FORMATS.find((f) => f === req.params.format);
    if (!format) return sendError(res, 400, { code: ErrorCode.BadRequest, field: 'format', message: `format must be one of ${REPORT_FORMATS.join(', ')}` });
    return report(req, res, format);
  });

  return r;
}
