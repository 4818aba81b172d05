/**
 * socket.io events of a series on the default namespace: `series:watch` joins the series' room (any token
 * that opens the series: its own, or a link of one of its meetings' boards) and acks with the series' action
 * items; `series:actions` then brings every change to an action item of any of its meetings, so a board's
 * "since last meeting" block stays live whichever meeting the change was made from.
 */
import { z } from 'zod';
import type { ActionItem } from './action-extraction.js';
import { BOARD_ID_PATTERN } from './ids.js';

/** An action item of a series, with the meeting it was decided in and the latest meeting it is on. */
export interface SeriesActionItem extends ActionItem {
  seq: number;
  latestSeq: number;
}

export const SeriesWatchPayload = z.strictObject({
  seriesId: z.string().regex(BOARD_ID_PATTERN, 'not a series id'),
  token: z.string().max(100),
});
export type SeriesWatchPayload = z.infer<typeof SeriesWatchPayload>;

export interface SeriesActionsEvent {
  seriesId: string;
  /** The meeting (its number) whose board the items changed on. */
  seq: number;
  /** Only the changed items, each complete. */
  items: ActionItem[];
}
