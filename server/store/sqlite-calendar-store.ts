import type { CalendarStore } from './calendar-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Feeds in `calendar_feeds`, meeting sequences in `calendar_sequences`. */
export class SqliteCalendarStore implements CalendarStore {
  readonly #db: SqliteDatabase;
  readonly #stmt;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#stmt = {
      feeds: db.prepare<[string], { name_key: string; generation: number }>('SELECT name_key, generation FROM calendar_feeds WHERE series_id = ?'),
      feed: db.prepare<[string, string], { generation: number }>('SELECT generation FROM calendar_feeds WHERE series_id = ? AND name_key = ?'),
      note: db.prepare('INSERT OR IGNORE INTO calendar_feeds (series_id, name_key, generation) VALUES (?, ?, 0)'),
      bump: db.prepare(
        `INSERT INTO calendar_feeds (series_id, name_key, generation) VALUES (?, ?, 1)
         ON CONFLICT(series_id, name_key) DO UPDATE SET generation = generation + 1`,
      ),
      sequence: db.prepare<[string, number], { fingerprint: string; sequence: number }>(
        'SELECT fingerprint, sequence FROM calendar_sequences WHERE series_id = ? AND seq = ?',
      ),
      setSequence: db.prepare(
        `INSERT INTO calendar_sequences (series_id, seq, fingerprint, sequence) VALUES (?, ?, ?, ?)
         ON CONFLICT(series_id, seq) DO UPDATE SET fingerprint = excluded.fingerprint, sequence = excluded.sequence`,
      ),
    };
  }

  async feeds(seriesId: string): Promise<Map<string, number>> {
    return new Map(this.#stmt.feeds.all(seriesId).map((r) => [r.name_key, r.generation]));
  }

  async ensure(seriesId: string, nameKey: string): Promise<number> {
    const found = this.#stmt.feed.get(seriesId, nameKey);
    if (found) return found.generation;
    this.#db.write(() => this.#stmt.note.run(seriesId, nameKey));
    return this.#stmt.feed.get(seriesId, nameKey)?.generation ?? 0;
  }

  async bump(seriesId: string, nameKey: string): Promise<number> {
    return this.#db.write(() => {
      this.#stmt.bump.run(seriesId, nameKey);
      return this.#stmt.feed.get(seriesId, nameKey)!.generation;
    });
  }

  async sequence(seriesId: string, seq: number, fingerprint: string): Promise<number> {
    const found = this.#stmt.sequence.get(seriesId, seq);
    if (found?.fingerprint === fingerprint) return found.sequence;
    // Read again inside the write: two readers racing on one change bump it once.
    return this.#db.write(() => {
      const row = this.#stmt.sequence.get(seriesId, seq);
      if (row?.fingerprint === fingerprint) return row.sequence;
      const next = row ? row.sequence + 1 : 0;
      this.#stmt.setSequence.run(seriesId, seq, fingerprint, next);
      return next;
    });
  }
}
