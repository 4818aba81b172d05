/**
 * Access on the REST side: the token a request carries, and the guard of every `/:id` route, which answers
 * a refusal with the status and error `AccessControl` decided.
 */
import type { Request, RequestHandler, Response } from 'express';
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
