import type { EmailKind, EmailLang } from '../../shared/email.js';
import { fromRow, type ContactRow } from './contact-rows.js';
import { addressHash, type ContactRecord, type ContactStore } from './contact-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

export class SqliteContactStore implements ContactStore {
  readonly #db: SqliteDatabase;
  readonly #stmt;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#stmt = {
      get: db.prepare<[string, string], ContactRow>('SELECT * FROM email_contacts WHERE series_id = ? AND name_key = ?'),
      upsert: db.prepare(
        `INSERT INTO email_contacts (series_id, name_key, name, address, lang, confirmed_at, created_at) VALUES (@series_id, @name_key, @name, @address, @lang, NULL, @at)
         ON CONFLICT(series_id, name_key) DO UPDATE SET name = excluded.name, lang = excluded.lang,
           confirmed_at = CASE WHEN lower(address) = lower(excluded.address) THEN confirmed_at ELSE NULL END,
           created_at = CASE WHEN lower(address) = lower(excluded.address) THEN created_at ELSE excluded.created_at END,
           address = excluded.address`,
      ),
      confirm: db.prepare(
        `UPDATE email_contacts SET confirmed_at = COALESCE(confirmed_at, ?) WHERE series_id = ? AND name_key = ? AND lower(address) = lower(?)`,
      ),
      remove: db.prepare('DELETE FROM email_contacts WHERE series_id = ? AND name_key = ?'),
      confirmed: db.prepare<[string], ContactRow>('SELECT * FROM email_contacts WHERE series_id = ? AND confirmed_at IS NOT NULL ORDER BY name_key'),
      withConfirmed: db.prepare<[], { series_id: string }>('SELECT DISTINCT series_id FROM email_contacts WHERE confirmed_at IS NOT NULL'),
      inUse: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM email_contacts WHERE lower(address) = lower(?)'),
      off: db.prepare<[Buffer], { kind: EmailKind }>('SELECT kind FROM email_unsubscribes WHERE address_hash = ?'),
      addOff: db.prepare('INSERT OR IGNORE INTO email_unsubscribes (address_hash, kind, at) VALUES (?, ?, ?)'),
      removeOff: db.prepare('DELETE FROM email_unsubscribes WHERE address_hash = ? AND kind = ?'),
    };
  }

  async set(seriesId: string, name: string, address: string, lang: EmailLang, at: number): Promise<ContactRecord> {
    const key = name.toLowerCase();
    return this.#db.write(() => {
      this.#stmt.upsert.run({ series_id: seriesId, name_key: key, name, address: address.trim(), lang, at });
      return fromRow(this.#stmt.get.get(seriesId, key)!);
    });
  }

  async get(seriesId: string, name: string): Promise<ContactRecord | null> {
    const r = this.#stmt.get.get(seriesId, name.toLowerCase());
    return r ? fromRow(r) : null;
  }

  async confirm(seriesId: string, name: string, address: string, at: number): Promise<boolean> {
    return this.#db.write(() => this.#stmt.confirm.run(at, seriesId, name.toLowerCase(), address).changes === 1);
  }

  async remove(seriesId: string, name: string): Promise<string | null> {
    return this.#db.write(() => {
      const r = this.#stmt.get.get(seriesId, name.toLowerCase());
      if (!r) return null;
      this.#stmt.remove.run(seriesId, name.toLowerCase());
      return r.address;
    });
  }

  async confirmed(seriesId: string): Promise<ContactRecord[]> {
    return this.#stmt.confirmed.all(seriesId).map(fromRow);
  }

  async seriesWithConfirmed(): Promise<string[]> {
    return this.#stmt.withConfirmed.all().map((r) => r.series_id);
  }

  async inUse(address: string): Promise<boolean> {
    return (this.#stmt.inUse.get(address)?.n ?? 0) > 0;
  }

  async offKinds(address: string): Promise<Set<EmailKind>> {
    return new Set(this.#stmt.off.all(addressHash(address)).map((r) => r.kind));
  }

  async setKind(address: string, kind: EmailKind, on: boolean, at: number): Promise<void> {
    const h = addressHash(address);
    this.#db.write(() => (on ? this.#stmt.removeOff.run(h, kind) : this.#stmt.addOff.run(h, kind, at)));
  }
}
