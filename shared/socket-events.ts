/**
 * socket.io events on the default namespace: light board-level notifications. Names are `domain:verb`.
 * Every client→server event takes an ack that receives `Ack<T>`; events are rate-limited per socket
 * (refused with `rate_limited`, the socket disconnected if it keeps on), and a socket has at most one
 * watch (`board:watch`, `actions:watch`) in flight: a second one before the first is answered is refused.
 */
import { z } from 'zod';
import type { ApiError } from './errors.js';
import type { ActionItem } from './action-extraction.js';
import { BOARD_ID_PATTERN } from './ids.js';
import type { SeriesActionItem, SeriesActionsEvent, SeriesWatchPayload } from './series-events.js';

export type Ack<T = null> = { ok: true; data: T } | { ok: false; error: ApiError };

export interface BoardMetaEvent {
  boardId: string;
  title: string;
  purpose: string;
}

export interface ServerToClientEvents {
  /** The board's title or purpose changed (from any path: browser, REST, another client). */
  'board:renamed': (e: BoardMetaEvent) => void;
  /** The board was deleted; the client should leave it. */
  'board:deleted': (e: { boardId: string }) => void;
  /**
   * The link this socket watched the board with was replaced (`POST /api/boards/:id/links/rotate`): the
   * socket left the board's room and hears nothing more of it. The client should stop watching and say
   * that its link no longer works (like the 4403 close of `/yjs`). `reason` is for people.
   */
  'board:revoked': (e: BoardRevokedEvent) => void;
  /**
   * Action items of a watched board changed (created, edited, cancelled, reopened, status set): only the
   * changed items, each complete. Sent to the board's room, so `board:watch` or `actions:watch` receives it.
   */
  'actions:changed': (e: ActionsChangedEvent) => void;
  /** An action item of any meeting of a watched series changed (shared/series-events.ts). */
  'series:actions': (e: SeriesActionsEvent) => void;
}

export interface BoardRevokedEvent {
  boardId: string;
  reason: string;
}

export interface ActionsChangedEvent {
  boardId: string;
  items: ActionItem[];
}

export interface ClientToServerEvents {
  /** Start receiving the board's events (`{ boardId, token }`). Acks with the current title and purpose. */
  'board:watch': (payload: BoardWatchPayload, ack: (res: Ack<BoardMetaEvent>) => void) => void;
  'board:unwatch': (payload: { boardId: string }, ack: (res: Ack) => void) => void;
  /** Joins the board's room (`{ boardId, token }`, like `board:watch`) and acks with its current action items. */
  'actions:watch': (payload: BoardWatchPayload, ack: (res: Ack<ActionItem[]>) => void) => void;
  /** Joins the series' room (`{ seriesId, token }`) and acks with the action items of all its meetings. */
  'series:watch': (payload: SeriesWatchPayload, ack: (res: Ack<SeriesActionItem[]>) => void) => void;
}

export const BoardIdPayload = z.string().regex(BOARD_ID_PATTERN, 'not a board id');
export const BoardWatchPayload = z.strictObject({ boardId: BoardIdPayload, token: z.string().max(100) });
export type BoardWatchPayload = z.infer<typeof BoardWatchPayload>;
export const BoardUnwatchPayload = z.strictObject({ boardId: BoardIdPayload });
