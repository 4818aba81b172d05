/**
 * The URL shapes client and server agree on: a board's page (`/b/<id>`), the link of each role (the page
 * with the role's token), and the sync endpoint (`/yjs/<id>`).
 */
import type { Role, RoleLinks } from './roles.js';

/** The y-websocket endpoint; a board's socket is `SYNC_PATH/<boardId>`. */
export const SYNC_PATH = '/yjs';

export const boardPath = (id: string): string => `/b/${encodeURIComponent(id)}`;

/** `path` with the role secret attached, so the link works on a device that does not know the board yet. */
export const withToken = (path: string, token: string): string => `${path}?token=${encodeURIComponent(token)}`;

/** A board's page on `base` (an origin, no trailing slash), with a role's token when one is given. */
export const boardUrl = (base: string, id: string, token?: string): string => (token ? withToken(`${base}${boardPath(id)}`, token) : `${base}${boardPath(id)}`);

/** The links of a board's roles on `base`, from the roles' tokens. */
export const roleLinks = (base: string, id: string, tokens: Record<Role, string>): RoleLinks => ({
  facilitator: boardUrl(base, id, tokens.facilitator),
  participant: boardUrl(base, id, tokens.participant),
  viewer: boardUrl(base, id, tokens.viewer),
});

/** The sync endpoint's URL on `base` (`http` → `ws`, `https` → `wss`). */
export const syncUrl = (base: string): string => `${base.replace(/^http/, 'ws')}${SYNC_PATH}`;
