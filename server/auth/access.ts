/**
 * Who may do what on a board. Every path — REST, y-websocket, socket.io — asks here with the token the
 * client presented and gets a role or a refusal with the status to answer.
 */
import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ErrorCode } from '../../shared/errors.js';
import { isBoardId } from '../../shared/ids.js';
import { roleAtLeast, type Role } from '../../shared/roles.js';
import type { Store } from '../store/store.js';
import type { TokenStore } from '../store/token-store.js';
import { sendError } from '../http/errors.js';

export type AccessResult =
  | { ok: true; boardId: string; role: Role }
  | { ok: false; status: 401 | 403 | 404; message: string };

export class AccessControl {
  constructor(
    private readonly store: Store,
    readonly tokens: TokenStore,
    /** When set, creating a board needs this server-wide token (BOARD_CREATE_TOKEN). */
    private readonly createToken?: string,
  ) {}

  async check(boardId: string, token: string | undefined, needed: Role = 'viewer'): Promise<AccessResult> {
    if (!isBoardId(boardId) || !(await this.store.getBoard(boardId))) return { ok: false, status: 404, message: 'board not found' };
    if (!token) return { ok: false, status: 401, message: 'this board needs the token from its link' };
    const role = await this.tokens.resolve(boardId, token);
    if (!role) return { ok: false, status: 403, message: 'this link is not valid (it may have been replaced)' };
    if (!roleAtLeast(role, needed)) return { ok: false, status: 403, message: `this needs the ${needed} link; yours is ${role}` };
    return { ok: true, boardId, role };
  }

  mayCreateBoards(token: string | undefined): boolean {
    if (!this.createToken) return true;
    if (!token) return false;
    const a = crypto.createHash('sha256').update(token).digest();
    const b = crypto.createHash('sha256').update(this.createToken).digest();
    return crypto.timingSafeEqual(a, b);
  }

  get createRestricted(): boolean {
    return Boolean(this.createToken);
  }
}

/** The token of a request: `Authorization: Bearer <token>`, or `?token=` (for links such as downloads). */
export function requestToken(req: Request): string | undefined {
  const auth = req.get('authorization');
  const m = auth && /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (m) return m[1];
  const q = req.query.token;
  return typeof q === 'string' && q ? q : undefined;
}

/** Express guard for `/:id` routes: answers 401/403/404 itself, else puts `{boardId, role}` in res.locals.access. */
export function requireRole(access: AccessControl, needed: Role, param = 'id'): RequestHandler {
  return async (req, res, next) => {
    const result = await access.check(String(req.params[param]), requestToken(req), needed);
    if (!result.ok) {
      const code = result.status === 404 ? ErrorCode.NotFound : result.status === 401 ? ErrorCode.Unauthorized : ErrorCode.Forbidden;
      if (result.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      return sendError(res, result.status, { code, message: result.message });
    }
    res.locals.access = result;
    next();
  };
}
