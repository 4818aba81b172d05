/**
 * Storage of the templates teams saved from their boards (the shipped ones are files, see
 * server/templates/template-service.ts); SQLite implementation: sqlite-template-store.ts. Saved templates
 * are not tied to the board they came from: deleting that board keeps them.
 */
import type { BoardTemplate, TemplateSummary } from '../../shared/templates.js';

export interface SavedTemplate {
  template: BoardTemplate;
  sourceBoardId: string | null;
  createdAt: number;
}

/**
 * Which saved templates a list shows — never all of them: those whose ids the caller holds, or those saved
 * from one board (for the holders of its links). A series of boards will be one more kind.
 */
export type TemplateScope = { kind: 'ids'; ids: readonly string[] } | { kind: 'board'; boardId: string };

export type SaveResult = { ok: true } | { ok: false; reason: 'board_full' };

export interface TemplateStore {
  /** Stores `entry` unless its source board already has `maxPerBoard` saved templates. */
  save(entry: SavedTemplate, bounds: { maxPerBoard: number }): Promise<SaveResult>;
  get(id: string): Promise<SavedTemplate | null>;
  /** Summaries of the templates in `scope`, newest first. */
  list(scope: TemplateScope): Promise<TemplateSummary[]>;
}
