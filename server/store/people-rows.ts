/** The rows of drop-in submissions as both engines return them, and the records they make. */
import type { DropinStatus } from '../../shared/series-people.js';
import type { DropinRecord } from './people-store.js';

export interface DropinRow {
  id: string;
  series_id: string;
  kind: DropinRecord['kind'];
  text: string;
  name: string;
  addressee: string;
  created_at: number;
  status: DropinStatus;
  board_id: string | null;
  card_id: string | null;
  decided_at: number | null;
}

export const fromRow = (r: DropinRow): DropinRecord => ({
  id: r.id,
  seriesId: r.series_id,
  kind: r.kind,
  text: r.text,
  name: r.name,
  addressee: r.addressee,
  createdAt: r.created_at,
  status: r.status,
  boardId: r.board_id,
  cardId: r.card_id,
  decidedAt: r.decided_at,
});
