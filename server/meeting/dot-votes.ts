/**
 * Dot voting: one round at a time, N dots each, ballots secret until the reveal. Only the round's public
 * face (voter count, and results after the reveal) ever leaves the server; ballots are kept for restarts.
 */
import { ErrorCode } from '../../shared/errors.js';
import { randomId } from '../../shared/ids.js';
import type { MyVote, VoteRoundPublic } from '../../shared/meeting.js';
import { CommandError } from './command-error.js';

export class DotVotes {
  #round: VoteRoundPublic | null;
  readonly #ballots = new Map<string, Map<string, number>>();

  constructor(round: VoteRoundPublic | null = null, ballots: Record<string, Record<string, number>> = {}) {
    this.#round = round;
    for (const [pid, dots] of Object.entries(ballots)) this.#ballots.set(pid, new Map(Object.entries(dots)));
  }

  get round(): VoteRoundPublic | null {
    return this.#round;
  }

  open(cardIds: string[], dots: number, now: number): VoteRoundPublic {
    if (!cardIds.length) throw new CommandError(ErrorCode.PreconditionFailed, { reason: 'nothing_to_vote_on' }, 'there are no open challenges to vote on');
    this.#ballots.clear();
    this.#round = { id: randomId(12), status: 'open', dotsPerPerson: dots, cardIds, openedAt: now, voters: 0, results: null };
    return this.#round;
  }

  cast(pid: string, cardId: string, delta: 1 | -1): MyVote {
    const round = this.#openRound();
    if (!round.cardIds.includes(cardId)) throw new CommandError(ErrorCode.BadRequest, { reason: 'card_not_in_vote' }, 'that card is not part of this vote');
    const mine = this.#ballots.get(pid) ?? new Map<string, number>();
    const onCard = mine.get(cardId) ?? 0;
    if (delta > 0 && used(mine) >= round.dotsPerPerson)
      throw new CommandError(
        ErrorCode.BadRequest,
        { reason: 'all_dots_placed', params: { dots: round.dotsPerPerson } },
        `you have placed all ${round.dotsPerPerson} dots`,
      );
    if (delta < 0 && onCard === 0) throw new CommandError(ErrorCode.BadRequest, { reason: 'no_dot_on_card' }, 'no dot of yours on that card');
    if (onCard + delta === 0) mine.delete(cardId);
    else mine.set(cardId, onCard + delta);
    this.#ballots.set(pid, mine);
    round.voters = [...this.#ballots.values()].filter((b) => b.size > 0).length;
    return this.mine(pid)!;
  }

  /** This person's dots in the current round, or null when there is none. */
  mine(pid: string): MyVote | null {
    const round = this.#round;
    if (!round) return null;
    const mine = this.#ballots.get(pid) ?? new Map<string, number>();
    return { roundId: round.id, dots: Object.fromEntries(mine), remaining: round.status === 'open' ? round.dotsPerPerson - used(mine) : 0 };
  }

  /** Counts the dots, most first, and makes the results public. */
  reveal(): VoteRoundPublic {
    const round = this.#openRound();
    const totals = new Map<string, number>(round.cardIds.map((id) => [id, 0]));
    for (const b of this.#ballots.values()) for (const [id, n] of b) totals.set(id, (totals.get(id) ?? 0) + n);
    round.results = [...totals].map(([cardId, dots]) => ({ cardId, dots })).sort((a, b) => b.dots - a.dots);
    round.status = 'revealed';
    return round;
  }

  close(): void {
    this.#round = null;
    this.#ballots.clear();
  }

  ballots(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [pid, b] of this.#ballots) out[pid] = Object.fromEntries(b);
    return out;
  }

  #openRound(): VoteRoundPublic {
    if (!this.#round || this.#round.status !== 'open') throw new CommandError(ErrorCode.PreconditionFailed, { reason: 'no_open_vote' }, 'no vote is open');
    return this.#round;
  }
}

const used = (b: Map<string, number>): number => [...b.values()].reduce((a, n) => a + n, 0);
