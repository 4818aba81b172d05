import type { CalendarStore } from './calendar-store.js';
import type { PgDatabase } from './pg-database.js';

/** Feeds in `calendar_feeds`, meeting sequences in `calendar_sequences`, on PostgreSQL (sqlite-calendar-store.ts is the reference). */
export class PgCalendarStore implements CalendarStore {
  constructor(private readonly db: PgDatabase) {}

  async feeds(seriesId: string): Promise<Map<string, number>> {
    const rows = await this.db.rows<{ name_key: string; generation: number }>(
      'SELECT name_key, generation FROM calendar_feeds WHERE series_id = $1 ORDER BY name_key COLLATE "C"',
      [seriesId],
    );
    return new Map(rows.map((r) => [r.name_key, r.generation]));
  }

  async ensure(seriesId: string, nameKey: string): Promise<number> {
    const found = await this.#generation(seriesId, nameKey);
    if (found !== null) return found;
    // Another instance noting the same feed at once: one inserts, the other waits for it and reads its row.
    await this.db.run('INSERT INTO calendar_feeds (series_id, name_key, generation) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [seriesId, nameKey]);
    return (await this.#generation(seriesId, nameKey)) ?? 0;
  }

  async bump(seriesId: string, nameKey: string): Promise<number> {
    // One statement: two instances bumping at once get two generations, neither lost.
    const row = await this.db.one<{ generation: number }>(
      `INSERT INTO calendar_feeds AS f (series_id, name_key, generation) VALUES ($1, $2, 1)
       ON CONFLICT (series_id, name_key) DO UPDATE SET generation = f.generation + 1
       RETURNING generation`,
      [seriesId, nameKey],
    );
    return row!.generation;
  }

  async sequence(seriesId: string, seq: number, fingerprint: string): Promise<number> {
    const found = await this.#sequence(seriesId, seq);
    if (found?.fingerprint === fingerprint) return found.sequence;
    // One statement that locks the row and looks at it again: two instances racing on one change bump it once.
    // Nothing comes back when the row already has this fingerprint (the other one wrote it): read what it wrote.
    const written = await this.db.one<{ sequence: number }>(
      `INSERT INTO calendar_sequences AS c (series_id, seq, fingerprint, sequence) VALUES ($1, $2, $3, 0)
       ON CONFLICT (series_id, seq) DO UPDATE SET fingerprint = excluded.fingerprint, sequence = c.sequence + 1
         WHERE c.fingerprint <> excluded.fingerprint
       RETURNING sequence`,
      [seriesId, seq, fingerprint],
    );
    return written?.sequence ?? (await this.#sequence(seriesId, seq))?.sequence ?? 0;
  }

  async #generation(seriesId: string, nameKey: string): Promise<number | null> {
    const row = await this.db.one<{ generation: number }>('SELECT generation FROM calendar_feeds WHERE series_id = $1 AND name_key = $2', [seriesId, nameKey]);
    return row?.generation ?? null;
  }

  async #sequence(seriesId: string, seq: number): Promise<{ fingerprint: string; sequence: number } | null> {
    return this.db.one('SELECT fingerprint, sequence FROM calendar_sequences WHERE series_id = $1 AND seq = $2', [seriesId, seq]);
  }
}
