/**
 * Payload schemas and response types of history, audit, search and board export/import (REST and CLI).
 * The server validates every query, body and imported file with these; types are inferred from them.
 */
import { z } from 'zod';
import { COLUMNS, LIMITS, isIsoDate, type BoardView, type ColumnId } from './board-schema.js';
import { BOARD_ID_PATTERN } from './ids.js';
import { DUE_FLAGS } from './decisions.js';
import { ACTION_STATUSES } from './action-extraction.js';

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
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'not a cursor from a previous page')
    .transform(Number)
    .optional(),
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

/**
 * The last instant with a four-digit year (9999-12-31T23:59:59.999Z), in ms since the epoch. iCalendar and
 * ISO 8601 need four-digit years: later times (which `Date` allows, up to 8.64e15) cannot be exported.
 */
export const TIME_MAX_MS = 253_402_300_799_999;

/** Most owners one imported action item may name (a decision names a handful; this only bounds the file). */
export const IMPORT_OWNERS_MAX = 200;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
/** A time in a file: whole ms since the epoch, 1970 to TIME_MAX_MS, so that every export can write it. */
const epochMs = z
  .number({ error: 'must be a time in milliseconds since the epoch' })
  .min(0, 'must not be before 1970')
  .max(TIME_MAX_MS, 'must be before the year 10000')
  .int('must be whole milliseconds since the epoch');
/** Card and decision ids: what `randomId` makes, with room for ids written by other clients (as `ItemIdParam`). */
const itemId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -');
const isoDay = z.string().refine(isIsoDate, 'must be a real date as YYYY-MM-DD');

/**
 * An action item as exported: what people set (`personStatus`) travels with the board. Validated like any
 * other input: ids by pattern (and matching their source), strings within the board's limits, real dates
 * and times every export can write.
 */
export const ExportedActionItem = z
  .object({
    id: z.string().regex(/^(?:dec|need):[A-Za-z0-9_-]{1,64}$/, 'must be dec:<decision id> or need:<card id>'),
    kind: z.enum(['decision', 'need']),
    cardId: itemId,
    column: z.enum(COLUMNS),
    cardTitle: text(LIMITS.shortText),
    decisionId: itemId.nullable(),
    text: text(LIMITS.longText),
    owners: z.array(text(LIMITS.shortText)).max(IMPORT_OWNERS_MAX, `must name at most ${IMPORT_OWNERS_MAX} owners`),
    due: isoDay.nullable(),
    dueText: text(LIMITS.longText),
    dueFlag: z.enum(DUE_FLAGS).nullable(),
    decidedBy: text(LIMITS.name),
    boardStatus: z.enum(['open', 'done']),
    personStatus: z.enum(ACTION_STATUSES).nullable(),
    present: z.boolean(),
    status: z.enum(ACTION_STATUSES),
    createdAt: epochMs,
    updatedAt: epochMs,
  })
  .superRefine((a, ctx) => {
    // The id is derived from the source (shared/decisions.ts): one that is not would never match it again.
    const expected = a.kind === 'decision' ? `dec:${a.decisionId}` : `need:${a.cardId}`;
    if (a.id !== expected || (a.kind === 'need' && a.decisionId !== null)) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: `must be ${a.kind === 'decision' ? 'dec:<decisionId>' : 'need:<cardId>'} of the same item` });
    }
  });
export type ExportedActionItem = z.infer<typeof ExportedActionItem>;

/** A whole board in one JSON file (`npm run board -- export`, `GET /api/boards/:id/export`). */
export const BoardExport = z.object({
  format: z.literal(EXPORT_FORMAT, { error: `format must be "${EXPORT_FORMAT}" (is this a Meshboard board export?)` }),
  version: z.literal(EXPORT_VERSION, { error: `version must be ${EXPORT_VERSION}; this server reads version ${EXPORT_VERSION} exports` }),
  board: z.object({
    id: z.string().regex(BOARD_ID_PATTERN, 'must be 6–64 letters, digits, _ or -'),
    title: text(LIMITS.title),
    createdAt: epochMs,
  }),
  /** The Yjs document state (`Y.encodeStateAsUpdate`), base64. */
  document: base64,
  actionItems: z.array(ExportedActionItem).max(100_000),
  versions: z.array(z.object({ name: text(LIMITS.title), createdAt: epochMs, by: text(LIMITS.name).optional(), document: base64 })).max(10_000),
  exportedAt: epochMs,
});
export type BoardExport = z.infer<typeof BoardExport>;
