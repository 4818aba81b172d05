import type { EmailKind, EmailLang } from '../../shared/email.js';
import { fromRow, type ContactRow } from './contact-rows.js';
import { addressHash, type ContactRecord, type ContactStore } from './contact-store.js';
import type { PgDatabase } from './pg-database.js';

/**
 * Addresses compare as SQLite's lower() compares them, ASCII letters only: PostgreSQL's lower() under the "C"
 * collation does exactly that, whatever the database's locale.
 */
const lowerAddress = (sql: string): string => `lower(${sql} COLLATE "C")`;

/** Contacts and turned-off kinds on PostgreSQL (sqlite-contact-store.ts is the reference). */
export class PgContactStore implements ContactStore {
  constructor(private readonly db: PgDatabase) {}

  async set(seriesId: string, name: string, address: string, lang: EmailLang, at: number): Promise<ContactRecord> {
    // One statement that also returns the row it leaves: no other instance's write can come between.
    const row = await this.db.one<ContactRow>(
      `INSERT INTO email_contacts AS c (series_id, name_key, name, address, lang, confirmed_at, created_at) VALUES ($1, $2, $3, $4, $5, NULL, $6)
       ON CONFLICT (series_id, name_key) DO UPDATE SET name = excluded.name, lang = excluded.lang,
         confirmed_at = CASE WHEN ${lowerAddress('c.address')} = ${lowerAddress('excluded.address')} THEN c.confirmed_at ELSE NULL END,
         created_at = CASE WHEN ${lowerAddress('c.address')} = ${lowerAddress('excluded.address')} THEN c.created_at ELSE excluded.created_at END,
         address = excluded.address
       RETURNING *`,
      [seriesId, name.toLowerCase(), name, address.trim(), lang, at],
    );
    return fromRow(row!);
  }

  async get(seriesId: string, name: string): Promise<ContactRecord | null> {
    const r = await this.db.one<ContactRow>('SELECT * FROM email_contacts WHERE series_id = $1 AND name_key = $2', [seriesId, name.toLowerCase()]);
    return r ? fromRow(r) : null;
  }

  async confirm(seriesId: string, name: string, address: string, at: number): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE email_contacts SET confirmed_at = COALESCE(confirmed_at, $1) WHERE series_id = $2 AND name_key = $3 AND ${lowerAddress('address')} = ${lowerAddress('$4::text')}`,
      [at, seriesId, name.toLowerCase(), address],
    );
    return changed === 1;
  }

  async remove(seriesId: string, name: string): Promise<string | null> {
    const r = await this.db.one<{ address: string }>('DELETE FROM email_contacts WHERE series_id = $1 AND name_key = $2 RETURNING address', [
      seriesId,
      name.toLowerCase(),
    ]);
    return r?.address ?? null;
  }

  async confirmed(seriesId: string): Promise<ContactRecord[]> {
    const rows = await this.db.rows<ContactRow>(
      'SELECT * FROM email_contacts WHERE series_id = $1 AND confirmed_at IS NOT NULL ORDER BY name_key COLLATE "C"',
      [seriesId],
    );
    return rows.map(fromRow);
  }

  async seriesWithConfirmed(): Promise<string[]> {
    const rows = await this.db.rows<{ series_id: string }>(
      'SELECT DISTINCT series_id COLLATE "C" AS series_id FROM email_contacts WHERE confirmed_at IS NOT NULL ORDER BY 1',
    );
    return rows.map((r) => r.series_id);
  }

  async inUse(address: string): Promise<boolean> {
    const r = await this.db.one<{ used: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM email_contacts WHERE ${lowerAddress('address')} = ${lowerAddress('$1::text')}) AS used`,
      [address],
    );
    return r?.used ?? false;
  }

  async offKinds(address: string): Promise<Set<EmailKind>> {
    const rows = await this.db.rows<{ kind: EmailKind }>('SELECT kind FROM email_unsubscribes WHERE address_hash = $1', [addressHash(address)]);
    return new Set(rows.map((r) => r.kind));
  }

  async setKind(address: string, kind: EmailKind, on: boolean, at: number): Promise<void> {
    const h = addressHash(address);
    if (on) await this.db.run('DELETE FROM email_unsubscribes WHERE address_hash = $1 AND kind = $2', [h, kind]);
    else await this.db.run('INSERT INTO email_unsubscribes (address_hash, kind, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [h, kind, at]);
  }
}
