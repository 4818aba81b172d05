/** The rows of vote rounds as both engines return them, and the records they make. */
import type { VoteRecord } from './meeting-store.js';

export interface VoteRow {
  id: string;
  board_id: string;
  dots_per_person: number;
  opened_at: number;
  revealed_at: number;
  voters: number;
  results: string;
}

export const fromVote = (r: VoteRow): VoteRecord => ({
  id: r.id,
  boardId: r.board_id,
  dotsPerPerson: r.dots_per_person,
  openedAt: r.opened_at,
  revealedAt: r.revealed_at,
  voters: r.voters,
  results: JSON.parse(r.results) as VoteRecord['results'],
});
