/**
 * One board's meeting: phase, current item, timer, roster and speaking queue, dot votes, hidden writing.
 * The server is the authority; commands change the state here and the namespace broadcasts it. Writes to
 * the board document (current item, revealed cards) carry the `meeting` origin.
 */
import * as Y from 'yjs';
import { createCard, getCard, listCards, readCard, readMeta, reorderColumn, setCurrentAgenda, type ColumnId } from '../../shared/board-schema.js';
import { ErrorCode } from '../../shared/errors.js';
import type { AnnouncementNotice } from '../../shared/messages.js';
import {
  idleTimer,
  startGate,
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
import { AgendaTimer } from './agenda-timer.js';
import { CommandError } from './command-error.js';
import { DotVotes } from './dot-votes.js';
import { HiddenDrafts } from './hidden-drafts.js';

export { CommandError };
export const MEETING_ORIGIN = localOrigin('meeting');

/** How the room talks to its clients (implemented by the socket.io namespace). */
export interface RoomOutput {
  state(state: MeetingState): void;
  /** Tells everyone in the meeting: a code the clients word, with the same in English. */
  announce(a: AnnouncementNotice & { message: string }): void;
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
  /** Called once when the meeting leaves the lobby (a version of the board is saved). */
  onStarted(): void;
  /** Called once when the meeting ends (version, summary, webhook). */
  onEnded(): void;
  /** How long the facilitator may be gone before the role passes on, ms. */
  facilitatorGraceMs: number;
  /** Most people on the roster; past it the longest-gone make room, and a join is refused when none can. */
  maxPeople: number;
  /** Someone took a seat under `name` (the summary's attendees come from here, not from presence). */
  onAttended(name: string): void;
}

export class MeetingRoom {
  /** Public state but for what the helpers below hold (the vote round, hidden-card counts). */
  #s: Omit<MeetingState, 'serverNow' | 'currentAgendaId' | 'vote' | 'timer'>;
  readonly #timer: AgendaTimer;
  readonly #votes: DotVotes;
  readonly #drafts: HiddenDrafts;
  readonly #sockets = new Map<string, number>();
  /** The roster by seat id (the roster array is what is stored and sent; lookups go through here). */
  readonly #people = new Map<string, RosterEntry>();
  /** A state change waits here for the end of the turn: many changes in one turn are saved and sent once. */
  #flushScheduled = false;
  #disposed = false;
  #graceTimer: unknown = null;
  readonly #unobserve: () => void;

  constructor(
    readonly boardId: string,
    readonly board: LoadedBoard,
    persisted: PersistedMeeting | null,
    private readonly deps: RoomDeps,
  ) {
    this.#votes = new DotVotes(persisted?.state.vote ?? null, persisted?.ballots);
    this.#drafts = new HiddenDrafts(persisted?.drafts);
    if (persisted) {
      const { vote: _vote, timer: _timer, ...state } = persisted.state;
      this.#s = { ...state, roster: state.roster.map((r) => ({ ...r, online: false })) };
    } else {
      this.#s = {
        boardId,
        phase: 'lobby',
        facilitatorId: null,
        coFacilitatorIds: [],
        roster: [],
        speakerId: null,
        hidden: { columns: [], drafts: [] },
        startedAt: null,
        endedAt: null,
      };
    }
    for (const r of this.#s.roster) this.#people.set(r.id, r);
    this.#timer = new AgendaTimer(persisted?.state.timer ?? idleTimer(null, null), deps.clock, (agendaId) => {
      this.deps.output.expired(agendaId);
      this.#changed();
    });
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
    return {
      ...this.#s,
      hidden: this.#hidden(),
      vote: this.#votes.round,
      timer: this.#timer.state,
      currentAgendaId: readMeta(this.doc).currentAgendaId,
      serverNow: this.deps.clock.now(),
    };
  }

  /** Hidden columns, and how many hidden cards each person holds (never their text). */
  #hidden(): MeetingState['hidden'] {
    return { columns: this.#s.hidden.columns, drafts: this.#drafts.counts((pid) => this.entry(pid)?.name ?? '') };
  }

  isLeader(participantId: string): boolean {
    return participantId === this.#s.facilitatorId || this.#s.coFacilitatorIds.includes(participantId);
  }

  entry(participantId: string): RosterEntry | undefined {
    return this.#people.get(participantId);
  }

  /** Whether seat `id` may join: it is on the roster already, there is room, or someone long gone can make room. */
  canSeat(id: string): boolean {
    return this.#people.has(id) || this.#s.roster.length < this.deps.maxPeople || this.#evictable() !== null;
  }

  /** The offline entry gone the longest that nothing depends on (not leading, holding no hidden cards). */
  #evictable(): RosterEntry | null {
    let oldest: RosterEntry | null = null;
    for (const r of this.#s.roster) {
      if (r.online || this.isLeader(r.id) || r.id === this.#s.speakerId || this.#drafts.of(r.id).length > 0) continue;
      if (!oldest || r.lastSeen < oldest.lastSeen) oldest = r;
    }
    return oldest;
  }

  // ---- presence ------------------------------------------------------------------------------------

  /** Seats `p` (a seat the server issued) on the roster; throws when the roster is full of people present. */
  join(p: { id: string; name: string; color: string; role: Role }): void {
    const now = this.deps.clock.now();
    const existing = this.entry(p.id);
    if (!existing && this.#s.roster.length >= this.deps.maxPeople) {
      const gone = this.#evictable();
      if (!gone) throw new CommandError(ErrorCode.MeetingFull, { reason: 'meeting_full' }, 'this meeting is full: everyone on its roster is present');
      this.#s.roster = this.#s.roster.filter((r) => r !== gone);
      this.#people.delete(gone.id);
    }
    this.#sockets.set(p.id, (this.#sockets.get(p.id) ?? 0) + 1);
    if (existing) Object.assign(existing, { name: p.name, color: p.color, role: p.role, online: true, lastSeen: now });
    else {
      const entry: RosterEntry = { ...p, online: true, joinedAt: now, lastSeen: now, handRaisedAt: null, checkIn: null };
      this.#s.roster.push(entry);
      this.#people.set(p.id, entry);
    }
    this.deps.onAttended(p.name);
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
      const successor = candidates.find((r) => this.#s.coFacilitatorIds.includes(r.id)) ?? [...candidates].sort((a, b) => a.joinedAt - b.joinedAt)[0];
      if (!successor) return;
      this.#s.facilitatorId = successor.id;
      this.#s.coFacilitatorIds = this.#s.coFacilitatorIds.filter((id) => id !== successor.id);
      this.deps.output.announce({
        code: 'facilitator_dropped',
        params: { gone: gone.name, successor: successor.name },
        message: `${gone.name} dropped out; ${successor.name} is now facilitating.`,
      });
      this.#changed();
    }, this.deps.facilitatorGraceMs);
  }

  // ---- flow ------------------------------------------------------------------------------------------

  advance(phase: Phase): MeetingState {
    if (phase === 'ended') return this.end();
    if (this.#s.phase === 'lobby' && phase !== 'lobby') {
      const missing = startGate(this.doc);
      if (missing.length)
        throw new CommandError(
          ErrorCode.PreconditionFailed,
          { reason: 'start_gate', params: { missing } },
          `Before the meeting can start it needs ${missing.join(' and ')}.`,
        );
      if (this.#s.startedAt === null) {
        this.#s.startedAt = this.deps.clock.now();
        this.deps.onStarted();
      }
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
      throw new CommandError(ErrorCode.NotFound, { reason: 'no_such_agenda_item' }, 'no such agenda item');
    }
    setCurrentAgenda(this.doc, agendaId, MEETING_ORIGIN); // the observer resets the timer
    this.#changed();
    return this.snapshot();
  }

  /**
   * Moves on to the next item not yet done and starts its timebox (moving on is when its time begins); an
   * item without a timebox waits, idle. Whether the item left behind is done is the facilitator's call.
   */
  nextItem(): MeetingState {
    const items = listCards(this.doc, 'agenda');
    const i = items.findIndex((c) => c.id === readMeta(this.doc).currentAgendaId);
    const next = items.slice(i + 1).find((c) => !c.done) ?? items[i + 1];
    if (!next) throw new CommandError(ErrorCode.PreconditionFailed, { reason: 'last_agenda_item' }, 'this is the last agenda item');
    this.setItem(next.id);
    if (this.#timer.state.agendaId === next.id && this.#timer.state.remainingMs > 0) this.#timer.start();
    return this.snapshot();
  }

  end(): MeetingState {
    const now = this.deps.clock.now();
    this.#s.phase = 'ended';
    this.#s.endedAt = now;
    this.#s.startedAt ??= now;
    this.#timer.pause();
    if (this.#graceTimer !== null) this.deps.clock.clearTimeout(this.#graceTimer);
    this.#changed();
    this.deps.onEnded();
    return this.snapshot();
  }

  handover(to: string, by: string): MeetingState {
    const target = this.entry(to);
    if (!target || !target.online || !canEdit(target.role))
      throw new CommandError(ErrorCode.BadRequest, { reason: 'handover_target' }, 'hand over to someone present who can edit');
    this.#s.facilitatorId = to;
    this.#s.coFacilitatorIds = this.#s.coFacilitatorIds.filter((id) => id !== to);
    const from = this.entry(by)?.name ?? null;
    this.deps.output.announce({
      code: 'handed_over',
      params: { from, to: target.name },
      message: `${from ?? 'The facilitator'} handed the meeting to ${target.name}.`,
    });
    this.#changed();
    return this.snapshot();
  }

  setCoFacilitator(pid: string, on: boolean): MeetingState {
    const target = this.entry(pid);
    if (!target || !canEdit(target.role))
      throw new CommandError(ErrorCode.BadRequest, { reason: 'co_facilitator_target' }, 'a co-facilitator must be someone on the roster who can edit');
    const ids = new Set(this.#s.coFacilitatorIds);
    if (on && pid !== this.#s.facilitatorId) ids.add(pid);
    else ids.delete(pid);
    this.#s.coFacilitatorIds = [...ids];
    this.#changed();
    return this.snapshot();
  }

  /** A holder of the facilitator link takes the lead back. */
  claim(pid: string, role: Role): MeetingState {
    if (role !== 'facilitator') throw new CommandError(ErrorCode.Forbidden, { reason: 'facilitator_link_only' }, 'only the facilitator link can take the lead');
    if (this.#s.facilitatorId !== pid) {
      this.#s.facilitatorId = pid;
      this.#s.coFacilitatorIds = this.#s.coFacilitatorIds.filter((id) => id !== pid);
      const name = this.entry(pid)?.name ?? null;
      this.deps.output.announce({ code: 'took_lead', params: { name }, message: `${name ?? 'The facilitator'} is facilitating.` });
    }
    this.#changed();
    return this.snapshot();
  }

  // ---- timer -----------------------------------------------------------------------------------------

  #onCurrentItemChanged(): void {
    const id = readMeta(this.doc).currentAgendaId;
    if (this.#timer.state.agendaId !== id) this.#timer.load(id, this.#currentTimebox());
    this.#changed();
  }

  #currentTimebox(): number | null {
    const id = readMeta(this.doc).currentAgendaId;
    const card = id ? readCard(getCard(this.doc, id)) : null;
    return card?.column === 'agenda' ? card.timebox : null;
  }

  timerStart(): TimerState {
    // The item may have been changed (or its timebox edited) since the timer was last loaded.
    if (this.#timer.state.agendaId !== readMeta(this.doc).currentAgendaId) this.#timer.load(readMeta(this.doc).currentAgendaId, this.#currentTimebox());
    return this.#timerChanged(this.#timer.start());
  }

  timerPause(): TimerState {
    return this.#timerChanged(this.#timer.pause());
  }

  timerExtend(minutes: number): TimerState {
    return this.#timerChanged(this.#timer.extend(minutes));
  }

  timerReset(): TimerState {
    this.#timer.load(readMeta(this.doc).currentAgendaId, this.#currentTimebox());
    return this.#timerChanged(this.#timer.state);
  }

  #timerChanged(t: TimerState): TimerState {
    this.#changed();
    return t;
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

  /**
   * Ends the current speaker's turn: the floor goes to the first raised hand, or to nobody. Only the speaker
   * themself or a leader (`leads`: the caller leads and may edit) may end it.
   */
  yieldFloor(pid: string, leads: boolean): string | null {
    if (this.#s.speakerId === null) throw new CommandError(ErrorCode.PreconditionFailed, { reason: 'nobody_has_floor' }, 'nobody has the floor');
    if (this.#s.speakerId !== pid && !leads)
      throw new CommandError(ErrorCode.Forbidden, { reason: 'speaker_yields' }, 'only the speaker or the facilitator can end a turn');
    return this.nextSpeaker();
  }

  checkIn(pid: string, text: string): void {
    const e = this.entry(pid);
    if (e) e.checkIn = text || null;
    this.#changed();
  }

  // ---- votes -------------------------------------------------------------------------------------------

  voteOpen(dots: number): VoteRoundPublic {
    const cardIds = listCards(this.doc, 'challenges')
      .filter((c) => c.status !== 'resolved')
      .map((c) => c.id);
    const round = this.#votes.open(cardIds, dots, this.deps.clock.now());
    this.#changed();
    return round;
  }

  voteCast(pid: string, cardId: string, delta: 1 | -1): MyVote {
    const vote = this.#votes.cast(pid, cardId, delta);
    this.deps.output.vote(pid, vote);
    this.#changed();
    return vote;
  }

  myVote(pid: string): MyVote | null {
    return this.#votes.mine(pid);
  }

  voteReveal(): VoteRoundPublic {
    const round = this.#votes.reveal();
    this.deps.recordVote({ ...round, revealedAt: this.deps.clock.now() });
    this.#changed();
    return round;
  }

  /**
   * Puts the challenges in the order of the revealed dots (most first; ties, and cards the round did not
   * include, keep their board order) in the document itself, so everyone's board shows that order.
   */
  sortByDots(by: string): { order: string[] } {
    const results = this.#votes.round?.status === 'revealed' ? this.#votes.round.results : null;
    if (!results) throw new CommandError(ErrorCode.PreconditionFailed, { reason: 'no_vote_results' }, 'reveal a dot vote first');
    const dots = new Map(results.map((r) => [r.cardId, r.dots]));
    // Array.prototype.sort is stable: equal dots keep the board's order.
    const order = listCards(this.doc, 'challenges')
      .map((c) => c.id)
      .sort((a, b) => (dots.get(b) ?? -1) - (dots.get(a) ?? -1));
    reorderColumn(this.doc, 'challenges', order, MEETING_ORIGIN);
    const name = this.entry(by)?.name ?? null;
    this.deps.output.announce({
      code: 'sorted_by_dots',
      params: { name },
      message: `${name ?? 'The facilitator'} sorted the challenges by dots.`,
    });
    this.#changed();
    return { order };
  }

  voteClose(): void {
    this.#votes.close();
    this.#changed();
  }

  // ---- hidden writing ----------------------------------------------------------------------------------

  setHidden(column: ColumnId, on: boolean): void {
    const cols = new Set(this.#s.hidden.columns);
    if (on) cols.add(column);
    else {
      if (this.#drafts.has(column))
        throw new CommandError(ErrorCode.PreconditionFailed, { reason: 'reveal_hidden_first' }, 'reveal the hidden cards of this column first');
      cols.delete(column);
    }
    this.#s.hidden.columns = [...cols];
    this.#changed();
  }

  draftAdd(pid: string, card: CreateCardBody): Draft {
    if (!this.#s.hidden.columns.includes(card.column)) {
      throw new CommandError(
        ErrorCode.PreconditionFailed,
        { reason: 'column_not_hidden' },
        'that column is not in hidden-writing mode; add the card to the board',
      );
    }
    const draft = this.#drafts.add(pid, card, this.deps.clock.now());
    this.#changed();
    return draft;
  }

  draftDelete(pid: string, id: string): void {
    this.#drafts.delete(pid, id);
    this.#changed();
  }

  drafts(pid: string): Draft[] {
    return this.#drafts.of(pid);
  }

  /** Puts every hidden card of `column` on the board at once, each under its author's name. */
  reveal(column: ColumnId): number {
    const taken = this.#drafts.take(column);
    this.doc.transact(() => {
      for (const { authorId, draft } of taken) {
        createCard(this.doc, draft.card, { createdBy: this.entry(authorId)?.name ?? '', origin: MEETING_ORIGIN, now: draft.createdAt });
      }
    }, MEETING_ORIGIN);
    this.#s.hidden.columns = this.#s.hidden.columns.filter((c) => c !== column);
    this.#changed();
    return taken.length;
  }

  // ---- plumbing ----------------------------------------------------------------------------------------

  /**
   * The state changed: it is stored and broadcast at the end of this turn, once however many changes the turn
   * made (a thousand joins at once cost one broadcast, not a thousand growing ones).
   */
  #changed(): void {
    if (this.#flushScheduled || this.#disposed) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    if (!this.#flushScheduled) return;
    this.#flushScheduled = false;
    this.deps.save(this.persisted());
    if (!this.#disposed) this.deps.output.state(this.snapshot());
  }

  persisted(): PersistedMeeting {
    return {
      state: { ...this.#s, hidden: this.#hidden(), vote: this.#votes.round, timer: this.#timer.state },
      ballots: this.#votes.ballots(),
      drafts: this.#drafts.toJSON(),
    };
  }

  dispose(): void {
    this.#flush(); // a change of this very turn is still stored
    this.#disposed = true;
    this.#timer.dispose();
    if (this.#graceTimer !== null) this.deps.clock.clearTimeout(this.#graceTimer);
    this.#unobserve();
  }
}
