/**
 * What a meeting hands on to the next one of its series, read from its board: agenda items pinned to carry,
 * requests still open or accepted, and challenges not yet resolved — each carrying the id of the card it
 * started as (`carriedFrom`), so a request stays one action item and a challenge one history across meetings.
 * A challenge gains one step of history: what moved on it in this meeting. Pure: the series service feeds it
 * the board and the meeting's votes, and writes the result once.
 */
import type { BoardView, ChallengeCard, ChallengeStep, NewCard } from '../../shared/board-schema.js';

export interface CarryContext {
  /** The meeting being handed on: its number and its day. */
  seq: number;
  date: string;
  /** Dots each card got in the meeting's votes. */
  dots: ReadonlyMap<string, number>;
}

const root = (card: { id: string; carriedFrom: string }): string => card.carriedFrom || card.id;

/** The step of history a challenge made in the meeting being handed on. */
export function challengeStep(card: ChallengeCard, ctx: CarryContext): ChallengeStep {
  const before = card.history.at(-1);
  return {
    seq: ctx.seq,
    date: ctx.date,
    // Proposals copied from an earlier meeting are marked as such: only the others moved in this one.
    proposals: card.proposals.filter((p) => !p.carried).map((p) => p.text),
    decisions: card.decisions.map((d) => d.text),
    dots: ctx.dots.get(card.id) ?? 0,
    from: card.carriedFrom && before ? before.to : 'open',
    to: card.status,
  };
}

/** The cards the next meeting starts with, besides its template, in board order. */
export function carryOver(board: BoardView, ctx: CarryContext): NewCard[] {
  const out: NewCard[] = [];
  for (const c of board.columns.agenda) {
    if (!c.pinned) continue;
    out.push({ column: 'agenda', title: c.title, owner: c.owner, timebox: c.timebox, notes: c.notes, pinned: true, carriedFrom: root(c), tags: c.tags });
  }
  for (const c of board.columns.needs) {
    if (c.status !== 'open' && c.status !== 'accepted') continue;
    out.push({
      column: 'needs',
      asker: c.asker,
      addressee: c.addressee,
      what: c.what,
      byWhen: c.byWhen,
      status: c.status,
      askId: c.askId,
      team: c.team,
      carriedFrom: root(c),
      tags: c.tags,
    });
  }
  for (const c of board.columns.challenges) {
    // Resolved, or handed to another series (it carries on there): nothing to carry.
    if (c.status === 'resolved' || c.escalatedTo) continue;
    out.push({
      column: 'challenges',
      problem: c.problem,
      status: c.status,
      proposals: c.proposals.map((p) => ({ text: p.text, author: p.author, createdAt: p.createdAt, carried: true as const })),
      history: [...c.history, challengeStep(c, ctx)],
      escalatedFrom: c.escalatedFrom,
      carriedFrom: root(c),
      tags: c.tags,
    });
  }
  return out;
}
