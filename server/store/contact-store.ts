/**
 * Addresses people gave for a series' mail, and the kinds of mail an address turned off (SQLite
 * implementation: sqlite-contact-store.ts). An address belongs to a person's name in one series; it gets mail
 * only once confirmed. Turned-off kinds are kept per address — as a hash, so honouring an unsubscribe does not
 * mean keeping the address.
 */
import crypto from 'node:crypto';
import type { EmailKind, EmailLang } from '../../shared/email.js';

/**
 * How an address that turned kinds off is kept, on every engine. Addresses compare case-insensitively here (the
 * local part is case-sensitive in theory, never in practice).
 */
export const addressHash = (address: string): Buffer => crypto.createHash('sha256').update(address.trim().toLowerCase()).digest();

export interface ContactRecord {
  seriesId: string;
  /** The person's name as given; matched case-insensitively. */
  name: string;
  address: string;
  lang: EmailLang;
  confirmedAt: number | null;
  createdAt: number;
}

export interface ContactStore {
  /** Sets the person's address; a new address starts unconfirmed, the same one keeps its confirmation. */
  set(seriesId: string, name: string, address: string, lang: EmailLang, at: number): Promise<ContactRecord>;
  get(seriesId: string, name: string): Promise<ContactRecord | null>;
  /** Confirms the address if it is still the person's; false otherwise. */
  confirm(seriesId: string, name: string, address: string, at: number): Promise<boolean>;
  /** Removes the person's address; returns it (null when there was none). */
  remove(seriesId: string, name: string): Promise<string | null>;
  /** The series' confirmed contacts. */
  confirmed(seriesId: string): Promise<ContactRecord[]>;
  /** Series with at least one confirmed address (the clock's reminders look at these only). */
  seriesWithConfirmed(): Promise<string[]>;
  /** Whether any series still has this address. */
  inUse(address: string): Promise<boolean>;
  /** Kinds this address turned off. */
  offKinds(address: string): Promise<Set<EmailKind>>;
  setKind(address: string, kind: EmailKind, on: boolean, at: number): Promise<void>;
}
