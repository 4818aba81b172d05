/**
 * Board templates: the ones shipped with the server (`server/templates/*.json`, read and validated once at
 * start; an invalid file stops the server with its name and the problem) and the ones teams saved from
 * their boards (`TemplateStore`). Shipped ids are slugs; a saved template's id is 144 random bits and the
 * only key to it: shipped templates are offered to everyone, a saved one only to who holds its id (or a link
 * of the board it was saved from).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBoard } from '../../shared/board-schema.js';
import { randomBytes } from 'node:crypto';
import { BoardTemplate, summarizeTemplate, TEMPLATE_LIMITS, templateFromBoard, type SaveTemplateBody, type TemplateSummary } from '../../shared/templates.js';
import type { BoardRegistry } from '../sync/board-registry.js';
import type { TemplateScope, TemplateStore } from '../store/template-store.js';

/** The directory of the shipped template files (this module's own). */
export const SHIPPED_TEMPLATES_DIR = path.dirname(fileURLToPath(import.meta.url));

/** How the shipped templates are offered: the weekly sync first; files not named here follow by name. */
const SHIPPED_ORDER = ['weekly-sync', 'retrospective', 'lean-coffee'];
const rank = (id: string) => (SHIPPED_ORDER.includes(id) ? SHIPPED_ORDER.indexOf(id) : SHIPPED_ORDER.length);

/** Reads and validates every `*.json` in `dir` (offered in `SHIPPED_ORDER`). Throws naming the first bad file. */
export function loadShippedTemplates(dir: string = SHIPPED_TEMPLATES_DIR): BoardTemplate[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const out: BoardTemplate[] = [];
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (err) {
      throw new Error(`template ${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
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

/** Why saving a template was refused, or the template saved. */
export type SaveTemplateOutcome =
  | { ok: true; template: TemplateSummary }
  | { ok: false; reason: 'no_board' }
  | { ok: false; reason: 'too_large'; bytes: number; maxBytes: number }
  | { ok: false; reason: 'board_full'; max: number };

/** A saved template's id: 18 random bytes, base64url (24 characters, 144 bits): a capability, not a name. */
const savedTemplateId = () => randomBytes(18).toString('base64url');

export class TemplateService {
  readonly #shipped: BoardTemplate[];
  readonly #shippedSummaries: TemplateSummary[];

  constructor(
    private readonly store: TemplateStore,
    private readonly registry: BoardRegistry,
    shipped: BoardTemplate[] = loadShippedTemplates(),
  ) {
    this.#shipped = shipped;
    this.#shippedSummaries = shipped.map((t) => summarizeTemplate(t, 'shipped'));
  }

  /** Shipped templates first (in file order), then the saved ones among `savedIds`, newest first. */
  async list(savedIds: readonly string[] = []): Promise<TemplateSummary[]> {
    return [...this.#shippedSummaries, ...(await this.listSaved({ kind: 'ids', ids: savedIds }))];
  }

  /** The saved templates in `scope` (never every saved template), newest first. */
  listSaved(scope: TemplateScope): Promise<TemplateSummary[]> {
    return this.store.list(scope);
  }

  /** The template with this id, or null when there is none. */
  async get(id: string): Promise<BoardTemplate | null> {
    return this.#shipped.find((t) => t.id === id) ?? (await this.store.get(id))?.template ?? null;
  }

  /**
   * Saves the live board's structure as a new template, bounded in size (`TEMPLATE_LIMITS.savedBytes`) and
   * in number per board (`TEMPLATE_LIMITS.savedPerBoard`). The summary's id is returned only here.
   */
  async saveFromBoard(boardId: string, body: SaveTemplateBody): Promise<SaveTemplateOutcome> {
    const view = await this.registry.withBoard(boardId, (board) => readBoard(board.doc));
    if (!view) return { ok: false, reason: 'no_board' };
    // Validated like a shipped file, so a saved template can always be used again.
    const template = BoardTemplate.parse(templateFromBoard(view, { id: savedTemplateId(), name: body.name, description: body.description }));
    const bytes = Buffer.byteLength(JSON.stringify(template));
    if (bytes > TEMPLATE_LIMITS.savedBytes) return { ok: false, reason: 'too_large', bytes, maxBytes: TEMPLATE_LIMITS.savedBytes };
    const saved = await this.store.save({ template, sourceBoardId: boardId, createdAt: Date.now() }, { maxPerBoard: TEMPLATE_LIMITS.savedPerBoard });
    if (!saved.ok) return { ok: false, reason: 'board_full', max: TEMPLATE_LIMITS.savedPerBoard };
    return { ok: true, template: summarizeTemplate(template, 'saved') };
  }
}
