/**
 * The read side of action items for REST, sockets and the meeting module: lists, exports, summary and
 * its webhook. One way in: everything reads the live document (through the registry) and the action store.
 */
import { readMeta } from '../../shared/board-schema.js';
import type { ActionListResponse, MeetingSummary, SummaryWebhookPayload } from '../../shared/action-schemas.js';
import type { ActionStore } from '../store/action-store.js';
import type { BoardRegistry } from '../sync/board-registry.js';
import type { Logger } from '../log.js';
import type { ActionService } from './action-service.js';
import { buildSummary } from './summary.js';
import { summaryMarkdown } from './exports.js';
import { postWebhook, type WebhookOptions, type WebhookOutcome } from './webhook.js';

export class MeetingSummaries {
  constructor(
    private readonly actions: ActionService,
    private readonly store: ActionStore,
    private readonly registry: BoardRegistry,
    private readonly log: Logger,
    private readonly webhookOptions: WebhookOptions = {},
  ) {}

  /** The action list with board title and meeting day; null when there is no such board. */
  async actionList(boardId: string): Promise<ActionListResponse | null> {
    const meta = await this.registry.withBoard(boardId, (b) => readMeta(b.doc));
    if (!meta) return null;
    return { boardId, title: meta.title, meetingDate: meta.meetingDate, actionItems: await this.actions.list(boardId) };
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

  /**
   * Posts the summary to the board's webhook, if it has one. Call it when the meeting ends; do not await
   * it there (it retries for a while). Resolves with the outcome, null when there is no webhook or board;
   * never rejects.
   */
  async sendMeetingSummary(boardId: string): Promise<WebhookOutcome | null> {
    try {
      const url = await this.store.webhook(boardId);
      if (!url) return null;
      const summary = await this.summary(boardId);
      if (!summary) return null;
      const payload: SummaryWebhookPayload = {
        text: summaryMarkdown(summary),
        board: { id: boardId, title: summary.title, meetingDate: summary.meetingDate },
        actionItems: summary.actionItems.filter((i) => i.status !== 'cancelled'),
      };
      return await postWebhook(url, payload, this.log, this.webhookOptions);
    } catch (err) {
      this.log.error('could not send the meeting summary', { board: boardId, err });
      return { ok: false, attempts: 0, error: err instanceof Error ? err.message : String(err) };
    }
  }
}
