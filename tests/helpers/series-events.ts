/** Series events as the triggers emit them, for tests that feed `app.seriesEvents` directly. */
import type { ActionItemInfo, RequestInfo, SeriesEvent } from '../../shared/reach.js';

let n = 0;

export const actionItem = (patch: Partial<ActionItemInfo> = {}): ActionItemInfo => ({
  id: `ai_${++n}`,
  text: 'Draft the rollout plan',
  owners: ['Sam'],
  due: '2030-01-10',
  status: 'open',
  boardId: 'board-abc',
  ...patch,
});

/** An action item event of `seriesId`; `key` defaults to one unique per call. */
export function itemEvent(
  seriesId: string,
  type: 'action_item.created' | 'action_item.done' | 'action_item.overdue' = 'action_item.created',
  patch: { key?: string; item?: Partial<ActionItemInfo>; seriesName?: string } = {},
): SeriesEvent {
  const item = actionItem(patch.item);
  return { type, seriesId, seriesName: patch.seriesName ?? 'Ops weekly', at: Date.UTC(2030, 0, 3, 9), key: patch.key ?? `${type}:${item.id}:${++n}`, item };
}

export function meetingEndedEvent(seriesId: string, patch: Partial<Extract<SeriesEvent, { type: 'meeting.ended' }>> = {}): SeriesEvent {
  return {
    type: 'meeting.ended',
    seriesId,
    seriesName: 'Ops weekly',
    at: Date.UTC(2030, 0, 3, 9, 45),
    key: `meeting.ended:${++n}`,
    boardId: 'board-abc',
    seq: 3,
    title: 'Ops weekly #3',
    endedBy: 'facilitator',
    actionItems: [actionItem(), actionItem({ text: 'Book the room', owners: ['Kim', 'Lee'], due: null })],
    decisions: 2,
    attendees: ['Sam', 'Kim'],
    ...patch,
  } as SeriesEvent;
}

export function requestEvent(seriesId: string, type: 'request.made' | 'request.answered', patch: Partial<RequestInfo> = {}): SeriesEvent {
  return {
    type,
    seriesId,
    seriesName: 'Ops weekly',
    at: Date.UTC(2030, 0, 3, 9, 30),
    key: `${type}:${++n}`,
    request: {
      id: `card_${n}`,
      boardId: 'board-abc',
      cardId: `card_${n}`,
      asker: 'Kim',
      addressee: 'Platform team',
      what: 'A staging database for the load test',
      byWhen: 'Friday',
      status: type === 'request.made' ? 'open' : 'accepted',
      declineReason: '',
      ...patch,
    },
  };
}
