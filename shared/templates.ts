/**
 * Board templates: what a new board starts with. Shipped templates are JSON files in `server/templates/`
 * (validated with `BoardTemplate` when the server starts) and offered to everyone; a team's own templates
 * are saved from a board (`templateFromBoard`), kept in the store, and reached only through their id, which
 * is an unguessable capability (docs/security.md). A template holds the board's structure — title, purpose
 * and cards with their text, owners and timeboxes — never what a meeting produced (decisions, statuses, votes).
 */
import { z } from 'zod';
import { LIMITS, type BoardView, type NewCard } from './board-schema.js';

const trimmed = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const required = (max: number) => trimmed(max).min(1, 'must not be empty');

/**
 * Ids of shipped templates are lowercase slugs (`weekly-sync`); saved ones are random: 144 bits in base64url
 * (24 characters) since saved templates became capabilities, 12 characters before.
 */
export const TEMPLATE_ID_PATTERN = /^[A-Za-z0-9_-]{2,64}$/;
export const TemplateId = z.string().trim().regex(TEMPLATE_ID_PATTERN, 'must be a template id from GET /api/templates');

export const TEMPLATE_LIMITS = {
  name: 80,
  description: 500,
  cardsPerColumn: 100,
  /** Largest saved template, bytes of its JSON. */
  savedBytes: 256 * 1024,
  /** Saved templates kept per source board; saving more is refused. */
  savedPerBoard: 50,
  /** Saved-template ids one `GET /api/templates?saved=` may ask about. */
  idsPerList: 50,
} as const;

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

/**
 * Query of `GET /api/templates`: `saved` = comma-separated ids of saved templates the caller holds (at most
 * `TEMPLATE_LIMITS.idsPerList`); without it only the shipped templates are listed.
 */
export const TemplateListQuery = z.strictObject({
  saved: z
    .string({ error: 'saved must be one comma-separated list of template ids' })
    .transform((s) => [
      ...new Set(
        s
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(
      z
        .array(z.string().regex(TEMPLATE_ID_PATTERN, 'must hold template ids (letters, digits, - and _)'))
        .max(TEMPLATE_LIMITS.idsPerList, `must name at most ${TEMPLATE_LIMITS.idsPerList} templates`),
    )
    .optional(),
});
export type TemplateListQuery = z.infer<typeof TemplateListQuery>;

/** `POST /api/boards/:id/template`: saves the board's structure as a template (facilitator link). */
export const SaveTemplateBody = z.strictObject({
  name: required(TEMPLATE_LIMITS.name),
  description: trimmed(TEMPLATE_LIMITS.description).optional(),
});
export type SaveTemplateBody = z.infer<typeof SaveTemplateBody>;

/**
 * The saved template. Its `id` is the only key to it (nobody else is shown it, except holders of the source
 * board's links): whoever saved it keeps it to list it (`GET /api/templates?saved=`) and to start boards from it.
 */
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
