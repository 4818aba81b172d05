/** The rows of saved templates as both engines return them, and the records they make. */
import { BoardTemplate, summarizeTemplate, type TemplateSummary } from '../../shared/templates.js';
import type { SavedTemplate } from './template-store.js';

export type TemplateRow = { id: string; data: string; source_board_id: string | null; created_at: number };
export type SummaryRow = {
  id: string;
  name: string;
  description: string;
  title: string;
  purpose: string;
  agenda_count: number;
  needs_count: number;
  challenges_count: number;
  minutes: number;
};

export const SUMMARY_COLUMNS = 'id, name, description, title, purpose, agenda_count, needs_count, challenges_count, minutes';

export const fromSummary = (r: SummaryRow): TemplateSummary => ({
  id: r.id,
  name: r.name,
  description: r.description,
  source: 'saved',
  title: r.title,
  purpose: r.purpose,
  counts: { agenda: r.agenda_count, needs: r.needs_count, challenges: r.challenges_count },
  minutes: r.minutes,
});

/** A row whose JSON no longer validates (written by a future version, edited by hand) starts no board. */
export function fromRow(row: TemplateRow): SavedTemplate | null {
  let json: unknown;
  try {
    json = JSON.parse(row.data);
  } catch {
    return null;
  }
  const parsed = BoardTemplate.safeParse(json);
  return parsed.success ? { template: parsed.data, sourceBoardId: row.source_board_id, createdAt: row.created_at } : null;
}

/** A saved template's values in the order both engines' inserts list the columns (id … created_at). */
export function templateValues({ template, sourceBoardId, createdAt }: SavedTemplate): unknown[] {
  const s = summarizeTemplate(template, 'saved');
  return [
    s.id,
    s.name,
    s.description,
    s.title,
    s.purpose,
    s.counts.agenda,
    s.counts.needs,
    s.counts.challenges,
    s.minutes,
    JSON.stringify(template),
    sourceBoardId,
    createdAt,
  ];
}
