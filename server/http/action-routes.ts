/**
 * REST routes of action items, decisions, exports, the meeting summary and its webhook. Handlers are thin:
 * access guard → zod validation → service → response; errors as `{ error: { code, message, field? } }`.
 */
import express, { type Request, type Response } from 'express';
import {
  ActionIdParam,
  CreateDecisionBody,
  ExportFormat,
  ItemIdParam,
  UpdateActionBody,
  WebhookBody,
  type CreateDecisionResponse,
} from '../../shared/action-schemas.js';
import { describeZodError } from '../../shared/api-schemas.js';
import { ErrorCode } from '../../shared/errors.js';
import { type AccessControl, type AccessRefusal, type AccessResult } from '../auth/access.js';
import { requestToken, requireRole, sendRefusal } from './access-guard.js';
import type { ActionService, CorrectResult } from '../actions/action-service.js';
import type { MeetingSummaries } from '../actions/meeting-summary.js';
import { renderActions } from '../actions/exports.js';
import { refuse } from '../limits/limits.js';
import { sendError, validateBody } from './errors.js';

export interface ActionRouteDeps {
  actions: ActionService;
  summaries: MeetingSummaries;
  access: AccessControl;
  maxBodyBytes: number;
}

const boardOf = (res: Response) => (res.locals.access as Extract<AccessResult, { ok: true }>).boardId;

export function actionRouter(deps: ActionRouteDeps): express.Router {
  const { actions, summaries, access } = deps;
  const r = express.Router();
  const viewer = requireRole(access, 'viewer');
  const participant = requireRole(access, 'participant');
  const facilitator = requireRole(access, 'facilitator');
  r.use(express.json({ limit: deps.maxBodyBytes }));

  const sendList = async (req: Request, res: Response, rawFormat: unknown) => {
    const format = ExportFormat.safeParse(rawFormat ?? 'json');
    if (!format.success) return sendError(res, 400, { code: ErrorCode.BadRequest, ...describeZodError(format.error), field: 'format' });
    const list = await summaries.actionList(boardOf(res));
    if (!list) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'board not found' });
    if (format.data === 'json' && rawFormat === undefined && !req.path.endsWith('.json')) return res.json(list);
    const out = renderActions(list, format.data);
    // attachment() sets the type from the file name's extension: set ours (charset, header=present) after it.
    res.attachment(out.filename);
    res.type(out.contentType);
    res.send(out.body);
  };

  r.get('/boards/:id/actions', viewer, (req, res) => sendList(req, res, req.query.format));
  r.get('/boards/:id/actions.:format', viewer, (req, res) => sendList(req, res, req.params.format));

  r.patch('/actions/:actionId', validateBody(UpdateActionBody), async (req, res) => {
    const id = ActionIdParam.safeParse(req.params.actionId);
    if (!id.success) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'no such action item' });
    const body = res.locals.body as UpdateActionBody;
    // Ids are unique per board: find the board among those holding this id that the token opens.
    const token = requestToken(req);
    let denied: AccessRefusal | null = null;
    for (const boardId of await actions.boardsOf(id.data)) {
      const allowed = await access.check(boardId, token, 'participant');
      if (!allowed.ok) {
        denied ??= allowed;
        continue;
      }
      let result: CorrectResult | null = null;
      if (body.owner !== undefined || body.due !== undefined) {
        // The role is the token's; the name is only what the audit trail shows.
        result = await actions.correct(boardId, id.data, { owners: body.owner, due: body.due }, { name: body.by ?? 'rest', role: allowed.role });
      }
      if (body.status !== undefined && (result === null || result.ok)) result = await actions.setStatus(boardId, id.data, body.status);
      if (result?.ok) return res.json({ actionItem: result.item });
      if (result?.reason === 'bad_owner') return sendError(res, 400, { code: ErrorCode.BadRequest, field: 'owner', message: `owner: ${result.message}` });
      if (result?.reason === 'source_gone') {
        return sendError(res, 409, {
          code: ErrorCode.PreconditionFailed,
          message: 'its decision or request is no longer on the board; restore it there first',
        });
      }
    }
    if (denied && denied.status !== 404) return sendRefusal(res, denied);
    sendError(res, 404, { code: ErrorCode.NotFound, message: 'no such action item' });
  });

  r.post('/boards/:id/cards/:cardId/decisions', participant, validateBody(CreateDecisionBody), async (req, res) => {
    const cardId = ItemIdParam.safeParse(req.params.cardId);
    if (!cardId.success) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'card not found' });
    const body = res.locals.body as CreateDecisionBody;
    const out = await actions.recordDecision(boardOf(res), cardId.data, { text: body.text, owners: body.owner ?? '', due: body.due ?? '', decidedBy: 'API' });
    if (!out) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'card not found' });
    const response: CreateDecisionResponse = out;
    res.status(201).json(response);
  });

  r.get('/boards/:id/summary', viewer, async (_req, res) => {
    const summary = await summaries.summary(boardOf(res));
    if (!summary) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'board not found' });
    res.json(summary);
  });

  r.get('/boards/:id/webhook', facilitator, async (_req, res) => {
    res.json({ url: await summaries.webhook(boardOf(res)) });
  });

  r.put('/boards/:id/webhook', facilitator, validateBody(WebhookBody), async (_req, res) => {
    const { url } = res.locals.body as WebhookBody;
    // Early word for the facilitator; each send checks the address again, after DNS, on the connection.
    if (url !== null) {
      const target = await summaries.checkWebhook(url);
      if (!target.ok) return sendError(res, 400, { code: ErrorCode.BadRequest, message: `url: ${target.message}`, field: 'url' });
    }
    await summaries.setWebhook(boardOf(res), url);
    res.json({ url });
  });

  r.post('/boards/:id/summary/send', facilitator, async (_req, res) => {
    const started = await summaries.startSummarySend(boardOf(res));
    if (started.ok) {
      // Delivery retries for a while: answer now, deliver in the background (the outcome is logged).
      void started.delivery;
      return res.status(202).json({ queued: true });
    }
    switch (started.reason) {
      case 'no_webhook':
        return sendError(res, 409, { code: ErrorCode.PreconditionFailed, message: 'this board has no webhook; set one with PUT /api/boards/:id/webhook' });
      case 'busy':
        return sendError(res, 409, {
          code: ErrorCode.PreconditionFailed,
          message: 'a summary is already being delivered to this board’s webhook (with its retries); send again once it is done',
        });
      case 'rate_limited':
        return refuse(res, started.retryAfterSec, started.message);
    }
  });

  return r;
}
