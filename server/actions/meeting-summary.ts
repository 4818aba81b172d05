/**
 * The read side of action items for REST, sockets and the meeting module: lists, exports, summary and
 * its webhook. One way in: everything reads the live document (through the registry) and the action store.
 */
import { readBoard } from '../../shared/board-schema.js';
import type { ActionListResponse, MeetingSummary, SummaryWebhookPayload } from '../../shared/action-schemas.js';
import type { ActionStore } from '../store/action-store.js';
import type { BoardRegistry } from '../sync/board-registry.js';
import type { Logger } from '../log.js';
import type { ActionService } from './action-service.js';
import { buildSummary } from './summary.js';
import { summaryMarkdown } from './exports.js';
import type { Limits } from '../limits/limits.js';
import { postWebhook, type WebhookOptions, type WebhookOutcome } from './webhook.js';
import { WebhookTargets, type TargetCheck } from './webhook-targets.js';

/** How summaries reach webhooks: which hosts besides public ones, and how often. */
export interface SummaryDeliveryOptions {
  /** `summarySend` counts deliveries per board, by hand and at meeting end alike. */
  limits: Pick<Limits, 'consume'>;
  /** Hosts reachable although not public (`webhookAllowHosts`). */
  allowHosts?: readonly string[];
  webhook?: WebhookOptions;
}

/** Why a summary was not sent: no webhook, one delivery already under way, or the allowance is used up. */
export type SendRefusal = { reason: 'no_webhook' } | { reason: 'busy' } | { reason: 'rate_limited'; retryAfterSec: number; message: string };

/** A started delivery (its outcome; never rejects), or why none started. */
export type SendStart = { ok: true; delivery: Promise<WebhookOutcome> } | ({ ok: false } & SendRefusal);

export class MeetingSummaries {
  readonly #targets: WebhookTargets;
  /** Boards with a delivery under way (retries included): at most one each. */
  readonly #delivering = new Set<string>();

  constructor(
    private readonly actions: ActionService,
    private readonly store: ActionStore,
    private readonly registry: BoardRegistry,
    private readonly log: Logger,
    private readonly delivery: SummaryDeliveryOptions,
  ) {
    this.#targets = new WebhookTargets(delivery.allowHosts ?? []);
  }

  /** The action list with board title and the meeting's day, start and length; null when there is no such board. */
  async actionList(boardId: string): Promise<ActionListResponse | null> {
    const view = await this.registry.withBoard(boardId, (b) => readBoard(b.doc));
    if (!view) return null;
    const { meta } = view;
    const agendaMinutes = view.columns.agenda.reduce((n, a) => n + (a.timebox !== null && a.timebox > 0 ? a.timebox : 0), 0);
    return {
      boardId,
      title: meta.title,
      meetingDate: meta.meetingDate,
      meetingStart: meta.meetingStart,
      timezone: meta.timezone,
      agendaMinutes,
      actionItems: await this.actions.list(boardId),
    };
  }

  async summary(boardId: string): Promise<MeetingSummary | null> {
    return this.registry.withBoard(boardId, async (board) => {
      const items = await this.actions.list(boardId);
      return buildSummary(boardId, board.doc, items, await this.store.attendees(boardId));
    });
  }

  setWebhook(boardId: string, url: string | null): Promise<void> {
    return this.store.setWebhook(boardId, url, Date.now());
  }

  webhook(boardId: string): Promise<string | null> {
    return this.store.webhook(boardId);
  }

  /** The early check of a webhook URL when it is set; the check at send time is the one that counts. */
  checkWebhook(url: string): Promise<TargetCheck> {
    return this.#targets.check(url);
  }

  /** Whether a summary is being delivered to this board's webhook now (retries included). */
  delivering(boardId: string): boolean {
    return this.#delivering.has(boardId);
  }

  /**
   * Starts posting the summary to the board's webhook, unless it has none, a delivery is already under way
   * for it, or its `summarySend` allowance is used up. The delivery retries for a while; its promise
   * resolves with the outcome and never rejects.
   */
  async startSummarySend(boardId: string): Promise<SendStart> {
    const url = await this.store.webhook(boardId);
    if (!url) return { ok: false, reason: 'no_webhook' };
    // Taken before the allowance is asked (which awaits), so two requests at once cannot both start.
    if (this.#delivering.has(boardId)) return { ok: false, reason: 'busy' };
    this.#delivering.add(boardId);
    let verdict;
    try {
      verdict = await this.delivery.limits.consume('summarySend', boardId);
    } catch (err) {
      this.#delivering.delete(boardId);
      throw err;
    }
    if (!verdict.ok) {
      this.#delivering.delete(boardId);
      return { ok: false, reason: 'rate_limited', retryAfterSec: verdict.retryAfterSec, message: verdict.message };
    }
    const delivery = this.#deliver(boardId, url).finally(() => this.#delivering.delete(boardId));
    return { ok: true, delivery };
  }

  /**
   * Posts the summary to the board's webhook, if it has one; what the meeting module calls when a meeting
   * ends (without awaiting: it retries for a while). Counts against the same allowance as sending by hand.
   * Resolves with the outcome, null when there is no webhook; never rejects.
   */
  async sendMeetingSummary(boardId: string): Promise<WebhookOutcome | null> {
    try {
      const started = await this.startSummarySend(boardId);
      if (started.ok) return await started.delivery;
      if (started.reason === 'no_webhook') return null;
      const error = started.reason === 'busy' ? 'a summary is already being delivered to this board’s webhook' : started.message;
      this.log.info('meeting summary not sent', { board: boardId, error });
      return { ok: false, attempts: 0, error };
    } catch (err) {
      this.log.error('could not send the meeting summary', { board: boardId, err });
      return { ok: false, attempts: 0, error: err instanceof Error ? err.message : String(err) };
    }
  }

  async #deliver(boardId: string, url: string): Promise<WebhookOutcome> {
    try {
      const summary = await this.summary(boardId);
      if (!summary) return { ok: false, attempts: 0, error: 'board not found' };
      const payload: SummaryWebhookPayload = {
        text: summaryMarkdown(summary, 'chat'),
        board: { id: boardId, title: summary.title, meetingDate: summary.meetingDate },
        actionItems: summary.actionItems.filter((i) => i.status !== 'cancelled'),
      };
      return await postWebhook(url, payload, this.#targets, this.log, this.delivery.webhook);
    } catch (err) {
      this.log.error('could not send the meeting summary', { board: boardId, err });
      return { ok: false, attempts: 0, error: err instanceof Error ? err.message : String(err) };
    }
  }
}
