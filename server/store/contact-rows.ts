/** The rows of email contacts as both engines return them, and the records they make. */
import type { EmailLang } from '../../shared/email.js';
import type { ContactRecord } from './contact-store.js';

export interface ContactRow {
  series_id: string;
  name: string;
  address: string;
  lang: EmailLang;
  confirmed_at: number | null;
  created_at: number;
}

export const fromRow = (r: ContactRow): ContactRecord => ({
  seriesId: r.series_id,
  name: r.name,
  address: r.address,
  lang: r.lang,
  confirmedAt: r.confirmed_at,
  createdAt: r.created_at,
});
