/**
 * Persistence of a series' personal links, its drop-in link and the drop-in submissions waiting for the
 * facilitator (SQLite implementation: sqlite-people-store.ts). Tokens are kept only as SHA-256 hashes
 * (server/auth/tokens.ts); a presented one is compared in constant time against each of the series' hashes.
 */
import type { DropinKind, DropinStatus } from '../../shared/series-people.js';

export interface DropinRecord {
  id: string;
  seriesId: string;
  kind: DropinKind;
  /** As typed, stored as text; never interpreted. */
  text: string;
  /** '' when the sender gave none. */
  name: string;
  addressee: string;
  createdAt: number;
  status: DropinStatus;
  /** Where it was taken: the board and the card made from it (null until taken). */
  boardId: string | null;
  cardId: string | null;
  decidedAt: number | null;
}

export interface PeopleStore {
  /** Makes a fresh token for `name` (case-insensitive) in the series, replacing that person's previous one. */
  rotatePersonToken(seriesId: string, name: string): Promise<string>;
  /** The person a personal token belongs to in this series (their name as given), or null. */
  resolvePerson(seriesId: string, token: string): Promise<string | null>;

  /** Makes a fresh drop-in token for the series, replacing the previous one. */
  rotateDropinToken(seriesId: string): Promise<string>;
  /** Whether `token` is the series' current drop-in token. */
  isDropinToken(seriesId: string, token: string): Promise<boolean>;

  addDropin(rec: DropinRecord): Promise<void>;
  getDropin(seriesId: string, id: string): Promise<DropinRecord | null>;
  /** Submissions of the series in a state, oldest first. */
  listDropins(seriesId: string, status: DropinStatus): Promise<DropinRecord[]>;
  /** Moves a pending submission on (taken with its board and card, or set aside); false when it was not pending. */
  decideDropin(
    seriesId: string,
    id: string,
    decision: { status: 'taken'; boardId: string; cardId: string } | { status: 'set_aside' },
    at: number,
  ): Promise<boolean>;
}
