/**
 * Every REST route in one list, and the OpenAPI 3.1 document made from it and the zod schemas in `shared/`
 * (zod 4 emits JSON Schema), served at `GET /api/openapi.json`. A test checks that the routes express
 * registers and this list are the same, and that real answers fit the documented schemas.
 */
import {
  ConfirmResponseSchema,
  EmailTokenBody,
  MyEmailBody,
  MyEmailKindsBody,
  MyEmailResponseSchema,
  OutboxEntrySchema,
  OutboxListSchema,
  UnsubscribeResponseSchema,
} from '../../shared/email.js';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { CreateBoardBody, CreateCardBody, RotateLinkBody, UpdateBoardBody } from '../../shared/api-schemas.js';
import { CreateDecisionBody, EXPORT_FORMATS, UpdateActionBody, WebhookBody } from '../../shared/action-schemas.js';
import { AuditQuery, BoardExport, CopyVersionBody, SearchQuery } from '../../shared/history-schemas.js';
import { SaveTemplateBody, TemplateListQuery } from '../../shared/templates.js';
import {
  CreateAskBody,
  CreateAskResponseSchema,
  CreateEscalationBody,
  CreateEscalationResponseSchema,
  SeriesAsksResponseSchema,
} from '../../shared/series-asks.js';
import {
  ActionListResponseSchema,
  ApiErrorBody,
  BoardResponseSchema,
  CreateBoardResponseSchema,
  CreateCardResponseSchema,
  CreateDecisionResponseSchema,
  HealthResponseSchema,
  RestoreVersionResponseSchema,
  RotateLinkResponseSchema,
  SaveTemplateResponseSchema,
  SummarySendResponseSchema,
  TemplateListResponseSchema,
  UpdateActionResponseSchema,
  UpdateBoardResponseSchema,
  VersionInfoSchema,
  VersionListResponseSchema,
  VersionViewResponseSchema,
  WebhookResponseSchema,
} from '../../shared/api-responses.js';
import type { Role } from '../../shared/roles.js';
import {
  DropinInfoSchema,
  DropinLinkResponseSchema,
  DropinSubmitBody,
  DropinSubmitResponseSchema,
  InboxItemSchema,
  InboxResponseSchema,
  MyActionSchema,
  MyActionStatusBody,
  MyItemsResponseSchema,
  MyRequestSchema,
  MyRequestStatusBody,
  PersonLinkBody,
  PersonLinkResponseSchema,
  SeatLinkBody,
  TakeDropinBody,
  TakeDropinResponseSchema,
} from '../../shared/series-people.js';
import {
  DecisionLogQuery,
  DecisionLogResponseSchema,
  MemoryQuery,
  MemoryResponseSchema,
  REPORT_FORMATS,
  ReportQuery,
  SeriesReportSchema,
} from '../../shared/series-report.js';
import { ByBody, SaveBody } from './history-routes.js';
import { CalendarFeedResponseSchema } from '../../shared/calendar.js';
import { CreateSeriesBody, OpenMeetingBody, RescheduleMeetingBody, UpdateSeriesBody } from '../../shared/series.js';
import {
  CreateWebhookBody,
  CreateWebhookResponseSchema,
  WebhookDeliveriesResponseSchema,
  WebhookDeliveryResponseSchema,
  WebhookListResponseSchema,
} from '../../shared/webhooks.js';
import {
  CreateSeriesResponseSchema,
  OpenMeetingResponseSchema,
  RescheduleResponseSchema,
  RotateSeriesLinkResponseSchema,
  SeriesActionsResponseSchema,
  SeriesResponseSchema,
} from '../../shared/series-responses.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route: anyone; whoever may create boards (`BOARD_CREATE_TOKEN` when set); a board's link of
 * at least this role; or, for an action item, a participant link of a board holding it. `person` is a series'
 * personal link (that person's items only), `dropin` its write-only drop-in link.
 */
export type RouteAccess = 'anyone' | 'create' | Role | 'person' | 'dropin';

export interface ApiRoute {
  method: Method;
  /** Under `/api`, in express syntax (`/boards/:id`). */
  path: string;
  summary: string;
  access: RouteAccess;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The body may be left out (an empty body is `{}`). */
  bodyOptional?: boolean;
  /** Values of path parameters that are a closed set (`.:format`). */
  pathEnums?: Record<string, readonly string[]>;
  ok: { status: number; description: string; schema?: z.ZodType; types?: string[] };
  /** Error statuses besides those implied by `access` and `body`. */
  errors?: number[];
  /** Answers `429` past a per-address or per-board rate. */
  limited?: boolean;
}

const AUDIT_FORMATS = ['csv', 'json'] as const;
const DOWNLOAD_TYPES: Record<string, string> = { json: 'application/json', md: 'text/markdown', csv: 'text/csv', ics: 'text/calendar' };

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'get', path: '/health', summary: 'Liveness and version', access: 'anyone', ok: { status: 200, description: 'up', schema: HealthResponseSchema } },
  { method: 'get', path: '/openapi.json', summary: 'This document', access: 'anyone', ok: { status: 200, description: 'the OpenAPI 3.1 document' } },
  {
    method: 'post',
    path: '/boards',
    summary: 'Create a board (optionally from a template); returns one link per role, shown once',
    access: 'create',
    body: CreateBoardBody,
    limited: true,
    ok: { status: 201, description: 'created; `Location: /api/boards/<id>`', schema: CreateBoardResponseSchema },
  },
  {
    method: 'get',
    path: '/boards/:id',
    summary: 'Read the live board',
    access: 'viewer',
    ok: { status: 200, description: 'the board', schema: BoardResponseSchema },
  },
  {
    method: 'patch',
    path: '/boards/:id',
    summary: 'Rename the board or change its purpose',
    access: 'participant',
    body: UpdateBoardBody,
    ok: { status: 200, description: 'the new meta', schema: UpdateBoardResponseSchema },
  },
  { method: 'delete', path: '/boards/:id', summary: 'Delete the board with its history', access: 'facilitator', ok: { status: 204, description: 'deleted' } },
  {
    method: 'post',
    path: '/boards/:id/cards',
    summary: 'Add a card at the end of its column',
    access: 'participant',
    body: CreateCardBody,
    ok: { status: 201, description: 'stored', schema: CreateCardResponseSchema },
  },
  {
    method: 'post',
    path: '/boards/:id/links/rotate',
    summary: "Replace a role's link; holders of the old one are disconnected",
    access: 'facilitator',
    body: RotateLinkBody,
    ok: { status: 200, description: 'the new link', schema: RotateLinkResponseSchema },
  },
  // ---- series (a series' token opens each of its meetings' boards; a board's token opens its series)
  {
    method: 'post',
    path: '/series',
    summary: 'Create a series (cadence, time zone, template, people) and open its first meeting',
    access: 'create',
    body: CreateSeriesBody,
    ok: { status: 201, description: "the series, its first meeting and one link per role to the series' page", schema: CreateSeriesResponseSchema },
    limited: true,
  },
  {
    method: 'get',
    path: '/series/:id',
    summary: 'A series with its meetings and the next slot of its cadence',
    access: 'viewer',
    ok: { status: 200, description: 'the series', schema: SeriesResponseSchema },
  },
  {
    method: 'patch',
    path: '/series/:id',
    summary: "Change a series' name, team, cadence, schedule, template, people or settings",
    access: 'facilitator',
    body: UpdateSeriesBody,
    ok: { status: 200, description: 'the series as changed', schema: SeriesResponseSchema },
  },
  {
    method: 'post',
    path: '/series/:id/meetings',
    summary: 'Open the next meeting, with what carries over (exactly once: a repeated call returns the same meeting)',
    access: 'facilitator',
    body: OpenMeetingBody,
    bodyOptional: true,
    ok: { status: 201, description: 'the meeting (200 with `created: false` when it was already open)', schema: OpenMeetingResponseSchema },
    errors: [409],
  },
  {
    method: 'patch',
    path: '/series/:id/meetings/:seq',
    summary: "Move a meeting to another day or start time; its board's meeting day follows",
    access: 'facilitator',
    body: RescheduleMeetingBody,
    ok: { status: 200, description: 'the meeting as moved', schema: RescheduleResponseSchema },
    errors: [409],
  },
  {
    method: 'get',
    path: '/series/:id/actions',
    summary: 'The action items of every meeting of the series, each once, with the meeting it came from',
    access: 'viewer',
    ok: { status: 200, description: 'the action items', schema: SeriesActionsResponseSchema },
  },
  {
    method: 'post',
    path: '/series/:id/links/rotate',
    summary: "Replace a role's link of the series and of every meeting of it",
    access: 'facilitator',
    body: RotateLinkBody,
    ok: { status: 200, description: 'the new link', schema: RotateSeriesLinkResponseSchema },
  },
  // ---- calendar feeds (docs/calendars.md): the feed's URL carries its own key, no role token
  {
    method: 'get',
    path: '/series/:id/calendar',
    summary: "The URL of the series' calendar feed (the same each time until it is replaced)",
    access: 'viewer',
    ok: { status: 200, description: 'the feed as https and webcal:// URLs', schema: CalendarFeedResponseSchema },
  },
  {
    method: 'post',
    path: '/series/:id/calendar/rotate',
    summary: "Replace the series' calendar feed URL; the old one answers 404",
    access: 'facilitator',
    ok: { status: 200, description: 'the new URLs', schema: CalendarFeedResponseSchema },
  },
  {
    method: 'get',
    path: '/series/:id/me/calendar',
    summary: 'The URL of your own calendar feed: the meetings, your action items and the dated requests to you',
    access: 'person',
    ok: { status: 200, description: 'the feed as https and webcal:// URLs', schema: CalendarFeedResponseSchema },
  },
  {
    method: 'post',
    path: '/series/:id/me/calendar/rotate',
    summary: 'Replace your calendar feed URL; the old one answers 404',
    access: 'person',
    ok: { status: 200, description: 'the new URLs', schema: CalendarFeedResponseSchema },
  },
  {
    method: 'get',
    path: '/series/:id/calendar/:file',
    summary:
      'A calendar feed (`<key>.ics`, the URL as handed out): iCalendar with the meetings and action items; ETag, `304` on If-None-Match, `Cache-Control: private, max-age=300`',
    access: 'anyone',
    ok: { status: 200, description: 'the feed', types: ['text/calendar'] },
    errors: [404],
    limited: true,
  },
  // ---- mail (docs/notifications.md): the person's address through their personal link, the links in mails
  {
    method: 'get',
    path: '/series/:id/me/email',
    summary: 'Your address for this series’ mail, whether it is confirmed, and which kinds of mail you get',
    access: 'person',
    ok: { status: 200, description: 'your mail settings', schema: MyEmailResponseSchema },
  },
  {
    method: 'put',
    path: '/series/:id/me/email',
    summary: 'Give or change your address and the language of your mails; a new address gets a confirmation mail and nothing else until confirmed',
    access: 'person',
    body: MyEmailBody,
    ok: { status: 200, description: 'your mail settings', schema: MyEmailResponseSchema },
    errors: [503],
    limited: true,
  },
  {
    method: 'delete',
    path: '/series/:id/me/email',
    summary: 'Remove your address: what waits for it is cancelled and it is blanked in the outbox log',
    access: 'person',
    ok: { status: 204, description: 'removed' },
  },
  {
    method: 'put',
    path: '/series/:id/me/email/kinds',
    summary: 'Turn kinds of mail on or off (summary, actions, ask, answer, reminder, digest, invitation)',
    access: 'person',
    body: MyEmailKindsBody,
    ok: { status: 200, description: 'your mail settings', schema: MyEmailResponseSchema },
    errors: [409],
  },
  {
    method: 'post',
    path: '/email/confirm',
    summary: 'Confirm an address with the token of the link in its confirmation mail',
    access: 'anyone',
    body: EmailTokenBody,
    ok: { status: 200, description: 'confirmed; the link opens the person’s page', schema: ConfirmResponseSchema },
  },
  {
    method: 'get',
    path: '/email/unsubscribe',
    summary: 'The List-Unsubscribe URL opened in a browser: redirects (303) to the page that asks; a GET never unsubscribes',
    access: 'anyone',
    ok: { status: 303, description: 'to the unsubscribe page' },
  },
  {
    method: 'post',
    path: '/email/unsubscribe',
    summary: 'One-click unsubscribe (RFC 8058): the token in the URL (`?token=`) or the body; stops that kind of mail to that address',
    access: 'anyone',
    ok: { status: 200, description: 'the address and the kind turned off', schema: UnsubscribeResponseSchema },
  },
  {
    method: 'get',
    path: '/series/:id/outbox',
    summary: 'What the series sent, newest first: mails (addresses shown in part) and webhook calls, with status, attempts and the last error',
    access: 'facilitator',
    ok: { status: 200, description: 'the outbox', schema: OutboxListSchema },
  },
  {
    method: 'post',
    path: '/series/:id/outbox/:messageId/resend',
    summary: 'Send a failed (or sent) message again now, under the same id',
    access: 'facilitator',
    ok: { status: 200, description: 'the message, waiting to be sent', schema: OutboxEntrySchema },
    errors: [409],
  },
  // ---- series webhooks (docs/webhooks.md)
  {
    method: 'get',
    path: '/series/:id/webhooks',
    summary: "The series' webhook endpoints (without their secrets)",
    access: 'facilitator',
    ok: { status: 200, description: 'the endpoints', schema: WebhookListResponseSchema },
  },
  {
    method: 'post',
    path: '/series/:id/webhooks',
    summary: 'Add a webhook endpoint: URL, format (standard, slack, mattermost, teams) and the events it wants; at most 10 per series',
    access: 'facilitator',
    body: CreateWebhookBody,
    ok: { status: 201, description: 'the endpoint and its signing secret, shown only in this answer', schema: CreateWebhookResponseSchema },
    errors: [409],
  },
  {
    method: 'delete',
    path: '/series/:id/webhooks/:webhookId',
    summary: 'Remove a webhook endpoint; its deliveries still waiting are cancelled',
    access: 'facilitator',
    ok: { status: 204, description: 'removed' },
  },
  {
    method: 'post',
    path: '/series/:id/webhooks/:webhookId/test',
    summary: 'Send the endpoint a `webhook.test` event now (at most `WEBHOOK_TESTS_PER_HOUR` per series)',
    access: 'facilitator',
    ok: { status: 202, description: 'the delivery, queued', schema: WebhookDeliveryResponseSchema },
    limited: true,
  },
  {
    method: 'get',
    path: '/series/:id/webhooks/:webhookId/deliveries',
    summary: "The endpoint's last 50 deliveries, newest first: event, status, attempts, last error, response status, times",
    access: 'facilitator',
    ok: { status: 200, description: 'the delivery log', schema: WebhookDeliveriesResponseSchema },
  },
  {
    method: 'post',
    path: '/series/:id/webhooks/:webhookId/deliveries/:deliveryId/resend',
    summary: 'Send a delivery again now, with the same `webhook-id`',
    access: 'facilitator',
    ok: { status: 202, description: 'the delivery, queued again', schema: WebhookDeliveryResponseSchema },
    errors: [409],
  },
  // ---- action items
  {
    method: 'get',
    path: '/boards/:id/actions',
    summary: 'The action list (`?format=` for a download)',
    access: 'viewer',
    query: z.object({ format: z.enum(EXPORT_FORMATS).optional() }),
    ok: { status: 200, description: 'the action list', schema: ActionListResponseSchema },
  },
  {
    method: 'get',
    path: '/boards/:id/actions.:format',
    summary: 'The action list as a download',
    access: 'viewer',
    pathEnums: { format: EXPORT_FORMATS },
    ok: { status: 200, description: 'an attachment', types: EXPORT_FORMATS.map((f) => DOWNLOAD_TYPES[f]) },
  },
  {
    method: 'patch',
    path: '/actions/:actionId',
    summary:
      "Set an action item's status and/or correct its owner and due date, written to its decision or request on the board (a participant link of its board)",
    access: 'participant',
    body: UpdateActionBody,
    errors: [409],
    ok: { status: 200, description: 'the item', schema: UpdateActionResponseSchema },
  },
  {
    method: 'post',
    path: '/boards/:id/cards/:cardId/decisions',
    summary: 'Record a decision on a card',
    access: 'participant',
    body: CreateDecisionBody,
    ok: { status: 201, description: 'the decision and the action item it became', schema: CreateDecisionResponseSchema },
  },
  {
    method: 'get',
    path: '/boards/:id/summary',
    summary: "The meeting's summary (MeetingSummary in shared/action-schemas.ts)",
    access: 'viewer',
    ok: { status: 200, description: 'the summary' },
  },
  {
    method: 'get',
    path: '/boards/:id/webhook',
    summary: "The board's webhook URL",
    access: 'facilitator',
    ok: { status: 200, description: 'the URL or null', schema: WebhookResponseSchema },
  },
  {
    method: 'put',
    path: '/boards/:id/webhook',
    summary: 'Set or remove (null) the webhook',
    access: 'facilitator',
    body: WebhookBody,
    ok: { status: 200, description: 'the URL or null', schema: WebhookResponseSchema },
  },
  {
    method: 'post',
    path: '/boards/:id/summary/send',
    summary: "Send the summary to the board's webhook (delivered in the background)",
    access: 'facilitator',
    errors: [409],
    limited: true,
    ok: { status: 202, description: 'queued', schema: SummarySendResponseSchema },
  },
  // ---- history, audit, search, export/import
  {
    method: 'get',
    path: '/boards/:id/versions',
    summary: 'Named versions, newest first',
    access: 'viewer',
    ok: { status: 200, description: 'the versions', schema: VersionListResponseSchema },
  },
  {
    method: 'post',
    path: '/boards/:id/versions',
    summary: 'Save a version by hand',
    access: 'participant',
    body: SaveBody,
    errors: [409],
    limited: true,
    ok: { status: 201, description: 'the version', schema: VersionInfoSchema },
  },
  {
    method: 'get',
    path: '/boards/:id/versions/:versionId',
    summary: 'The board as it was at a version',
    access: 'viewer',
    ok: { status: 200, description: 'the board at that version', schema: VersionViewResponseSchema },
  },
  {
    method: 'post',
    path: '/boards/:id/versions/:versionId/restore',
    summary: 'Restore a version (saving the current board as "Before restore" first)',
    access: 'facilitator',
    body: ByBody,
    bodyOptional: true,
    errors: [422],
    ok: { status: 200, description: 'what was restored', schema: RestoreVersionResponseSchema },
  },
  {
    method: 'post',
    path: '/boards/:id/versions/:versionId/copy',
    summary: 'Copy a version into a new board with its own links',
    access: 'facilitator',
    body: CopyVersionBody,
    bodyOptional: true,
    limited: true,
    ok: { status: 201, description: 'the new board', schema: CreateBoardResponseSchema },
  },
  {
    method: 'get',
    path: '/boards/:id/audit',
    summary: 'The audit trail, a page at a time (AuditPageResponse in shared/history-schemas.ts)',
    access: 'viewer',
    query: AuditQuery,
    ok: { status: 200, description: 'a page, newest first' },
  },
  {
    method: 'get',
    path: '/boards/:id/audit.:format',
    summary: 'The filtered audit trail as a download',
    access: 'viewer',
    query: AuditQuery,
    pathEnums: { format: AUDIT_FORMATS },
    ok: { status: 200, description: 'an attachment', types: AUDIT_FORMATS.map((f) => DOWNLOAD_TYPES[f]) },
  },
  {
    method: 'get',
    path: '/boards/:id/search',
    summary: 'Search cards, decisions, action items, versions and the audit trail (SearchResponse in shared/history-schemas.ts)',
    access: 'viewer',
    query: SearchQuery,
    ok: { status: 200, description: 'the results' },
  },
  {
    method: 'get',
    path: '/boards/:id/export',
    summary: 'The whole board as one JSON file',
    access: 'facilitator',
    ok: { status: 200, description: 'an attachment', schema: BoardExport },
  },
  {
    method: 'post',
    path: '/boards/import',
    summary: 'Import a board export as a new board with fresh links',
    access: 'create',
    body: BoardExport,
    limited: true,
    ok: { status: 201, description: 'the new board', schema: CreateBoardResponseSchema },
  },
  // ---- templates
  {
    method: 'get',
    path: '/templates',
    summary: 'Shipped templates, and saved ones whose ids the caller holds',
    access: 'anyone',
    query: TemplateListQuery,
    ok: { status: 200, description: 'the templates', schema: TemplateListResponseSchema },
  },
  {
    method: 'get',
    path: '/boards/:id/templates',
    summary: 'Templates saved from this board',
    access: 'viewer',
    ok: { status: 200, description: 'the templates', schema: TemplateListResponseSchema },
  },
  {
    method: 'post',
    path: '/boards/:id/template',
    summary: "Save the board's structure as a template",
    access: 'facilitator',
    body: SaveTemplateBody,
    errors: [409, 413],
    limited: true,
    ok: { status: 201, description: 'the template; keep its id', schema: SaveTemplateResponseSchema },
  },
  {
    method: 'post',
    path: '/series/:id/people/links',
    summary: "Make a person's own link (replacing their previous one)",
    access: 'facilitator',
    body: PersonLinkBody,
    ok: { status: 201, description: 'the personal link; shown once', schema: PersonLinkResponseSchema },
  },
  {
    method: 'post',
    path: '/series/:id/people/me',
    summary: 'Take your own link with the seat a meeting of the series issued you (your roster name)',
    access: 'anyone',
    body: SeatLinkBody,
    errors: [403, 404],
    ok: { status: 201, description: 'the personal link; shown once', schema: PersonLinkResponseSchema },
  },
  {
    method: 'get',
    path: '/series/:id/me',
    summary: 'Your items across the series: asked of you, asked by you, your action items',
    access: 'person',
    ok: { status: 200, description: 'your items', schema: MyItemsResponseSchema },
  },
  {
    method: 'post',
    path: '/series/:id/me/requests/:cardId',
    summary: 'Accept, decline (with a reason) or finish a request addressed to you',
    access: 'person',
    body: MyRequestStatusBody,
    ok: { status: 200, description: 'the request as now written on its board', schema: MyRequestSchema },
  },
  {
    method: 'post',
    path: '/series/:id/me/actions/:actionId',
    summary: 'Mark an action item you own done, open or blocked',
    access: 'person',
    body: MyActionStatusBody,
    errors: [409],
    ok: { status: 200, description: 'the action item', schema: MyActionSchema },
  },
  {
    method: 'post',
    path: '/series/:id/dropin/link',
    summary: "Make the series' drop-in link (replacing the previous one)",
    access: 'facilitator',
    ok: { status: 201, description: 'the drop-in link', schema: DropinLinkResponseSchema },
  },
  {
    method: 'get',
    path: '/series/:id/dropin',
    summary: 'What the drop-in link may read: the series name and team',
    access: 'dropin',
    ok: { status: 200, description: 'the series name and team', schema: DropinInfoSchema },
  },
  {
    method: 'post',
    path: '/series/:id/dropin',
    summary: 'Hand in a request, win, loss or question for the next meeting',
    access: 'dropin',
    body: DropinSubmitBody,
    limited: true,
    ok: { status: 201, description: 'waiting for the facilitator', schema: DropinSubmitResponseSchema },
  },
  {
    method: 'get',
    path: '/series/:id/inbox',
    summary: 'Drop-in submissions waiting to be taken or set aside',
    access: 'facilitator',
    ok: { status: 200, description: 'pending submissions', schema: InboxResponseSchema },
  },
  {
    method: 'post',
    path: '/series/:id/inbox/:itemId/take',
    summary: 'Take a submission onto a meeting board as a card (once)',
    access: 'facilitator',
    body: TakeDropinBody,
    bodyOptional: true,
    errors: [409],
    ok: { status: 201, description: 'taken now (200 with `created: false` when it was taken before)', schema: TakeDropinResponseSchema },
  },
  {
    method: 'post',
    path: '/series/:id/inbox/:itemId/set-aside',
    summary: 'Set a submission aside',
    access: 'facilitator',
    errors: [409],
    ok: { status: 200, description: 'the submission', schema: z.object({ item: InboxItemSchema }) },
  },
  // ---- requests and escalations between series
  {
    method: 'get',
    path: '/series/:id/asks',
    summary: 'Requests the series made of other series and received from them (status, reason, time to answer), and escalations',
    access: 'viewer',
    ok: { status: 200, description: 'made and received, oldest first', schema: SeriesAsksResponseSchema },
  },
  {
    method: 'post',
    path: '/series/:id/asks',
    summary: "Send a request card of one of the series' meetings to another series (reached with a participant token of it)",
    access: 'participant',
    body: CreateAskBody,
    errors: [409],
    ok: { status: 201, description: 'the request; it lands on the other series’ open or next meeting', schema: CreateAskResponseSchema },
  },
  {
    method: 'post',
    path: '/series/:id/escalations',
    summary: 'Escalate a challenge of one of the series’ meetings to another series’ next meeting, with its proposals and history',
    access: 'facilitator',
    body: CreateEscalationBody,
    errors: [409],
    ok: { status: 201, description: 'the escalation', schema: CreateEscalationResponseSchema },
  },
  // ---- series: team memory and report
  {
    method: 'get',
    path: '/series/:id/decisions',
    summary: 'The decision log of every meeting, filtered by person, topic and meeting days',
    access: 'viewer',
    query: DecisionLogQuery,
    ok: { status: 200, description: 'the decisions, newest meeting first', schema: DecisionLogResponseSchema },
  },
  {
    method: 'get',
    path: '/series/:id/memory',
    summary: 'Cards tagged as a win, a loss, an FAQ or an idea for another team, each once',
    access: 'viewer',
    query: MemoryQuery,
    ok: { status: 200, description: 'the tagged cards, newest first', schema: MemoryResponseSchema },
  },
  {
    method: 'get',
    path: '/series/:id/report',
    summary: 'The figures of a period (meeting days), computed from the stored records',
    access: 'viewer',
    query: ReportQuery,
    ok: { status: 200, description: 'the report', schema: SeriesReportSchema },
  },
  {
    method: 'get',
    path: '/series/:id/report.:format',
    summary: 'The report as a download',
    access: 'viewer',
    query: ReportQuery,
    pathEnums: { format: REPORT_FORMATS },
    ok: { status: 200, description: 'an attachment', types: REPORT_FORMATS.map((f) => DOWNLOAD_TYPES[f]) },
  },
];

const ERROR_TEXT: Record<number, string> = {
  400: 'bad request: `field` names what is wrong',
  401: 'no token (`WWW-Authenticate: Bearer`)',
  403: 'a wrong token, or one whose role is too low',
  404: 'no such board or item',
  409: 'a quota is used up, or the request needs something first',
  413: 'too large',
  422: 'the version cannot be restored',
  429: 'rate limited; `Retry-After` says when to try again',
  500: 'a server fault; details go to the server log only',
  503: 'the server cannot store changes right now; `Retry-After`',
};

/** `/boards/:id/actions.:format` → `/boards/{id}/actions.{format}` */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:(\w+)/g, '{$1}');

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  // Transforms and refinements cannot be said in JSON Schema; the type before or after them can.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  return rest;
}

function errorStatuses(route: ApiRoute): number[] {
  const s = new Set<number>(route.errors);
  if (route.body || route.query || route.pathEnums) s.add(400);
  if (route.body) s.add(413);
  if (route.access === 'create') s.add(401);
  if (route.access !== 'anyone' && route.access !== 'create') [401, 403, 404].forEach((c) => s.add(c));
  if (route.limited) s.add(429);
  if (route.method !== 'get') s.add(503);
  s.add(500);
  return [...s].sort();
}

function operation(route: ApiRoute) {
  const params: unknown[] = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: route.pathEnums?.[name] ? { type: 'string', enum: route.pathEnums[name] } : { type: 'string' },
  }));
  for (const [name, schema] of Object.entries(route.query?.shape ?? {})) {
    if (name === 'token') continue; // said once, as a security scheme
    params.push({ name, in: 'query', required: !(schema as z.ZodType).safeParse(undefined).success, schema: jsonSchema(schema as z.ZodType, 'input') });
  }
  const ok = route.ok;
  const okContent = ok.schema
    ? { 'application/json': { schema: jsonSchema(ok.schema, 'output') } }
    : ok.types
      ? Object.fromEntries(ok.types.map((t) => [t, {}]))
      : ok.status === 204
        ? undefined
        : { 'application/json': {} };
  const responses: Record<string, unknown> = { [ok.status]: { description: ok.description, ...(okContent ? { content: okContent } : {}) } };
  for (const status of errorStatuses(route))
    responses[status] = { description: ERROR_TEXT[status], content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } };
  return {
    summary: route.summary,
    'x-meshboard-access': route.access,
    ...(route.access === 'anyone' ? { security: [] } : route.access === 'create' ? { security: [{}, { bearerToken: [] }] } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(route.body ? { requestBody: { required: !route.bodyOptional, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of every route in `API_ROUTES`. */
export function openApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) (paths[`/api${openApiPath(route.path)}`] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Meshboard REST API',
      version,
      description:
        'A board is reached with one of its role links: the token goes in `Authorization: Bearer <token>` or in the `token` query parameter. ' +
        'Creating boards needs the server’s board-creation token only when the server has one (BOARD_CREATE_TOKEN). Errors are always `{ error: { code, message, field? } }`.',
    },
    security: [{ bearerToken: [] }, { tokenQuery: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: "a board link's token (or, to create boards, the board-creation token)" },
        tokenQuery: { type: 'apiKey', in: 'query', name: 'token', description: "a board link's token" },
      },
      schemas: { ApiError: jsonSchema(ApiErrorBody, 'output') },
    },
  };
}

/** `GET /api/openapi.json`; the document is made once. */
export function openApiHandler(version: string): RequestHandler {
  const body = JSON.stringify(openApiDocument(version));
  return (_req, res) => {
    res.type('application/json').send(body);
  };
}
