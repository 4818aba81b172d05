/**
 * Team memory: the cards of a series tagged as a win, a loss, an FAQ or an idea for another team, each once
 * (by the id it started as) in its latest version, with the decisions recorded on it in any meeting. Pure:
 * computed from the facts alone (series-records.ts).
 */
import { cardHeadline } from '../../shared/action-extraction.js';
import type { Card, CardTag } from '../../shared/board-schema.js';
import type { MemoryEntry } from '../../shared/series-report.js';
import { cardsOf, rootOf, type MeetingFacts, type SeriesFacts } from './series-records.js';

const body = (c: Card): string => (c.column === 'agenda' ? c.notes : c.column === 'needs' ? c.what : c.problem);
const status = (c: Card): string => (c.column === 'agenda' ? (c.done ? 'done' : 'open') : c.status);

/** Newest first (by the latest meeting each card is on). A tag taken off in a later meeting takes the card out. */
export function teamMemory(facts: SeriesFacts, tag?: CardTag): MemoryEntry[] {
  const byRoot = new Map<string, { latest: Card; meeting: MeetingFacts; firstSeq: number; createdBy: string; decisions: MemoryEntry['decisions'] }>();
  for (const m of facts.meetings) {
    for (const card of m.board ? cardsOf(m.board) : []) {
      const root = rootOf(card);
      const seen = byRoot.get(root);
      const decisions = card.decisions.map((d) => ({ text: d.text, decidedBy: d.decidedBy, seq: m.seq, createdAt: d.createdAt }));
      if (seen) Object.assign(seen, { latest: card, meeting: m, decisions: [...seen.decisions, ...decisions] });
      else byRoot.set(root, { latest: card, meeting: m, firstSeq: m.seq, createdBy: card.createdBy, decisions });
    }
  }
  const out: MemoryEntry[] = [];
  for (const [root, v] of byRoot) {
    const tags = v.latest.tags;
    if (tags.length === 0 || (tag && !tags.includes(tag))) continue;
    out.push({
      rootId: root,
      tags: [...tags],
      column: v.latest.column,
      headline: cardHeadline(v.latest),
      body: body(v.latest),
      status: status(v.latest),
      createdBy: v.createdBy,
      seq: v.meeting.seq,
      date: v.meeting.date,
      firstSeq: v.firstSeq,
      boardId: v.meeting.boardId,
      cardId: v.latest.id,
      decisions: v.decisions,
    });
  }
  return out.sort((a, b) => b.seq - a.seq || a.headline.localeCompare(b.headline));
}
