/**
 * The meeting channel in the browser: one socket.io connection to `/meeting` per open board, the latest
 * meeting state (the server is the authority for all of it), a clock corrected to the server's, my own
 * dots and hidden drafts, and the announcements to show. Components read it through getters and change it
 * only by commands (`run`) and the methods here.
 */
import { getContext, setContext } from 'svelte';
import { io, type Socket } from 'socket.io-client';
import type { CreateCardBody } from '../../shared/api-schemas.js';
import type { ColumnId } from '../../shared/board-schema.js';
import {
  MEETING_NAMESPACE,
  PHASES,
  Seat,
  timerOvertime,
  timerRemaining,
  type CommandName,
  type CommandPayload,
  type CommandResults,
  type Draft,
  type MeetingClientEvents,
  type MeetingServerEvents,
  type MeetingState,
  type MyVote,
  type Phase,
  type RosterEntry,
} from '../../shared/meeting.js';
import { canEdit, type Role } from '../../shared/roles.js';
import type { Ack } from '../../shared/socket-events.js';
import type { BoardModel } from './board.svelte.js';
import type { Identity } from './identity.js';
import { playChime } from './chime.js';
import { t } from './i18n/index.svelte.js';
import { describeAnnouncement, describeError, refusalText } from './i18n/messages.js';
import type { ApiError } from '../../shared/errors.js';
import type { NeedAnswerPayload, NeedAnswerResult } from '../../shared/need-answers.js';

const SOUND_KEY = 'meshboard:time-up-sound';
const SYNC_SAMPLES = 5;
/** How often the countdown is redrawn while a timer runs, ms. */
const TICK_MS = 250;
const TOAST_MS = 8000;
const ACK_TIMEOUT_MS = 8000;

const seatKey = (boardId: string) => `meshboard:seat:${boardId}`;

/** The seat the server gave this device in a board's meeting (a reload or reconnect is the same person). */
export function loadSeat(boardId: string): Seat | null {
  try {
    const parsed = Seat.safeParse(JSON.parse(localStorage.getItem(seatKey(boardId)) ?? 'null'));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function saveSeat(boardId: string, seat: Seat): void {
  try {
    localStorage.setItem(seatKey(boardId), JSON.stringify(seat));
  } catch {
    // private mode: the seat lasts as long as the page
  }
}

export interface Toast {
  id: number;
  message: string;
  kind: 'info' | 'time-up';
}

type MeetingSocket = Socket<MeetingServerEvents, MeetingClientEvents>;

/** A refused command in the reader's language: the server's always give a reason; `send`'s own are worded already. */
export const errorText = refusalText;

export class MeetingModel {
  #participantId = $state('');
  /** My seat's id on the roster, as the server issued it ('' until it has). */
  get participantId() {
    return this.#participantId;
  }
  #seat: Seat | null = null;
  #identity: Identity | null = null;
  #state = $state.raw<MeetingState | null>(null);
  /** Null until the first state arrived (right after joining). */
  get state() {
    return this.#state;
  }
  #connected = $state(false);
  get connected() {
    return this.#connected;
  }
  #refused = $state<string | null>(null);
  /** Why the server refused the connection (bad link etc.); the board shows its own message for those. */
  get refused() {
    return this.#refused;
  }
  #offset = $state(0);
  /** Server clock minus local clock, ms. */
  get offset() {
    return this.#offset;
  }
  #now = $state(Date.now());
  /** Local clock, advanced every TICK_MS while a timer runs (the countdown's only reason to redraw). */
  get now() {
    return this.#now;
  }
  #myVote = $state.raw<MyVote | null>(null);
  /** My dots in the open round, as the server last told me. */
  get myVote() {
    return this.#myVote;
  }
  #drafts = $state.raw<Draft[]>([]);
  /** My hidden cards, not yet revealed. */
  get drafts() {
    return this.#drafts;
  }
  #toasts = $state.raw<Toast[]>([]);
  get toasts() {
    return this.#toasts;
  }
  #error = $state<string | null>(null);
  /** The last refused command's message, shown next to the controls. */
  get error() {
    return this.#error;
  }
  #timeUpCount = $state(0);
  /** Bumped when time is up, so the countdown can pulse once per expiry. */
  get timeUpCount() {
    return this.#timeUpCount;
  }
  #sound = $state(loadSound());
  /** Soft sound when time is up; off unless the user turned it on. */
  get sound() {
    return this.#sound;
  }
  #sortByDots = $state(false);
  /** Whether to list the challenges by dots after a reveal, in my view only (leaders sort the board itself). */
  get sortByDots() {
    return this.#sortByDots;
  }
  #doneOffer = $state<string | null>(null);
  /** The item a leader just moved on from, not marked done: offered to be marked done (null when none). */
  get doneOffer() {
    return this.#doneOffer;
  }

  readonly #board: BoardModel;
  #socket: MeetingSocket | null = null;
  #tick: ReturnType<typeof setInterval> | null = null;
  #toastId = 0;
  /** Best round trip of the clock samples so far; a sample only replaces the offset when it is tighter. */
  #bestRtt = Infinity;

  #phase = $derived<Phase>(this.#state?.phase ?? 'lobby');
  get phase() {
    return this.#phase;
  }
  #running = $derived(this.#phase !== 'lobby' && this.#phase !== 'ended');
  /** Between start and end: what the bar, the follow mode and "make current" care about. */
  get running() {
    return this.#running;
  }
  #ended = $derived(this.#phase === 'ended');
  get ended() {
    return this.#ended;
  }
  #me = $derived<RosterEntry | undefined>(this.#state?.roster.find((r) => r.id === this.#participantId));
  get me() {
    return this.#me;
  }
  /** My role: as the roster says, else as the board's link said (before the first state). */
  get role(): Role | null {
    return this.#me?.role ?? this.#board.role;
  }
  #canEdit = $derived(this.role !== null && canEdit(this.role) && !this.#ended);
  get canEdit() {
    return this.#canEdit;
  }
  #isLeader = $derived(
    !!this.#state && !this.#ended && (this.#state.facilitatorId === this.#participantId || this.#state.coFacilitatorIds.includes(this.#participantId)),
  );
  get isLeader() {
    return this.#isLeader;
  }
  #isFacilitator = $derived(!!this.#state && !this.#ended && this.#participantId !== '' && this.#state.facilitatorId === this.#participantId);
  /**
   * Whether I am the one facilitating right now, as the server's latest roster says (a hand-over or a
   * claim moves it live). Co-facilitators lead too (`isLeader`) but still follow the facilitator.
   */
  get isFacilitator() {
    return this.#isFacilitator;
  }
  #canClaim = $derived(!!this.#state && !this.#ended && this.role === 'facilitator' && this.#state.facilitatorId !== this.#participantId);
  /** A facilitator-link holder who is not leading may take the lead back. */
  get canClaim() {
    return this.#canClaim;
  }
  #facilitator = $derived(this.#state?.roster.find((r) => r.id === this.#state?.facilitatorId));
  get facilitator() {
    return this.#facilitator;
  }
  #remainingMs = $derived(this.#state ? timerRemaining(this.#state.timer, this.#now + this.#offset) : 0);
  get remainingMs() {
    return this.#remainingMs;
  }
  #overtimeMs = $derived(this.#state ? timerOvertime(this.#state.timer, this.#now + this.#offset) : 0);
  /** How far the current item has run over its time, ms (0 while time is left). */
  get overtimeMs() {
    return this.#overtimeMs;
  }
  #queue = $derived((this.#state?.roster ?? []).filter((r) => r.handRaisedAt !== null).sort((a, b) => (a.handRaisedAt ?? 0) - (b.handRaisedAt ?? 0)));
  /** Raised hands, first raised first. */
  get queue() {
    return this.#queue;
  }
  #speaker = $derived(this.#state?.roster.find((r) => r.id === this.#state?.speakerId));
  get speaker() {
    return this.#speaker;
  }
  #isSpeaker = $derived(!!this.#participantId && this.#state?.speakerId === this.#participantId && this.#running);
  /** I have the floor (and may yield it). */
  get isSpeaker() {
    return this.#isSpeaker;
  }
  #followTarget = $derived.by<string | null>(() => {
    const s = this.#state;
    if (!s || !this.#running) return null;
    // A vote (open, then its results) is where everyone's attention goes, whatever the phase.
    if (s.vote) return `vote:${s.vote.id}`;
    if (s.phase === 'needs' || s.phase === 'challenges') return `column:${s.phase}`;
    if (s.phase === 'check-in' || s.phase === 'wrap-up') return `panel:${s.phase}`;
    return `agenda:${s.currentAgendaId ?? ''}`;
  });
  /**
   * Where followers are taken, as a key that changes only when that place does: `agenda:<itemId>` (the agenda
   * phase follows its current item), `column:<id>`, `vote:<roundId>`, `panel:<phase>`; null when not running.
   */
  get followTarget() {
    return this.#followTarget;
  }
  #ballot = $derived.by<MyVote | null>(() => {
    const round = this.#state?.vote;
    if (!round) return null;
    if (this.#myVote?.roundId === round.id) return this.#myVote;
    return { roundId: round.id, dots: {}, remaining: round.status === 'open' ? round.dotsPerPerson : 0 };
  });
  /** My dots in the current round (none yet = an empty ballot with every dot left). */
  get ballot() {
    return this.#ballot;
  }

  constructor(board: BoardModel) {
    this.#board = board;
    this.#seat = loadSeat(board.boardId);
    this.#participantId = this.#seat?.id ?? '';
  }

  /** Joins the meeting as `identity`; called again after a name change (the roster shows the new one). */
  connect(identity: Identity): void {
    this.#identity = identity;
    if (this.#socket) {
      this.#socket.disconnect().connect();
      return;
    }
    // Read at every (re)connect: the latest name, and the seat the server gave us (it proves we are us).
    const auth = (cb: (data: object) => void) => {
      const who = this.#identity!;
      cb({ boardId: this.#board.boardId, token: this.#board.token, ...(this.#seat ? { seat: this.#seat } : {}), name: who.name, color: who.color });
    };
    const socket: MeetingSocket = io(MEETING_NAMESPACE, { transports: ['websocket'], auth });
    this.#socket = socket;
    socket.on('meeting:seat', (seat) => {
      this.#seat = seat;
      this.#participantId = seat.id;
      saveSeat(this.#board.boardId, seat);
    });
    socket.on('connect', () => {
      this.#connected = true;
      this.#refused = null;
      this.#bestRtt = Infinity;
      void this.#syncClock();
      if (this.#canEdit) void this.#loadDrafts();
    });
    socket.on('disconnect', () => (this.#connected = false));
    socket.on('connect_error', (err: Error & { data?: ApiError }) => {
      // A refusal by the server's middleware is final (socket.io does not retry it); a network error retries.
      if (!socket.active) this.#refused = err.data ? describeError(err.data) : err.message;
    });
    socket.on('meeting:state', (s) => this.#onState(s));
    socket.on('vote:mine', (v) => (this.#myVote = v));
    socket.on('meeting:announce', (a) => this.#toast(describeAnnouncement(a), 'info'));
    socket.on('timer:expired', (e) => this.#timeUp(e.agendaId));
  }

  /** Sends a command and resolves with its ack (an error ack when the server does not answer in time). */
  send<N extends CommandName>(name: N, payload?: CommandPayload<N>): Promise<Ack<CommandResults[N]>> {
    return this.#emit(name, payload ?? {});
  }

  /** Answers a request as the person in my seat (shared/need-answers.ts); the board shows the answer once stored. */
  answerNeed(payload: NeedAnswerPayload): Promise<Ack<NeedAnswerResult>> {
    return this.#emit('need:answer', payload);
  }

  #emit<T>(name: string, payload: unknown): Promise<Ack<T>> {
    const socket = this.#socket;
    if (!socket?.connected) return Promise.resolve({ ok: false, error: { code: 'internal', message: t.meeting.notConnected } });
    return new Promise((resolve) => {
      const emit = socket.timeout(ACK_TIMEOUT_MS).emit as unknown as (n: string, p: unknown, cb: (err: Error | null, res: Ack<T>) => void) => void;
      emit.call(socket.timeout(ACK_TIMEOUT_MS), name, payload, (err, res) =>
        resolve(err ? { ok: false, error: { code: 'internal', message: t.meeting.noAnswer } } : res),
      );
    });
  }

  /** `send`, with a refusal shown to the user (`error`); returns the data, or null when refused. */
  async run<N extends CommandName>(name: N, payload?: CommandPayload<N>): Promise<CommandResults[N] | null> {
    const res = await this.send(name, payload);
    if (res.ok) {
      this.#error = null;
      return res.data;
    }
    this.#error = errorText(res.error);
    return null;
  }

  // ---- commands with local bookkeeping ---------------------------------------------------------------

  async addDraft(card: CreateCardBody): Promise<string | null> {
    const res = await this.send('draft:add', { card });
    if (!res.ok) return errorText(res.error);
    this.#drafts = [...this.#drafts.filter((d) => d.id !== res.data.id), res.data];
    return null;
  }

  async deleteDraft(id: string): Promise<void> {
    const res = await this.send('draft:delete', { id });
    if (res.ok) this.#drafts = this.#drafts.filter((d) => d.id !== id);
    else this.#error = errorText(res.error);
  }

  /** Sets my check-in line; resolves to whether the server took it (a refusal shows as `error`). */
  async checkIn(text: string): Promise<boolean> {
    // The ack carries no data (null), so look at `ok` rather than at what `run` returns.
    const res = await this.send('checkin:set', { text });
    this.#error = res.ok ? null : errorText(res.error);
    return res.ok;
  }

  async vote(cardId: string, delta: 1 | -1): Promise<void> {
    const mine = await this.run('vote:cast', { cardId, delta });
    if (mine) this.#myVote = mine;
  }

  /** Moves to the next item (its timebox starts); offers to mark the one left behind done if it is not. */
  async nextItem(): Promise<void> {
    const prev = this.#state?.currentAgendaId ?? null;
    const wasOpen = prev !== null && this.#board.view.columns.agenda.some((c) => c.id === prev && !c.done);
    if ((await this.run('meeting:next-item')) && wasOpen) this.#doneOffer = prev;
  }

  /** Takes up the offer: the item is marked done on the board, like ticking it on its card. */
  markOfferedDone(): void {
    if (this.#doneOffer) this.#board.update(this.#doneOffer, { done: true });
    this.#doneOffer = null;
  }

  dismissDoneOffer(): void {
    this.#doneOffer = null;
  }

  /** Ends my turn (or, for a leader, the speaker's): the floor goes to the next raised hand. */
  async yieldFloor(): Promise<void> {
    await this.run('queue:yield');
  }

  /** The agenda item the meeting is on: through the meeting while it runs (the timer follows), else the document. */
  makeCurrent(agendaId: string | null): void {
    if (this.#running && this.#isLeader) void this.run('meeting:set-item', { agendaId });
    else this.#board.setCurrent(agendaId);
  }

  /** Whether an item may be made current from its card: not by others while someone leads a running meeting. */
  get mayMakeCurrent(): boolean {
    return this.#board.canEdit && (!this.#running || this.#isLeader);
  }

  isHidden(column: ColumnId): boolean {
    return this.#state?.hidden.columns.includes(column) ?? false;
  }

  nextPhase(): Phase | null {
    const i = PHASES.indexOf(this.#phase);
    return i >= 0 && i < PHASES.length - 1 ? PHASES[i + 1] : null;
  }

  setSound(on: boolean): void {
    this.#sound = on;
    try {
      localStorage.setItem(SOUND_KEY, on ? '1' : '0');
    } catch {
      // The choice still holds for this visit.
    }
  }

  /** Hides the last refused command's message. */
  dismissError(): void {
    this.#error = null;
  }

  /** After a reveal: list the challenges by dots, or back in board order. */
  toggleSortByDots(): void {
    this.#sortByDots = !this.#sortByDots;
  }

  dismiss(id: number): void {
    this.#toasts = this.#toasts.filter((x) => x.id !== id);
  }

  // ---- incoming ----------------------------------------------------------------------------------------

  #onState(s: MeetingState): void {
    // The server sent this no later than we got it, so its clock is at least `serverNow` now: a state is a
    // free lower bound on the offset (and the first estimate before the explicit samples come back).
    const floor = s.serverNow - Date.now();
    if (this.#bestRtt === Infinity || floor > this.#offset) this.#offset = floor;
    this.#state = s;
    this.#now = Date.now();
    if (this.#myVote && s.vote?.id !== this.#myVote.roundId) this.#myVote = null;
    if (!s.vote || s.vote.status !== 'revealed') this.#sortByDots = false;
    if (s.phase === 'ended') this.#doneOffer = null;
    const mine = s.hidden.drafts.filter((d) => d.authorId === this.#participantId).reduce((n, d) => n + d.count, 0);
    // Revealed (or added from another tab): ask the server rather than guess.
    if (mine !== this.#drafts.length && this.#canEdit) void this.#loadDrafts();
    this.#updateTicker();
  }

  #updateTicker(): void {
    const t = this.#state?.timer;
    // Overtime counts up, so an expired timer keeps ticking too.
    const running = t?.status === 'running' || (t?.status === 'expired' && t.expiredAt != null && this.#running);
    if (running && !this.#tick) this.#tick = setInterval(() => (this.#now = Date.now()), TICK_MS);
    else if (!running && this.#tick) {
      clearInterval(this.#tick);
      this.#tick = null;
    }
  }

  /** A few `time:sync` round trips; the tightest one gives the offset (NTP's idea, minus the filtering). */
  async #syncClock(): Promise<void> {
    for (let i = 0; i < SYNC_SAMPLES; i++) {
      const t0 = Date.now();
      const res = await this.send('time:sync');
      const t1 = Date.now();
      if (!res.ok) return;
      if (t1 - t0 < this.#bestRtt) {
        this.#bestRtt = t1 - t0;
        this.#offset = res.data.serverNow - (t0 + t1) / 2;
      }
    }
  }

  async #loadDrafts(): Promise<void> {
    const res = await this.send('draft:list');
    if (res.ok) this.#drafts = res.data;
  }

  #timeUp(agendaId: string | null): void {
    this.#timeUpCount++;
    const item = agendaId ? this.#board.view.columns.agenda.find((c) => c.id === agendaId) : undefined;
    this.#toast(t.flow.timeUpOver(item?.title || t.agenda.title), 'time-up');
    if (this.#sound) playChime();
  }

  #toast(message: string, kind: Toast['kind']): void {
    const toast = { id: ++this.#toastId, message, kind };
    // Three at most: older news is stale once the next arrives.
    this.#toasts = [...this.#toasts, toast].slice(-3);
    setTimeout(() => this.dismiss(toast.id), TOAST_MS);
  }

  destroy(): void {
    if (this.#tick) clearInterval(this.#tick);
    this.#socket?.off();
    this.#socket?.disconnect();
    this.#socket = null;
  }
}

function loadSound(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === '1';
  } catch {
    return false;
  }
}

const KEY = Symbol('meeting');
/** Makes the meeting available to the board's components (cards and columns read it; it may be absent). */
export const setMeeting = (m: MeetingModel): MeetingModel => setContext(KEY, m);
export const getMeeting = (): MeetingModel | undefined => getContext<MeetingModel | undefined>(KEY);
