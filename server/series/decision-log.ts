/**
 * The decision log of a series: every decision of every meeting, with who proposed and who decided it, who was
 * there, and how its action item stands; filtered by person, topic and meeting days. Pure: computed from the
 * facts alone (series-records.ts).
 */
import { cardHeadline, decisionActionId } from '../../shared/action-extraction.js';
import type { Card, Decision } from '../../shared/board-schema.js';
import type { DecisionEntry, DecisionLogQuery } from '../../shared/series-report.js';
import { cardsOf, firstVersions, rootOf, type SeriesFacts } from './series-records.js';

const words = (s: string): Set<string> => new Set(s.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []);

/**
 * Who proposed what a decision took up: on a challenge, the author of the proposal sharing the most words
 * with the decision (when any does); otherwise, or failing that, whoever raised the card.
 */
export function proposerOf(card: Card, decision: Pick<Decision, 'text'>, raisedBy: string): string {
  if (card.column === 'challenges') {
    const said = words(decision.text);
    let best = { author: '', score: 0 };
    for (const p of card.proposals) {
      let score = 0;
      for (const w of words(p.text)) if (said.has(w)) score++;
      if (score > best.score && p.author) best = { author: p.author, score };
    }
    if (best.author) return best.author;
  }
  return raisedBy;
}

const has = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.toLowerCase());

/** Newest meeting first; within a meeting, in board order (agenda, requests, challenges; each card's decisions oldest first). */
export function decisionLog(facts: SeriesFacts, filter: Omit<DecisionLogQuery, 'token'> = {}): DecisionEntry[] {
  const first = firstVersions(facts);
  const out: DecisionEntry[] = [];
  for (const m of facts.meetings) {
    if (!m.board) continue;
    if ((filter.from && m.date < filter.from) || (filter.to && m.date > filter.to)) continue;
    const actions = new Map(m.actions.map((a) => [a.id, a]));
    for (const card of cardsOf(m.board)) {
      // A carried card is written by the server: who raised it is the author of the card it started as.
      const raisedBy = first.get(rootOf(card))?.card.createdBy || card.createdBy;
      const headline = cardHeadline(card);
      for (const d of card.decisions) {
        const a = actions.get(decisionActionId(d.id));
        const entry: DecisionEntry = {
          decisionId: d.id,
          text: d.text,
          decidedBy: d.decidedBy,
          proposedBy: proposerOf(card, d, raisedBy),
          attendees: [...m.attendees],
          seq: m.seq,
          date: m.date,
          boardId: m.boardId,
          cardId: card.id,
          column: card.column,
          cardHeadline: headline,
          createdAt: d.createdAt,
          action: a ? { status: a.status, owners: [...a.owners], due: a.due, doneAt: a.doneAt } : null,
        };
        if (filter.q && !has(entry.text, filter.q) && !has(headline, filter.q)) continue;
        if (filter.person && ![entry.decidedBy, entry.proposedBy, ...(entry.action?.owners ?? [])].some((p) => has(p, filter.person!))) continue;
        out.push(entry);
      }
    }
  }
  return out.sort((a, b) => b.seq - a.seq);
}
