/**
 * What a series tells the outside world: the events its webhooks can subscribe to and its mails follow
 * (docs/notifications.md). The server emits them; the series settings list them.
 */

export const SERIES_EVENT_TYPES = [
  'meeting.ended',
  'action_item.created',
  'action_item.done',
  'action_item.overdue',
  'request.made',
  'request.answered',
] as const;
export type SeriesEventType = (typeof SERIES_EVENT_TYPES)[number];

export interface ActionItemInfo {
  id: string;
  text: string;
  owners: string[];
  /** `YYYY-MM-DD`, or null when none was given. */
  due: string | null;
  status: 'open' | 'done' | 'cancelled' | 'blocked';
  /** The board (meeting) it was decided on. */
  boardId: string;
}

export interface RequestInfo {
  /** The request's id across meetings (the card it started as). */
  id: string;
  /** The board and card it is on now. */
  boardId: string;
  cardId: string;
  asker: string;
  addressee: string;
  what: string;
  byWhen: string;
  status: 'open' | 'accepted' | 'declined' | 'done';
  declineReason: string;
}

interface EventBase {
  seriesId: string;
  seriesName: string;
  /** When it happened, ms since the epoch. */
  at: number;
  /**
   * The same event seen twice (a restart, two paths to it) has the same key: a message made from it is sent
   * once (the outbox's idempotency key).
   */
  key: string;
}

export type SeriesEvent =
  | (EventBase & {
      type: 'meeting.ended';
      boardId: string;
      seq: number;
      title: string;
      endedBy: 'facilitator' | 'auto';
      actionItems: ActionItemInfo[];
      decisions: number;
      attendees: string[];
    })
  | (EventBase & { type: 'action_item.created'; item: ActionItemInfo })
  | (EventBase & { type: 'action_item.done'; item: ActionItemInfo })
  | (EventBase & { type: 'action_item.overdue'; item: ActionItemInfo })
  | (EventBase & { type: 'request.made'; request: RequestInfo })
  | (EventBase & { type: 'request.answered'; request: RequestInfo });
