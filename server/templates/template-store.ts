/**
 * Storage of the templates teams saved from their boards (the shipped ones are files, see
 * template-service.ts). Each row holds the template as JSON, validated again when read.
 */
import type Database from 'better-sqlite3';
import { BoardTemplate } from '../../shared/templates.js';

export interface SavedTemplate {
  template: BoardTemplate;
  sourceBoardId: string | null;
  createdAt: number;
}

export interface TemplateStore {
  save(entry: SavedTemplate): Promise<void>;
  get(id: string): Promise<SavedTemplate | null>;
  /** Newest first. */
  list(): Promise<SavedTemplate[]>;
}

type Row = { id: string; data: string; source_board_id: string | null; created_at: number };

export class SqliteTemplateStore implements TemplateStore {
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#stmt = {
      insert: db.prepare('INSERT INTO board_templates (id, name, data, source_board_id, created_at) VALUES (?, ?, ?, ?, ?)'),
      get: db.prepare<[string], Row>('SELECT id, data, source_board_id, created_at FROM board_templates WHERE id = ?'),
      list: db.prepare<[], Row>('SELECT id, data, source_board_id, created_at FROM board_templates ORDER BY created_at DESC, id'),
    };
  }

  async save({ template, sourceBoardId, createdAt }: SavedTemplate): Promise<void> {
    this.#stmt.insert.run(template.id, template.name, JSON.stringify(template), sourceBoardId, createdAt);
  }

  async get(id: string): Promise<SavedTemplate | null> {
    const row = this.#stmt.get.get(id);
    return row ? fromRow(row) : null;
  }

  async list(): Promise<SavedTemplate[]> {
    return this.#stmt.list.all().flatMap((row) => fromRow(row) ?? []);
  }
}

/** A row whose JSON no longer validates (written by a future version, edited by hand) is left out. */
function fromRow(row: Row): SavedTemplate | null {
  let json: unknown;
  try {
    json = JSON.parse(row.data);
  } catch {
    return null;
  }
  const parsed = BoardTemplate.safeParse(json);
  return parsed.success ? { template: parsed.data, sourceBoardId: row.source_board_id, createdAt: row.created_at } : null;
}
