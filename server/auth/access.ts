/**
 * Who may do what on a board. Every path — REST, y-websocket, socket.io — asks here with the token the
 * client presented and gets a role or a refusal: its HTTP status and the error to answer, decided here once
 * (401 `unauthorized` without a token; 403 `forbidden` for a wrong or replaced link, or a role too low).
 */
import crypto from 'node:crypto';
import { ErrorCode, type ApiError } from '../../shared/errors.js';
import { isBoardId } from '../../shared/ids.js';
import { roleAtLeast, type Role } from '../../shared/roles.js';
import type { Store } from '../store/store.js';
import type { TokenStore } from '../store/token-store.js';

export interface AccessRefusal {
  ok: false;
  status: 401 | 403 | 404;
  error: ApiError;
}
export type AccessResult = { ok: true; boardId: string; role: Role } | AccessRefusal;
export type SeriesAccessResult = { ok: true; seriesId: string; role: Role } | AccessRefusal;

/** How a board's series lends its tokens to the board (server/store/series-store.ts). */
export interface SeriesTokens {
  seriesOf(boardId: string): Promise<string | null>;
  exists(seriesId: string): Promise<boolean>;
  resolve(seriesId: string, token: string): Promise<Role | null>;
}

const NOT_FOUND: AccessRefusal = { ok: false, status: 404, error: { code: ErrorCode.NotFound, reason: 'board_not_found', message: 'board not found' } };
const NO_SERIES: AccessRefusal = { ok: false, status: 404, error: { code: ErrorCode.NotFound, reason: 'series_not_found', message: 'series not found' } };
const NO_TOKEN: AccessRefusal = {
  ok: false,
  status: 401,
  error: { code: ErrorCode.Unauthorized, reason: 'token_missing', message: 'this board needs the token from its link' },
};
const INVALID_LINK: AccessRefusal = {
  ok: false,
  status: 403,
  error: { code: ErrorCode.Forbidden, reason: 'link_invalid', message: 'this link is not valid (it may have been replaced)' },
};

export class AccessControl {
  constructor(
    private readonly store: Store,
    readonly tokens: TokenStore,
    /** When set, creating a board needs this server-wide token (BOARD_CREATE_TOKEN). */
    private readonly createToken?: string,
    /** A board is also opened by the tokens of its series (the same link works for every meeting of it). */
    private readonly series?: SeriesTokens,
  ) {}

  async check(boardId: string, token: string | undefined, needed: Role = 'viewer'): Promise<AccessResult> {
    if (!isBoardId(boardId) || !(await this.store.getBoard(boardId))) return NOT_FOUND;
    if (!token) return NO_TOKEN;
    let role = await this.tokens.resolve(boardId, token);
    if (!role && this.series) {
      const seriesId = await this.series.seriesOf(boardId);
      if (seriesId) role = await this.series.resolve(seriesId, token);
    }
    if (!role) return INVALID_LINK;
    const low = tooLow(role, needed);
    return low ?? { ok: true, boardId, role };
  }

  /** The role a token grants on a series (its own tokens, or those of its meetings' boards), or a refusal. */
  async checkSeries(seriesId: string, token: string | undefined, needed: Role = 'viewer'): Promise<SeriesAccessResult> {
    if (!isBoardId(seriesId) || !this.series || !(await this.series.exists(seriesId))) return NO_SERIES;
    if (!token) return NO_TOKEN;
    const role = await this.series.resolve(seriesId, token);
    if (!role) return INVALID_LINK;
    return tooLow(role, needed) ?? { ok: true, seriesId, role };
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

function tooLow(role: Role, needed: Role): AccessRefusal | null {
  if (roleAtLeast(role, needed)) return null;
  const error: ApiError = {
    code: ErrorCode.Forbidden,
    reason: 'role_too_low',
    params: { needed, role },
    message: `this needs the ${needed} link; yours is ${role}`,
  };
  return { ok: false, status: 403, error };
}
