/**
 * Team memory and the series report: the decision log, the tagged cards ("what we learned") and the figures
 * of a period, as `/api/series/:id/decisions`, `/memory` and `/report` answer them (docs/api.md). Every figure
 * is computed by the server from its stored records (server/series/report.ts); nothing here is typed in.
 */
import { z } from 'zod';
import { ACTION_STATUSES } from './action-extraction.js';
import { CARD_TAGS, CHALLENGE_STATUSES, COLUMNS, isIsoDate, LIMITS, NEED_STATUSES } from './board-schema.js';
import { YEAR_RANGE } from './cadence.js';

const day = z
  .string()
  .trim()
  .refine((s) => isIsoDate(s), 'must be a real date as YYYY-MM-DD')
  .refine((s) => Number(s.slice(0, 4)) >= YEAR_RANGE[0] && Number(s.slice(0, 4)) <= YEAR_RANGE[1], `must be in the years ${YEAR_RANGE[0]}–${YEAR_RANGE[1]}`);
const token = z.string().optional();
/** A period's end may not come before its start. */
const ordered = (q: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
};

/** Query of the decision log; every filter is optional (strings as they come in a URL). */
export const DecisionLogQuery = z
  .strictObject({
    /** Who decided, owns an item of it, or proposed it (case-insensitive, whole name or part of it). */
    person: z.string().trim().min(1, 'must not be empty').max(LIMITS.name).optional(),
    /** Text in the decision or in its card's headline (case-insensitive). */
    q: z.string().trim().min(1, 'must not be empty').max(200).optional(),
    /** Meeting days, inclusive. */
    from: day.optional(),
    to: day.optional(),
    token,
  })
  .superRefine(ordered);
export type DecisionLogQuery = z.infer<typeof DecisionLogQuery>;

export const MemoryQuery = z.strictObject({ tag: z.enum(CARD_TAGS, { error: `tag must be one of ${CARD_TAGS.join(', ')}` }).optional(), token });
export type MemoryQuery = z.infer<typeof MemoryQuery>;

/** The period of a report, meeting days inclusive; without one, the whole series. */
export const ReportQuery = z.strictObject({ from: day.optional(), to: day.optional(), token }).superRefine(ordered);
export type ReportQuery = z.infer<typeof ReportQuery>;

export const REPORT_FORMATS = ['json', 'csv', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

// ---- answers ------------------------------------------------------------------------------------------------

const epochMs = z.number();
const meetingRef = { seq: z.number().int(), date: z.string() };

export const DecisionEntrySchema = z.object({
  decisionId: z.string(),
  text: z.string(),
  decidedBy: z.string(),
  /** The card's author; on a challenge, the author of the proposal the decision took up, when one matches. */
  proposedBy: z.string(),
  /** People seated in that meeting. */
  attendees: z.array(z.string()),
  ...meetingRef,
  boardId: z.string(),
  cardId: z.string(),
  column: z.enum(COLUMNS),
  cardHeadline: z.string(),
  createdAt: epochMs,
  /** Its action item, when the server has one. */
  action: z.object({ status: z.enum(ACTION_STATUSES), owners: z.array(z.string()), due: z.string().nullable(), doneAt: epochMs.nullable() }).nullable(),
});
export type DecisionEntry = z.infer<typeof DecisionEntrySchema>;
export const DecisionLogResponseSchema = z.object({ seriesId: z.string(), decisions: z.array(DecisionEntrySchema) });
export type DecisionLogResponse = z.infer<typeof DecisionLogResponseSchema>;

export const MemoryEntrySchema = z.object({
  /** The id the card started as: one entry however many meetings it was carried through. */
  rootId: z.string(),
  tags: z.array(z.enum(CARD_TAGS)),
  column: z.enum(COLUMNS),
  headline: z.string(),
  /** The card's whole text: an agenda item's notes, a request, a challenge's problem. */
  body: z.string(),
  /** A request's or challenge's status; an agenda item's is `done` or `open`. */
  status: z.enum([...new Set([...NEED_STATUSES, ...CHALLENGE_STATUSES])] as [string, ...string[]]),
  createdBy: z.string(),
  /** The latest meeting it is on, and the first. */
  ...meetingRef,
  firstSeq: z.number().int(),
  boardId: z.string(),
  cardId: z.string(),
  /** Decisions recorded on it in any meeting, oldest first. */
  decisions: z.array(z.object({ text: z.string(), decidedBy: z.string(), seq: z.number().int(), createdAt: epochMs })),
});
export type MemoryEntry = z.infer<typeof MemoryEntrySchema>;
export const MemoryResponseSchema = z.object({ seriesId: z.string(), entries: z.array(MemoryEntrySchema) });
export type MemoryResponse = z.infer<typeof MemoryResponseSchema>;

const count = z.number().int().min(0);
export const SeriesReportSchema = z.object({
  seriesId: z.string(),
  name: z.string(),
  team: z.string(),
  timezone: z.string(),
  /** Meeting days, inclusive. */
  period: z.object({ from: z.string(), to: z.string() }),
  generatedAt: epochMs,
  meetings: z.object({ inPeriod: count, held: count, missed: count, endedAutomatically: count }),
  /**
   * Requests first raised in the period, each once however often it was carried; their state as the period's
   * boards last show it. `answered` = accepted + declined + done.
   */
  requests: z.object({
    made: count,
    answered: count,
    accepted: count,
    declined: count,
    done: count,
    open: count,
    /** From raising a request to its first answer (audit trail); null when none was answered. */
    medianHoursToAnswer: z.number().nullable(),
  }),
  /** Decisions recorded in the period's meetings, and their action items ("on time" = done by the end of the due day in the series' zone). */
  decisions: z.object({
    count,
    actionItems: z.object({ doneOnTime: count, doneLate: count, open: count, noDueDate: count, cancelled: count }),
  }),
  /** Opened = first raised in the period; resolved = resolved in one of its meetings; open = still open at its end. */
  challenges: z.object({
    opened: count,
    resolved: count,
    open: count,
    /** Handed to another series, where it carries on. */
    escalated: count,
    /** From raising a challenge to marking it resolved (audit trail); null when none was. */
    medianDaysToResolve: z.number().nullable(),
  }),
  attendance: z.array(z.object({ ...meetingRef, people: z.array(z.string()), count })),
  attendanceByPerson: z.array(z.object({ name: z.string(), meetings: count })),
});
export type SeriesReport = z.infer<typeof SeriesReportSchema>;

// ---- paths ------------------------------------------------------------------------------------------------

const page = (id: string, what: string) => `/s/${encodeURIComponent(id)}/${what}`;
export const decisionLogPath = (id: string): string => page(id, 'decisions');
export const memoryPath = (id: string): string => page(id, 'memory');
export const reportPath = (id: string): string => page(id, 'report');

/** The calendar quarter a day (`YYYY-MM-DD`) falls in, as its first and last day. */
export function quarterOf(date: string): { from: string; to: string } {
  const y = date.slice(0, 4);
  const q = Math.floor((Number(date.slice(5, 7)) - 1) / 3);
  const lastMonth = q * 3 + 3;
  const lastDay = new Date(Date.UTC(Number(y), lastMonth, 0)).getUTCDate();
  return { from: `${y}-${String(q * 3 + 1).padStart(2, '0')}-01`, to: `${y}-${String(lastMonth).padStart(2, '0')}-${lastDay}` };
}
