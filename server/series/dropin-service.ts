/**
 * The drop-in link of a series: a write-only link (and a poster with its QR code) through which anyone hands
 * in a request, a win, a loss or a question for the next meeting without an account. Submissions wait in the
 * facilitator's inbox until taken onto a meeting board (as a card) or set aside; nothing of the series can be
 * read through the link except its name and team.
 */
import { createCard, getCard, type NewCard } from '../../shared/board-schema.js';
import { randomId } from '../../shared/ids.js';
import type { DropinInfo, DropinSubmitBody, InboxItem } from '../../shared/series-people.js';
import type { DropinRecord, PeopleStore } from '../store/people-store.js';
import type { SeriesStore } from '../store/series-store.js';
import { localOrigin, type BoardRegistry } from '../sync/board-registry.js';
import { PeopleError } from './people-service.js';

const DROPIN_ORIGIN = localOrigin('dropin');
/** An agenda title is one line; a longer submission keeps its whole text in the notes. */
const TITLE_MAX = 200;

export interface DropinDeps {
  store: PeopleStore;
  seriesStore: Pick<SeriesStore, 'get' | 'meetings' | 'meetingOfBoard'>;
  registry: BoardRegistry;
  now?: () => number;
}

export class DropinService {
  readonly #taking = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: DropinDeps) {}

  /** A fresh drop-in token; the previous link (and its poster) stops working. */
  link(seriesId: string): Promise<string> {
    return this.deps.store.rotateDropinToken(seriesId);
  }

  isToken(seriesId: string, token: string): Promise<boolean> {
    return this.deps.store.isDropinToken(seriesId, token);
  }

  /** All the drop-in link may read. */
  async info(seriesId: string): Promise<DropinInfo | null> {
    const rec = await this.deps.seriesStore.get(seriesId);
    return rec ? { seriesName: rec.name, team: rec.team } : null;
  }

  async submit(seriesId: string, body: DropinSubmitBody): Promise<DropinRecord> {
    const rec: DropinRecord = {
      id: randomId(),
      seriesId,
      kind: body.kind,
      text: body.text,
      name: body.name ?? '',
      addressee: body.kind === 'request' ? (body.addressee ?? '') : '',
      createdAt: this.#now(),
      status: 'pending',
      boardId: null,
      cardId: null,
      decidedAt: null,
    };
    await this.deps.store.addDropin(rec);
    return rec;
  }

  async inbox(seriesId: string): Promise<InboxItem[]> {
    return (await this.deps.store.listDropins(seriesId, 'pending')).map(toInboxItem);
  }

  /**
   * Puts a submission on a board of the series as a card (the given board, else the latest meeting that has
   * not ended) and marks it taken. Taking it again answers the first result: takes of one submission run one
   * after another, and the card's id comes from the submission's, so even a take interrupted between writing
   * the card and marking the row does not write a second card.
   */
  async take(seriesId: string, id: string, boardId?: string): Promise<{ item: InboxItem; created: boolean }> {
    return this.#serial(`${seriesId}\0${id}`, async () => {
      const rec = await this.deps.store.getDropin(seriesId, id);
      if (!rec) throw new PeopleError(404, 'this series has no such submission');
      if (rec.status === 'taken') return { item: toInboxItem(rec), created: false };
      if (rec.status === 'set_aside') throw new PeopleError(409, 'this submission was set aside');
      const target = await this.#target(seriesId, boardId);
      const cardId = `dropin-${rec.id}`;
      const written = await this.deps.registry.withBoard(target, async (board) => {
        if (!getCard(board.doc, cardId)) createCard(board.doc, toCard(rec), { id: cardId, createdBy: rec.name || 'Drop-in', origin: DROPIN_ORIGIN });
        await this.deps.registry.persisted(board);
        return true;
      });
      if (!written) throw new PeopleError(404, 'that meeting’s board is gone');
      const at = this.#now();
      await this.deps.store.decideDropin(seriesId, id, { status: 'taken', boardId: target, cardId }, at);
      return { item: toInboxItem({ ...rec, status: 'taken', boardId: target, cardId, decidedAt: at }), created: true };
    });
  }

  async setAside(seriesId: string, id: string): Promise<InboxItem> {
    return this.#serial(`${seriesId}\0${id}`, async () => {
      const rec = await this.deps.store.getDropin(seriesId, id);
      if (!rec) throw new PeopleError(404, 'this series has no such submission');
      if (rec.status === 'set_aside') return toInboxItem(rec);
      if (rec.status === 'taken') throw new PeopleError(409, 'this submission is on a board already');
      const at = this.#now();
      await this.deps.store.decideDropin(seriesId, id, { status: 'set_aside' }, at);
      return toInboxItem({ ...rec, status: 'set_aside', decidedAt: at });
    });
  }

  async #target(seriesId: string, boardId?: string): Promise<string> {
    if (boardId) {
      const m = await this.deps.seriesStore.meetingOfBoard(boardId);
      if (!m || m.seriesId !== seriesId || m.status === 'opening') throw new PeopleError(404, 'that board is not a meeting of this series');
      return boardId;
    }
    const open = (await this.deps.seriesStore.meetings(seriesId)).filter((m) => m.status === 'open' || m.status === 'running').at(-1);
    if (!open) throw new PeopleError(409, 'this series has no meeting that has not ended: open the next meeting first');
    return open.boardId;
  }

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  #serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#taking.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const settled = run.catch(() => undefined);
    this.#taking.set(key, settled);
    void settled.then(() => {
      if (this.#taking.get(key) === settled) this.#taking.delete(key);
    });
    return run;
  }
}

/** The card a submission becomes: a request is a needs card; wins and losses are tagged agenda items; a question is an FAQ item. */
export function toCard(rec: Pick<DropinRecord, 'kind' | 'text' | 'name' | 'addressee'>): NewCard {
  if (rec.kind === 'request') return { column: 'needs', asker: rec.name || 'Drop-in', addressee: rec.addressee, what: rec.text };
  const firstLine = rec.text.split('\n')[0].trim();
  const title = firstLine.length > TITLE_MAX ? `${firstLine.slice(0, TITLE_MAX - 1)}…` : firstLine;
  const notes = title === rec.text ? '' : rec.text;
  return { column: 'agenda', title, notes, tags: [rec.kind === 'question' ? 'faq' : rec.kind] };
}

function toInboxItem(r: DropinRecord): InboxItem {
  return {
    id: r.id,
    kind: r.kind,
    text: r.text,
    name: r.name,
    addressee: r.addressee,
    createdAt: r.createdAt,
    status: r.status,
    boardId: r.boardId,
    cardId: r.cardId,
  };
}
