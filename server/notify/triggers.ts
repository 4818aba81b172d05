/**
 * Where the series' events come from (events.ts), each emitted once the thing it reports is stored:
 *  - `meeting.ended` when a meeting ends (by the facilitator or by itself), with its action items;
 *  - `action_item.created` / `action_item.done` from the action-item service's stored changes;
 *  - `action_item.overdue` from the clock, once an open item's due day has passed in the series' zone;
 *  - `request.made` once a request names an addressee and has stopped changing for a moment, and
 *    `request.answered` when its status moves to accepted, declined or done — from the board's stored changes.
 * Events carry stable keys; a listener that stores a message under them sends it once, however often an
 * event is seen again (a restart, a request carried to the next meeting).
 */
import * as Y from 'yjs';
import { cardsMap, changedCardIds, readCard, type NeedCard } from '../../shared/board-schema.js';
import { instantSlot } from '../../shared/cadence.js';
import type { ActionItem } from '../../shared/action-extraction.js';
import type { ActionItemInfo, RequestInfo } from '../../shared/reach.js';
import type { Logger } from '../log.js';
import type { Clock } from '../meeting/clock.js';
import type { ActionStore } from '../store/action-store.js';
import type { SeriesStore } from '../store/series-store.js';
import type { BoardAttachment, BoardExtension, BoardRegistry, LoadedBoard } from '../sync/board-registry.js';
import type { SeriesActionItem } from '../series/series-service.js';
import type { ActionService } from '../actions/action-service.js';
import type { MeetingSummaries } from '../actions/meeting-summary.js';
import type { SeriesEvents } from './events.js';

export interface TriggerDeps {
  events: SeriesEvents;
  seriesStore: Pick<SeriesStore, 'get' | 'meetingOfBoard'>;
  /** Series that want overdue events (a webhook subscribed to them): the clock looks at these only. */
  overdueWatchers(): Promise<string[]>;
  seriesActions(seriesId: string): Promise<SeriesActionItem[]>;
  actions: Pick<ActionService, 'onChanged'>;
  summaries: Pick<MeetingSummaries, 'actionList' | 'summary'>;
  actionStore: Pick<ActionStore, 'attendees'>;
  registry: BoardRegistry;
  clock: Clock;
  log: Logger;
  /** How long a request must stay unchanged before it counts as made (its text being typed is not). */
  quietMs?: number;
  /** More clock-driven work, run after each of this clock's passes (the mail's reminders and digests). */
  onTick?: () => Promise<void>;
  /** With several instances: whether this one holds the clock's lease (absent: it runs alone). */
  clockHolder?: () => boolean;
}

interface RequestWatch extends BoardAttachment {
  /** Per request (its root id): what it said and its status when last looked at. */
  seen: Map<string, { said: string; status: NeedCard['status'] }>;
  dirty: Set<string>;
}

const TICK_MS = 5 * 60_000;
const QUIET_MS = 1_500;

export class ReachTriggers implements BoardExtension<RequestWatch> {
  readonly name = 'reach-triggers';
  /** Keys emitted by this process: the same stored change seen again is not emitted again. */
  readonly #emitted = new Set<string>();
  /** Requests waiting to settle: the latest reading, and its timer. */
  readonly #settling = new Map<string, { timer: NodeJS.Timeout; boardId: string; card: NeedCard }>();
  readonly #startedAt: number;
  #timer: unknown = null;
  #closed = false;

  constructor(private readonly deps: TriggerDeps) {
    this.#startedAt = deps.clock.now();
    deps.actions.onChanged((boardId, items) => void this.#actionsChanged(boardId, items).catch(this.#fail('action item events')));
  }

  start(): void {
    const schedule = () => {
      if (this.#closed) return;
      this.#timer = this.deps.clock.setTimeout(() => {
        // With several instances, the holder of the clock's lease does the clock's work.
        if (this.deps.clockHolder && !this.deps.clockHolder()) return schedule();
        void this.tick().catch(this.#fail('the clock’s events')).finally(schedule);
      }, TICK_MS);
    };
    schedule();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== null) this.deps.clock.clearTimeout(this.#timer);
    for (const s of this.#settling.values()) clearTimeout(s.timer);
    this.#settling.clear();
  }

  // ---- meetings ---------------------------------------------------------------------------------------------

  /** Called once the series has recorded the end (so it knows who ended it). */
  async meetingEnded(boardId: string): Promise<void> {
    const meeting = await this.deps.seriesStore.meetingOfBoard(boardId);
    if (!meeting) return;
    const series = await this.deps.seriesStore.get(meeting.seriesId);
    const list = await this.deps.summaries.actionList(boardId);
    const summary = await this.deps.summaries.summary(boardId);
    if (!series || !list || !summary) return;
    this.#emit({
      type: 'meeting.ended',
      key: `meeting.ended:${boardId}`,
      seriesId: series.id,
      seriesName: series.name,
      at: meeting.endedAt ?? this.deps.clock.now(),
      boardId,
      seq: meeting.seq,
      title: list.title,
      endedBy: meeting.endedBy ?? 'facilitator',
      actionItems: list.actionItems.map(info),
      decisions: summary.decisions.length,
      attendees: await this.deps.actionStore.attendees(boardId),
    });
  }

  // ---- action items -----------------------------------------------------------------------------------------

  async #actionsChanged(boardId: string, items: ActionItem[]): Promise<void> {
    // Items that existed before this process started are not news (a board reconciled on load).
    const fresh = items.filter((i) => i.createdAt >= this.#startedAt || i.status === 'done');
    if (!fresh.length) return;
    const meeting = await this.deps.seriesStore.meetingOfBoard(boardId);
    const series = meeting && (await this.deps.seriesStore.get(meeting.seriesId));
    if (!series) return;
    const base = { seriesId: series.id, seriesName: series.name, at: this.deps.clock.now() };
    for (const i of fresh) {
      if (i.createdAt >= this.#startedAt && i.status !== 'cancelled')
        this.#emit({ ...base, type: 'action_item.created', key: `action_item.created:${series.id}:${i.id}`, item: info(i) });
      if (i.status === 'done') this.#emit({ ...base, type: 'action_item.done', key: `action_item.done:${series.id}:${i.id}`, item: info(i) });
    }
  }

  /**
   * One pass of the clock-driven work: overdue items (once per item and due day), then `onTick` (reminders,
   * digests). The clock runs it every five minutes; tests call it too.
   */
  async tick(): Promise<void> {
    try {
      await this.#overdue();
    } finally {
      await this.deps.onTick?.();
    }
  }

  async #overdue(): Promise<void> {
    const now = this.deps.clock.now();
    for (const id of await this.deps.overdueWatchers()) {
      if (this.#closed) return;
      const series = await this.deps.seriesStore.get(id);
      if (!series) continue;
      const today = instantSlot(now, series.timezone).date;
      for (const i of await this.deps.seriesActions(id)) {
        if ((i.status !== 'open' && i.status !== 'blocked') || !i.due || i.due >= today) continue;
        this.#emit({
          type: 'action_item.overdue',
          key: `action_item.overdue:${id}:${i.id}:${i.due}`,
          seriesId: id,
          seriesName: series.name,
          at: now,
          item: info(i),
        });
      }
    }
  }

  // ---- requests ---------------------------------------------------------------------------------------------

  attach(board: LoadedBoard): RequestWatch {
    const cards = cardsMap(board.doc);
    const onCards = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
      for (const id of changedCardIds(events, cards)) watch.dirty.add(id);
    };
    const watch: RequestWatch = {
      seen: new Map(),
      dirty: new Set(),
      stored: () => this.#scan(board, watch),
      detach: () => cards.unobserveDeep(onCards),
    };
    // What the board holds when it comes into memory is the starting point, not news.
    for (const [, raw] of cards) {
      const card = isRequest(raw) ? readCard(raw) : null;
      if (card?.column === 'needs') watch.seen.set(rootOf(card), { said: said(card), status: card.status });
    }
    cards.observeDeep(onCards);
    return watch;
  }

  #scan(board: LoadedBoard, watch: RequestWatch): void {
    if (watch.dirty.size === 0) return;
    const cards = cardsMap(board.doc);
    const ids = watch.dirty;
    watch.dirty = new Set();
    // Every instance holding the board follows its requests; the board's owner is the one that emits.
    const owner = this.deps.registry.owns(board.id);
    for (const id of ids) {
      const raw = cards.get(id);
      const card = isRequest(raw) ? readCard(raw) : null;
      if (card?.column !== 'needs') continue;
      const root = rootOf(card);
      const before = watch.seen.get(root);
      const now = { said: said(card), status: card.status };
      watch.seen.set(root, now);
      if (!owner) continue;
      if (before && before.status !== now.status && now.status !== 'open') {
        this.#cancelSettling(root);
        void this.#requestEvent('request.answered', board.id, card).catch(this.#fail('a request’s answer'));
      } else if (now.status === 'open' && card.addressee.trim() && card.what.trim() && (!before || before.said !== now.said || before.status !== 'open')) {
        this.#settle(root, board.id, card);
      }
    }
  }

  /** A request being typed changes with every key: it is made once it has been quiet for a moment. */
  #settle(root: string, boardId: string, card: NeedCard): void {
    this.#cancelSettling(root);
    const timer = setTimeout(() => {
      this.#settling.delete(root);
      void this.#requestEvent('request.made', boardId, card).catch(this.#fail('a request'));
    }, this.deps.quietMs ?? QUIET_MS);
    timer.unref();
    this.#settling.set(root, { timer, boardId, card });
  }

  #cancelSettling(root: string): void {
    const s = this.#settling.get(root);
    if (s) clearTimeout(s.timer);
    this.#settling.delete(root);
  }

  async #requestEvent(type: 'request.made' | 'request.answered', boardId: string, card: NeedCard): Promise<void> {
    const meeting = await this.deps.seriesStore.meetingOfBoard(boardId);
    const series = meeting && (await this.deps.seriesStore.get(meeting.seriesId));
    if (!series) return;
    const request: RequestInfo = {
      id: rootOf(card),
      boardId,
      cardId: card.id,
      asker: card.asker,
      addressee: card.addressee,
      what: card.what,
      byWhen: card.byWhen,
      status: card.status,
      declineReason: card.declineReason,
    };
    const base = { seriesId: series.id, seriesName: series.name, at: this.deps.clock.now(), request };
    // A request edited after its mail went is made again only in the listener's eyes (it keys by request):
    // emitting each settled version lets a still-waiting message be replaced by the latest words.
    if (type === 'request.made') this.deps.events.emit({ ...base, type, key: `request.made:${series.id}:${request.id}` });
    else this.#emit({ ...base, type, key: `request.answered:${series.id}:${request.id}:${request.status}` });
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  #emit(event: Parameters<SeriesEvents['emit']>[0]): void {
    if (this.#emitted.has(event.key)) return;
    this.#emitted.add(event.key);
    this.deps.events.emit(event);
  }

  #fail(what: string) {
    return (err: unknown) => this.deps.log.error(`could not emit ${what}`, { err });
  }
}

/** Only request cards are read in full: a board of thousands of agenda cards costs a look at each one's column. */
const isRequest = (raw: unknown): boolean => raw instanceof Y.Map && raw.get('column') === 'needs';
const rootOf = (card: NeedCard): string => card.carriedFrom || card.id;
const said = (card: NeedCard): string => [card.asker, card.addressee, card.what, card.byWhen].join('\u0000');

function info(i: ActionItem): ActionItemInfo {
  return { id: i.id, text: i.text, owners: i.owners, due: i.due, status: i.status as ActionItemInfo['status'], boardId: i.boardId };
}
