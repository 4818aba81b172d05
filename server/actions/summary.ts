/**
 * The post-meeting summary: purpose, agenda with outcomes, decisions, action items, open requests,
 * unresolved challenges and attendees, from the live document and the stored action items.
 */
import type * as Y from 'yjs';
import { readBoard, type Card, type Decision } from '../../shared/board-schema.js';
import { boardParseContext, parseDecision, type ParseContext } from '../../shared/decisions.js';
import { cardHeadline, type ActionItem } from '../../shared/action-extraction.js';
import type { MeetingSummary, SummaryDecision } from '../../shared/action-schemas.js';

function summaryDecision(card: Card, d: Decision, ctx: ParseContext): SummaryDecision {
  const p = parseDecision(d, ctx);
  return {
    id: d.id,
    cardId: card.id,
    cardTitle: cardHeadline(card),
    text: p.text,
    owners: p.owners,
    due: p.due,
    dueText: p.dueText,
    dueFlag: p.dueFlag,
    decidedBy: d.decidedBy,
  };
}

/** Builds the summary; `seen` = the names of those who took a seat in the meeting (stored as attendees). */
export function buildSummary(boardId: string, doc: Y.Doc, actionItems: ActionItem[], seen: readonly string[]): MeetingSummary {
  const view = readBoard(doc);
  const ctx = boardParseContext(doc);
  const all: Card[] = [...view.columns.agenda, ...view.columns.needs, ...view.columns.challenges];
  const attendees = new Map<string, string>();
  for (const n of [...seen, ...all.flatMap((c) => [c.createdBy, ...c.decisions.map((d) => d.decidedBy)])]) {
    const name = n.trim();
    if (name && name !== 'API' && !attendees.has(name.toLowerCase())) attendees.set(name.toLowerCase(), name);
  }
  return {
    boardId,
    title: view.meta.title,
    purpose: view.meta.purpose,
    meetingDate: view.meta.meetingDate,
    agenda: view.columns.agenda.map((a) => ({
      id: a.id,
      title: a.title,
      owner: a.owner,
      done: a.done,
      notes: a.notes,
      decisions: a.decisions.map((d) => summaryDecision(a, d, ctx)),
    })),
    decisions: all.flatMap((c) => c.decisions.map((d) => summaryDecision(c, d, ctx))),
    actionItems,
    openNeeds: view.columns.needs
      .filter((n) => n.status === 'open')
      .map((n) => ({ id: n.id, asker: n.asker, addressee: n.addressee, what: n.what, byWhen: n.byWhen })),
    unresolvedChallenges: view.columns.challenges
      .filter((c) => c.status !== 'resolved')
      .map((c) => ({ id: c.id, problem: c.problem, status: c.status, proposals: c.proposals.map((p) => p.text) })),
    attendees: [...attendees.values()],
  };
}
