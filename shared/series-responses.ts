/**
 * Runtime schemas of the series routes' answers, for the OpenAPI document and the tests that check real
 * answers against it; each is pinned to the TypeScript type the server answers with (bottom of the file).
 */
import { z } from 'zod';
import { ActionItemSchema } from './api-responses.js';
import { ROLES, ROTATABLE_ROLES } from './roles.js';
import { MEETING_STATUSES, type CreateSeriesResponse, type OpenMeetingResponse, type SeriesMeeting, type SeriesResponse } from './series.js';

const epochMs = z.number().int().describe('milliseconds since the epoch');

export const SeriesSchema = z.object({
  id: z.string(),
  name: z.string(),
  team: z.string(),
  cadence: z.string().nullable().describe('an RRULE such as FREQ=WEEKLY;BYDAY=TH; null for a single meeting'),
  cadenceText: z.string(),
  firstDate: z.string(),
  startTime: z.string().describe("HH:MM, or '' for a series made from a board without a start time"),
  timezone: z.string(),
  durationMinutes: z.number().int(),
  template: z.string().nullable(),
  people: z.array(z.string()),
  settings: z.object({
    openBeforeMinutes: z.number().int().nullable(),
    flagAfter: z.number().int(),
    graceMinutes: z.number().int(),
    reminderDaysBefore: z.number().int().nullable(),
    overdueDigest: z.boolean(),
  }),
  createdAt: epochMs,
  updatedAt: epochMs,
});

export const SeriesMeetingSchema = z.object({
  seriesId: z.string(),
  seq: z.number().int(),
  boardId: z.string(),
  date: z.string(),
  start: z.string(),
  startsAt: epochMs,
  endsAt: epochMs,
  status: z.enum(MEETING_STATUSES),
  openedAt: epochMs,
  startedAt: epochMs.nullable(),
  endedAt: epochMs.nullable(),
  endedBy: z.enum(['facilitator', 'auto']).nullable(),
});

export const SeriesResponseSchema = z.object({
  series: SeriesSchema,
  role: z.enum(ROLES),
  meetings: z.array(SeriesMeetingSchema),
  next: z.object({ date: z.string(), start: z.string(), startsAt: epochMs }).nullable(),
  url: z.url(),
});
export const CreateSeriesResponseSchema = SeriesResponseSchema.extend({
  links: z.object({ facilitator: z.url(), participant: z.url(), viewer: z.url() }),
});
export const OpenMeetingResponseSchema = z.object({ meeting: SeriesMeetingSchema, created: z.boolean() });
export const RescheduleResponseSchema = z.object({ meeting: SeriesMeetingSchema });
export const SeriesActionsResponseSchema = z.object({
  seriesId: z.string(),
  actionItems: z.array(ActionItemSchema.extend({ seq: z.number().int(), latestSeq: z.number().int() })),
});
export const RotateSeriesLinkResponseSchema = z.object({ role: z.enum(ROTATABLE_ROLES), link: z.url() });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(ok: Same<A, B>) => ok;
same<z.infer<typeof SeriesMeetingSchema>, SeriesMeeting>(true);
same<z.infer<typeof SeriesResponseSchema>, SeriesResponse>(true);
same<z.infer<typeof CreateSeriesResponseSchema>, CreateSeriesResponse>(true);
same<z.infer<typeof OpenMeetingResponseSchema>, OpenMeetingResponse>(true);
