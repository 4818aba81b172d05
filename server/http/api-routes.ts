import express, { type Request, type Response } from 'express';
import { CreateBoardBody, CreateCardBody, UpdateBoardBody } from '../../shared/api-schemas.js';
import type { BoardResponse, CreateBoardResponse, CreateCardResponse, HealthResponse } from '../../shared/api-schemas.js';
import { ErrorCode } from '../../shared/errors.js';
import { isBoardId } from '../../shared/ids.js';
import type { BoardService } from '../boards/board-service.js';
import type { BoardRegistry } from '../sync/board-registry.js';
import { sendError, validateBody } from './errors.js';
import { SYNC_PATH } from '../sync/ws-endpoint.js';

export interface ApiDeps {
  boards: BoardService;
  registry: BoardRegistry;
  version: string;
  publicUrl?: string;
  maxBodyBytes: number;
}

const notFound = (res: Response) => sendError(res, 404, { code: ErrorCode.NotFound, message: 'board not found' });

/** The origin share links are built on: PUBLIC_URL if set, else what the browser used to reach us. */
function origin(req: Request, publicUrl?: string): string {
  return publicUrl ? publicUrl.replace(/\/+$/, '') : `${req.protocol}://${req.get('host')}`;
}

export function boardLinks(base: string, id: string) {
  return { board: `${base}/b/${id}`, sync: `${base.replace(/^http/, 'ws')}${SYNC_PATH}` };
}

export function apiRouter(deps: ApiDeps): express.Router {
  const { boards, registry } = deps;
  const started = Date.now();
  const r = express.Router();
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

  r.post('/boards', validateBody(CreateBoardBody), async (req, res) => {
    const created = await boards.create(res.locals.body as CreateBoardBody);
    const links = boardLinks(origin(req, deps.publicUrl), created.id);
    const body: CreateBoardResponse = { ...created, url: links.board, links };
    res.status(201).location(`/api/boards/${created.id}`).json(body);
  });

  r.get('/boards/:id', async (req, res) => {
    const id = req.params.id;
    const view = isBoardId(id) ? await boards.view(id) : null;
    if (!view) return notFound(res);
    const body: BoardResponse = { id, url: boardLinks(origin(req, deps.publicUrl), id).board, ...view };
    res.json(body);
  });

  r.patch('/boards/:id', validateBody(UpdateBoardBody), async (req, res) => {
    const id = req.params.id as string;
    const meta = isBoardId(id) ? await boards.update(id, res.locals.body as UpdateBoardBody) : null;
    if (!meta) return notFound(res);
    res.json({ id, meta });
  });

  r.delete('/boards/:id', async (req, res) => {
    const id = req.params.id;
    if (!isBoardId(id) || !(await boards.delete(id))) return notFound(res);
    res.status(204).end();
  });

  r.post('/boards/:id/cards', validateBody(CreateCardBody), async (req, res) => {
    const id = req.params.id as string;
    const card = isBoardId(id) ? await boards.addCard(id, res.locals.body as CreateCardBody, 'API') : null;
    if (!card) return notFound(res);
    const body: CreateCardResponse = { card };
    res.status(201).json(body);
  });

  r.use((req, res) => sendError(res, 404, { code: ErrorCode.NotFound, message: `no such API route: ${req.method} ${req.baseUrl}${req.path}` }));
  return r;
}
