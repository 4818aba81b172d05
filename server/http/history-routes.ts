/**
 * REST routes of versions (history), the audit trail, search, and board export/import. Handlers are thin:
 * access guard → zod validation of params, query and body → service → response.
 *
 * Mounted before the other `/api` routers, with its own body parsers per route: an import may be larger
 * than the usual body limit.
 */
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { describeZodError, type CreateBoardResponse } from '../../shared/api-schemas.js';
import { ErrorCode } from '../../shared/errors.js';
import {
  AuditQuery,
  CopyVersionBody,
  SaveVersionBody,
  SearchQuery,
  VersionIdParam,
  type AuditEntry,
  type AuditPageResponse,
  type RestoreVersionResponse,
  type SearchResponse,
  type SearchResult,
  type VersionListResponse,
  type VersionViewResponse,
} from '../../shared/history-schemas.js';
import type { Role, RoleLinks } from '../../shared/roles.js';
import { LIMITS } from '../../shared/board-schema.js';
import { type AccessControl, type AccessResult } from '../auth/access.js';
import { requireRole } from './access-guard.js';
import type { BoardService } from '../boards/board-service.js';
import type { BoardRegistry } from '../sync/board-registry.js';
import type { ActionService } from '../actions/action-service.js';
import { CSV_TYPE, csvTable, csvTime, slug } from '../actions/exports.js';
import type { HistoryService } from '../history/history-service.js';
import type { AuditStore } from '../store/audit-store.js';
import type { VersionStore } from '../store/version-store.js';
import type { Actor } from '../history/audit-service.js';
import { exportBoard, importBoard, ImportError, parseExport, type TransferDeps } from '../history/board-transfer.js';
import { searchActions, searchView } from '../history/search.js';
import { readBoard } from '../../shared/board-schema.js';
import { mayCreateBoards, requestOrigin } from './api-routes.js';
import { boardUrl, roleLinks, syncUrl } from '../../shared/urls.js';
import { clientAddress, refuse, type Limits } from '../limits/limits.js';
import { sendError, validateBody } from './errors.js';

export interface HistoryRouteDeps {
  history: HistoryService;
  auditStore: AuditStore;
  versions: VersionStore;
  actions: ActionService;
  boards: BoardService;
  registry: BoardRegistry;
  access: AccessControl;
  transfer: TransferDeps;
  publicUrl?: string;
  maxBodyBytes: number;
  /** Largest accepted import file, bytes. */
  maxImportBytes: number;
  /** Imports parsed at once; past it, 429 until one finishes. */
  importsAtOnce: number;
  limits: Limits;
}

const accessOf = (res: Response) => res.locals.access as Extract<AccessResult, { ok: true }>;

/** Optional body of restore: who is asking (display name), for the version list and the audit trail. */
export const ByBody = z.strictObject({ by: z.string().trim().min(1).max(LIMITS.name).optional() });
export const SaveBody = SaveVersionBody.extend({ by: z.string().trim().min(1).max(LIMITS.name).optional() });

/** Rows one CSV/JSON audit download carries at most. */
const AUDIT_EXPORT_MAX = 100_000;

/** Parses `req.query` with `schema`; on failure answers 400 naming the parameter and returns null. */
function parseQuery<S extends z.ZodType>(schema: S, req: Request, res: Response): z.infer<S> | null {
  const parsed = schema.safeParse({ ...req.query });
  if (parsed.success) return parsed.data;
  const { message, field } = describeZodError(parsed.error);
  sendError(res, 400, { code: ErrorCode.BadRequest, message: message.replace(/^unknown field/, 'unknown query parameter'), field });
  return null;
}

function parseVersionId(req: Request, res: Response): string | null {
  const id = VersionIdParam.safeParse(req.params.versionId);
  if (id.success) return id.data;
  sendError(res, 404, { code: ErrorCode.NotFound, message: 'no such version' });
  return null;
}

/** Who a REST caller is, for versions and the audit trail: the name they gave (or `rest`) and their role. */
const callerOf = (res: Response, by: string | undefined): Actor => ({ name: by ?? 'rest', role: accessOf(res).role });

export function historyRouter(deps: HistoryRouteDeps): express.Router {
  const { history, access } = deps;
  const r = express.Router();
  const viewer = requireRole(access, 'viewer');
  const participant = requireRole(access, 'participant');
  const facilitator = requireRole(access, 'facilitator');
  const json = express.json({ limit: deps.maxBodyBytes });
  /** Bodies are optional on restore and copy: an empty one is `{}`. */
  const optionalBody = (req: Request, res: Response, schema: z.ZodType): unknown => {
    const body = req.body === undefined || req.body === null ? {} : req.body;
    if (typeof body !== 'object' || Array.isArray(body)) {
      sendError(res, 400, { code: ErrorCode.BadRequest, message: 'the body must be a JSON object (Content-Type: application/json)' });
      return null;
    }
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    sendError(res, 400, { code: ErrorCode.BadRequest, ...describeZodError(parsed.error) });
    return null;
  };

  const links = (req: Request, id: string, tokens: Record<Role, string>): { url: string; links: RoleLinks; syncUrl: string } => {
    const base = requestOrigin(req, deps.publicUrl);
    const l = roleLinks(base, id, tokens);
    return { url: l.facilitator, links: l, syncUrl: syncUrl(base) };
  };

  // ---- versions ----------------------------------------------------------------------------------------------

  r.get('/boards/:id/versions', viewer, async (_req, res) => {
    const body: VersionListResponse = { versions: await history.list(accessOf(res).boardId) };
    res.json(body);
  });

  const versionLimit = deps.limits.guard('versionSave', (_req, res) => accessOf(res).boardId);
  r.post('/boards/:id/versions', participant, versionLimit, json, validateBody(SaveBody), async (_req, res) => {
    const { name, by } = res.locals.body as z.infer<typeof SaveBody>;
    const version = await history.save(accessOf(res).boardId, name, callerOf(res, by));
    if (!version) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'board not found' });
    res.status(201).json(version);
  });

  r.get('/boards/:id/versions/:versionId', viewer, async (req, res) => {
    const versionId = parseVersionId(req, res);
    if (!versionId) return;
    const { boardId } = accessOf(res);
    const found = await history.view(boardId, versionId);
    if (!found) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'no such version' });
    const body: VersionViewResponse = { id: boardId, url: boardUrl(requestOrigin(req, deps.publicUrl), boardId), ...found.board, version: found.version };
    res.json(body);
  });

  r.post('/boards/:id/versions/:versionId/restore', facilitator, json, async (req, res) => {
    const versionId = parseVersionId(req, res);
    if (!versionId) return;
    const body = optionalBody(req, res, ByBody) as z.infer<typeof ByBody> | null;
    if (!body) return;
    const out = await history.restore(accessOf(res).boardId, versionId, callerOf(res, body.by));
    if (!out.ok) return sendError(res, 404, { code: ErrorCode.NotFound, message: out.reason === 'version_not_found' ? 'no such version' : 'board not found' });
    const response: RestoreVersionResponse = { restored: out.restored, before: out.before, changed: out.changed };
    res.json(response);
  });

  const createLimit = deps.limits.guard('boardCreate', clientAddress);
  r.post('/boards/:id/versions/:versionId/copy', facilitator, createLimit, json, async (req, res) => {
    const versionId = parseVersionId(req, res);
    if (!versionId) return;
    const body = optionalBody(req, res, CopyVersionBody) as CopyVersionBody | null;
    if (!body) return;
    const found = await history.state(accessOf(res).boardId, versionId);
    if (!found) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'no such version' });
    const { tokens, ...created } = await deps.boards.createFromSnapshot(found.data, { title: body.title });
    const response: CreateBoardResponse = { ...created, ...links(req, created.id, tokens) };
    res.status(201).location(`/api/boards/${created.id}`).json(response);
  });

  // ---- audit ---------------------------------------------------------------------------------------------------

  const sendAudit = async (req: Request, res: Response, format: string | undefined) => {
    if (format !== undefined && format !== 'csv' && format !== 'json') {
      return sendError(res, 400, { code: ErrorCode.BadRequest, message: 'format must be one of csv, json', field: 'format' });
    }
    const q = parseQuery(AuditQuery, req, res);
    if (!q) return;
    const { boardId } = accessOf(res);
    const filter = { actor: q.actor, action: q.action, from: q.from, to: q.to, q: q.q };
    if (format === undefined) {
      const page = await deps.auditStore.query(boardId, { ...filter, limit: q.limit, before: q.cursor });
      const last = page.entries[page.entries.length - 1];
      const body: AuditPageResponse = { entries: page.entries, nextCursor: page.more && last ? String(last.id) : null };
      return res.json(body);
    }
    // A download carries the whole filtered trail (bounded), newest first.
    const all: AuditEntry[] = [];
    let before = q.cursor;
    for (;;) {
      const page = await deps.auditStore.query(boardId, { ...filter, limit: 500, before });
      all.push(...page.entries);
      if (!page.more || all.length >= AUDIT_EXPORT_MAX) break;
      before = page.entries[page.entries.length - 1].id;
    }
    const title = (await deps.boards.view(boardId))?.meta.title ?? 'board';
    res.attachment(`${slug(title)}-audit.${format}`);
    if (format === 'json') return res.type('application/json; charset=utf-8').send(JSON.stringify({ boardId, entries: all }, null, 2));
    res.type(CSV_TYPE).send(auditCsv(all));
  };

  r.get('/boards/:id/audit', viewer, (req, res) => sendAudit(req, res, undefined));
  r.get('/boards/:id/audit.:format', viewer, (req, res) => sendAudit(req, res, String(req.params.format)));

  // ---- search --------------------------------------------------------------------------------------------------

  r.get('/boards/:id/search', viewer, async (req, res) => {
    const q = parseQuery(SearchQuery, req, res);
    if (!q) return;
    const { boardId } = accessOf(res);
    const live = await deps.registry.withBoard(boardId, (board) => searchView(readBoard(board.doc), q.q));
    if (!live) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'board not found' });
    const results: SearchResult[] = [
      ...live,
      ...searchActions(await deps.actions.list(boardId), q.q),
      ...(await deps.versions.search(boardId, q.q, q.limit + 1)).map((v): SearchResult => ({ kind: 'version', text: v.name, at: v.createdAt })),
      ...(await deps.auditStore.query(boardId, { q: q.q, limit: q.limit + 1 })).entries.map((e): SearchResult => ({
        kind: 'audit',
        ...(e.cardId ? { cardId: e.cardId } : {}),
        text: `${e.actor}: ${e.summary}`,
        at: e.at,
      })),
    ];
    const body: SearchResponse = { q: q.q, results: results.slice(0, q.limit), truncated: results.length > q.limit };
    res.json(body);
  });

  // ---- export / import ------------------------------------------------------------------------------------------

  r.get('/boards/:id/export', facilitator, async (_req, res) => {
    const { boardId } = accessOf(res);
    const file = await exportBoard(deps.transfer, boardId);
    if (!file) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'board not found' });
    res.attachment(`${slug(file.board.title)}-board.json`);
    res.type('application/json; charset=utf-8').send(JSON.stringify(file));
  });

  // An import is parsed whole in memory (a few times its size): bounded in size and in how many at once.
  let importing = 0;
  const importSlot: express.RequestHandler = (_req, res, next) => {
    if (importing >= deps.importsAtOnce) return refuse(res, 5, 'the server is busy importing other boards; try again in a few seconds');
    importing++;
    let released = false;
    const release = () => {
      if (!released) importing--;
      released = true;
    };
    res.on('finish', release);
    res.on('close', release);
    next();
  };
  r.post('/boards/import', mayCreateBoards(access), createLimit, importSlot, express.json({ limit: deps.maxImportBytes }), async (req, res) => {
    try {
      const { tokens, ...created } = await importBoard(deps.transfer, parseExport(req.body));
      const response: CreateBoardResponse = { ...created, ...links(req, created.id, tokens) };
      res.status(201).location(`/api/boards/${created.id}`).json(response);
    } catch (err) {
      if (err instanceof ImportError)
        return sendError(res, 400, { code: ErrorCode.BadRequest, message: err.message, ...(err.field ? { field: err.field } : {}) });
      throw err;
    }
  });

  return r;
}

const AUDIT_CSV_HEADER = ['id', 'at', 'actor', 'role', 'action', 'card_id', 'field', 'summary'];

/**
 * The audit trail as RFC 4180 CSV, written like the action list (`csvTable`): every cell neutralised against
 * formula injection, line breaks inside a cell quoted. Actors are names clients chose; summaries quote card text.
 */
export function auditCsv(entries: readonly AuditEntry[]): string {
  return csvTable(
    AUDIT_CSV_HEADER,
    entries.map((e) => [String(e.id), csvTime(e.at), e.actor, e.role, e.action, e.cardId ?? '', e.field ?? '', e.summary]),
  );
}
