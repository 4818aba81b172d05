/**
 * Payload schemas and response types of the action-item API (REST and socket.io): decisions, status,
 * exports, summary, webhook. Validated on the server; the client uses the same schemas.
 */
import { z } from 'zod';
import { LIMITS, isIsoDate, type AgendaCard, type ChallengeCard, type Decision, type NeedCard } from './board-schema.js';
import { type DueFlag } from './decisions.js';
import { ACTION_STATUSES, type ActionItem } from './action-extraction.js';

export const EXPORT_FORMATS = ['json', 'md', 'csv', 'ics'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const ExportFormat = z.enum(EXPORT_FORMATS, { error: 'format must be one of json, md, csv, ics' });

/** Card and decision ids: what `randomId` makes, with room for ids written by other clients. */
export const ItemIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an id');
/** `dec:<decisionId>` or `need:<cardId>`. */
export const ActionIdParam = z.string().regex(/^(?:dec|need):[A-Za-z0-9_-]{1,64}$/, 'not an action item id');

export const CreateDecisionBody = z.strictObject({
  text: z.string().trim().min(1, 'must not be empty').max(LIMITS.longText, `must be at most ${LIMITS.longText} characters`),
  /** Comma-separated names; overrides owners read from the text. */
  owner: z.string().trim().max(LIMITS.shortText).optional(),
  /** `YYYY-MM-DD`; overrides a date read from the text. */
  due: z
    .string()
    .trim()
    .refine((s) => s === '' || isIsoDate(s), 'must be a real date as YYYY-MM-DD')
    .optional(),
});
export type CreateDecisionBody = z.infer<typeof CreateDecisionBody>;

/**
 * A change to an action item: its status (kept by the server), and corrections of its owner and due date,
 * which are written to its source on the board — the decision's explicit owners and date, a request's
 * addressee and "by when" — so the board, the summary and the item never disagree.
 */
export const UpdateActionBody = z
  .strictObject({
    status: z.enum(ACTION_STATUSES, { error: 'status must be one of open, done, cancelled, blocked' }).optional(),
    /** Comma-separated names; '' = the owners the decision's text names. A request has one: its addressee. */
    owner: z.string().trim().max(LIMITS.shortText, `must be at most ${LIMITS.shortText} characters`).optional(),
    /** `YYYY-MM-DD`; '' = the date the decision's text gives (a request then has none). */
    due: z
      .string()
      .trim()
      .refine((s) => s === '' || isIsoDate(s), 'must be a real date as YYYY-MM-DD')
      .optional(),
    /** The name the audit trail records the correction under (the role comes from the token). */
    by: z.string().trim().min(1).max(LIMITS.name).optional(),
  })
  .refine((b) => b.status !== undefined || b.owner !== undefined || b.due !== undefined, 'give a status, an owner or a due date');
export type UpdateActionBody = z.infer<typeof UpdateActionBody>;

export const WebhookBody = z.strictObject({
  /** An `http:` or `https:` URL, or null to remove the webhook. */
  url: z
    .string()
    .trim()
    .max(2000)
    .refine((s) => {
      try {
        const u = new URL(s);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
      } catch {
        return false;
      }
    }, 'must be an http or https URL')
    .nullable(),
});
export type WebhookBody = z.infer<typeof WebhookBody>;

export interface ActionListResponse {
  boardId: string;
  title: string;
  meetingDate: string;
  /** The meeting's start, `HH:MM`, or '' when none is set. */
  meetingStart: string;
  /** The series' IANA time zone the start is in; '' for a board outside a series (the start is local time). */
  timezone: string;
  /** The agenda's timeboxes added up, in minutes (0 when none has one). */
  agendaMinutes: number;
  actionItems: ActionItem[];
}

export interface CreateDecisionResponse {
  decision: Decision;
  /** The item it became (null only if extraction failed; see the server log). */
  actionItem: ActionItem | null;
}

/** A decision as the summary shows it: where it was taken and what it means. */
export interface SummaryDecision {
  id: string;
  cardId: string;
  cardTitle: string;
  text: string;
  owners: string[];
  due: string | null;
  dueText: string;
  dueFlag: DueFlag | null;
  decidedBy: string;
}

export interface MeetingSummary {
  boardId: string;
  title: string;
  purpose: string;
  meetingDate: string;
  agenda: Array<Pick<AgendaCard, 'id' | 'title' | 'owner' | 'done' | 'notes'> & { decisions: SummaryDecision[] }>;
  decisions: SummaryDecision[];
  actionItems: ActionItem[];
  openNeeds: Array<Pick<NeedCard, 'id' | 'asker' | 'addressee' | 'what' | 'byWhen'>>;
  unresolvedChallenges: Array<Pick<ChallengeCard, 'id' | 'problem' | 'status'> & { proposals: string[] }>;
  /** Names seen on the board while it was open, and authors of its cards and decisions. */
  attendees: string[];
}

/** The webhook's JSON body: `text` renders in Slack and Mattermost incoming webhooks. */
export interface SummaryWebhookPayload {
  text: string;
  board: { id: string; title: string; meetingDate: string };
  actionItems: ActionItem[];
}
