/**
 * A small router over `location.pathname`: `/` (home), `/b/:id` (a board), `/b/:id/actions` (its action
 * list), `/b/:id/summary` (its printable summary), `/b/:id/history` (its versions), `/b/:id/audit` (its
 * audit trail) and `/s/:id` (a series). Navigation uses history.pushState; the server answers
 * every `/b/*` path with the same index.html.
 */
import { isBoardId } from '../../shared/ids.js';
import { boardPath } from '../../shared/urls.js';

export { boardPath, withToken } from '../../shared/urls.js';

/** `token`: the role secret from the link's `?token=`, when the address carries one. */
export type Route =
  | { name: 'home' }
  | { name: 'board' | 'actions' | 'summary' | 'history' | 'audit' | 'agenda'; boardId: string; token: string | null }
  | { name: 'series'; seriesId: string; token: string | null }
  | { name: SeriesPeopleRoute; seriesId: string; token: string | null }
  /** A series' team memory and report: `/s/:id/decisions`, `/s/:id/memory`, `/s/:id/report`. */
  | { name: SeriesReportPage; seriesId: string; token: string | null }
  /** The links in mails: confirming an address, stopping a kind of mail. */
  | { name: 'email-confirm' | 'email-unsubscribe'; token: string | null }
  | { name: 'not-found' };

/** Pages of a series reached by their own links: a person's items, the drop-in form, its poster, the inbox. */
export type SeriesPeopleRoute = 'me' | 'drop' | 'poster' | 'inbox';
export type SeriesReportPage = 'series-decisions' | 'series-memory' | 'series-report';

export function parseRoute(pathname: string, search = ''): Route {
  if (pathname === '/' || pathname === '') return { name: 'home' };
  const mail = /^\/email\/(confirm|unsubscribe)\/?$/.exec(pathname);
  if (mail) return { name: `email-${mail[1]}` as 'email-confirm' | 'email-unsubscribe', token: new URLSearchParams(search).get('token') };
  const m = /^\/b\/([^/]+)(?:\/(actions|summary|history|audit|agenda))?\/?$/.exec(pathname);
  if (m) {
    const id = decodeURIComponent(m[1]);
    const name = (m[2] as 'actions' | 'summary' | 'history' | 'audit' | 'agenda' | undefined) ?? 'board';
    // A malformed id can never exist; show the same "does not exist" page the server would cause.
    return isBoardId(id) ? { name, boardId: id, token: new URLSearchParams(search).get('token') } : { name: 'not-found' };
  }
  const series = /^\/s\/([^/]+)\/?$/.exec(pathname);
  if (series) {
    const id = decodeURIComponent(series[1]);
    return isBoardId(id) ? { name: 'series', seriesId: id, token: new URLSearchParams(search).get('token') } : { name: 'not-found' };
  }
  const p = /^\/s\/([^/]+)\/(me|drop|poster|inbox)\/?$/.exec(pathname);
  if (p) {
    const id = decodeURIComponent(p[1]);
    return isBoardId(id) ? { name: p[2] as SeriesPeopleRoute, seriesId: id, token: new URLSearchParams(search).get('token') } : { name: 'not-found' };
  }
  const sr = /^\/s\/([^/]+)\/(decisions|memory|report)\/?$/.exec(pathname);
  if (sr) {
    const id = decodeURIComponent(sr[1]);
    return isBoardId(id)
      ? { name: `series-${sr[2]}` as SeriesReportPage, seriesId: id, token: new URLSearchParams(search).get('token') }
      : { name: 'not-found' };
  }
  return { name: 'not-found' };
}

export const actionsPath = (id: string): string => `${boardPath(id)}/actions`;
export const summaryPath = (id: string): string => `${boardPath(id)}/summary`;
export const historyPath = (id: string): string => `${boardPath(id)}/history`;
export const auditPath = (id: string): string => `${boardPath(id)}/audit`;
/** The agenda ready to print before the meeting. */
export const agendaPath = (id: string): string => `${boardPath(id)}/agenda`;
/** A series' page: its meetings, people and cadence (the board's own token opens it). */
export const seriesPath = (id: string): string => `/s/${encodeURIComponent(id)}`;

export class Router {
  #route = $state<Route>(parseRoute(location.pathname, location.search));
  get route() {
    return this.#route;
  }

  constructor() {
    window.addEventListener('popstate', () => (this.#route = parseRoute(location.pathname, location.search)));
  }

  /** `path` may carry a query (`/b/<id>?token=…`). */
  navigate(path: string): void {
    const url = new URL(path, location.origin);
    if (url.pathname + url.search !== location.pathname + location.search) history.pushState(null, '', url.pathname + url.search);
    this.#route = parseRoute(url.pathname, url.search);
    window.scrollTo(0, 0);
  }

  /** Click handler for in-app <a href>: keeps modified clicks (new tab etc.) native. */
  link = (event: MouseEvent): void => {
    const a = event.currentTarget as HTMLAnchorElement;
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (a.origin !== location.origin) return;
    event.preventDefault();
    this.navigate(a.pathname + a.search);
  };
}

export const router = new Router();
