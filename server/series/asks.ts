/**
 * Requests between series ("asks") and challenges escalated to another series.
 *
 * An ask is a record of the server's; the cards are where people see and answer it:
 * - Asking: the request card on the asking team's board gets the record's id (`askId`) and the other team's
 *   name (`team`). The record goes to the other series' latest meeting at once when that meeting is open and
 *   has not started, else into its next meeting when it is opened (`contribute`). Placement runs inside the
 *   series' own opening lock, so a record is placed once: the board it went to is noted before the board is
 *   written, an opening that never made its board takes the note back (`abandon`), and a card already on the
 *   board (found by its `askId`) is never written twice.
 * - Answering: the other team sets the card to accepted, declined (with a reason) or done. A board extension
 *   notices, after the change is stored, and writes the answer to the record (the first answer's time is
 *   kept: time to answer = answeredAt − createdAt). Only a meeting of the asked series counts, and an older
 *   meeting's copy of the card never undoes what a later meeting answered.
 * - Seeing the answer: when the asking series opens its next meeting, its carried card shows the answer; if
 *   the card is not carried (the asking team closed it), a card with a final answer is added once.
 * An escalation copies a challenge (problem, proposals, history) into the other series' next meeting once,
 * marks the original as escalated (so it is no longer carried), and is refused a second time.
 */
import * as Y from 'yjs';
import {
  cardsMap,
  changedCardIds,
  createCard,
  getCard,
  markAsked,
  readBoard,
  readCard,
  updateCard,
  type NeedCard,
  type NewCard,
} from '../../shared/board-schema.js';
import { ErrorCode, type ApiError } from '../../shared/errors.js';
import { randomId } from '../../shared/ids.js';
import { isAnswer, type Ask, type CreateAskBody, type CreateEscalationBody, type Escalation } from '../../shared/series-asks.js';
import type { AccessControl } from '../auth/access.js';
import type { Logger } from '../log.js';
import type { AskRecord, AskStore, EscalationRecord } from '../store/ask-store.js';
import type { MeetingStore } from '../store/meeting-store.js';
import type { MeetingRecord, SeriesStore } from '../store/series-store.js';
import {
  BoardGoneError,
  localOrigin,
  type Actor,
  type BoardAttachment,
  type BoardExtension,
  type BoardRegistry,
  type LoadedBoard,
} from '../sync/board-registry.js';
import { challengeStep } from './carry-over.js';
import type { MeetingContributor, OpeningContext } from './series-service.js';

const ASKS_ORIGIN = localOrigin('asks');

/** A request the asks cannot honour: the HTTP status and the error to answer with. */
export class AskError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
}

const refusal = (
  status: 400 | 404 | 409,
  reason: 'board_not_found' | 'card_not_found' | 'series_not_found' | 'same_series' | 'already_asked' | 'already_escalated',
  message: string,
) =>
  new AskError(status, {
    code: status === 404 ? ErrorCode.NotFound : status === 409 ? ErrorCode.PreconditionFailed : ErrorCode.BadRequest,
    reason,
    message,
  });

export interface AskDeps {
  store: AskStore;
  seriesStore: Pick<SeriesStore, 'get' | 'meetings' | 'meetingOfBoard'>;
  registry: BoardRegistry;
  access: Pick<AccessControl, 'checkSeries'>;
  meetingStore: Pick<MeetingStore, 'listVotes'>;
  /** Runs `fn` while no meeting of the series is being opened (the series service's own lock). */
  exclusive<T>(seriesId: string, fn: () => Promise<T>): Promise<T>;
  log: Logger;
  now?: () => number;
}

interface AnswerWatch extends BoardAttachment {
  /** Status and reason last seen per ask on this board, so a change to anything else costs no lookup. */
  seen: Map<string, string>;
  /** Cards changed since the last look (null: look at all); only these are read again. */
  dirty: Set<string> | null;
  chain: Promise<void>;
}

export class SeriesAsks implements MeetingContributor, BoardExtension<AnswerWatch> {
  readonly name = 'series-asks';
  readonly #now: () => number;

  constructor(private readonly deps: AskDeps) {
    this.#now = deps.now ?? Date.now;
  }

  // ---- asking and escalating --------------------------------------------------------------------------------

  /** Sends request `cardId` of meeting `boardId` of series `seriesId` to another series. */
  async ask(seriesId: string, body: CreateAskBody, actor: Actor): Promise<Ask> {
    const meeting = await this.#meetingOf(seriesId, body.boardId);
    const target = await this.#reach(seriesId, body.toSeries, body.toToken);
    const rec = await this.deps.registry.withBoard(meeting.boardId, async (board) => {
      const card = readNeed(board.doc, body.cardId);
      if (card.askId) throw refusal(409, 'already_asked', 'this request was sent to another team already');
      const ask: AskRecord = {
        id: randomId(),
        fromSeries: seriesId,
        fromBoard: meeting.boardId,
        fromCard: card.carriedFrom || card.id,
        toSeries: target.id,
        asker: card.asker,
        addressee: card.addressee,
        what: card.what,
        byWhen: card.byWhen,
        status: 'open',
        reason: '',
        createdAt: this.#now(),
        answeredAt: null,
        answerSeq: null,
        placedBoard: null,
        shownStatus: null,
        shownBoard: null,
      };
      if (!(await this.deps.store.createAsk(ask))) throw refusal(409, 'already_asked', 'this request was sent to another team already');
      markAsked(board.doc, card.id, { askId: ask.id, team: target.name }, localOrigin('asks', actor));
      await this.deps.registry.persisted(board);
      return ask;
    });
    if (!rec) throw refusal(404, 'board_not_found', 'board not found');
    await this.#placeNow(target.id).catch((err) => this.deps.log.error('could not place a request on the open meeting', { seriesId: target.id, err }));
    return (await this.#asks([(await this.deps.store.getAsk(rec.id)) ?? rec]))[0];
  }

  /** Escalates challenge `cardId` of meeting `boardId` of series `seriesId` to another series' next meeting. */
  async escalate(seriesId: string, body: CreateEscalationBody, actor: Actor): Promise<Escalation> {
    const meeting = await this.#meetingOf(seriesId, body.boardId);
    const target = await this.#reach(seriesId, body.toSeries, body.toToken);
    const dots = (await this.deps.meetingStore.listVotes(meeting.boardId)).flatMap((round) => round.results).filter((r) => r.cardId === body.cardId);
    const rec = await this.deps.registry.withBoard(meeting.boardId, async (board) => {
      const entry = getCard(board.doc, body.cardId);
      const card = entry && readCard(entry);
      if (!card || card.column !== 'challenges') throw refusal(404, 'card_not_found', 'no such challenge on this board');
      if (card.escalatedTo) throw refusal(409, 'already_escalated', 'this challenge was escalated already');
      const esc: EscalationRecord = {
        id: randomId(),
        fromSeries: seriesId,
        fromBoard: meeting.boardId,
        fromCard: card.carriedFrom || card.id,
        toSeries: target.id,
        problem: card.problem,
        proposals: card.proposals.map((p) => ({ text: p.text, author: p.author, createdAt: p.createdAt })),
        // Its story so far, with what moved on it in this meeting.
        history: [
          ...card.history,
          challengeStep(card, { seq: meeting.seq, date: meeting.date, dots: new Map([[card.id, dots.reduce((n, r) => n + r.dots, 0)]]) }),
        ],
        createdAt: this.#now(),
        placedBoard: null,
      };
      if (!(await this.deps.store.createEscalation(esc))) throw refusal(409, 'already_escalated', 'this challenge was escalated already');
      updateCard(board.doc, card.id, { escalatedTo: target.name }, localOrigin('asks', actor));
      await this.deps.registry.persisted(board);
      return esc;
    });
    if (!rec) throw refusal(404, 'board_not_found', 'board not found');
    return (await this.#escalations([rec]))[0];
  }

  /** Requests and escalations a series made and received, oldest first. */
  async list(seriesId: string): Promise<{ made: Ask[]; received: Ask[]; escalated: Escalation[]; escalatedHere: Escalation[] }> {
    const { store } = this.deps;
    return {
      made: await this.#asks(await store.asksFrom(seriesId)),
      received: await this.#asks(await store.asksTo(seriesId)),
      escalated: await this.#escalations(await store.escalationsFrom(seriesId)),
      escalatedHere: await this.#escalations(await store.escalationsTo(seriesId)),
    };
  }

  /** The meeting `boardId` of series `seriesId`, or a 404. */
  async #meetingOf(seriesId: string, boardId: string): Promise<MeetingRecord> {
    const meeting = await this.deps.seriesStore.meetingOfBoard(boardId);
    if (!meeting || meeting.seriesId !== seriesId || meeting.status === 'opening') throw refusal(404, 'board_not_found', 'no such meeting in this series');
    return meeting;
  }

  /**
   * The other series, reached with a token of it: `toSeries` may be a series id or, from a pasted meeting
   * link, one of its boards. 404 when there is none, 403 when the token does not reach it as a participant.
   */
  async #reach(seriesId: string, toSeries: string, token: string): Promise<{ id: string; name: string }> {
    const { seriesStore } = this.deps;
    const id = (await seriesStore.get(toSeries)) ? toSeries : ((await seriesStore.meetingOfBoard(toSeries))?.seriesId ?? toSeries);
    const granted = await this.deps.access.checkSeries(id, token, 'participant');
    if (!granted.ok) throw new AskError(granted.status, granted.error);
    if (id === seriesId) throw refusal(400, 'same_series', 'a request or escalation goes to another series');
    const rec = await seriesStore.get(id);
    if (!rec) throw refusal(404, 'series_not_found', 'series not found');
    return { id, name: rec.name };
  }

  /**
   * Puts the series' unplaced requests on its latest meeting when it is open and has not started (people
   * prepare it); otherwise its next opening takes them.
   */
  async #placeNow(seriesId: string): Promise<void> {
    await this.deps.exclusive(seriesId, async () => {
      const latest = (await this.deps.seriesStore.meetings(seriesId)).at(-1);
      if (!latest || latest.status !== 'open') return;
      const waiting = (await this.deps.store.asksTo(seriesId)).filter((a) => a.placedBoard === null && a.status === 'open');
      if (waiting.length === 0) return;
      const names = await this.#names(waiting.map((a) => a.fromSeries));
      await this.deps.registry.withBoard(latest.boardId, async (board) => {
        const there = askIdsOn(board.doc);
        for (const ask of waiting) {
          // Written before it is noted: a crash in between leaves a card the next opening finds by its askId.
          if (!there.has(ask.id)) createCard(board.doc, askCard(ask, names.get(ask.fromSeries) ?? ''), { origin: ASKS_ORIGIN, now: this.#now() });
        }
        await this.deps.registry.persisted(board);
        for (const ask of waiting) await this.deps.store.placeAsk(ask.id, latest.boardId);
      });
    });
  }

  // ---- on each new meeting ----------------------------------------------------------------------------------

  async contribute(ctx: OpeningContext): Promise<NewCard[]> {
    const { store } = this.deps;
    const out: NewCard[] = [];
    const carriedAsks = new Set(ctx.carried.flatMap((c) => (c.column === 'needs' && c.askId ? [c.askId] : [])));

    // Requests other teams made of this one, and challenges they escalated to it.
    const incoming = (await store.asksTo(ctx.series.id)).filter((a) => a.placedBoard === null && a.status === 'open');
    const escalated = (await store.escalationsTo(ctx.series.id)).filter((e) => e.placedBoard === null);
    const names = await this.#names([...incoming, ...escalated].map((r) => r.fromSeries));
    for (const ask of incoming) {
      if (!(await store.placeAsk(ask.id, ctx.boardId))) continue;
      // Already on the previous meeting (placed there, the note lost to a crash): it is carried, not added.
      if (!carriedAsks.has(ask.id)) out.push(askCard(ask, names.get(ask.fromSeries) ?? ''));
    }
    for (const esc of escalated) {
      if (!(await store.placeEscalation(esc.id, ctx.boardId))) continue;
      out.push({
        column: 'challenges',
        problem: esc.problem,
        proposals: esc.proposals.map((p) => ({ ...p, carried: true as const })),
        history: esc.history,
        escalatedFrom: names.get(esc.fromSeries) ?? '',
      });
    }

    // Answers other teams gave to this one's requests, not shown to it yet.
    const answered = (await store.asksFrom(ctx.series.id)).filter((a) => isAnswer(a.status) && a.shownStatus !== a.status);
    out.push(...showAnswers(answered, ctx.carried, await this.#names(answered.map((a) => a.toSeries))));
    for (const ask of answered) await store.showAnswer(ask.id, ask.status, ctx.boardId);
    return out;
  }

  async abandon(boardId: string): Promise<void> {
    await this.deps.store.forgetBoard(boardId);
  }

  // ---- answers ----------------------------------------------------------------------------------------------

  attach(board: LoadedBoard): AnswerWatch {
    const cards = cardsMap(board.doc);
    // Reading every card after each change cost a board of 10,000 cards over 100 ms per keystroke.
    const onCards = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
      if (watch.dirty) for (const id of changedCardIds(events, cards)) watch.dirty.add(id);
    };
    const watch: AnswerWatch = {
      seen: new Map(),
      dirty: null,
      chain: Promise.resolve(),
      stored: () => this.#scan(board, watch),
      ownerChanged: (owns) => {
        if (owns) this.#scan(board, watch);
      },
      detach: () => cards.unobserveDeep(onCards),
    };
    cards.observeDeep(onCards);
    // What was stored while the server was down (or before the hook ran) is looked at once on load.
    this.#scan(board, watch);
    return watch;
  }

  /** Resolves once every change of the board stored so far has been looked at for answers. */
  async settled(boardId: string): Promise<void> {
    const board = this.deps.registry.loaded(boardId);
    const watch = board?.attachment(this);
    if (!board || !watch) return;
    await this.deps.registry.stored(board).catch((err) => {
      if (!(err instanceof BoardGoneError)) throw err;
    });
    await watch.chain;
  }

  /** Queues a look at each asked request whose status or reason changed since the last look. */
  #scan(board: LoadedBoard, watch: AnswerWatch): void {
    // The board's owner records answers; an instance that takes over looks at every card again.
    if (!this.deps.registry.owns(board.id)) {
      watch.dirty = null;
      return;
    }
    const changed: NeedCard[] = [];
    const cards = cardsMap(board.doc);
    const ids = watch.dirty ?? cards.keys();
    watch.dirty = new Set();
    for (const id of ids) {
      const card = readCard(cards.get(id));
      if (card?.column !== 'needs' || !card.askId) continue;
      const key = `${card.status}\u0000${card.declineReason}`;
      if (watch.seen.get(card.askId) === key) continue;
      watch.seen.set(card.askId, key);
      changed.push(card);
    }
    if (changed.length === 0) return;
    watch.chain = watch.chain
      .then(() => this.#record(board.id, changed))
      .catch((err) => {
        if (!(err instanceof BoardGoneError)) this.deps.log.error('could not record the answer to a request', { board: board.id, err });
      });
  }

  async #record(boardId: string, cards: NeedCard[]): Promise<void> {
    const meeting = await this.deps.seriesStore.meetingOfBoard(boardId);
    if (!meeting) return;
    for (const card of cards) {
      const ask = await this.deps.store.getAsk(card.askId);
      // Only the asked team answers, and an older meeting's copy never undoes a later meeting's answer.
      if (!ask || ask.toSeries !== meeting.seriesId) continue;
      if (ask.answerSeq !== null && meeting.seq < ask.answerSeq) continue;
      const reason = card.status === 'declined' ? card.declineReason : '';
      if (ask.status === card.status && ask.reason === reason) continue;
      await this.deps.store.answerAsk(ask.id, { status: card.status, reason, at: this.#now(), seq: meeting.seq });
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  async #names(ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of new Set(ids)) out.set(id, (await this.deps.seriesStore.get(id))?.name ?? '');
    return out;
  }

  async #asks(records: AskRecord[]): Promise<Ask[]> {
    const names = await this.#names(records.flatMap((r) => [r.fromSeries, r.toSeries]));
    return records.map((r) => ({
      id: r.id,
      fromSeries: r.fromSeries,
      fromSeriesName: names.get(r.fromSeries) ?? '',
      toSeries: r.toSeries,
      toSeriesName: names.get(r.toSeries) ?? '',
      asker: r.asker,
      addressee: r.addressee,
      what: r.what,
      byWhen: r.byWhen,
      status: r.status,
      reason: r.reason,
      createdAt: r.createdAt,
      answeredAt: r.answeredAt,
      answerMs: r.answeredAt === null ? null : r.answeredAt - r.createdAt,
      placed: r.placedBoard !== null,
    }));
  }

  async #escalations(records: EscalationRecord[]): Promise<Escalation[]> {
    const names = await this.#names(records.flatMap((r) => [r.fromSeries, r.toSeries]));
    return records.map((r) => ({
      id: r.id,
      fromSeries: r.fromSeries,
      fromSeriesName: names.get(r.fromSeries) ?? '',
      toSeries: r.toSeries,
      toSeriesName: names.get(r.toSeries) ?? '',
      problem: r.problem,
      proposals: r.proposals.length,
      createdAt: r.createdAt,
      placed: r.placedBoard !== null,
    }));
  }
}

/** The request card an ask puts on the asked team's meeting. */
export function askCard(ask: AskRecord, fromName: string): Extract<NewCard, { column: 'needs' }> {
  return { column: 'needs', asker: ask.asker, addressee: ask.addressee, what: ask.what, byWhen: ask.byWhen, status: 'open', askId: ask.id, team: fromName };
}

/**
 * Shows the asking team the answers to its requests on its new meeting: a carried request takes the answer
 * (status and reason); one not carried (the team closed it itself) comes back as a card when the answer is
 * final, so the team sees it once. Updates `carried` in place and returns the cards to add. Pure.
 */
export function showAnswers(answered: readonly AskRecord[], carried: NewCard[], targetNames: ReadonlyMap<string, string>): NewCard[] {
  const out: NewCard[] = [];
  for (const ask of answered) {
    const card = carried.find((c): c is Extract<NewCard, { column: 'needs' }> => c.column === 'needs' && c.askId === ask.id);
    if (card) {
      card.status = ask.status;
      card.declineReason = ask.reason;
    } else if (ask.status === 'declined' || ask.status === 'done') {
      out.push({ ...askCard(ask, targetNames.get(ask.toSeries) ?? ''), status: ask.status, declineReason: ask.reason, carriedFrom: ask.fromCard });
    }
  }
  return out;
}

function askIdsOn(doc: Y.Doc): Set<string> {
  return new Set(readBoard(doc).columns.needs.flatMap((c) => (c.askId ? [c.askId] : [])));
}

function readNeed(doc: Y.Doc, cardId: string): NeedCard {
  const entry = getCard(doc, cardId);
  const card = entry && readCard(entry);
  if (!card || card.column !== 'needs') throw refusal(404, 'card_not_found', 'no such request on this board');
  return card;
}
