/**
 * REST routes of mail (docs/api.md#mail): a person gives, changes or removes their address and chooses
 * which mail they get, through their personal link; the links in mails confirm an address and unsubscribe
 * (one click, RFC 8058); the facilitator sees the series' outbox and sends a failed message again.
 */
import express, { type RequestHandler, type Response } from 'express';
import { ErrorCode } from '../../shared/errors.js';
import { EmailTokenBody, MyEmailBody, MyEmailKindsBody, unsubscribePath, type OutboxList } from '../../shared/email.js';
import { withToken } from '../../shared/urls.js';
import type { AccessControl } from '../auth/access.js';
import { MailError, maskAddress, type MailService } from '../email/mail-service.js';
import { clientAddress, type Limits } from '../limits/limits.js';
import type { Outbox } from '../outbox/outbox.js';
import type { PeopleService } from '../series/people-service.js';
import type { SeriesStore } from '../store/series-store.js';
import type { OutboxRecord } from '../store/outbox-store.js';
import { requestToken, requireSeriesToken, sendRefusal } from './access-guard.js';
import { sendError, validateBody } from './errors.js';

export interface EmailRouteDeps {
  mail: MailService;
  outbox: Outbox;
  people: Pick<PeopleService, 'resolve'>;
  seriesStore: Pick<SeriesStore, 'get'>;
  access: AccessControl;
  limits: Limits;
  maxBodyBytes: number;
}

const seriesId = (res: Response): string => res.locals.seriesId as string;
const person = (res: Response): string => res.locals.person as string;

function refuse(res: Response, err: unknown): void {
  if (err instanceof MailError) {
    const code =
      err.status === 404
        ? ErrorCode.NotFound
        : err.status === 409
          ? ErrorCode.PreconditionFailed
          : err.status === 503
            ? ErrorCode.Unavailable
            : ErrorCode.BadRequest;
    return sendError(res, err.status, { code, message: err.message });
  }
  throw err;
}

const MAIL_LINK_INVALID = { code: ErrorCode.BadRequest, message: 'this link is not valid any more (it may be old, or the address was removed)' };

export function emailRouter(deps: EmailRouteDeps): express.Router {
  const { mail } = deps;
  const r = express.Router();
  r.use(['/series/:id/me/email', '/email'], express.json({ limit: deps.maxBodyBytes }));
  // One-click unsubscribe posts a form body (`List-Unsubscribe=One-Click`); its token is in the URL.
  r.use('/email/unsubscribe', express.urlencoded({ extended: false, limit: 1024 }));

  const personal = requireSeriesToken(
    async (id) => (await deps.seriesStore.get(id)) !== null,
    (id, token) => deps.people.resolve(id, token),
  );
  const facilitator: RequestHandler = async (req, res, next) => {
    const result = await deps.access.checkSeries(String(req.params.id), requestToken(req), 'facilitator');
    if (!result.ok) return sendRefusal(res, result);
    res.locals.seriesId = result.seriesId;
    next();
  };

  // ---- the person's address ----------------------------------------------------------------------------------

  r.get('/series/:id/me/email', personal, async (_req, res) => {
    res.json(await mail.myEmail(seriesId(res), person(res)));
  });

  r.put('/series/:id/me/email', personal, validateBody(MyEmailBody), deps.limits.guard('emailAddress', clientAddress), async (_req, res) => {
    try {
      res.json(await mail.setMyEmail(seriesId(res), person(res), res.locals.body as MyEmailBody));
    } catch (err) {
      refuse(res, err);
    }
  });

  r.delete('/series/:id/me/email', personal, async (_req, res) => {
    await mail.removeMyEmail(seriesId(res), person(res));
    res.status(204).end();
  });

  r.put('/series/:id/me/email/kinds', personal, validateBody(MyEmailKindsBody), async (_req, res) => {
    try {
      res.json(await mail.setKinds(seriesId(res), person(res), (res.locals.body as MyEmailKindsBody).kinds));
    } catch (err) {
      refuse(res, err);
    }
  });

  // ---- links in mails ------------------------------------------------------------------------------------------

  r.post('/email/confirm', validateBody(EmailTokenBody), async (_req, res) => {
    const done = await mail.confirm((res.locals.body as EmailTokenBody).token);
    if (!done) return sendError(res, 400, MAIL_LINK_INVALID);
    res.json(done);
  });

  // A GET must not unsubscribe (mail scanners follow links): it opens the page that asks.
  r.get('/email/unsubscribe', (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    res.redirect(303, withToken(unsubscribePath, token));
  });

  r.post('/email/unsubscribe', async (req, res) => {
    const fromQuery = typeof req.query.token === 'string' ? req.query.token : '';
    const fromBody = req.body && typeof req.body.token === 'string' ? (req.body.token as string) : '';
    const token = (fromQuery || fromBody).slice(0, 2000);
    const done = token ? await mail.unsubscribe(token) : null;
    if (!done) return sendError(res, 400, MAIL_LINK_INVALID);
    res.json(done);
  });

  // ---- the facilitator's view of the outbox ----------------------------------------------------------------

  r.get('/series/:id/outbox', facilitator, async (_req, res) => {
    const body: OutboxList = { mailEnabled: mail.enabled, entries: (await deps.outbox.list(seriesId(res), 200)).map(entry) };
    res.json(body);
  });

  r.post('/series/:id/outbox/:messageId/resend', facilitator, async (req, res) => {
    const found = await deps.outbox.get(String(req.params.messageId));
    if (!found || found.seriesId !== seriesId(res)) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'this series sent no such message' });
    if (found.status === 'pending') return res.json(entry(found));
    const again = await deps.outbox.resend(found.id);
    if (!again)
      return sendError(res, 409, {
        code: ErrorCode.PreconditionFailed,
        message: 'this message can no longer be sent (it was cancelled, or its address removed)',
      });
    res.json(entry(again));
  });

  return r;
}

function entry(m: OutboxRecord) {
  return {
    id: m.id,
    channel: m.channel,
    kind: m.kind,
    recipient: m.channel === 'email' ? maskAddress(m.recipient) : m.recipient,
    subject: m.subject,
    status: m.status,
    attempts: m.attempts,
    lastError: m.lastError,
    createdAt: m.createdAt,
    nextAttemptAt: m.nextAttemptAt,
    sentAt: m.sentAt,
  };
}
