/**
 * Reads a series' facts (series-records.ts) from the stores: its meetings, each meeting's board as the live
 * document holds it, its action items and attendees, and the status changes of its audit trail.
 */
import { readBoard } from '../../shared/board-schema.js';
import type { ActionStore } from '../store/action-store.js';
import type { AuditStore } from '../store/audit-store.js';
import type { SeriesStore } from '../store/series-store.js';
import { BoardGoneError, type BoardRegistry } from '../sync/board-registry.js';
import { parseStatusSummary, type MeetingFacts, type SeriesFacts, type StatusChange } from './series-records.js';

export interface RecordSources {
  store: Pick<SeriesStore, 'get' | 'meetings'>;
  registry: Pick<BoardRegistry, 'withBoard' | 'stored'>;
  actionStore: Pick<ActionStore, 'list' | 'attendees'>;
  auditStore: Pick<AuditStore, 'query'>;
  /** Writes the audit lines still queued, so a change just stored is counted; resolves once they are written. */
  flushAudit(): Promise<void>;
}

const AUDIT_PAGE = 500;

/** The facts of a series, or null when there is no such series. */
export async function loadSeriesFacts(src: RecordSources, seriesId: string): Promise<SeriesFacts | null> {
  const series = await src.store.get(seriesId);
  if (!series) return null;
  const meetings: MeetingFacts[] = [];
  for (const m of await src.store.meetings(seriesId)) {
    if (m.status === 'opening') continue;
    const board = await src.registry.withBoard(m.boardId, async (b) => {
      // What people wrote before this request is stored, so its audit lines and action items exist.
      await src.registry.stored(b).catch((err) => {
        if (!(err instanceof BoardGoneError)) throw err;
      });
      return readBoard(b.doc);
    });
    await src.flushAudit();
    const actions = (await src.actionStore.list(m.boardId))
      .filter((a) => a.kind === 'decision')
      .map((a) => ({
        id: a.id,
        status: a.status,
        owners: a.owners,
        due: a.due,
        // Items marked done before `doneAt` was recorded: their last change is the best time known.
        doneAt: a.status === 'done' ? (a.doneAt ?? a.updatedAt) : null,
      }));
    meetings.push({
      seq: m.seq,
      date: m.date,
      boardId: m.boardId,
      status: m.status,
      startedAt: m.startedAt,
      endedBy: m.endedBy,
      board,
      actions,
      attendees: await src.actionStore.attendees(m.boardId),
      statusChanges: await statusChanges(src.auditStore, m.boardId),
    });
  }
  return { series: { id: series.id, name: series.name, team: series.team, timezone: series.timezone }, meetings };
}

/** Every `card.status` line of a board, oldest first (the store pages newest first). */
async function statusChanges(audit: Pick<AuditStore, 'query'>, boardId: string): Promise<StatusChange[]> {
  const out: StatusChange[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await audit.query(boardId, { action: 'card.status', limit: AUDIT_PAGE, before });
    for (const e of page.entries) {
      const parsed = e.cardId ? parseStatusSummary(e.summary) : null;
      if (parsed && e.cardId) out.push({ at: e.at, cardId: e.cardId, ...parsed });
    }
    if (!page.more || page.entries.length === 0) break;
    before = page.entries.at(-1)!.id;
  }
  return out.reverse();
}
