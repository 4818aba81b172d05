/**
 * Hidden writing: cards people write into a hidden column stay here, on the server, until the facilitator
 * reveals the column. Only counts per person leave the server before that (see docs/security.md).
 */
import { ErrorCode } from '../../shared/errors.js';
import { randomId } from '../../shared/ids.js';
import type { ColumnId } from '../../shared/board-schema.js';
import type { CreateCardBody } from '../../shared/api-schemas.js';
import type { Draft, MeetingState } from '../../shared/meeting.js';
import { CommandError } from './command-error.js';

const MAX_DRAFTS_PER_PERSON = 50;

export class HiddenDrafts {
  readonly #drafts = new Map<string, Draft[]>();

  constructor(persisted: Record<string, Draft[]> = {}) {
    for (const [pid, drafts] of Object.entries(persisted)) this.#drafts.set(pid, drafts);
  }

  add(pid: string, card: CreateCardBody, now: number): Draft {
    const mine = this.#drafts.get(pid) ?? [];
    if (mine.length >= MAX_DRAFTS_PER_PERSON)
      throw new CommandError(
        ErrorCode.BadRequest,
        { reason: 'too_many_drafts', params: { max: MAX_DRAFTS_PER_PERSON } },
        `at most ${MAX_DRAFTS_PER_PERSON} hidden cards each`,
      );
    const draft: Draft = { id: randomId(12), card, createdAt: now };
    this.#drafts.set(pid, [...mine, draft]);
    return draft;
  }

  delete(pid: string, id: string): void {
    const mine = this.#drafts.get(pid) ?? [];
    if (!mine.some((d) => d.id === id)) throw new CommandError(ErrorCode.NotFound, { reason: 'no_such_draft' }, 'no such hidden card of yours');
    this.#drafts.set(
      pid,
      mine.filter((d) => d.id !== id),
    );
  }

  of(pid: string): Draft[] {
    return this.#drafts.get(pid) ?? [];
  }

  has(column: ColumnId): boolean {
    return [...this.#drafts.values()].some((ds) => ds.some((d) => d.card.column === column));
  }

  /** Removes and returns every draft of `column`, with its author. */
  take(column: ColumnId): Array<{ authorId: string; draft: Draft }> {
    const out: Array<{ authorId: string; draft: Draft }> = [];
    for (const [pid, drafts] of this.#drafts) {
      for (const draft of drafts) if (draft.card.column === column) out.push({ authorId: pid, draft });
      this.#drafts.set(
        pid,
        drafts.filter((d) => d.card.column !== column),
      );
    }
    return out;
  }

  /** What others may know: how many hidden cards each person holds per column. */
  counts(nameOf: (pid: string) => string): MeetingState['hidden']['drafts'] {
    const out: MeetingState['hidden']['drafts'] = [];
    for (const [pid, ds] of this.#drafts) {
      const byColumn = new Map<ColumnId, number>();
      for (const d of ds) byColumn.set(d.card.column, (byColumn.get(d.card.column) ?? 0) + 1);
      for (const [column, count] of byColumn) out.push({ authorId: pid, name: nameOf(pid), column, count });
    }
    return out;
  }

  toJSON(): Record<string, Draft[]> {
    const out: Record<string, Draft[]> = {};
    for (const [pid, d] of this.#drafts) if (d.length) out[pid] = d;
    return out;
  }
}
