/**
 * REST payload schemas. The server validates every body with these; the client uses the same schemas so
 * a form refuses what the server would refuse. Types are inferred from the schemas.
 */
import { z } from 'zod';
import { CHALLENGE_STATUSES, LIMITS, NEED_STATUSES, isClockTime, type BoardView, type Card } from './board-schema.js';
import { ROTATABLE_ROLES, type Role, type RoleLinks, type RotatableRole } from './roles.js';
import { TemplateId } from './templates.js';

const trimmed = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const required = (max: number) => trimmed(max).min(1, 'must not be empty');
const name = trimmed(LIMITS.name);
const isoDate = z
  .string()
  .trim()
  .regex(/^(\d{4}-\d{2}-\d{2})?$/, 'must be a date as YYYY-MM-DD')
  .refine((s) => s === '' || isRealDate(s), 'is not a real date');

/** True for a `YYYY-MM-DD` that names a day on the calendar (no 31 February). */
function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export const CreateBoardBody = z.strictObject({
  title: required(LIMITS.title),
  purpose: trimmed(LIMITS.purpose).optional(),
  /** Id of a template from `GET /api/templates`: the board starts with its cards (and purpose, if none given). */
  template: TemplateId.optional(),
  /** The meeting's day, `YYYY-MM-DD` ('' or absent: the day the board is made). */
  meetingDate: isoDate.optional(),
  /** The meeting's start, `HH:MM` on a 24-hour clock, local time ('' or absent: none). */
  meetingStart: z
    .string()
    .trim()
    .refine((s) => s === '' || isClockTime(s), 'must be a time as HH:MM')
    .optional(),
});
export type CreateBoardBody = z.infer<typeof CreateBoardBody>;

export const UpdateBoardBody = z
  .strictObject({ title: required(LIMITS.title).optional(), purpose: trimmed(LIMITS.purpose).optional() })
  .refine((b) => b.title !== undefined || b.purpose !== undefined, 'give a title or a purpose');
export type UpdateBoardBody = z.infer<typeof UpdateBoardBody>;

export const CreateCardBody = z.discriminatedUnion('column', [
  z.strictObject({
    column: z.literal('agenda'),
    title: required(LIMITS.shortText),
    owner: name.optional(),
    timebox: z.number().int('must be whole minutes').min(1).max(LIMITS.timeboxMinutes).nullable().optional(),
    notes: trimmed(LIMITS.longText).optional(),
    done: z.boolean().optional(),
  }),
  z.strictObject({
    column: z.literal('needs'),
    asker: required(LIMITS.name),
    addressee: required(LIMITS.name),
    what: required(LIMITS.longText),
    byWhen: isoDate.optional(),
    status: z.enum(NEED_STATUSES).optional(),
  }),
  z.strictObject({
    column: z.literal('challenges'),
    problem: required(LIMITS.longText),
    status: z.enum(CHALLENGE_STATUSES).optional(),
    proposals: z.array(required(LIMITS.longText)).max(100).optional(),
  }),
]);
export type CreateCardBody = z.infer<typeof CreateCardBody>;

export const RotateLinkBody = z.strictObject({ role: z.enum(ROTATABLE_ROLES) });
export type RotateLinkBody = z.infer<typeof RotateLinkBody>;

export interface CreateBoardResponse {
  id: string;
  title: string;
  purpose: string;
  /** The facilitator's link: whoever created the board runs its meetings. */
  url: string;
  /** One link per role; the `token` query parameter is the role's secret. Shown once: store them. */
  links: RoleLinks;
  /** The y-websocket endpoint: give it to `WebsocketProvider` with the board id as room and `{ params: { token } }`. */
  syncUrl: string;
}

export interface BoardResponse extends BoardView {
  id: string;
  /** The board's page, without a token. */
  url: string;
  /** The role the presented token grants. */
  role: Role;
}

export interface RotateLinkResponse {
  role: RotatableRole;
  link: string;
}

export interface CreateCardResponse {
  card: Card;
}

export interface HealthResponse {
  ok: true;
  name: 'meshboard';
  version: string;
  uptimeSeconds: number;
  boardsLoaded: number;
}

/** Turns a zod error into the API's `{ message, field }`: the first issue, with its dotted path. */
export function describeZodError(error: z.ZodError): { message: string; field?: string } {
  const issue = error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : undefined;
  if (!issue) return { message: 'invalid request' };
  if (issue.code === 'unrecognized_keys') return { message: `unknown field: ${issue.keys.join(', ')}`, field: issue.keys[0] };
  if (issue.code === 'invalid_union' && field === 'column') return { message: 'column must be one of agenda, needs, challenges', field };
  return { message: field ? `${field}: ${issue.message}` : issue.message, field };
}
