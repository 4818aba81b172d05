/**
 * What changed on a card or in the board's meta, as audit lines. Pure: compares the card as it was before a
 * transaction with the card after it (both plain views from `readCard`), so it sees the same thing whichever
 * client or path made the change.
 */
import type { BoardMeta, Card, ColumnId } from '../../shared/board-schema.js';
import { cardHeadline } from '../../shared/action-extraction.js';
import type { AuditAction } from '../../shared/history-schemas.js';

export interface AuditChange {
  action: AuditAction;
  cardId: string | null;
  field: string | null;
  summary: string;
  /**
   * Set for edits made keystroke by keystroke: lines with the same key (per actor) within a minute are one
   * line. Absent for discrete events (created, moved, decided…), which are always recorded.
   */
  coalesce?: string;
}

const NOUN: Record<ColumnId, string> = { agenda: 'agenda item', needs: 'request', challenges: 'challenge' };

/** A quoted, shortened piece of user text for a summary line. */
export function quote(s: string, max = 120): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return `"${one.length > max ? `${one.slice(0, max - 1)}…` : one}"`;
}

const label = (c: Card): string => `${NOUN[c.column]} ${quote(cardHeadline(c) || '(empty)')}`;

/** The card's main text in full (title, request or problem), for created and deleted lines. */
function mainText(c: Card): string {
  return c.column === 'agenda' ? c.title : c.column === 'needs' ? c.what : c.problem;
}

const SCALARS: Record<ColumnId, readonly string[]> = {
  agenda: ['title', 'notes', 'owner', 'timebox'],
  needs: ['what', 'asker', 'addressee', 'byWhen'],
  challenges: ['problem'],
};

/** The audit lines for one card between two states (null = absent). */
export function cardChanges(prev: Card | null, next: Card | null): AuditChange[] {
  if (!prev && !next) return [];
  if (!prev || !next || prev.column !== next.column) {
    const out: AuditChange[] = [];
    if (prev) out.push({ action: 'card.deleted', cardId: prev.id, field: null, summary: `deleted ${NOUN[prev.column]} ${quote(mainText(prev), 500)}` });
    if (next) out.push({ action: 'card.created', cardId: next.id, field: null, summary: `created ${NOUN[next.column]} ${quote(mainText(next), 500)}` });
    return out;
  }
  const out: AuditChange[] = [];
  const id = next.id;
  const p = prev as unknown as Record<string, unknown>;
  const n = next as unknown as Record<string, unknown>;
  for (const field of SCALARS[next.column]) {
    if (p[field] !== n[field]) {
      out.push({ action: 'card.edited', cardId: id, field, summary: `edited ${field} of ${label(next)}`, coalesce: `card|${id}|${field}` });
    }
  }
  if (prev.order !== next.order) out.push({ action: 'card.moved', cardId: id, field: 'order', summary: `moved ${label(next)}` });
  if (prev.column === 'agenda' && next.column === 'agenda' && prev.done !== next.done) {
    out.push(
      next.done
        ? { action: 'card.done', cardId: id, field: 'done', summary: `marked ${label(next)} done` }
        : { action: 'card.reopened', cardId: id, field: 'done', summary: `reopened ${label(next)}` },
    );
  }
  if ((prev.column === 'needs' || prev.column === 'challenges') && 'status' in next && prev.status !== next.status) {
    out.push({ action: 'card.status', cardId: id, field: 'status', summary: `changed status of ${label(next)} from ${prev.status} to ${next.status}` });
  }
  out.push(...listChanges(prev.decisions, next.decisions, 'decision', id, label(next)));
  if (prev.column === 'challenges' && next.column === 'challenges') out.push(...listChanges(prev.proposals, next.proposals, 'proposal', id, label(next)));
  return out;
}

interface Item {
  id: string;
  text: string;
  owners?: string;
  due?: string;
}

function listChanges(prev: readonly Item[], next: readonly Item[], kind: 'decision' | 'proposal', cardId: string, where: string): AuditChange[] {
  const out: AuditChange[] = [];
  const before = new Map(prev.map((i) => [i.id, i]));
  const after = new Map(next.map((i) => [i.id, i]));
  for (const [iid, i] of after) {
    const was = before.get(iid);
    if (!was) {
      out.push({
        action: `${kind}.added`,
        cardId,
        field: `${kind}:${iid}`,
        summary: `${kind === 'decision' ? 'recorded decision' : 'proposed'} on ${where}: ${quote(i.text, 500)}`,
      });
    } else {
      if (was.text !== i.text)
        out.push({ action: `${kind}.edited`, cardId, field: `${kind}:${iid}`, summary: `edited ${kind} on ${where}`, coalesce: `${kind}|${iid}` });
      // A corrected owner or due date is a line of its own, never folded into typing: it changes an action item.
      const set = [
        was.owners !== i.owners ? `the owner to ${i.owners ? quote(i.owners) : 'what the text says'}` : '',
        was.due !== i.due ? `the due date to ${i.due || 'what the text says'}` : '',
      ].filter(Boolean);
      if (set.length) out.push({ action: `${kind}.edited`, cardId, field: `${kind}:${iid}`, summary: `set ${set.join(' and ')} of the ${kind} on ${where}` });
    }
  }
  for (const [iid, i] of before) {
    if (!after.has(iid))
      out.push({ action: `${kind}.removed`, cardId, field: `${kind}:${iid}`, summary: `removed ${kind} from ${where}: ${quote(i.text, 500)}` });
  }
  return out;
}

/** Audit lines for changed meta keys. `cardTitle` names an agenda item by id (for the current item). */
export function metaChanges(prev: BoardMeta, next: BoardMeta, cardTitle: (id: string) => string | null): AuditChange[] {
  const out: AuditChange[] = [];
  if (prev.title !== next.title)
    out.push({ action: 'board.edited', cardId: null, field: 'title', summary: `renamed the board to ${quote(next.title)}`, coalesce: 'meta|title' });
  if (prev.purpose !== next.purpose)
    out.push({ action: 'board.edited', cardId: null, field: 'purpose', summary: 'edited the purpose', coalesce: 'meta|purpose' });
  if (prev.meetingDate !== next.meetingDate)
    out.push({ action: 'board.edited', cardId: null, field: 'meetingDate', summary: `set the meeting date to ${next.meetingDate}` });
  if (prev.currentAgendaId !== next.currentAgendaId) {
    const title = next.currentAgendaId ? cardTitle(next.currentAgendaId) : null;
    out.push({
      action: 'meeting.current',
      cardId: next.currentAgendaId,
      field: 'currentAgendaId',
      summary: next.currentAgendaId ? `moved the meeting to agenda item ${quote(title ?? next.currentAgendaId)}` : 'cleared the current agenda item',
    });
  }
  return out;
}
