/**
 * Series and their meetings: creating a series, opening its next meeting with what carries over, moving a
 * meeting, and the clock-driven work (opening the next meeting a set time before it starts, ending a meeting
 * left running past its end plus the grace, marking one that never started as missed).
 *
 * Opening a meeting happens exactly once per (series, seq), whatever happens: openings of one series run one
 * after another in this process; the meeting row is written first, as 'opening', with the new board's id,
 * so a second press finds it; the board is then made in one write with everything carried into it; only then
 * is the row 'open'. A restart between the two finishes the opening if the board was written, else undoes the
 * row (and whatever contributors noted) — nothing is carried twice, nothing is lost.
 */
import * as Y from 'yjs';
import { createCards, initBoard, readBoard, setMeetingDate, setMeetingStart, setSeriesMeta, type NewCard } from '../../shared/board-schema.js';
import { describeCadence, instantSlot, nextSlot, slotInstant, type Slot } from '../../shared/cadence.js';
import { randomId } from '../../shared/ids.js';
import { ErrorCode, type ApiError } from '../../shared/errors.js';
import type { ActionItem } from '../../shared/action-extraction.js';
import type { CreateSeriesBody, NextSlotInfo, RescheduleMeetingBody, Series, SeriesMeeting, UpdateSeriesBody } from '../../shared/series.js';
import { templateCards } from '../../shared/templates.js';
import type { Role } from '../../shared/roles.js';
import type { BoardService } from '../boards/board-service.js';
import type { Logger } from '../log.js';
import type { Clock } from '../meeting/clock.js';
import { toActionItem, type ActionStore } from '../store/action-store.js';
import type { MeetingStore } from '../store/meeting-store.js';
import type { MeetingRecord, SeriesRecord, SeriesStore } from '../store/series-store.js';
import { BoardGoneError, localOrigin, type BoardRegistry } from '../sync/board-registry.js';
import type { TemplateService } from '../templates/template-service.js';
import { carryOver } from './carry-over.js';

const SERIES_ORIGIN = localOrigin('series');
/** How often the clock-driven work looks at the series. */
const TICK_MS = 60_000;
const DAY_MS = 86_400_000;

/** Raised for a request the series cannot honour; `status` and `reason` go to the client as they are. */
export type SeriesReason =
  'series_not_found' | 'meeting_not_found' | 'meeting_exists' | 'meeting_over' | 'cadence_ended' | 'template_not_found' | 'start_time_needed';

export class SeriesError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly reason: SeriesReason,
    message: string,
  ) {
    super(message);
  }

  /** The answer a route gives for it. */
  get error(): ApiError {
    const code = this.status === 404 ? ErrorCode.NotFound : this.status === 409 ? ErrorCode.PreconditionFailed : ErrorCode.BadRequest;
    return { code, reason: this.reason, message: this.message };
  }
}

export interface OpeningContext {
  series: SeriesRecord;
  seq: number;
  boardId: string;
  date: string;
  /** The meeting before (null for the first one). */
  previous: MeetingRecord | null;
  /**
   * The cards carried over from the previous meeting, before they are written: a contributor may update them
   * (a request between series shows the answer the other team gave).
   */
  carried: NewCard[];
}

/**
 * A part of the server that puts cards on a new meeting (requests from other series, escalated challenges,
 * drop-in submissions taken on). `contribute` notes, durably, that what it returns went to `boardId`;
 * `abandon` undoes that when the board was never made (an opening interrupted by a crash).
 */
export interface MeetingContributor {
  readonly name: string;
  contribute(ctx: OpeningContext): Promise<NewCard[]>;
  abandon(boardId: string): Promise<void>;
}

/** An action item of a series, with the meeting it came from. */
export interface SeriesActionItem extends ActionItem {
  /** The meeting it was decided in (its number), and the latest meeting it is on (a carried request). */
  seq: number;
  latestSeq: number;
}

/** With several instances, an opening this old is taken to be interrupted (its instance died mid-way). */
const STALE_OPENING_MS = 60_000;

export interface SeriesDeps {
  store: SeriesStore;
  boards: BoardService;
  registry: BoardRegistry;
  templates: Pick<TemplateService, 'get'>;
  meetingStore: Pick<MeetingStore, 'listVotes'>;
  actionStore: Pick<ActionStore, 'list'>;
  /** Ends a board's meeting from the server; false when it had already ended. */
  endMeeting(boardId: string): Promise<boolean>;
  clock: Clock;
  log: Logger;
  /**
   * With several instances: whether this one holds the clock's lease, which makes it the one to run the
   * clock-driven work (and the recovery of interrupted openings). Absent: this instance runs alone.
   */
  clockHolder?: () => boolean;
}

export class SeriesService {
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #contributors: MeetingContributor[] = [];
  /** Boards whose meeting the server is ending (so the end is recorded as automatic). */
  readonly #autoEnding = new Set<string>();
  #timer: unknown = null;
  #ticking: Promise<void> | null = null;
  #closed = false;
  readonly #meetingListeners: ((change: 'opened' | 'moved', meeting: MeetingRecord) => void)[] = [];

  constructor(private readonly deps: SeriesDeps) {}

  /** Calls `fn` once a meeting is opened (stored, its board written) and whenever one is moved. */
  onMeeting(fn: (change: 'opened' | 'moved', meeting: MeetingRecord) => void): void {
    this.#meetingListeners.push(fn);
  }

  #meetingChanged(change: 'opened' | 'moved', meeting: MeetingRecord): void {
    for (const fn of this.#meetingListeners) {
      try {
        fn(change, meeting);
      } catch (err) {
        this.deps.log.error('a meeting listener failed', { err });
      }
    }
  }

  /** Adds a part that puts cards on each new meeting (in registration order, after the carried cards). */
  contribute(c: MeetingContributor): void {
    this.#contributors.push(c);
  }

  // ---- reading ----------------------------------------------------------------------------------------------

  /** The series a board is a meeting of, or null (a board the server does not know). */
  async seriesOfBoard(boardId: string): Promise<string | null> {
    return (await this.deps.store.meetingOfBoard(boardId))?.seriesId ?? null;
  }

  async meetingOfBoard(boardId: string): Promise<MeetingRecord | null> {
    return this.deps.store.meetingOfBoard(boardId);
  }

  /** The series with its meetings and the next slot of its cadence; null when there is no such series. */
  async view(id: string): Promise<{ series: Series; meetings: SeriesMeeting[]; next: NextSlotInfo | null } | null> {
    const rec = await this.deps.store.get(id);
    if (!rec) return null;
    const meetings = (await this.deps.store.meetings(id)).filter((m) => m.status !== 'opening');
    // Only a cadence has a next meeting to show; a series without one opens its next meeting when asked.
    const slot = rec.cadence ? this.#slotAfter(rec, meetings.at(-1) ?? null) : null;
    return {
      series: toSeries(rec),
      meetings: meetings.map(toMeeting),
      next: slot ? { date: slot.date, start: slot.start, startsAt: instantOf(slot, rec.timezone) } : null,
    };
  }

  /**
   * The action items of every meeting of the series, each once: a request carried from meeting to meeting
   * keeps its id, and its latest meeting's record is the one shown.
   */
  async actions(id: string): Promise<SeriesActionItem[]> {
    const meetings = (await this.deps.store.meetings(id)).filter((m) => m.status !== 'opening');
    const byId = new Map<string, SeriesActionItem>();
    for (const m of meetings) {
      for (const rec of await this.deps.actionStore.list(m.boardId)) {
        const first = byId.get(rec.id);
        if (first && !rec.present) continue; // a copy gone from a later board does not cancel the item
        byId.set(rec.id, { ...toActionItem(rec), seq: first?.seq ?? m.seq, latestSeq: m.seq });
      }
    }
    return [...byId.values()].sort((a, b) => a.seq - b.seq || a.createdAt - b.createdAt);
  }

  // ---- creating and changing --------------------------------------------------------------------------------

  /** Makes a series, opens its first meeting, and returns the series' role tokens (the only time they are readable). */
  async create(body: CreateSeriesBody): Promise<{ id: string; tokens: Record<Role, string>; meeting: MeetingRecord }> {
    if (body.template && !(await this.deps.templates.get(body.template))) throw new SeriesError(400, 'template_not_found', 'no such template');
    const now = Date.now();
    const rec: SeriesRecord = {
      id: randomId(),
      name: body.name,
      team: body.team ?? '',
      cadence: body.cadence ?? null,
      firstDate: body.firstDate,
      startTime: body.startTime,
      timezone: body.timezone ?? 'UTC',
      durationMinutes: body.durationMinutes ?? 60,
      template: body.template ?? null,
      people: body.people ?? [],
      settings: {
        openBeforeMinutes: body.openBeforeMinutes ?? null,
        flagAfter: body.flagAfter ?? 3,
        graceMinutes: body.graceMinutes ?? 30,
        reminderDaysBefore: body.reminderDaysBefore !== undefined ? body.reminderDaysBefore : 1,
        overdueDigest: body.overdueDigest ?? false,
      },
      createdAt: now,
      updatedAt: now,
    };
    const tokens = await this.deps.store.create(rec);
    const { meeting } = await this.openNext(rec.id);
    return { id: rec.id, tokens, meeting };
  }

  /**
   * Files a board made outside any series as a series of one (same id), so every board has a series. Its
   * meeting is on the day set at creation, else the day it was made; a start time stays on the board only:
   * without a time zone it is no schedule the clock could end or miss the meeting by.
   */
  async adoptBoard(board: { id: string; title: string; createdAt: number; meetingDate?: string }): Promise<void> {
    if (await this.deps.store.meetingOfBoard(board.id)) return;
    const day = board.meetingDate ?? new Date(board.createdAt).toISOString().slice(0, 10);
    const startsAt = Date.parse(`${day}T00:00:00Z`);
    const rec: SeriesRecord = {
      id: board.id,
      name: board.title,
      team: '',
      cadence: null,
      firstDate: day,
      startTime: '',
      timezone: 'UTC',
      durationMinutes: 60,
      template: null,
      people: [],
      settings: { openBeforeMinutes: null, flagAfter: 0, graceMinutes: 30, reminderDaysBefore: 1, overdueDigest: false },
      createdAt: board.createdAt,
      updatedAt: board.createdAt,
    };
    if (!(await this.deps.store.get(board.id))) await this.deps.store.create(rec);
    await this.deps.store.reserveMeeting({
      seriesId: board.id,
      seq: 1,
      boardId: board.id,
      slot: null,
      date: day,
      start: '',
      startsAt,
      endsAt: startsAt + rec.durationMinutes * 60_000,
      status: 'open',
      openedAt: board.createdAt,
      startedAt: null,
      endedAt: null,
      endedBy: null,
    });
  }

  async update(id: string, body: UpdateSeriesBody): Promise<SeriesRecord | null> {
    return this.#serial(id, async () => {
      const rec = await this.deps.store.get(id);
      if (!rec) return null;
      if (body.template && !(await this.deps.templates.get(body.template))) throw new SeriesError(400, 'template_not_found', 'no such template');
      const next: SeriesRecord = {
        ...rec,
        name: body.name ?? rec.name,
        team: body.team ?? rec.team,
        cadence: body.cadence !== undefined ? body.cadence : rec.cadence,
        firstDate: body.firstDate ?? rec.firstDate,
        startTime: body.startTime ?? rec.startTime,
        timezone: body.timezone ?? rec.timezone,
        durationMinutes: body.durationMinutes ?? rec.durationMinutes,
        template: body.template !== undefined ? body.template : rec.template,
        people: body.people ?? rec.people,
        settings: {
          openBeforeMinutes: body.openBeforeMinutes !== undefined ? body.openBeforeMinutes : rec.settings.openBeforeMinutes,
          flagAfter: body.flagAfter ?? rec.settings.flagAfter,
          graceMinutes: body.graceMinutes ?? rec.settings.graceMinutes,
          reminderDaysBefore: body.reminderDaysBefore !== undefined ? body.reminderDaysBefore : rec.settings.reminderDaysBefore,
          overdueDigest: body.overdueDigest ?? rec.settings.overdueDigest,
        },
        updatedAt: Date.now(),
      };
      if (next.cadence && !next.startTime) throw new SeriesError(400, 'start_time_needed', 'a series with a cadence needs a start time');
      await this.deps.store.update(next);
      return next;
    });
  }

  /**
   * Opens the meeting after meeting `after` (default: the latest) and returns it; when it is already open,
   * returns it with `created: false`. Refused when `after` is not the latest meeting and its next one does
   * not exist either, or when the cadence has no more meetings.
   */
  async openNext(id: string, after?: number): Promise<{ meeting: MeetingRecord; created: boolean }> {
    return this.#serial(id, async () => {
      const rec = await this.deps.store.get(id);
      if (!rec) throw new SeriesError(404, 'series_not_found', 'series not found');
      const meetings = await this.deps.store.meetings(id);
      const latest = meetings.at(-1) ?? null;
      const base = after ?? latest?.seq ?? 0;
      const existing = meetings.find((m) => m.seq === base + 1);
      if (existing && existing.status !== 'opening') return { meeting: existing, created: false };
      if (base !== (latest?.seq ?? 0)) throw new SeriesError(404, 'meeting_not_found', `this series has no meeting ${base}`);
      const slot = this.#slotAfter(rec, latest);
      if (!slot) throw new SeriesError(409, 'cadence_ended', 'the cadence of this series has no further meeting');
      return { meeting: await this.#open(rec, latest, slot), created: true };
    });
  }

  async #open(rec: SeriesRecord, previous: MeetingRecord | null, slot: Slot & { inCadence: boolean }): Promise<MeetingRecord> {
    const now = Date.now();
    const startsAt = instantOf(slot, rec.timezone);
    const meeting: MeetingRecord = {
      seriesId: rec.id,
      seq: (previous?.seq ?? 0) + 1,
      boardId: randomId(),
      slot: slot.inCadence ? { date: slot.date, start: slot.start } : null,
      date: slot.date,
      start: slot.start,
      startsAt,
      endsAt: startsAt + rec.durationMinutes * 60_000,
      status: 'opening',
      openedAt: now,
      startedAt: null,
      endedAt: null,
      endedBy: null,
    };
    if (!(await this.deps.store.reserveMeeting(meeting))) throw new SeriesError(409, 'meeting_exists', 'that meeting was opened meanwhile');
    try {
      const doc = new Y.Doc();
      try {
        const { purpose, cards, carried } = await this.#startingCards(rec, previous);
        const ctx: OpeningContext = { series: rec, seq: meeting.seq, boardId: meeting.boardId, date: meeting.date, previous, carried };
        const added: NewCard[] = [];
        for (const c of this.#contributors) added.push(...(await c.contribute(ctx)));
        const title = `${rec.name} — ${meeting.date}`.slice(0, 200);
        initBoard(doc, { title, purpose, createdAt: now });
        setMeetingDate(doc, meeting.date);
        setMeetingStart(doc, meeting.start);
        setSeriesMeta(doc, { seriesId: rec.id, seq: meeting.seq, timezone: rec.timezone, flagAfter: rec.settings.flagAfter });
        createCards(doc, [...cards, ...carried, ...added], { now });
        await this.deps.boards.createFromSnapshot(Y.encodeStateAsUpdate(doc), { id: meeting.boardId, createdAt: now, inSeries: true });
      } finally {
        doc.destroy();
      }
    } catch (err) {
      await this.#undoOpening(meeting);
      throw err;
    }
    await this.deps.store.updateMeeting(rec.id, meeting.seq, { status: 'open' });
    const opened: MeetingRecord = { ...meeting, status: 'open' };
    this.#meetingChanged('opened', opened);
    return opened;
  }

  async #undoOpening(meeting: MeetingRecord): Promise<void> {
    for (const c of this.#contributors) await c.abandon(meeting.boardId);
    await this.deps.store.removeMeeting(meeting.seriesId, meeting.seq);
  }

  /** The template's cards and what the previous meeting hands on. */
  async #startingCards(rec: SeriesRecord, previous: MeetingRecord | null): Promise<{ purpose: string; cards: NewCard[]; carried: NewCard[] }> {
    const template = rec.template ? await this.deps.templates.get(rec.template) : null;
    const cards: NewCard[] = template ? templateCards(template) : [];
    let purpose = template?.purpose ?? '';
    if (!previous) return { purpose, cards, carried: [] };
    const dots = new Map<string, number>();
    for (const round of await this.deps.meetingStore.listVotes(previous.boardId)) {
      for (const r of round.results) dots.set(r.cardId, (dots.get(r.cardId) ?? 0) + r.dots);
    }
    const carried = await this.deps.registry.withBoard(previous.boardId, async (board) => {
      // Everything the previous meeting's people wrote before now is stored before it is carried on.
      await this.deps.registry.stored(board).catch((err) => {
        if (!(err instanceof BoardGoneError)) throw err;
      });
      const view = readBoard(board.doc);
      return { purpose: view.meta.purpose, cards: carryOver(view, { seq: previous.seq, date: previous.date, dots }) };
    });
    if (carried) {
      purpose = carried.purpose || purpose;
      // A pinned agenda item replaces the template's item of the same title, so it is not there twice.
      const pinned = new Set(carried.cards.flatMap((c) => (c.column === 'agenda' ? [c.title.trim().toLowerCase()] : [])));
      return { purpose, cards: cards.filter((c) => c.column !== 'agenda' || !pinned.has(c.title.trim().toLowerCase())), carried: carried.cards };
    }
    return { purpose, cards, carried: [] };
  }

  /** Moves one meeting to another day and/or start time; its board's meeting day and start follow. */
  async reschedule(id: string, seq: number, body: RescheduleMeetingBody): Promise<MeetingRecord> {
    return this.#serial(id, async () => {
      const rec = await this.deps.store.get(id);
      if (!rec) throw new SeriesError(404, 'series_not_found', 'series not found');
      const m = (await this.deps.store.meetings(id)).find((x) => x.seq === seq && x.status !== 'opening');
      if (!m) throw new SeriesError(404, 'meeting_not_found', `this series has no meeting ${seq}`);
      if (m.status === 'ended' || m.status === 'missed') throw new SeriesError(409, 'meeting_over', 'this meeting is over; it can no longer be moved');
      const date = body.date ?? m.date;
      const start = body.start ?? (m.start || rec.startTime || '09:00');
      const startsAt = instantOf({ date, start }, rec.timezone);
      const patch = { date, start, startsAt, endsAt: startsAt + rec.durationMinutes * 60_000 };
      await this.deps.store.updateMeeting(id, seq, patch);
      await this.deps.registry.withBoard(m.boardId, async (board) => {
        board.doc.transact(() => {
          setMeetingDate(board.doc, date);
          setMeetingStart(board.doc, start);
        }, SERIES_ORIGIN);
        await this.deps.registry.persisted(board);
      });
      const moved = { ...m, ...patch };
      this.#meetingChanged('moved', moved);
      return moved;
    });
  }

  // ---- the meeting's life -----------------------------------------------------------------------------------

  async meetingStarted(boardId: string): Promise<void> {
    const m = await this.deps.store.meetingOfBoard(boardId);
    if (m && (m.status === 'open' || m.status === 'missed'))
      await this.deps.store.updateMeeting(m.seriesId, m.seq, { status: 'running', startedAt: this.deps.clock.now() });
  }

  async meetingEnded(boardId: string): Promise<void> {
    const m = await this.deps.store.meetingOfBoard(boardId);
    if (!m || m.status === 'ended') return;
    const endedBy = this.#autoEnding.delete(boardId) ? 'auto' : 'facilitator';
    await this.deps.store.updateMeeting(m.seriesId, m.seq, { status: 'ended', endedAt: this.deps.clock.now(), endedBy });
  }

  /** A board was deleted: it is no longer a meeting of its series (a series of one goes with it). */
  async boardDeleted(boardId: string): Promise<void> {
    const m = await this.deps.store.meetingOfBoard(boardId);
    if (m) await this.deps.store.removeMeeting(m.seriesId, m.seq);
  }

  // ---- start, clock, stop ------------------------------------------------------------------------------------

  /**
   * Finishes or undoes openings a crash interrupted, files boards that have no series yet, then starts the
   * clock-driven work.
   */
  async start(): Promise<void> {
    // With several instances, an opening may be under way on another one: the clock's holder recovers them.
    if (!this.deps.clockHolder) await this.#recover(0);
    this.#schedule();
  }

  /** Finishes or undoes openings interrupted at least `ageMs` ago, and files boards that have no series yet. */
  async #recover(ageMs: number): Promise<void> {
    const now = this.deps.clock.now();
    for (const m of await this.deps.store.meetingsIn(['opening'])) {
      if (now - m.openedAt < ageMs) continue;
      const made = await this.deps.registry.withBoard(m.boardId, () => true);
      if (made) await this.deps.store.updateMeeting(m.seriesId, m.seq, { status: 'open' });
      else await this.#undoOpening(m);
      this.deps.log.info(made ? 'finished an interrupted opening' : 'undid an interrupted opening', { seriesId: m.seriesId, seq: m.seq });
    }
    for (const b of await this.deps.store.boardsWithoutSeries()) await this.adoptBoard(b);
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = this.deps.clock.setTimeout(() => {
      this.#ticking = this.tick()
        .catch((err) => this.deps.log.error('series clock work failed', { err }))
        .finally(() => {
          this.#ticking = null;
          this.#schedule();
        });
    }, TICK_MS);
  }

  /** One pass of the clock-driven work (the timer runs it every minute; tests call it after moving the clock). */
  async tick(): Promise<void> {
    if (this.deps.clockHolder) {
      if (!this.deps.clockHolder()) return;
      // An opening takes well under a minute: one older than that was cut off with its instance.
      await this.#recover(STALE_OPENING_MS);
    }
    const now = this.deps.clock.now();
    for (const m of await this.deps.store.meetingsIn(['open', 'running'])) {
      if (this.#closed) return;
      const rec = await this.deps.store.get(m.seriesId);
      if (!rec || !m.start) continue; // a board made without a start time has no schedule to be late for
      if (now < m.endsAt + rec.settings.graceMinutes * 60_000) continue;
      if (m.status === 'open') {
        // Never started: nothing happened, so there is no summary to send.
        await this.deps.store.updateMeeting(m.seriesId, m.seq, { status: 'missed' });
        continue;
      }
      this.#autoEnding.add(m.boardId);
      try {
        if (!(await this.deps.endMeeting(m.boardId))) this.#autoEnding.delete(m.boardId);
      } catch (err) {
        this.#autoEnding.delete(m.boardId);
        this.deps.log.error('could not end a forgotten meeting', { boardId: m.boardId, err });
      }
    }
    for (const rec of await this.deps.store.withAutoOpen()) {
      if (this.#closed) return;
      const latest = (await this.deps.store.meetings(rec.id)).at(-1) ?? null;
      const slot = this.#slotAfter(rec, latest);
      if (!slot || rec.settings.openBeforeMinutes === null) continue;
      if (instantOf(slot, rec.timezone) - rec.settings.openBeforeMinutes * 60_000 > now) continue;
      await this.openNext(rec.id, latest?.seq ?? 0).catch((err) => this.deps.log.error('could not open the next meeting', { seriesId: rec.id, err }));
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) this.deps.clock.clearTimeout(this.#timer);
    await this.#ticking;
    await Promise.all([...this.#locks.values()].map((p) => p.catch(() => undefined)));
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  /**
   * The slot of the meeting after `latest`: the cadence's next one (skipping slots already over, so a server
   * that was down does not open a meeting for each week it missed); for a series without a cadence, the day
   * after the latest meeting or today, whichever is later.
   */
  #slotAfter(rec: SeriesRecord, latest: MeetingRecord | null): (Slot & { inCadence: boolean }) | null {
    const first = { date: rec.firstDate, start: rec.startTime || '00:00' };
    if (rec.cadence) {
      const now = this.deps.clock.now();
      let slot = latest ? nextSlot(rec.cadence, first, latest.slot ?? { date: latest.date, start: latest.start || '00:00' }) : nextSlot(rec.cadence, first);
      // The first meeting of a new series is its first slot, even if that is today and already begun.
      for (let i = 0; latest && slot && i < 10_000 && instantOf(slot, rec.timezone) + rec.durationMinutes * 60_000 < now; i++)
        slot = nextSlot(rec.cadence, first, slot);
      return slot ? { ...slot, inCadence: true } : null;
    }
    if (!latest) return { ...first, start: rec.startTime, inCadence: false };
    const today = instantSlot(this.deps.clock.now(), rec.timezone).date;
    const dayAfter = new Date(Date.parse(`${latest.date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
    return { date: today > dayAfter ? today : dayAfter, start: latest.start || rec.startTime, inCadence: false };
  }

  /**
   * Runs `fn` while nothing else of the series runs here (no meeting of it is being opened): for a part that
   * writes to the series' latest meeting what an opening would otherwise take (server/series/asks.ts).
   */
  exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.#serial(id, fn);
  }

  /** Runs `fn` after every earlier call for the same series has finished. */
  #serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(id) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const settled = run.catch(() => undefined);
    this.#locks.set(id, settled);
    void settled.then(() => {
      if (this.#locks.get(id) === settled) this.#locks.delete(id);
    });
    return run;
  }
}

/** The instant a slot starts; a meeting without a start time (a board made before series) counts from midnight. */
const instantOf = (slot: Slot, tz: string): number => slotInstant({ date: slot.date, start: slot.start || '00:00' }, tz);

export function toSeries(r: SeriesRecord): Series {
  return {
    id: r.id,
    name: r.name,
    team: r.team,
    cadence: r.cadence,
    cadenceText: describeCadence(r.cadence),
    firstDate: r.firstDate,
    startTime: r.startTime,
    timezone: r.timezone,
    durationMinutes: r.durationMinutes,
    template: r.template,
    people: r.people,
    settings: r.settings,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function toMeeting(m: MeetingRecord): SeriesMeeting {
  return {
    seriesId: m.seriesId,
    seq: m.seq,
    boardId: m.boardId,
    date: m.date,
    start: m.start,
    startsAt: m.startsAt,
    endsAt: m.endsAt,
    status: m.status === 'opening' ? 'open' : m.status,
    openedAt: m.openedAt,
    startedAt: m.startedAt,
    endedAt: m.endedAt,
    endedBy: m.endedBy,
  };
}
