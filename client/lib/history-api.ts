/** REST calls of the history, audit and search pages (docs/api.md "History", "Audit trail", "Search"). */
import type { CreateBoardResponse } from '../../shared/api-schemas.js';
import type {
  AuditAction,
  AuditPageResponse,
  RestoreVersionResponse,
  SearchResponse,
  VersionInfo,
  VersionListResponse,
  VersionViewResponse,
} from '../../shared/history-schemas.js';
import { call } from './api.js';

const board = (id: string) => `/api/boards/${encodeURIComponent(id)}`;

export const listVersions = (boardId: string, token: string) => call<VersionListResponse>('GET', `${board(boardId)}/versions`, { token });

/** Participants and facilitators; `by` is my display name, shown in the list and the audit trail. */
export const saveVersion = (boardId: string, token: string, name: string, by: string | undefined) =>
  call<VersionInfo>('POST', `${board(boardId)}/versions`, { token, body: by ? { name, by } : { name } });

export const fetchVersion = (boardId: string, token: string, versionId: string) =>
  call<VersionViewResponse>('GET', `${board(boardId)}/versions/${encodeURIComponent(versionId)}`, { token });

/** Facilitators only: applied as one change on top; the board before it is saved as "Before restore". */
export const restoreVersion = (boardId: string, token: string, versionId: string, by: string | undefined) =>
  call<RestoreVersionResponse>('POST', `${board(boardId)}/versions/${encodeURIComponent(versionId)}/restore`, { token, body: by ? { by } : {} });

/** Facilitators only: a new board from the version, with fresh links (shown once, like board creation). */
export const copyVersion = (boardId: string, token: string, versionId: string, title: string | undefined) =>
  call<CreateBoardResponse>('POST', `${board(boardId)}/versions/${encodeURIComponent(versionId)}/copy`, { token, body: title ? { title } : {} });

/** What the audit trail is narrowed to; empty strings and nulls mean "any". Times are ms since the epoch. */
export interface AuditFilter {
  actor: string;
  action: AuditAction | '';
  from: number | null;
  to: number | null;
  q: string;
}

/** The query string of an audit request (without `?`), dropping filters that are not set. */
export function auditQuery(filter: AuditFilter, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  if (filter.actor.trim()) p.set('actor', filter.actor.trim());
  if (filter.action) p.set('action', filter.action);
  if (filter.from !== null) p.set('from', String(filter.from));
  if (filter.to !== null) p.set('to', String(filter.to));
  if (filter.q.trim()) p.set('q', filter.q.trim().slice(0, 200));
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}

export const fetchAudit = (boardId: string, token: string, filter: AuditFilter, cursor: string | null, limit = 50) =>
  call<AuditPageResponse>('GET', `${board(boardId)}/audit?${auditQuery(filter, { limit: String(limit), ...(cursor ? { cursor } : {}) })}`, { token });

/** A download link for the filtered trail: a plain link cannot send a header, so the token rides in the query. */
export const auditExportUrl = (boardId: string, token: string, filter: AuditFilter, format: 'csv' | 'json'): string =>
  `${board(boardId)}/audit.${format}?${auditQuery(filter, { token })}`;

export const searchBoard = (boardId: string, token: string, q: string, limit = 50) =>
  call<SearchResponse>('GET', `${board(boardId)}/search?${new URLSearchParams({ q, limit: String(limit) })}`, { token });
