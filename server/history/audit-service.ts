/**
 * The audit trail: who created, edited, moved, deleted and decided what, and when — recorded on the server
 * from the changes it receives, whatever path they took (browser, raw y-websocket client, REST, meeting).
 *
 * A registry extension (registered in the composition root): per loaded board, a plain view of every card is
 * kept; each transaction's touched cards are re-read and compared with it (`audit-diff.ts`), and the actor is
 * the transaction origin's (`actorOf`: a connection names itself from its presence, a server write carries the
 * caller). Typing is coalesced in memory (one line per actor, card and field per minute). Lines wait in memory
 * until the change they describe is stored (the registry's `stored` hook) and are then written together, so the
 * trail never tells of a change the board does not have. Nothing here writes to the document.
 */
import * as Y from 'yjs';
import { cardsMap, metaMap, readCard, readMeta, type BoardMeta, type Card } from '../../shared/board-schema.js';
import { cardHeadline } from '../../shared/action-extraction.js';
import type { AuditAction } from '../../shared/history-schemas.js';
import { actorOf, isRemote, type Actor, type BoardAttachment, type BoardExtension, type BoardRegistry, type LoadedBoard } from '../sync/board-registry.js';
import type { Logger } from '../log.js';
import { cardChanges, metaChanges, type AuditChange } from './audit-diff.js';
import type { AuditStore, NewAuditEntry } from '../store/audit-store.js';

export type { Actor } from '../sync/board-registry.js';

/** Typing by one actor in one field within this window is one audit line. */
export const COALESCE_MS = 60_000;

interface Tracked extends BoardAttachment {
  board: LoadedBoard;
  cards: Map<string, Card>;
  meta: BoardMeta;
  /** Coalescing key → when its current line was written. */
  recent: Map<string, number>;
  /** Lines waiting for the change they describe to be stored; `mark` is that change's `board.applied`. */
  waiting: Array<{ mark: number; entry: NewAuditEntry }>;
}

export class AuditService implements BoardExtension<Tracked> {
  readonly name = 'audit';
  /** Lines ready to be written this turn, per board. */
  #pending = new Map<string, NewAuditEntry[]>();
  #flushScheduled = false;
  /** The flushes begun so far, one after another: a board's lines are written in the order they were queued. */
  #written: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: AuditStore,
    private readonly registry: BoardRegistry,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records a line the document cannot show (a version saved or restored). It is written once every change
   * applied to the board so far is stored.
   */
  record(boardId: string, actor: Actor, change: { action: AuditAction; summary: string; cardId?: string | null; field?: string | null }): void {
    const entry: NewAuditEntry = {
      at: this.now(),
      actor: actor.name,
      role: actor.role,
      action: change.action,
      cardId: change.cardId ?? null,
      field: change.field ?? null,
      summary: change.summary,
    };
    const board = this.registry.loaded(boardId);
    const t = board?.attachment(this);
    if (board && t && board.pending > 0) t.waiting.push({ mark: board.applied, entry });
    else this.#queue(boardId, entry);
  }

  /**
   * Writes every line queued so far, after the flushes before it; resolves once they are all written (or
   * failed, logged). Never rejects.
   */
  flush(): Promise<void> {
    const pending = this.#pending;
    this.#pending = new Map();
    if (pending.size > 0) this.#written = this.#written.then(() => this.#append(pending));
    return this.#written;
  }

  /** Resolves once every line queued so far is written. */
  close(): Promise<void> {
    return this.flush();
  }

  async #append(pending: Map<string, NewAuditEntry[]>): Promise<void> {
    for (const [boardId, entries] of pending) {
      try {
        await this.store.append(boardId, entries);
      } catch (err) {
        // The audit trail must never hold up editing; a board deleted meanwhile lands here too.
        this.log.error('audit: could not store lines', { board: boardId, lines: entries.length, err });
      }
    }
  }

  attach(board: LoadedBoard): Tracked {
    const cards = cardsMap(board.doc);
    const meta = metaMap(board.doc);
    const t: Tracked = {
      board,
      cards: new Map(),
      meta: readMeta(board.doc),
      recent: new Map(),
      waiting: [],
      stored: () => this.#release(t),
      detach: () => {},
    };
    for (const [id, entry] of cards) {
      const card = readCard(entry);
      if (card) t.cards.set(id, card);
    }
    const onCards = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, tr: Y.Transaction) => {
      const touched = new Set<string>();
      for (const e of events) {
        if (e.target === cards) for (const key of (e as Y.YMapEvent<unknown>).keysChanged) touched.add(key);
        else if (typeof e.path[0] === 'string') touched.add(e.path[0]);
      }
      const changes: AuditChange[] = [];
      for (const id of touched) {
        const next = readCard(cards.get(id));
        changes.push(...cardChanges(t.cards.get(id) ?? null, next));
        if (next) t.cards.set(id, next);
        else t.cards.delete(id);
      }
      this.#record(t, tr.origin, changes);
    };
    const onMeta = (_e: Y.YMapEvent<unknown>, tr: Y.Transaction) => {
      const next = readMeta(board.doc);
      const changes = metaChanges(t.meta, next, (id) => {
        const c = t.cards.get(id);
        return c ? cardHeadline(c) : null;
      });
      t.meta = next;
      this.#record(t, tr.origin, changes);
    };
    cards.observeDeep(onCards);
    meta.observe(onMeta);
    t.detach = (reason) => {
      cards.unobserveDeep(onCards);
      meta.unobserve(onMeta);
      // Unloaded: everything is stored, so every line may go. Deleted: its trail went with it.
      if (reason === 'unloaded') this.#release(t);
      t.waiting = [];
    };
    return t;
  }

  /** Queues the lines whose change is stored (all of them when nothing of the board waits to be stored). */
  #release(t: Tracked): void {
    if (t.waiting.length === 0) return;
    const all = t.board.pending === 0;
    const ready = all ? t.waiting : t.waiting.filter((w) => w.mark <= t.board.storedCount);
    t.waiting = all ? [] : t.waiting.filter((w) => w.mark > t.board.storedCount);
    for (const w of ready) this.#queue(t.board.id, w.entry);
  }

  #record(t: Tracked, origin: unknown, changes: AuditChange[]): void {
    // A change from another instance is recorded there, by the instance that knows who made it.
    if (changes.length === 0 || isRemote(origin)) return;
    const actor = actorOf(origin);
    const at = this.now();
    // Observers run before the transaction's update is counted: this change will be the board's next.
    const mark = t.board.applied + 1;
    for (const c of changes) {
      if (c.coalesce) {
        const key = `${actor.role}|${actor.name}|${c.coalesce}`;
        const since = t.recent.get(key);
        if (since !== undefined && at - since < COALESCE_MS) continue;
        t.recent.set(key, at);
        if (t.recent.size > 1000) for (const [k, v] of t.recent) if (at - v >= COALESCE_MS) t.recent.delete(k);
      }
      t.waiting.push({ mark, entry: { at, actor: actor.name, role: actor.role, action: c.action, cardId: c.cardId, field: c.field, summary: c.summary } });
    }
  }

  #queue(boardId: string, entry: NewAuditEntry): void {
    let list = this.#pending.get(boardId);
    if (!list) this.#pending.set(boardId, (list = []));
    list.push(entry);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flushScheduled = false;
        void this.flush();
      });
    }
  }
}
