/** The few REST calls the browser makes; everything else travels through the Y.Doc. */
import type { BoardResponse, CreateBoardBody, CreateBoardResponse, RotateLinkResponse } from '../../shared/api-schemas.js';
import type { ExportFormat, MeetingSummary, UpdateActionBody, WebhookBody } from '../../shared/action-schemas.js';
import type { ActionItem, ActionStatus } from '../../shared/action-extraction.js';
import type { ApiError } from '../../shared/errors.js';
import type { RotatableRole } from '../../shared/roles.js';
import type { SaveTemplateBody, SaveTemplateResponse, TemplateListResponse } from '../../shared/templates.js';
import type { CreateAskBody, CreateAskResponse, CreateEscalationBody, CreateEscalationResponse } from '../../shared/series-asks.js';

/** status 0 = the request never reached the server. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError | null; status: number };

/** One JSON request to the API, with the role secret as a bearer token; never throws. */
export async function call<T>(method: string, path: string, opts: { body?: unknown; token?: string } = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  } catch {
    return { ok: false, error: null, status: 0 };
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.ok) return { ok: true, data: json as T };
  const error = json && typeof json === 'object' && 'error' in json ? (json.error as ApiError) : null;
  return { ok: false, error, status: res.status };
}

export const createBoard = (body: CreateBoardBody) => call<CreateBoardResponse>('POST', '/api/boards', { body });

/** Templates a new board may start from: the server's own, then those of `saved` (ids this browser holds). */
export const fetchTemplates = (saved: readonly string[] = []) =>
  call<TemplateListResponse>('GET', `/api/templates${saved.length ? `?saved=${saved.map(encodeURIComponent).join(',')}` : ''}`);

/** The templates saved from a board (any of its links). */
export const fetchBoardTemplates = (boardId: string, token: string) =>
  call<TemplateListResponse>('GET', `/api/boards/${encodeURIComponent(boardId)}/templates`, { token });

/** Facilitators only: saves the board's structure (cards, no decisions or statuses) as a template. */
export const saveTemplate = (boardId: string, token: string, body: SaveTemplateBody) =>
  call<SaveTemplateResponse>('POST', `/api/boards/${encodeURIComponent(boardId)}/template`, { body, token });

/** The board as the token's role sees it; answers 401/403/404 for a bad link. */
export const fetchBoard = (boardId: string, token: string | undefined) => call<BoardResponse>('GET', `/api/boards/${encodeURIComponent(boardId)}`, { token });

/** Facilitators only: replaces a role's link (the old one stops working) and returns the new one. */
export const rotateLink = (boardId: string, token: string, role: RotatableRole) =>
  call<RotateLinkResponse>('POST', `/api/boards/${encodeURIComponent(boardId)}/links/rotate`, { body: { role }, token });

// ---- action items, summary, webhook (docs/api.md "Action items") ----------------------------------------

/** Marks an action item open, done or cancelled (participant link of its board). */
export const setActionStatus = (actionId: string, token: string, status: ActionStatus) =>
  call<{ actionItem: ActionItem }>('PATCH', `/api/actions/${encodeURIComponent(actionId)}`, { body: { status } satisfies UpdateActionBody, token });

/** Corrects an item's owner and/or due date, on its decision or request (participant link); `by` names it in the audit trail. */
export const correctAction = (actionId: string, token: string, body: Pick<UpdateActionBody, 'owner' | 'due' | 'by'>) =>
  call<{ actionItem: ActionItem }>('PATCH', `/api/actions/${encodeURIComponent(actionId)}`, { body: body satisfies UpdateActionBody, token });

export const fetchSummary = (boardId: string, token: string) => call<MeetingSummary>('GET', `/api/boards/${encodeURIComponent(boardId)}/summary`, { token });

/** Facilitators only. */
export const fetchWebhook = (boardId: string, token: string) =>
  call<{ url: string | null }>('GET', `/api/boards/${encodeURIComponent(boardId)}/webhook`, { token });

/** Facilitators only; `url` null removes the webhook. */
export const saveWebhook = (boardId: string, token: string, url: string | null) =>
  call<{ url: string | null }>('PUT', `/api/boards/${encodeURIComponent(boardId)}/webhook`, { body: { url } satisfies WebhookBody, token });

/** Facilitators only: posts the summary to the webhook now (409 when there is none). */
export const sendSummary = (boardId: string, token: string) =>
  call<{ queued: true }>('POST', `/api/boards/${encodeURIComponent(boardId)}/summary/send`, { token });

/** A download link for an export: a plain link cannot send a header, so the token rides in the query. */
export const exportUrl = (boardId: string, token: string, format: ExportFormat): string =>
  `/api/boards/${encodeURIComponent(boardId)}/actions.${format}?token=${encodeURIComponent(token)}`;

// ---- requests and escalations between series (docs/api.md "Series") ----------------------------------------

/** Sends a request card of this meeting to another series (a participant link of this one, `toToken` of the other). */
export const askAnotherTeam = (seriesId: string, token: string, body: CreateAskBody) =>
  call<CreateAskResponse>('POST', `/api/series/${encodeURIComponent(seriesId)}/asks`, { body, token });

/** Facilitators only: escalates a challenge of this meeting to another series' next meeting. */
export const escalateChallenge = (seriesId: string, token: string, body: CreateEscalationBody) =>
  call<CreateEscalationResponse>('POST', `/api/series/${encodeURIComponent(seriesId)}/escalations`, { body, token });
