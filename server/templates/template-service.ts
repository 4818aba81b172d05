/**
 * Board templates: the ones shipped with the server (`server/templates/*.json`, read and validated once at
 * start; an invalid file stops the server with its name and the problem) and the ones teams saved from
 * their boards (`TemplateStore`). Shipped ids are slugs; saved ids are random, so they never collide.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBoard } from '../../shared/board-schema.js';
import { randomId } from '../../shared/ids.js';
import { BoardTemplate, summarizeTemplate, templateFromBoard, type SaveTemplateBody, type TemplateSummary } from '../../shared/templates.js';
import type { BoardRegistry } from '../sync/board-registry.js';
import type { TemplateStore } from './template-store.js';

/** The directory of the shipped template files (this module's own). */
export const SHIPPED_TEMPLATES_DIR = path.dirname(fileURLToPath(import.meta.url));

/** How the shipped templates are offered: the weekly sync first; files not named here follow by name. */
const SHIPPED_ORDER = ['weekly-sync', 'retrospective', 'lean-coffee'];
const rank = (id: string) => (SHIPPED_ORDER.includes(id) ? SHIPPED_ORDER.indexOf(id) : SHIPPED_ORDER.length);

/** Reads and validates every `*.json` in `dir` (offered in `SHIPPED_ORDER`). Throws naming the first bad file. */
export function loadShippedTemplates(dir: string = SHIPPED_TEMPLATES_DIR): BoardTemplate[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const out: BoardTemplate[] = [];
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (err) {
      throw new Error(`template ${file} is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = BoardTemplate.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`template ${file} is invalid: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
    }
    if (out.some((t) => t.id === parsed.data.id)) throw new Error(`template ${file} repeats the id ${parsed.data.id}`);
    out.push(parsed.data);
  }
  return out.sort((x, y) => rank(x.id) - rank(y.id) || x.id.localeCompare(y.id));
}

export class TemplateService {
  readonly #shipped: BoardTemplate[];

  constructor(
    private readonly store: TemplateStore,
    private readonly registry: BoardRegistry,
    shipped: BoardTemplate[] = loadShippedTemplates(),
  ) {
    this.#shipped = shipped;
  }

  /** Shipped templates first (in file order), then the saved ones, newest first. */
  async list(): Promise<TemplateSummary[]> {
    const saved = await this.store.list();
    return [...this.#shipped.map((t) => summarizeTemplate(t, 'shipped')), ...saved.map((s) => summarizeTemplate(s.template, 'saved'))];
  }

  /** The template with this id, or null when there is none. */
  async get(id: string): Promise<BoardTemplate | null> {
    return this.#shipped.find((t) => t.id === id) ?? (await this.store.get(id))?.template ?? null;
  }

  /** Saves the live board's structure as a new template; null when there is no such board. */
  async saveFromBoard(boardId: string, body: SaveTemplateBody): Promise<TemplateSummary | null> {
    const view = await this.registry.withBoard(boardId, (board) => readBoard(board.doc));
    if (!view) return null;
    // Validated like a shipped file, so a saved template can always be used again.
    const template = BoardTemplate.parse(templateFromBoard(view, { id: randomId(12), name: body.name, description: body.description }));
    await this.store.save({ template, sourceBoardId: boardId, createdAt: Date.now() });
    return summarizeTemplate(template, 'saved');
  }
}
