/**
 * Board templates over REST (docs/api.md "Templates"): the list for the create form, and "save this board
 * as a template" for a board's facilitator. Creating a board from a template is `POST /api/boards`.
 */
import express from 'express';
import { ErrorCode } from '../../shared/errors.js';
import { SaveTemplateBody, type SaveTemplateResponse, type TemplateListResponse } from '../../shared/templates.js';
import { requireRole, type AccessControl, type AccessResult } from '../auth/access.js';
import type { TemplateService } from '../templates/template-service.js';
import { sendError, validateBody } from './errors.js';

export interface TemplateRouteDeps {
  templates: TemplateService;
  access: AccessControl;
  maxBodyBytes: number;
}

export function templateRouter(deps: TemplateRouteDeps): express.Router {
  const r = express.Router();
  const facilitator = requireRole(deps.access, 'facilitator');
  const json = express.json({ limit: deps.maxBodyBytes });

  // Names and descriptions only; a template's cards reach a board only through POST /api/boards.
  r.get('/templates', async (_req, res) => {
    const body: TemplateListResponse = { templates: await deps.templates.list() };
    res.json(body);
  });

  r.post('/boards/:id/template', facilitator, json, validateBody(SaveTemplateBody), async (_req, res) => {
    const { boardId } = res.locals.access as Extract<AccessResult, { ok: true }>;
    const template = await deps.templates.saveFromBoard(boardId, res.locals.body as SaveTemplateBody);
    if (!template) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'board not found' });
    const body: SaveTemplateResponse = { template };
    res.status(201).json(body);
  });

  return r;
}
