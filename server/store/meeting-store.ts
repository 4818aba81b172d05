/**
 * Storage of the meeting channel's state: the live meeting (one JSON document per board, written after
 * each command) and the recorded vote rounds (SQLite implementation: sqlite-meeting-store.ts). Named
 * versions of the board are the version store's. Rows go when their board is deleted.
 */
export interface VoteRecord {
  id: string;
  boardId: string;
  dotsPerPerson: number;
  openedAt: number;
  revealedAt: number;
  voters: number;
  results: { cardId: string; dots: number }[];
}

export interface MeetingStore {
  /** The state last saved for the board's meeting, or null. */
  loadMeeting(boardId: string): Promise<unknown | null>;
  /** Replaces the board's meeting state. */
  saveMeeting(boardId: string, state: unknown): Promise<void>;
  recordVote(round: VoteRecord): Promise<void>;
  /** The board's vote rounds, in the order they were revealed (rounds revealed at the same time, in the order recorded). */
  listVotes(boardId: string): Promise<VoteRecord[]>;
}
