/**
 * Payload schemas and response types of history, audit, search and board export/import (REST and CLI).
 * The server validates every query, body and imported file with these; types are inferred from them.
 */
import { z } from 'zod';
import { COLUMNS, LIMITS, type BoardView, type ColumnId } from './board-schema.js';
import { ACTION_STATUSES, DUE_FLAGS } from './decisions.js';

const trimmed = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

// ---- versions ------------------------------------------------------------------------------------------------

/** Version ids: what `randomId(12)` makes, with room for older ids. */
export const VersionIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a version id');

export const SaveVersionBody = z.strictObject({
  name: trimmed(LIMITS.title).min(1, 'must not be empty'),
});
export type SaveVersionBody = z.infer<typeof SaveVersionBody>;

export const CopyVersionBody = z.strictObject({
  title: trimmed(LIMITS.title).min(1, 'must not be empty').optional(),
});
export type CopyVersionBody = z.infer<typeof CopyVersionBody>;

/** A named, read-only copy of the board. */
export interface VersionInfo {
  id: string;
  name: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Who saved it: a display name, or `server` for automatic versions. */
  by: string;
}

export interface VersionListResponse {
  versions: VersionInfo[];
}

/** The board as it was at a version: the shape of `GET /api/boards/:id` without `role`, plus the version. */
export interface VersionViewResponse extends BoardView {
  id: string;
  url: string;
  version: VersionInfo;
}

export interface RestoreVersionResponse {
  /** The version that was restored. */
  restored: VersionInfo;
  /** The version saved just before the restore ("Before restore"): restore it to undo. */
  before: VersionInfo;
  /** Whether the board differed from the version (false: nothing had to change). */
  changed: boolean;
}

// ---- audit -----------------------------------------------------------------------------------------------------

export const AUDIT_ACTIONS = [
  'card.created',
  'card.deleted',
  'card.moved',
  'card.edited',
  'card.status',
  'card.done',
  'card.reopened',
  'decision.added',
  'decision.edited',
  'decision.removed',
  'proposal.added',
  'proposal.edited',
  'proposal.removed',
  'board.edited',
  'meeting.current',
  'version.saved',
  'version.restored',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who made a change: a person's display name (or `unknown`), or what the server did it for (`rest`, `meeting`). */
export interface AuditEntry {
  id: number;
  /** Milliseconds since the epoch. */
  at: number;
  actor: string;
  /** The actor's role, or `server` for the server's own writes. */
  role: string;
  action: AuditAction;
  cardId: string | null;
  field: string | null;
  /** One readable sentence, e.g. `edited notes of "Launch plan"`. */
  summary: string;
}

/** A time as milliseconds since the epoch or an ISO 8601 date/time. */
const timeParam = z
  .string()
  .trim()
  .transform((s, ctx) => {
    const t = /^\d{1,15}$/.test(s) ? Number(s) : Date.parse(s);
    if (!Number.isFinite(t)) {
      ctx.addIssue({ code: 'custom', message: 'must be milliseconds since the epoch or an ISO 8601 date' });
      return z.NEVER;
    }
    return t;
  });

export const AUDIT_PAGE_MAX = 500;

/** Query of `GET /api/boards/:id/audit` (all optional; strings as they come in a URL). */
export const AuditQuery = z.strictObject({
  actor: trimmed(LIMITS.name).min(1, 'must not be empty').optional(),
  action: z.enum(AUDIT_ACTIONS, { error: `action must be one of ${AUDIT_ACTIONS.join(', ')}` }).optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  q: trimmed(200).min(1, 'must not be empty').optional(),
  limit: z.coerce.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1).max(AUDIT_PAGE_MAX).default(100),
  /** Opaque: the `nextCursor` of the previous page. */
  cursor: z.string().regex(/^\d{1,15}$/, 'not a cursor from a previous page').transform(Number).optional(),
  /** Also accepted: the access token (for download links). */
  token: z.string().optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export interface AuditPageResponse {
  /** Newest first. */
  entries: AuditEntry[];
  /** Pass as `cursor` for the next (older) page; null when this is the last. */
  nextCursor: string | null;
}

// ---- search ----------------------------------------------------------------------------------------------------

export const SearchQuery = z.strictObject({
  q: z.string().trim().min(1, 'q must not be empty').max(200, 'q must be at most 200 characters'),
  limit: z.coerce.number({ error: 'limit must be a number' }).int().min(1).max(200).default(50),
  token: z.string().optional(),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SEARCH_KINDS = ['card', 'decision', 'action', 'version', 'audit'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export interface SearchResult {
  kind: SearchKind;
  cardId?: string;
  column?: ColumnId;
  /** The matching text (a card's field, a decision, an action item, a version's name, an audit line). */
  text: string;
  /** For versions and audit lines: when, ms since the epoch. */
  at?: number;
}

export interface SearchResponse {
  q: string;
  results: SearchResult[];
  /** True when more matched than `limit`. */
  truncated: boolean;
}

// ---- export / import -----------------------------------------------------------------------------------------

export const EXPORT_FORMAT = 'meshboard-board' as const;
export const EXPORT_VERSION = 1 as const;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** An action item as exported: what people set (`personStatus`) travels with the board. */
export const ExportedActionItem = z.object({
  id: z.string().min(1).max(200),
  kind: z.enum(['decision', 'need']),
  cardId: z.string().min(1).max(64),
  column: z.enum(COLUMNS),
  cardTitle: z.string(),
  decisionId: z.string().nullable(),
  text: z.string(),
  owners: z.array(z.string()),
  due: z.string().nullable(),
  dueText: z.string(),
  dueFlag: z.enum(DUE_FLAGS).nullable(),
  decidedBy: z.string(),
  boardStatus: z.enum(['open', 'done']),
  personStatus: z.enum(ACTION_STATUSES).nullable(),
  present: z.boolean(),
  status: z.enum(ACTION_STATUSES),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ExportedActionItem = z.infer<typeof ExportedActionItem>;

/** A whole board in one JSON file (`npm run board -- export`, `GET /api/boards/:id/export`). */
export const BoardExport = z.object({
  format: z.literal(EXPORT_FORMAT, { error: `format must be "${EXPORT_FORMAT}" (is this a Meshboard board export?)` }),
  version: z.literal(EXPORT_VERSION, { error: `version must be ${EXPORT_VERSION}; this server reads version ${EXPORT_VERSION} exports` }),
  board: z.object({
    id: z.string().max(64),
    title: z.string().max(LIMITS.title),
    createdAt: z.number(),
  }),
  /** The Yjs document state (`Y.encodeStateAsUpdate`), base64. */
  document: base64,
  actionItems: z.array(ExportedActionItem).max(100_000),
  versions: z
    .array(z.object({ name: z.string().max(LIMITS.title), createdAt: z.number(), by: z.string().max(LIMITS.name).optional(), document: base64 }))
    .max(10_000),
  exportedAt: z.number(),
});
export type BoardExport = z.infer<typeof BoardExport>;
