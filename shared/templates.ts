/**
 * Board templates: what a new board starts with. Shipped templates are JSON files in `server/templates/`
 * (validated with `BoardTemplate` when the server starts); a team's own templates are saved from a board
 * (`templateFromBoard`) and kept in the store. A template holds the board's structure — title, purpose and
 * cards with their text, owners and timeboxes — never what a meeting produced (decisions, statuses, votes).
 */
import { z } from 'zod';
import { LIMITS, type BoardView, type NewCard } from './board-schema.js';

const trimmed = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const required = (max: number) => trimmed(max).min(1, 'must not be empty');

/** Ids of shipped templates are lowercase slugs (`weekly-sync`); saved ones are random ids. */
export const TEMPLATE_ID_PATTERN = /^[A-Za-z0-9_-]{2,64}$/;
export const TemplateId = z.string().trim().regex(TEMPLATE_ID_PATTERN, 'must be a template id from GET /api/templates');

export const TEMPLATE_LIMITS = { name: 80, description: 500, cardsPerColumn: 100 } as const;

export const TemplateAgendaCard = z.strictObject({
  title: required(LIMITS.shortText),
  owner: trimmed(LIMITS.name).optional(),
  /** Minutes. */
  timebox: z.number().int('must be whole minutes').min(1).max(LIMITS.timeboxMinutes).nullable().optional(),
  /** Prompts for the notes field; people type under them. */
  notes: trimmed(LIMITS.longText).optional(),
});
export const TemplateNeedCard = z.strictObject({
  asker: trimmed(LIMITS.name).optional(),
  addressee: trimmed(LIMITS.name).optional(),
  what: required(LIMITS.longText),
});
export const TemplateChallengeCard = z.strictObject({
  problem: required(LIMITS.longText),
});

export const TemplateCards = z.strictObject({
  agenda: z.array(TemplateAgendaCard).max(TEMPLATE_LIMITS.cardsPerColumn).default([]),
  needs: z.array(TemplateNeedCard).max(TEMPLATE_LIMITS.cardsPerColumn).default([]),
  challenges: z.array(TemplateChallengeCard).max(TEMPLATE_LIMITS.cardsPerColumn).default([]),
});
export type TemplateCards = z.infer<typeof TemplateCards>;

/** A template as stored: a shipped JSON file, or a team's saved board. */
export const BoardTemplate = z.strictObject({
  id: TemplateId,
  name: required(TEMPLATE_LIMITS.name),
  description: trimmed(TEMPLATE_LIMITS.description).default(''),
  /** Suggested board title (the create form offers it). */
  title: required(LIMITS.title),
  purpose: trimmed(LIMITS.purpose).default(''),
  cards: TemplateCards,
});
export type BoardTemplate = z.infer<typeof BoardTemplate>;

export const TEMPLATE_SOURCES = ['shipped', 'saved'] as const;
export type TemplateSource = (typeof TEMPLATE_SOURCES)[number];

/** One entry of `GET /api/templates`. */
export interface TemplateSummary {
  id: string;
  name: string;
  description: string;
  /** `shipped` with the server, or `saved` from a team's board. */
  source: TemplateSource;
  /** Suggested board title and purpose, for the create form. */
  title: string;
  purpose: string;
  /** Cards per column, so a picker can say what is inside. */
  counts: { agenda: number; needs: number; challenges: number };
  /** Total minutes of the agenda's timeboxes (0 when none are set). */
  minutes: number;
}

export interface TemplateListResponse {
  templates: TemplateSummary[];
}

/** `POST /api/boards/:id/template`: saves the board's structure as a template (facilitator link). */
export const SaveTemplateBody = z.strictObject({
  name: required(TEMPLATE_LIMITS.name),
  description: trimmed(TEMPLATE_LIMITS.description).optional(),
});
export type SaveTemplateBody = z.infer<typeof SaveTemplateBody>;

export interface SaveTemplateResponse {
  template: TemplateSummary;
}

export function summarizeTemplate(tpl: BoardTemplate, source: TemplateSource): TemplateSummary {
  return {
    id: tpl.id,
    name: tpl.name,
    description: tpl.description,
    source,
    title: tpl.title,
    purpose: tpl.purpose,
    counts: { agenda: tpl.cards.agenda.length, needs: tpl.cards.needs.length, challenges: tpl.cards.challenges.length },
    minutes: tpl.cards.agenda.reduce((sum, c) => sum + (c.timebox ?? 0), 0),
  };
}

/** The cards a template puts on a new board, in column order, ready for `createCard`. */
export function templateCards(tpl: Pick<BoardTemplate, 'cards'>): NewCard[] {
  return [
    ...tpl.cards.agenda.map((c): NewCard => ({ column: 'agenda', title: c.title, owner: c.owner ?? '', timebox: c.timebox ?? null, notes: c.notes ?? '' })),
    ...tpl.cards.needs.map((c): NewCard => ({ column: 'needs', asker: c.asker ?? '', addressee: c.addressee ?? '', what: c.what })),
    ...tpl.cards.challenges.map((c): NewCard => ({ column: 'challenges', problem: c.problem })),
  ];
}

const clip = (s: string, max: number) => s.trim().slice(0, max);

/**
 * A board's structure as a template: agenda items with title, owner, timebox and notes; requests with who
 * asks whom for what; challenges with their problem. Left behind: decisions, statuses, done marks,
 * proposals and votes — what one meeting made of the board. Cards with no text are skipped.
 */
export function templateFromBoard(view: BoardView, meta: { id: string; name: string; description?: string }): BoardTemplate {
  return {
    id: meta.id,
    name: clip(meta.name, TEMPLATE_LIMITS.name),
    description: clip(meta.description ?? '', TEMPLATE_LIMITS.description),
    title: clip(view.meta.title, LIMITS.title) || meta.name,
    purpose: clip(view.meta.purpose, LIMITS.purpose),
    cards: {
      agenda: view.columns.agenda
        .filter((c) => c.title.trim())
        .slice(0, TEMPLATE_LIMITS.cardsPerColumn)
        .map((c) => ({
          title: clip(c.title, LIMITS.shortText),
          ...(c.owner.trim() ? { owner: clip(c.owner, LIMITS.name) } : {}),
          timebox: c.timebox !== null && c.timebox >= 1 && c.timebox <= LIMITS.timeboxMinutes ? Math.round(c.timebox) : null,
          ...(c.notes.trim() ? { notes: clip(c.notes, LIMITS.longText) } : {}),
        })),
      needs: view.columns.needs
        .filter((c) => c.what.trim())
        .slice(0, TEMPLATE_LIMITS.cardsPerColumn)
        .map((c) => ({ asker: clip(c.asker, LIMITS.name), addressee: clip(c.addressee, LIMITS.name), what: clip(c.what, LIMITS.longText) })),
      challenges: view.columns.challenges
        .filter((c) => c.problem.trim())
        .slice(0, TEMPLATE_LIMITS.cardsPerColumn)
        .map((c) => ({ problem: clip(c.problem, LIMITS.longText) })),
    },
  };
}
