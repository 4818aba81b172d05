/**
 * What the calendar feeds keep (SQLite implementation: sqlite-calendar-store.ts): each feed's generation —
 * its key is derived from it, so a new generation is a new URL and the old one stops working — and each
 * meeting's SEQUENCE with the fingerprint (time and status) it was last written with.
 */
export interface CalendarStore {
  /** Every feed of the series with its generation: `''` is the series' own feed, else a person's name, lowercased. */
  feeds(seriesId: string): Promise<Map<string, number>>;
  /** The feed's generation, noting the feed (at generation 0) when it had none. */
  ensure(seriesId: string, nameKey: string): Promise<number>;
  /** A new generation for the feed (a new URL); returns it. */
  bump(seriesId: string, nameKey: string): Promise<number>;
  /**
   * The SEQUENCE of meeting `seq` as it is now: unchanged while `fingerprint` is the one last written, one
   * higher when it differs (the meeting moved, or was cancelled); 0 the first time.
   */
  sequence(seriesId: string, seq: number, fingerprint: string): Promise<number>;
}
