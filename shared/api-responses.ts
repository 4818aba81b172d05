/**
 * Runtime schemas of REST responses, for the OpenAPI document (`GET /api/openapi.json`) and for tests that
 * check real answers against it. Each one is pinned to the TypeScript type the server answers with (the
 * checks at the bottom), so a change to a response that the document does not follow fails to compile.
 */
import { z } from 'zod';
import { CARD_TAGS, CHALLENGE_STATUSES, COLUMNS, NEED_STATUSES, type BoardView, type Card, type Decision } from './board-schema.js';
import { ROLES, ROTATABLE_ROLES } from './roles.js';
import { ErrorCode, type ApiError } from './errors.js';
import { DUE_FLAGS } from './decisions.js';
import { ACTION_KINDS, ACTION_STATUSES, type ActionItem } from './action-extraction.js';
import type { BoardResponse, CreateBoardResponse, CreateCardResponse, HealthResponse, RotateLinkResponse } from './api-schemas.js';
import type { ActionListResponse, CreateDecisionResponse } from './action-schemas.js';
import type { RestoreVersionResponse, VersionInfo, VersionListResponse, VersionViewResponse } from './history-schemas.js';
import { TEMPLATE_SOURCES, type SaveTemplateResponse, type TemplateListResponse, type TemplateSummary } from './templates.js';

const epochMs = z.number().int().describe('milliseconds since the epoch');

export const ApiErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    field: z.string().optional().describe('dotted path of the offending field of the request'),
  }),
});

export const HealthResponseSchema = z.object({
  ok: z.literal(true),
  name: z.literal('meshboard'),
  version: z.string(),
  uptimeSeconds: z.number().int(),
  boardsLoaded: z.number().int(),
});

const RoleLinksSchema = z
  .object({ facilitator: z.url(), participant: z.url(), viewer: z.url() })
  .describe('one link per role; its token query parameter is the role secret');

export const CreateBoardResponseSchema = z.object({
  id: z.string(),
  title: z.string(),
  purpose: z.string(),
  url: z.url().describe("the facilitator's link"),
  links: RoleLinksSchema,
  syncUrl: z.string().describe('the y-websocket endpoint; room = the board id, params = { token }'),
});

export const DecisionSchema = z.object({ id: z.string(), text: z.string(), owners: z.string(), due: z.string(), decidedBy: z.string(), createdAt: epochMs });

const cardBase = {
  id: z.string(),
  order: z.string(),
  createdAt: epochMs,
  createdBy: z.string(),
  decisions: z.array(DecisionSchema),
  carriedFrom: z.string().describe("the id of the card this one was carried over from, through every meeting ('' when not carried)"),
  tags: z.array(z.enum(CARD_TAGS)),
};
const AgendaCardSchema = z.object({
  ...cardBase,
  column: z.literal('agenda'),
  title: z.string(),
  owner: z.string(),
  timebox: z.number().int().nullable(),
  notes: z.string(),
  done: z.boolean(),
  pinned: z.boolean().describe("carried into the series' next meeting"),
});
const NeedCardSchema = z.object({
  ...cardBase,
  column: z.literal('needs'),
  asker: z.string(),
  addressee: z.string(),
  what: z.string(),
  byWhen: z.string(),
  status: z.enum(NEED_STATUSES),
  declineReason: z.string(),
  answeredBy: z.string().describe("who last answered it (the addressee, or a facilitator for them); '' before any answer"),
  answeredAt: epochMs.nullable().describe('when it was last answered; null before any answer'),
  askId: z.string().describe("a request between series: the ask's id ('' for a local request)"),
  team: z.string().describe('the other team of a request between series'),
});
const ChallengeCardSchema = z.object({
  ...cardBase,
  column: z.literal('challenges'),
  problem: z.string(),
  status: z.enum(CHALLENGE_STATUSES),
  proposals: z.array(z.object({ id: z.string(), text: z.string(), author: z.string(), createdAt: epochMs, carried: z.literal(true).optional() })),
  history: z.array(
    z.object({
      seq: z.number().int(),
      date: z.string(),
      proposals: z.array(z.string()),
      decisions: z.array(z.string()),
      dots: z.number().int(),
      from: z.enum(CHALLENGE_STATUSES),
      to: z.enum(CHALLENGE_STATUSES),
    }),
  ),
  escalatedTo: z.string(),
  escalatedFrom: z.string(),
});
export const CardSchema = z.discriminatedUnion('column', [AgendaCardSchema, NeedCardSchema, ChallengeCardSchema]);

const BoardViewSchema = z.object({
  meta: z.object({
    title: z.string(),
    purpose: z.string(),
    createdAt: epochMs,
    currentAgendaId: z.string().nullable(),
    schemaVersion: z.number().int(),
    meetingDate: z.string(),
    meetingStart: z.string().describe("HH:MM in the series' time zone, or ''"),
    timezone: z.string(),
    seriesId: z.string().nullable(),
    seq: z.number().int().nullable(),
    flagAfter: z.number().int(),
  }),
  columns: z.object({ agenda: z.array(AgendaCardSchema), needs: z.array(NeedCardSchema), challenges: z.array(ChallengeCardSchema) }),
});

export const BoardResponseSchema = BoardViewSchema.extend({ id: z.string(), url: z.url(), role: z.enum(ROLES) });
export const UpdateBoardResponseSchema = z.object({ id: z.string(), meta: BoardViewSchema.shape.meta });
export const CreateCardResponseSchema = z.object({ card: CardSchema });
export const RotateLinkResponseSchema = z.object({ role: z.enum(ROTATABLE_ROLES), link: z.url() });

export const ActionItemSchema = z.object({
  id: z.string().describe('dec:<decisionId> or need:<cardId>'),
  kind: z.enum(ACTION_KINDS),
  boardId: z.string(),
  cardId: z.string(),
  column: z.enum(COLUMNS),
  cardTitle: z.string(),
  decisionId: z.string().nullable(),
  text: z.string(),
  owners: z.array(z.string()),
  due: z.string().nullable(),
  dueText: z.string(),
  dueFlag: z.enum(DUE_FLAGS).nullable(),
  decidedBy: z.string(),
  status: z.enum(ACTION_STATUSES),
  createdAt: epochMs,
  updatedAt: epochMs,
});
export const ActionListResponseSchema = z.object({
  boardId: z.string(),
  title: z.string(),
  meetingDate: z.string(),
  meetingStart: z.string(),
  timezone: z.string(),
  agendaMinutes: z.number(),
  actionItems: z.array(ActionItemSchema),
});
export const UpdateActionResponseSchema = z.object({ actionItem: ActionItemSchema });
export const CreateDecisionResponseSchema = z.object({ decision: DecisionSchema, actionItem: ActionItemSchema.nullable() });
export const WebhookResponseSchema = z.object({ url: z.string().nullable() });
export const SummarySendResponseSchema = z.object({ queued: z.literal(true) });

export const VersionInfoSchema = z.object({ id: z.string(), name: z.string(), createdAt: epochMs, by: z.string() });
export const VersionListResponseSchema = z.object({ versions: z.array(VersionInfoSchema) });
export const VersionViewResponseSchema = BoardViewSchema.extend({ id: z.string(), url: z.url(), version: VersionInfoSchema });
export const RestoreVersionResponseSchema = z.object({ restored: VersionInfoSchema, before: VersionInfoSchema, changed: z.boolean() });

export const TemplateSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  source: z.enum(TEMPLATE_SOURCES),
  title: z.string(),
  purpose: z.string(),
  counts: z.object({ agenda: z.number().int(), needs: z.number().int(), challenges: z.number().int() }),
  minutes: z.number().int(),
});
export const TemplateListResponseSchema = z.object({ templates: z.array(TemplateSummarySchema) });
export const SaveTemplateResponseSchema = z.object({ template: TemplateSummarySchema });

// ---- each schema says exactly what its type says ----------------------------------------------------------------

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(ok: Same<A, B>) => ok;
same<z.infer<typeof ApiErrorBody>['error'], ApiError>(true);
same<z.infer<typeof HealthResponseSchema>, HealthResponse>(true);
same<z.infer<typeof CreateBoardResponseSchema>, CreateBoardResponse>(true);
same<z.infer<typeof CardSchema>, Card>(true);
same<z.infer<typeof DecisionSchema>, Decision>(true);
same<z.infer<typeof BoardViewSchema>, BoardView>(true);
same<z.infer<typeof BoardResponseSchema>, BoardResponse>(true);
same<z.infer<typeof CreateCardResponseSchema>, CreateCardResponse>(true);
same<z.infer<typeof RotateLinkResponseSchema>, RotateLinkResponse>(true);
same<z.infer<typeof ActionItemSchema>, ActionItem>(true);
same<z.infer<typeof ActionListResponseSchema>, ActionListResponse>(true);
same<z.infer<typeof CreateDecisionResponseSchema>, CreateDecisionResponse>(true);
same<z.infer<typeof VersionInfoSchema>, VersionInfo>(true);
same<z.infer<typeof VersionListResponseSchema>, VersionListResponse>(true);
same<z.infer<typeof VersionViewResponseSchema>, VersionViewResponse>(true);
same<z.infer<typeof RestoreVersionResponseSchema>, RestoreVersionResponse>(true);
same<z.infer<typeof TemplateSummarySchema>, TemplateSummary>(true);
same<z.infer<typeof TemplateListResponseSchema>, TemplateListResponse>(true);
same<z.infer<typeof SaveTemplateResponseSchema>, SaveTemplateResponse>(true);
