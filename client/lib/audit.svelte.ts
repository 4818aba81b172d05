/**
 * The audit page's state: the filters (person, action, day range, text), the entries loaded so far (newest
 * first, older pages appended with the server's cursor) and the people seen, for the person picker.
 * Changing a filter starts over from the newest page; text typed is debounced.
 */
import type { AuditEntry } from '../../shared/history-schemas.js';
import { auditExportUrl, fetchAudit, type AuditFilter } from './history-api.js';

/** Entries per page. */
export const AUDIT_PAGE = 50;

/** `YYYY-MM-DD` (a date input's value) → the first or last millisecond of that day in the reader's time zone. */
export function dayBound(day: string, end: boolean): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const [y, m, d] = day.split('-').map(Number);
  const t = end ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d);
  return Number.isNaN(t.getTime()) ? null : t.getTime();
}

export class AuditTrailModel {
  readonly boardId: string;
  readonly token: string;
  // Filters as the form holds them; `from`/`to` are `YYYY-MM-DD` ('' = open).
  #actor = $state('');
  #action = $state<AuditFilter['action']>('');
  #from = $state('');
  #to = $state('');
  #q = $state('');
  get actor() {
    return this.#actor;
  }
  get action() {
    return this.#action;
  }
  get from() {
    return this.#from;
  }
  get to() {
    return this.#to;
  }
  get q() {
    return this.#q;
  }

  #entries = $state.raw<AuditEntry[]>([]);
  get entries() {
    return this.#entries;
  }
  #nextCursor = $state<string | null>(null);
  get nextCursor() {
    return this.#nextCursor;
  }
  #loading = $state(false);
  get loading() {
    return this.#loading;
  }
  #loaded = $state(false);
  get loaded() {
    return this.#loaded;
  }
  #failed = $state(false);
  get failed() {
    return this.#failed;
  }
  #people = $state.raw<string[]>([]);
  /** Everyone seen in the trail so far (any page, any filter), for the person picker. */
  get people() {
    return this.#people;
  }

  #filter = $derived<AuditFilter>({ actor: this.#actor, action: this.#action, from: dayBound(this.#from, false), to: dayBound(this.#to, true), q: this.#q });
  get filter() {
    return this.#filter;
  }
  #filtered = $derived(!!(this.#actor.trim() || this.#action || this.#from || this.#to || this.#q.trim()));
  get filtered() {
    return this.#filtered;
  }

  #seq = 0;

  constructor(boardId: string, token: string) {
    this.boardId = boardId;
    this.token = token;
  }

  /** Loads the newest page for the current filters (replacing what is shown). */
  async reload(): Promise<void> {
    await this.#fetch(null);
  }

  /** Appends the next older page. */
  async more(): Promise<void> {
    if (this.#nextCursor && !this.#loading) await this.#fetch(this.#nextCursor);
  }

  /** Fills the person picker from the most recent lines, before anyone filters. */
  async loadPeople(): Promise<void> {
    const res = await fetchAudit(this.boardId, this.token, { actor: '', action: '', from: null, to: null, q: '' }, null, 500);
    if (res.ok) this.#see(res.data.entries);
  }

  // Each filter change shows a new trail: the page reloads from the newest line when `filter` changes.

  filterByPerson(actor: string): void {
    this.#actor = actor;
  }

  filterByAction(action: AuditFilter['action']): void {
    this.#action = action;
  }

  /** `YYYY-MM-DD`, '' for no lower bound. */
  filterFrom(day: string): void {
    this.#from = day;
  }

  /** `YYYY-MM-DD`, '' for no upper bound. */
  filterTo(day: string): void {
    this.#to = day;
  }

  filterByText(q: string): void {
    this.#q = q;
  }

  clear(): void {
    this.#actor = '';
    this.#action = '';
    this.#from = '';
    this.#to = '';
    this.#q = '';
  }

  exportUrl(format: 'csv' | 'json'): string {
    return auditExportUrl(this.boardId, this.token, this.#filter, format);
  }

  async #fetch(cursor: string | null): Promise<void> {
    // A newer request (filters changed meanwhile) wins; older answers are dropped.
    const seq = ++this.#seq;
    this.#loading = true;
    const res = await fetchAudit(this.boardId, this.token, this.#filter, cursor, AUDIT_PAGE);
    if (seq !== this.#seq) return;
    this.#loading = false;
    if (!res.ok) {
      this.#failed = true;
      return;
    }
    this.#failed = false;
    this.#loaded = true;
    this.#entries = cursor ? [...this.#entries, ...res.data.entries] : res.data.entries;
    this.#nextCursor = res.data.nextCursor;
    this.#see(res.data.entries);
  }

  #see(entries: readonly AuditEntry[]): void {
    const seen = new Set(this.#people);
    for (const e of entries) seen.add(e.actor);
    if (seen.size !== this.#people.length) this.#people = [...seen].sort((a, b) => a.localeCompare(b));
  }
}
