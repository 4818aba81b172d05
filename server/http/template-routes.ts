/**
 * Board templates over REST (docs/api.md "Templates"): the list for the create form, the templates saved
 * from a board for the holders of its links, and "save this board as a template" for a board's facilitator.
 * Creating a board from a template is `POST /api/boards`.
 */
import express, { type Response } from 'express';
import { describeZodError } from '../../shared/api-schemas.js';
import { ErrorCode } from '../../shared/errors.js';
import { SaveTemplateBody, TemplateListQuery, type SaveTemplateResponse, type TemplateListResponse } from '../../shared/templates.js';
import { type AccessControl, type AccessResult } from '../auth/access.js';
import { requireRole } from './access-guard.js';
import type { Limits } from '../limits/limits.js';
import type { TemplateService } from '../templates/template-service.js';
import { sendError, validateBody } from './errors.js';

export interface TemplateRouteDeps {
  templates: TemplateService;
  access: AccessControl;
  maxBodyBytes: number;
  /** `templateSave`: saves per source board. */
  limits: Limits;
}

const boardOf = (res: Response) => (res.locals.access as Extract<AccessResult, { ok: true }>).boardId;

export function templateRouter(deps: TemplateRouteDeps): express.Router {
  const r = express.Router();
  const viewer = requireRole(deps.access, 'viewer');
  const facilitator = requireRole(deps.access, 'facilitator');
  const json = express.json({ limit: deps.maxBodyBytes });

  // Names and descriptions only; a template's cards reach a board only through POST /api/boards. Saved
  // templates are listed only by the ids the caller already holds (`?saved=`), never all of them.
  r.get('/templates', async (req, res) => {
    const query = TemplateListQuery.safeParse({ ...req.query });
    if (!query.success) {
      const { message, field } = describeZodError(query.error);
      return sendError(res, 400, { code: ErrorCode.BadRequest, message: message.replace(/^unknown field/, 'unknown query parameter'), field });
    }
    const body: TemplateListResponse = { templates: await deps.templates.list(query.data.saved) };
    res.json(body);
  });

  r.get('/boards/:id/templates', viewer, async (_req, res) => {
    const body: TemplateListResponse = { templates: await deps.templates.listSaved({ kind: 'board', boardId: boardOf(res) }) };
    res.json(body);
  });

  r.post(
    '/boards/:id/template',
    facilitator,
    json,
    validateBody(SaveTemplateBody),
    deps.limits.guard('templateSave', (_req, res) => boardOf(res)),
    async (_req, res) => {
      const saved = await deps.templates.saveFromBoard(boardOf(res), res.locals.body as SaveTemplateBody);
      if (saved.ok) {
        const body: SaveTemplateResponse = { template: saved.template };
        return res.status(201).json(body);
      }
      switch (saved.reason) {
        case 'no_board':
          return sendError(res, 404, { code: ErrorCode.NotFound, message: 'board not found' });
        case 'too_large':
          return sendError(res, 413, {
            code: ErrorCode.PayloadTooLarge,
            message: `this board is too large to save as a template (${kib(saved.bytes)} KiB of text; at most ${kib(saved.maxBytes)} KiB): shorten its notes or remove cards first`,
          });
        case 'board_full':
          return sendError(res, 409, {
            code: ErrorCode.PreconditionFailed,
            message: `this board already has ${saved.max} saved templates, the most one board may keep`,
          });
      }
    },
  );

  return r;
}

const kib = (bytes: number) => Math.ceil(bytes / 1024);
