/**
 * Access on the REST side: the token a request carries, and the guard of every `/:id` route, which answers
 * a refusal with the status and error `AccessControl` decided.
 */
import type { Request, RequestHandler, Response } from 'express';
import { ErrorCode } from '../../shared/errors.js';
import type { Role } from '../../shared/roles.js';
import type { AccessControl, AccessRefusal } from '../auth/access.js';
import { sendError } from './errors.js';

/** The token of a request: `Authorization: Bearer <token>`, or `?token=` (for links such as downloads). */
export function requestToken(req: Request): string | undefined {
  const auth = req.get('authorization');
  const m = auth && /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (m) return m[1];
  const q = req.query.token;
  return typeof q === 'string' && q ? q : undefined;
}

/** Answers an access refusal; a missing token also says how to give one. */
export function sendRefusal(res: Response, refusal: AccessRefusal): void {
  if (refusal.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  sendError(res, refusal.status, refusal.error);
}

/** Express guard for `/:id` routes: answers 401/403/404 itself, else puts `{boardId, role}` in res.locals.access. */
export function requireRole(access: AccessControl, needed: Role, param = 'id'): RequestHandler {
  return async (req, res, next) => {
    const result = await access.check(String(req.params[param]), requestToken(req), needed);
    if (!result.ok) return sendRefusal(res, result);
    res.locals.access = result;
    next();
  };
}

/** Refusals of the routes a series' own links open (a personal link, the drop-in link). */
export const SERIES_NOT_FOUND: AccessRefusal = {
  ok: false,
  status: 404,
  error: { code: ErrorCode.NotFound, reason: 'series_not_found', message: 'series not found' },
};
export const TOKEN_MISSING: AccessRefusal = {
  ok: false,
  status: 401,
  error: { code: ErrorCode.Unauthorized, reason: 'token_missing', message: 'this page needs the token from its link' },
};
export const LINK_INVALID: AccessRefusal = {
  ok: false,
  status: 403,
  error: { code: ErrorCode.Forbidden, reason: 'link_invalid', message: 'this link is not valid (it may have been replaced)' },
};

/**
 * Guard of `/series/:id/…` routes opened by a token of the series' own kind: `404` for a series that does not
 * exist (checked first, so a token says nothing about another series), `401` without a token, `403` when
 * `check` names nobody; else `res.locals.seriesId` and `res.locals.person` (whom the token names; '' for a
 * token that names no one, such as the drop-in link's).
 */
export function requireSeriesToken(
  exists: (seriesId: string) => Promise<boolean>,
  check: (seriesId: string, token: string) => Promise<string | null>,
): RequestHandler {
  return async (req, res, next) => {
    const id = String(req.params.id);
    if (!(await exists(id))) return sendRefusal(res, SERIES_NOT_FOUND);
    const token = requestToken(req);
    if (!token) return sendRefusal(res, TOKEN_MISSING);
    const who = await check(id, token);
    if (who === null) return sendRefusal(res, LINK_INVALID);
    res.locals.seriesId = id;
    res.locals.person = who;
    next();
  };
}
