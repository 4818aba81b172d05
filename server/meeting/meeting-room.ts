/**
 * One board's meeting: phase, current item, timer, roster and speaking queue, dot votes, hidden writing.
 * The server is the authority; commands change the state here and the namespace broadcasts it. Writes to
 * the board document (current item, revealed cards) carry the `meeting` origin.
 */
import * as Y from 'yjs';
import { createCard, getCard, listCards, readCard, readMeta, setCurrentAgenda, type ColumnId } from '../../shared/board-schema.js';
import { ErrorCode, type ErrorCode as ErrorCodeT } from '../../shared/errors.js';
import { randomId } from '../../shared/ids.js';
import {
  idleTimer,
  startGate,
  timerRemaining,
  type Draft,
  type MeetingState,
  type MyVote,
  type Phase,
  type RosterEntry,
  type TimerState,
  type VoteRoundPublic,
} from '../../shared/meeting.js';
import type { CreateCardBody } from '../../shared/api-schemas.js';
import { canEdit, type Role } from '../../shared/roles.js';
import { localOrigin, type LoadedBoard } from '../sync/board-registry.js';
import type { Clock } from './clock.js';

export const MEETING_ORIGIN = localOrigin('meeting');
const MAX_DRAFTS_PER_PERSON = 50;

/** A refused command: the code and message go back in the ack. */
export class CommandError extends Error {
  constructor(
    readonly code: ErrorCodeT,
    message: string,
  ) {
    super(message);
  }
}

/** How the room talks to its clients (implemented by the socket.io namespace). */
export interface RoomOutput {
  state(state: MeetingState): void;
  announce(message: string): void;
  expired(agendaId: string | null): void;
  vote(participantId: string, vote: MyVote): void;
}

/** What is stored: the public state plus the secrets (ballots, drafts) that are never broadcast. */
export interface PersistedMeeting {
  /** The current item is not here: it lives in the board document. */
  state: Omit<MeetingState, 'serverNow' | 'currentAgendaId'>;
  ballots: Record<string, Record<string, number>>;
  drafts: Record<string, Draft[]>;
}

export interface RoomDeps {
  clock: Clock;
  output: RoomOutput;
  save(data: PersistedMeeting): void;
  recordVote(round: VoteRoundPublic & { revealedAt: number }): void;
  saveVersion(name: string, snapshot: Uint8Array): void;
  /** Called once when the meeting ends (summary, webhook). */
  onEnded(): void;
  /** How long the facilitator may be gone before the role passes on, ms. */
  facilitatorGraceMs: number;
}

export class MeetingRoom {
  #s: Omit<MeetingState, 'serverNow' | 'currentAgendaId'>;
  readonly #ballots = new Map<string, Map<string, number>>();
  readonly #drafts = new Map<string, Draft[]>();
  readonly #sockets = new Map<string, number>();
  #expiryTimer: unknown = null;
  #graceTimer: unknown = null;
  readonly #unobserve: () => void;

  constructor(
    readonly boardId: string,
    readonly board: LoadedBoard,
    persisted: PersistedMeeting | null,
    private readonly deps: RoomDeps,
  ) {
    const now = deps.clock.now();
    if (persisted) {
      this.#s = { ...persisted.state, roster: persisted.state.roster.map((r) => ({ ...r, online: false })) };
      for (const [pid, dots] of Object.entries(persisted.ballots)) this.#ballots.set(pid, new Map(Object.entries(dots)));
      for (const [pid, drafts] of Object.entries(persisted.drafts)) this.#drafts.set(pid, drafts);
      const t = this.#s.timer;
      if (t.status === 'running' && t.endsAt !== null && t.endsAt <= now) this.#s.timer = { ...t, status: 'expired', endsAt: null, remainingMs: 0 };
    } else {
      this.#s = {
        boardId,
        phase: 'lobby',
        facilitatorId: null,
        coFacilitatorIds: [],
        timer: idleTimer(null, null),
        roster: [],
        speakerId: null,
        vote: null,
        hidden: { columns: [], drafts: [] },
        startedAt: null,
        endedAt: null,
      };
    }
    this.#scheduleExpiry();
    // The current item lives in the document (anyone's view follows it); keep the timer on that item.
    const meta = board.doc.getMap('meta');
    const onMeta = (e: Y.YMapEvent<unknown>) => {
      if (e.keysChanged.has('currentAgendaId')) this.#onCurrentItemChanged();
    };
    meta.observe(onMeta);
    this.#unobserve = () => meta.unobserve(onMeta);
  }

  get doc(): Y.Doc {
    return this.board.doc;
  }

  /** Server time as the meeting's clock tells it (epoch ms). */
  now(): number {
    return this.deps.clock.now();
  }

  get ended(): boolean {
    return this.#s.phase === 'ended';
  }

  get online(): number {
    return this.#sockets.size;
  }

  snapshot(): MeetingState {
    return { ...this.#s, currentAgendaId: readMeta(this.doc).currentAgendaId, serverNow: this.deps.clock.now() };
  }

  isLeader(participantId: string): boolean {
    return participantId === this.#s.facilitatorId || this.#s.coFacilitatorIds.includes(participantId);
  }

  entry(participantId: string): RosterEntry | undefined {
    return this.#s.roster.find((r) => r.id === participantId);
  }

  // ---- presence ------------------------------------------------------------------------------------

  join(p: { id: string; name: string; color: string; role: Role }): void {
    const now = this.deps.clock.now();
    this.#sockets.set(p.id, (this.#sockets.get(p.id) ?? 0) + 1);
    const existing = this.entry(p.id);
    if (existing) Object.assign(existing, { name: p.name, color: p.color, role: p.role, online: true, lastSeen: now });
    else this.#s.roster.push({ ...p, online: true, joinedAt: now, lastSeen: now, handRaisedAt: null, checkIn: null });
    if (this.#s.facilitatorId === null && p.role === 'facilitator') this.#s.facilitatorId = p.id;
    if (p.id === this.#s.facilitatorId && this.#graceTimer !== null) {
      this.deps.clock.clearTimeout(this.#graceTimer);
      this.#graceTimer = null;
    }
    this.#changed();
  }

  leave(participantId: string): void {
    const left = (this.#sockets.get(participantId) ?? 1) - 1;
    if (left > 0) {
      this.#sockets.set(participantId, left);
      return;
    }
    this.#sockets.delete(participantId);
    const e = this.entry(participantId);
    if (e) Object.assign(e, { online: false, lastSeen: this.deps.clock.now() });
    if (participantId === this.#s.facilitatorId && !this.ended) this.#startGrace();
    this.#changed();
  }

  #startGrace(): void {
    if (this.#graceTimer !== null) this.deps.clock.clearTimeout(this.#graceTimer);
    this.#graceTimer = this.deps.clock.setTimeout(() => {
      this.#graceTimer = null;
      const gone = this.entry(this.#s.facilitatorId ?? '');
      if (!gone || gone.online) return;
      const candidates = this.#s.roster.filter((r) => r.online && canEdit(r.role));
      const successor =
        candidates.find((r) => this.#s.coFacilitatorIds.includes(r.id)) ??
        [...candidates].sort((a, b) => a.joinedAt - b.joinedAt)[0];
      if (!successor) return;
      this.#s.facilitatorId = successor.id;
      this.#s.coFacilitatorIds = this.#s.coFacilitatorIds.filter((id) => id !== successor.id);
      this.deps.output.announce(`${gone.name} dropped out; ${successor.name} is now facilitating.`);
      this.#changed();
    }, this.deps.facilitatorGraceMs);
  }

  // ---- flow ------------------------------------------------------------------------------------------

  advance(phase: Phase): MeetingState {
    if (phase === 'ended') return this.end();
    if (this.#s.phase === 'lobby' && phase !== 'lobby') {
      const missing = startGate(this.doc);
      if (missing.length) throw new CommandError(ErrorCode.PreconditionFailed, `Before the meeting can start it needs ${missing.join(' and ')}.`);
      this.#s.startedAt ??= this.deps.clock.now();
    }
    this.#s.phase = phase;
    if (phase === 'agenda' && !readMeta(this.doc).currentAgendaId) {
      const first = listCards(this.doc, 'agenda').find((c) => !c.done) ?? listCards(this.doc, 'agenda')[0];
      if (first) setCurrentAgenda(this.doc, first.id, MEETING_ORIGIN);
    }
    this.#changed();
    return this.snapshot();
  }

  setItem(agendaId: string | null): MeetingState {
    if (agendaId !== null && readCard(getCard(this.doc, agendaId))?.column !== 'agenda') {
      throw new CommandError(ErrorCode.NotFound, 'no such agenda item');
    }
    setCurrentAgenda(this.doc, agendaId, MEETING_ORIGIN); // the observer resets the timer
    this.#changed();
    return this.snapshot();
  }

  nextItem(): MeetingState {
    const items = listCards(this.doc, 'agenda');
    const i = items.findIndex((c) => c.id === readMeta(this.doc).currentAgendaId);
    const next = items.slice(i + 1).find((c) => !c.done) ?? items[i + 1];
    if (!next) throw new CommandError(ErrorCode.PreconditionFailed, 'this is the last agenda item');
    return this.setItem(next.id);
  }

  end(): MeetingState {
    const now = this.deps.clock.now();
    this.#s.phase = 'ended';
    this.#s.endedAt = now;
    this.#s.startedAt ??= now;
    if (this.#s.timer.status === 'running') this.#s.timer = { ...this.#s.timer, status: 'paused', endsAt: null, remainingMs: timerRemaining(this.#s.timer, now) };
    this.#clearExpiry();
    if (this.#graceTimer !== null) this.deps.clock.clearTimeout(this.#graceTimer);
    this.deps.saveVersion('Meeting ended', Y.encodeStateAsUpdate(this.doc));
    this.#changed();
    this.deps.onEnded();
    return this.snapshot();
  }

  handover(to: string, by: string): MeetingState {
    const target = this.entry(to);
    if (!target || !target.online || !canEdit(target.role)) throw new CommandError(ErrorCode.BadRequest, 'hand over to someone present who can edit');
    this.#s.facilitatorId = to;
    this.#s.coFacilitatorIds = this.#s.coFacilitatorIds.filter((id) => id !== to);
    this.deps.output.announce(`${this.entry(by)?.name ?? 'The facilitator'} handed the meeting to ${target.name}.`);
    this.#changed();
    return this.snapshot();
  }

  setCoFacilitator(pid: string, on: boolean): MeetingState {
    const target = this.entry(pid);
    if (!target || !canEdit(target.role)) throw new CommandError(ErrorCode.BadRequest, 'a co-facilitator must be someone on the roster who can edit');
    const ids = new Set(this.#s.coFacilitatorIds);
    if (on && pid !== this.#s.facilitatorId) ids.add(pid);
    else ids.delete(pid);
    this.#s.coFacilitatorIds = [...ids];
    this.#changed();
    return this.snapshot();
  }

  /** A holder of the facilitator link takes the lead back. */
  claim(pid: string, role: Role): MeetingState {
    if (role !== 'facilitator') throw new CommandError(ErrorCode.Forbidden, 'only the facilitator link can take the lead');
    if (this.#s.facilitatorId !== pid) {
      this.#s.facilitatorId = pid;
      this.#s.coFacilitatorIds = this.#s.coFacilitatorIds.filter((id) => id !== pid);
      this.deps.output.announce(`${this.entry(pid)?.name ?? 'The facilitator'} is facilitating.`);
    }
    this.#changed();
    return this.snapshot();
  }

  // ---- timer -----------------------------------------------------------------------------------------

  #onCurrentItemChanged(): void {
    const id = readMeta(this.doc).currentAgendaId;
    if (this.#s.timer.agendaId === id) return this.#changed();
    const card = id ? readCard(getCard(this.doc, id)) : null;
    this.#clearExpiry();
    this.#s.timer = idleTimer(id, card?.column === 'agenda' ? card.timebox : null);
    this.#changed();
  }

  #currentTimebox(): number | null {
    const id = readMeta(this.doc).currentAgendaId;
    const card = id ? readCard(getCard(this.doc, id)) : null;
    return card?.column === 'agenda' ? card.timebox : null;
  }

  timerStart(): TimerState {
    const now = this.deps.clock.now();
    let t = this.#s.timer;
    const current = readMeta(this.doc).currentAgendaId;
    if (t.agendaId !== current) t = idleTimer(current, this.#currentTimebox());
    if (t.status === 'running') return t;
    if (t.remainingMs <= 0) throw new CommandError(ErrorCode.PreconditionFailed, 'no time left: extend the timer or set a timebox on the item');
    this.#s.timer = { ...t, status: 'running', endsAt: now + t.remainingMs };
    this.#scheduleExpiry();
    this.#changed();
    return this.#s.timer;
  }

  timerPause(): TimerState {
    const t = this.#s.timer;
    if (t.status !== 'running') return t;
    this.#s.timer = { ...t, status: 'paused', endsAt: null, remainingMs: timerRemaining(t, this.deps.clock.now()) };
    this.#clearExpiry();
    this.#changed();
    return this.#s.timer;
  }

  timerExtend(minutes: number): TimerState {
    const add = minutes * 60_000;
    const t = this.#s.timer;
    const now = this.deps.clock.now();
    if (t.status === 'running') this.#s.timer = { ...t, durationMs: t.durationMs + add, endsAt: t.endsAt! + add };
    else if (t.status === 'expired') this.#s.timer = { ...t, status: 'running', durationMs: t.durationMs + add, endsAt: now + add, remainingMs: 0 };
    else this.#s.timer = { ...t, durationMs: t.durationMs + add, remainingMs: t.remainingMs + add };
    this.#scheduleExpiry();
    this.#changed();
    return this.#s.timer;
  }

  timerReset(): TimerState {
    this.#clearExpiry();
    this.#s.timer = idleTimer(readMeta(this.doc).currentAgendaId, this.#currentTimebox());
    this.#changed();
    return this.#s.timer;
  }

  #scheduleExpiry(): void {
    this.#clearExpiry();
    const t = this.#s.timer;
    if (t.status !== 'running' || t.endsAt === null) return;
    this.#expiryTimer = this.deps.clock.setTimeout(() => {
      this.#expiryTimer = null;
      const cur = this.#s.timer;
      if (cur.status !== 'running' || cur.endsAt === null) return;
      if (cur.endsAt > this.deps.clock.now()) return this.#scheduleExpiry(); // extended meanwhile
      this.#s.timer = { ...cur, status: 'expired', endsAt: null, remainingMs: 0 };
      this.deps.output.expired(cur.agendaId);
      this.#changed();
    }, Math.max(0, t.endsAt - this.deps.clock.now()));
  }

  #clearExpiry(): void {
    if (this.#expiryTimer !== null) this.deps.clock.clearTimeout(this.#expiryTimer);
    this.#expiryTimer = null;
  }

  // ---- queue and check-in ----------------------------------------------------------------------------

  raiseHand(pid: string): void {
    const e = this.entry(pid);
    if (e && e.handRaisedAt === null) e.handRaisedAt = this.deps.clock.now();
    this.#changed();
  }

  lowerHand(pid: string): void {
    const e = this.entry(pid);
    if (e) e.handRaisedAt = null;
    this.#changed();
  }

  /** Gives the floor to the first raised hand (lowering it). */
  nextSpeaker(): string | null {
    const first = this.#s.roster.filter((r) => r.handRaisedAt !== null).sort((a, b) => a.handRaisedAt! - b.handRaisedAt!)[0];
    this.#s.speakerId = first?.id ?? null;
    if (first) first.handRaisedAt = null;
    this.#changed();
    return this.#s.speakerId;
  }

  checkIn(pid: string, text: string): void {
    const e = this.entry(pid);
    if (e) e.checkIn = text || null;
    this.#changed();
  }

  // ---- votes -------------------------------------------------------------------------------------------

  voteOpen(dots: number): VoteRoundPublic {
    const cardIds = listCards(this.doc, 'challenges').filter((c) => c.status !== 'resolved').map((c) => c.id);
    if (!cardIds.length) throw new CommandError(ErrorCode.PreconditionFailed, 'there are no open challenges to vote on');
    this.#ballots.clear();
    this.#s.vote = { id: randomId(12), status: 'open', dotsPerPerson: dots, cardIds, openedAt: this.deps.clock.now(), voters: 0, results: null };
    this.#changed();
    return this.#s.vote;
  }

  voteCast(pid: string, cardId: string, delta: 1 | -1): MyVote {
    const round = this.#s.vote;
    if (!round || round.status !== 'open') throw new CommandError(ErrorCode.PreconditionFailed, 'no vote is open');
    if (!round.cardIds.includes(cardId)) throw new CommandError(ErrorCode.BadRequest, 'that card is not part of this vote');
    const mine = this.#ballots.get(pid) ?? new Map<string, number>();
    const used = [...mine.values()].reduce((a, b) => a + b, 0);
    const onCard = mine.get(cardId) ?? 0;
    if (delta > 0 && used >= round.dotsPerPerson) throw new CommandError(ErrorCode.BadRequest, `you have placed all ${round.dotsPerPerson} dots`);
    if (delta < 0 && onCard === 0) throw new CommandError(ErrorCode.BadRequest, 'no dot of yours on that card');
    if (onCard + delta === 0) mine.delete(cardId);
    else mine.set(cardId, onCard + delta);
    this.#ballots.set(pid, mine);
    round.voters = [...this.#ballots.values()].filter((b) => b.size > 0).length;
    const vote = this.myVote(pid)!;
    this.deps.output.vote(pid, vote);
    this.#changed();
    return vote;
  }

  myVote(pid: string): MyVote | null {
    const round = this.#s.vote;
    if (!round) return null;
    const mine = this.#ballots.get(pid) ?? new Map<string, number>();
    const used = [...mine.values()].reduce((a, b) => a + b, 0);
    return { roundId: round.id, dots: Object.fromEntries(mine), remaining: round.status === 'open' ? round.dotsPerPerson - used : 0 };
  }

  voteReveal(): VoteRoundPublic {
    const round = this.#s.vote;
    if (!round || round.status !== 'open') throw new CommandError(ErrorCode.PreconditionFailed, 'no vote is open');
    const totals = new Map<string, number>(round.cardIds.map((id) => [id, 0]));
    for (const b of this.#ballots.values()) for (const [id, n] of b) totals.set(id, (totals.get(id) ?? 0) + n);
    round.results = [...totals].map(([cardId, dots]) => ({ cardId, dots })).sort((a, b) => b.dots - a.dots);
    round.status = 'revealed';
    this.deps.recordVote({ ...round, revealedAt: this.deps.clock.now() });
    this.#changed();
    return round;
  }

  voteClose(): void {
    this.#s.vote = null;
    this.#ballots.clear();
    this.#changed();
  }

  // ---- hidden writing ----------------------------------------------------------------------------------

  setHidden(column: ColumnId, on: boolean): void {
    const cols = new Set(this.#s.hidden.columns);
    if (on) cols.add(column);
    else {
      if (this.#hasDrafts(column)) throw new CommandError(ErrorCode.PreconditionFailed, 'reveal the hidden cards of this column first');
      cols.delete(column);
    }
    this.#s.hidden.columns = [...cols];
    this.#changed();
  }

  #hasDrafts(column: ColumnId): boolean {
    return [...this.#drafts.values()].some((ds) => ds.some((d) => d.card.column === column));
  }

  draftAdd(pid: string, card: CreateCardBody): Draft {
    if (!this.#s.hidden.columns.includes(card.column)) {
      throw new CommandError(ErrorCode.PreconditionFailed, 'that column is not in hidden-writing mode; add the card to the board');
    }
    const mine = this.#drafts.get(pid) ?? [];
    if (mine.length >= MAX_DRAFTS_PER_PERSON) throw new CommandError(ErrorCode.BadRequest, `at most ${MAX_DRAFTS_PER_PERSON} hidden cards each`);
    const draft: Draft = { id: randomId(12), card, createdAt: this.deps.clock.now() };
    this.#drafts.set(pid, [...mine, draft]);
    this.#changed();
    return draft;
  }

  draftDelete(pid: string, id: string): void {
    const mine = this.#drafts.get(pid) ?? [];
    if (!mine.some((d) => d.id === id)) throw new CommandError(ErrorCode.NotFound, 'no such hidden card of yours');
    this.#drafts.set(pid, mine.filter((d) => d.id !== id));
    this.#changed();
  }

  drafts(pid: string): Draft[] {
    return this.#drafts.get(pid) ?? [];
  }

  /** Puts every hidden card of `column` on the board at once, each under its author's name. */
  reveal(column: ColumnId): number {
    let revealed = 0;
    this.doc.transact(() => {
      for (const [pid, drafts] of this.#drafts) {
        const author = this.entry(pid)?.name ?? '';
        for (const d of drafts.filter((x) => x.card.column === column)) {
          createCard(this.doc, d.card, { createdBy: author, origin: MEETING_ORIGIN, now: d.createdAt });
          revealed++;
        }
        this.#drafts.set(pid, drafts.filter((x) => x.card.column !== column));
      }
    }, MEETING_ORIGIN);
    this.#s.hidden.columns = this.#s.hidden.columns.filter((c) => c !== column);
    this.#changed();
    return revealed;
  }

  // ---- plumbing ----------------------------------------------------------------------------------------

  #changed(): void {
    const drafts: MeetingState['hidden']['drafts'] = [];
    for (const [pid, ds] of this.#drafts) {
      const byColumn = new Map<ColumnId, number>();
      for (const d of ds) byColumn.set(d.card.column, (byColumn.get(d.card.column) ?? 0) + 1);
      for (const [column, count] of byColumn) drafts.push({ authorId: pid, name: this.entry(pid)?.name ?? '', column, count });
    }
    this.#s.hidden = { ...this.#s.hidden, drafts };
    this.deps.save(this.persisted());
    this.deps.output.state(this.snapshot());
  }

  persisted(): PersistedMeeting {
    const ballots: PersistedMeeting['ballots'] = {};
    for (const [pid, b] of this.#ballots) ballots[pid] = Object.fromEntries(b);
    const drafts: PersistedMeeting['drafts'] = {};
    for (const [pid, d] of this.#drafts) if (d.length) drafts[pid] = d;
    return { state: { ...this.#s }, ballots, drafts };
  }

  dispose(): void {
    this.#clearExpiry();
    if (this.#graceTimer !== null) this.deps.clock.clearTimeout(this.#graceTimer);
    this.#unobserve();
  }
}
