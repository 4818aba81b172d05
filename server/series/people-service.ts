/**
 * "My items": what one person of a series was asked, asked, and is to do, read and answered through their
 * personal link. No accounts: the link's token names the person (server/store/people-store.ts), and it
 * carries the participant's rights on that person's items only — a request only its addressee answers, an
 * action item only its owners mark.
 */
import { readBoard, type NeedCard } from '../../shared/board-schema.js';
import type { Seat } from '../../shared/meeting.js';
import { sameName } from '../../shared/need-answers.js';
import { roleAtLeast, type Role } from '../../shared/roles.js';
import type { MyAction, MyItemsResponse, MyRequest, MyRequestStatusBody } from '../../shared/series-people.js';
import type { ActionService } from '../actions/action-service.js';
import type { PeopleStore } from '../store/people-store.js';
import type { SeriesStore } from '../store/series-store.js';
import type { BoardRegistry } from '../sync/board-registry.js';
import type { RequestAnswers } from '../requests/request-answers.js';
import { SeriesError, type SeriesActionItem, type SeriesService } from './series-service.js';

/** A refusal of the personal link: someone else's item, or a seat that does not prove who you are. */
export class PeopleError extends Error {
  constructor(
    readonly status: 403 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface PeopleDeps {
  store: PeopleStore;
  seriesStore: Pick<SeriesStore, 'get' | 'meetings' | 'meetingOfBoard'>;
  series: Pick<SeriesService, 'actions'>;
  registry: BoardRegistry;
  actions: Pick<ActionService, 'setStatus' | 'boardsOf'>;
  /** Writes a request's answer, checking that it is the addressee's (shared with the meeting's `need:answer`). */
  answers: Pick<RequestAnswers, 'answer'>;
  /** Whether the meeting channel issued `seat` on `boardId`. */
  verifySeat(boardId: string, seat: Seat): boolean;
  /** The name and role on `boardId`'s meeting roster of seat `seatId`, or null when it is not on it. */
  rosterEntry(boardId: string, seatId: string): Promise<{ name: string; role: Role } | null>;
}

const same = sameName;

export class PeopleService {
  readonly #linkResolvers: ((seriesId: string, token: string) => Promise<string | null>)[] = [];

  constructor(private readonly deps: PeopleDeps) {}

  /** Also accepts the links another part hands out for a person's page (the links in mails). */
  acceptLinks(resolve: (seriesId: string, token: string) => Promise<string | null>): void {
    this.#linkResolvers.push(resolve);
  }

  /** A fresh personal link token for `name`; the person's previous link stops working. */
  async link(seriesId: string, name: string): Promise<string> {
    return this.deps.store.rotatePersonToken(seriesId, name);
  }

  /**
   * The personal link of whoever holds `seat` on a meeting of the series, under their roster name (the name
   * comes from the meeting, never from the request). Viewers' seats get none: the link can answer requests.
   */
  async linkForSeat(seriesId: string, boardId: string, seat: Seat): Promise<{ name: string; token: string }> {
    const meeting = await this.deps.seriesStore.meetingOfBoard(boardId);
    if (!meeting || meeting.seriesId !== seriesId) throw new PeopleError(404, 'that board is not a meeting of this series');
    if (!this.deps.verifySeat(boardId, seat)) throw new PeopleError(403, 'this seat was not issued for that meeting');
    const entry = await this.deps.rosterEntry(boardId, seat.id);
    if (!entry) throw new PeopleError(403, 'this seat is not on the meeting’s roster');
    if (!roleAtLeast(entry.role, 'participant')) throw new PeopleError(403, 'a viewer’s seat cannot take a personal link');
    return { name: entry.name, token: await this.deps.store.rotatePersonToken(seriesId, entry.name) };
  }

  /** The person a personal token names in the series, or null. */
  async resolve(seriesId: string, token: string): Promise<string | null> {
    const name = await this.deps.store.resolvePerson(seriesId, token);
    if (name !== null) return name;
    for (const resolve of this.#linkResolvers) {
      const other = await resolve(seriesId, token);
      if (other !== null) return other;
    }
    return null;
  }

  async items(seriesId: string, name: string): Promise<MyItemsResponse> {
    const rec = await this.deps.seriesStore.get(seriesId);
    if (!rec) throw new SeriesError(404, 'series_not_found', 'series not found');
    const requests = [...(await this.latestRequests(seriesId)).values()];
    return {
      name,
      seriesName: rec.name,
      askedOfMe: requests.filter((r) => same(r.addressee, name)),
      iAsked: requests.filter((r) => same(r.asker, name)),
      myActions: (await this.deps.series.actions(seriesId)).filter((a) => ownedBy(a, name)).map(toMyAction),
    };
  }

  /** The addressee accepts, declines (with a reason) or finishes a request, on the latest board it is on. */
  async answerRequest(seriesId: string, name: string, cardId: string, body: MyRequestStatusBody): Promise<MyRequest> {
    const found = [...(await this.latestRequests(seriesId)).entries()].find(([root, r]) => r.cardId === cardId || root === cardId)?.[1];
    if (!found) throw new PeopleError(404, 'this series has no such request');
    // The token names the person; the rule (the addressee answers) and the write are the board's own.
    const result = await this.deps.answers.answer(found.boardId, found.cardId, body, { name, role: 'participant', via: 'personal-link' });
    if (!result.ok) {
      if (result.reason === 'not_the_addressee') throw new PeopleError(403, `this request is addressed to ${result.addressee || 'nobody'}, not to you`);
      throw new PeopleError(404, 'the request is gone from its board');
    }
    return { ...found, status: result.card.status, declineReason: result.card.declineReason };
  }

  /** An owner marks an action item done, open or blocked, on every board of the series that holds it. */
  async setActionStatus(seriesId: string, name: string, actionId: string, status: 'done' | 'open' | 'blocked'): Promise<MyAction> {
    const item = (await this.deps.series.actions(seriesId)).find((a) => a.id === actionId);
    if (!item) throw new PeopleError(404, 'this series has no such action item');
    if (!ownedBy(item, name)) throw new PeopleError(403, `this action item belongs to ${item.owners.join(', ') || 'nobody'}, not to you`);
    const boards = new Set((await this.deps.seriesStore.meetings(seriesId)).map((m) => m.boardId));
    let changed = false;
    for (const boardId of await this.deps.actions.boardsOf(actionId)) {
      if (!boards.has(boardId)) continue;
      const result = await this.deps.actions.setStatus(boardId, actionId, status);
      changed ||= result.ok;
    }
    if (!changed) throw new PeopleError(409, 'this action item’s source is gone; it can no longer be changed');
    return { ...toMyAction(item), status };
  }

  /**
   * Each request of the series once, as on the latest meeting board it is on, keyed by its root id: a request
   * carried from meeting to meeting keeps its root id in `carriedFrom`, so the newest copy is the one that
   * counts. (The calendar feeds read it too.)
   */
  async latestRequests(seriesId: string): Promise<Map<string, MyRequest>> {
    const meetings = (await this.deps.seriesStore.meetings(seriesId)).filter((m) => m.status !== 'opening');
    const latest = new Map<string, MyRequest>();
    for (const m of meetings) {
      const needs = await this.deps.registry.withBoard(m.boardId, (board) => readBoard(board.doc).columns.needs);
      for (const card of needs ?? []) latest.set(card.carriedFrom || card.id, toMyRequest(card, m.boardId, m.seq));
    }
    return latest;
  }
}

const ownedBy = (a: SeriesActionItem, name: string) => a.owners.some((o) => same(o, name));

function toMyRequest(c: NeedCard, boardId: string, seq: number): MyRequest {
  return {
    cardId: c.id,
    boardId,
    seq,
    asker: c.asker,
    addressee: c.addressee,
    what: c.what,
    byWhen: c.byWhen,
    status: c.status,
    declineReason: c.declineReason,
  };
}

function toMyAction(a: SeriesActionItem): MyAction {
  return { id: a.id, text: a.text, owners: a.owners, due: a.due, status: a.status, seq: a.seq };
}
