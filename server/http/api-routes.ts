import express, { type Request, type Response } from 'express';
import { CreateBoardBody, CreateCardBody, RotateLinkBody, UpdateBoardBody } from '../../shared/api-schemas.js';
import type { BoardResponse, CreateBoardResponse, CreateCardResponse, HealthResponse, RotateLinkResponse } from '../../shared/api-schemas.js';
import { ErrorCode } from '../../shared/errors.js';
import type { Role } from '../../shared/roles.js';
import { boardUrl, roleLinks, syncUrl } from '../../shared/urls.js';
import type { BoardService } from '../boards/board-service.js';
import type { BoardRegistry } from '../sync/board-registry.js';
import { type AccessControl, type AccessResult } from '../auth/access.js';
import { requestToken, requireRole } from './access-guard.js';
import { sendError, validateBody } from './errors.js';
import type { TemplateService } from '../templates/template-service.js';
import { clientAddress, type Limits } from '../limits/limits.js';

export interface ApiDeps {
  boards: BoardService;
  registry: BoardRegistry;
  access: AccessControl;
  version: string;
  publicUrl?: string;
  maxBodyBytes: number;
  /** Called after a role's link was replaced, to disconnect holders of the old one. */
  onLinkRotated(boardId: string, role: Role): void;
  /** Replaces a role's token of a board (and of its series) and returns the new one. */
  rotateLink(boardId: string, role: Role): Promise<string>;
  /** Templates a new board may start from (`template` in the body of POST /boards). */
  templates: Pick<TemplateService, 'get'>;
  limits: Limits;
}

/** The origin share links are built on: PUBLIC_URL if set, else what the browser used to reach us. */
export function requestOrigin(req: Request, publicUrl?: string): string {
  return publicUrl ? publicUrl.replace(/\/+$/, '') : `${req.protocol}://${req.get('host')}`;
}

/** Guard of every route that makes a board: the server's board-creation token, when it has one. */
export function mayCreateBoards(access: AccessControl): express.RequestHandler {
  return (req, res, next) => {
    if (access.mayCreateBoards(requestToken(req))) return next();
    res.setHeader('WWW-Authenticate', 'Bearer');
    sendError(res, 401, { code: ErrorCode.Unauthorized, message: 'creating boards on this server needs its board-creation token' });
  };
}

const access = (res: Response) => res.locals.access as Extract<AccessResult, { ok: true }>;

export function apiRouter(deps: ApiDeps): express.Router {
  const { boards, registry } = deps;
  const started = Date.now();
  const r = express.Router();
  const viewer = requireRole(deps.access, 'viewer');
  const participant = requireRole(deps.access, 'participant');
  const facilitator = requireRole(deps.access, 'facilitator');
  r.use(express.json({ limit: deps.maxBodyBytes }));

  r.get('/health', (_req, res) => {
    const body: HealthResponse = {
      ok: true,
      name: 'meshboard',
      version: deps.version,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      boardsLoaded: registry.loadedCount,
    };
    res.json(body);
  });

  r.post('/boards', validateBody(CreateBoardBody), mayCreateBoards(deps.access), deps.limits.guard('boardCreate', clientAddress), async (req, res) => {
    const { template: templateId, ...input } = res.locals.body as CreateBoardBody;
    const template = templateId === undefined ? undefined : await deps.templates.get(templateId);
    if (template === null) {
      return sendError(res, 400, {
        code: ErrorCode.BadRequest,
        message: `template: there is no template ${templateId} (see GET /api/templates)`,
        field: 'template',
      });
    }
    const { tokens, ...created } = await boards.create(input, template);
    const base = requestOrigin(req, deps.publicUrl);
    const links = roleLinks(base, created.id, tokens);
    const body: CreateBoardResponse = { ...created, url: links.facilitator, links, syncUrl: syncUrl(base) };
    res.status(201).location(`/api/boards/${created.id}`).json(body);
  });

  r.get('/boards/:id', viewer, async (req, res) => {
    const { boardId, role } = access(res);
    const view = await boards.view(boardId);
    if (!view) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'board not found' });
    const body: BoardResponse = { id: boardId, url: boardUrl(requestOrigin(req, deps.publicUrl), boardId), role, ...view };
    res.json(body);
  });

  r.patch('/boards/:id', participant, validateBody(UpdateBoardBody), async (_req, res) => {
    const { boardId, role } = access(res);
    const meta = await boards.update(boardId, res.locals.body as UpdateBoardBody, role);
    res.json({ id: boardId, meta });
  });

  r.delete('/boards/:id', facilitator, async (_req, res) => {
    await boards.delete(access(res).boardId);
    res.status(204).end();
  });

  r.post('/boards/:id/cards', participant, validateBody(CreateCardBody), async (_req, res) => {
    const card = await boards.addCard(access(res).boardId, res.locals.body as CreateCardBody, 'API', access(res).role);
    if (!card) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'board not found' });
    const body: CreateCardResponse = { card };
    res.status(201).json(body);
  });

  r.post('/boards/:id/links/rotate', facilitator, validateBody(RotateLinkBody), async (req, res) => {
    const { boardId } = access(res);
    const { role } = res.locals.body as RotateLinkBody;
    const token = await deps.rotateLink(boardId, role);
    deps.onLinkRotated(boardId, role);
    const body: RotateLinkResponse = { role, link: boardUrl(requestOrigin(req, deps.publicUrl), boardId, token) };
    res.json(body);
  });

  r.use((req, res) => sendError(res, 404, { code: ErrorCode.NotFound, message: `no such API route: ${req.method} ${req.baseUrl}${req.path}` }));
  return r;
}
