/**
 * REST routes of a series' webhooks (docs/webhooks.md), facilitator only: list, add (the secret is answered
 * once), remove, send a test, read an endpoint's delivery log, send a delivery again.
 */
import express, { type RequestHandler, type Response } from 'express';
import { ErrorCode } from '../../shared/errors.js';
import { CreateWebhookBody, type WebhookDeliveriesResponse, type WebhookDeliveryResponse, type WebhookListResponse } from '../../shared/webhooks.js';
import type { AccessControl, SeriesAccessResult } from '../auth/access.js';
import type { Limits } from '../limits/limits.js';
import type { SeriesStore } from '../store/series-store.js';
import { WebhookError, type WebhookService } from '../webhooks/webhook-service.js';
import { requestToken, sendRefusal } from './access-guard.js';
import { sendError, validateBody } from './errors.js';

export interface WebhookRouteDeps {
  webhooks: WebhookService;
  seriesStore: Pick<SeriesStore, 'get'>;
  access: AccessControl;
  /** `webhookTest` counts test events per series. */
  limits: Pick<Limits, 'guard'>;
  maxBodyBytes: number;
}

const granted = (res: Response) => res.locals.series as Extract<SeriesAccessResult, { ok: true }>;

const CODES = { 400: ErrorCode.BadRequest, 404: ErrorCode.NotFound, 409: ErrorCode.PreconditionFailed } as const;

/** Answers what the webhook service refused; anything else goes to the error handler. */
function refuse(res: Response, err: unknown): void {
  if (!(err instanceof WebhookError)) throw err;
  sendError(res, err.status, { code: CODES[err.status], message: err.message, ...(err.field ? { field: err.field } : {}) });
}

export function webhookRouter(deps: WebhookRouteDeps): express.Router {
  const { webhooks } = deps;
  const r = express.Router();
  const facilitator: RequestHandler = async (req, res, next) => {
    const result = await deps.access.checkSeries(String(req.params.id), requestToken(req), 'facilitator');
    if (!result.ok) return sendRefusal(res, result);
    res.locals.series = result;
    next();
  };
  r.use('/series/:id/webhooks', express.json({ limit: deps.maxBodyBytes }));
  const hook = (req: express.Request) => String(req.params.webhookId);

  r.get('/series/:id/webhooks', facilitator, async (_req, res) => {
    const body: WebhookListResponse = { webhooks: await webhooks.list(granted(res).seriesId) };
    res.json(body);
  });

  r.post('/series/:id/webhooks', facilitator, validateBody(CreateWebhookBody), async (_req, res) => {
    try {
      const created = await webhooks.create(granted(res).seriesId, res.locals.body as CreateWebhookBody);
      res.status(201).json(created);
    } catch (err) {
      refuse(res, err);
    }
  });

  r.delete('/series/:id/webhooks/:webhookId', facilitator, async (req, res) => {
    try {
      await webhooks.remove(granted(res).seriesId, hook(req));
      res.status(204).end();
    } catch (err) {
      refuse(res, err);
    }
  });

  r.post(
    '/series/:id/webhooks/:webhookId/test',
    facilitator,
    deps.limits.guard('webhookTest', (_req, res) => granted(res).seriesId),
    async (req, res) => {
      try {
        const { seriesId } = granted(res);
        const name = (await deps.seriesStore.get(seriesId))?.name ?? '';
        const body: WebhookDeliveryResponse = { delivery: await webhooks.test(seriesId, hook(req), name) };
        res.status(202).json(body);
      } catch (err) {
        refuse(res, err);
      }
    },
  );

  r.get('/series/:id/webhooks/:webhookId/deliveries', facilitator, async (req, res) => {
    try {
      const body: WebhookDeliveriesResponse = { deliveries: await webhooks.deliveries(granted(res).seriesId, hook(req)) };
      res.json(body);
    } catch (err) {
      refuse(res, err);
    }
  });

  r.post('/series/:id/webhooks/:webhookId/deliveries/:deliveryId/resend', facilitator, async (req, res) => {
    try {
      const delivery = await webhooks.resend(granted(res).seriesId, hook(req), String(req.params.deliveryId));
      const body: WebhookDeliveryResponse = { delivery };
      res.status(202).json(body);
    } catch (err) {
      refuse(res, err);
    }
  });

  return r;
}
