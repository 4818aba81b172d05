/**
 * The audit trail: who created, edited, moved, deleted and decided what, and when — recorded on the server
 * from the changes it receives, whatever path they took (browser, raw y-websocket client, REST, meeting).
 *
 * Hung on the registry's hooks like the action service: per loaded board, a plain view of every card is
 * kept; each transaction's touched cards are re-read and compared with it (`audit-diff.ts`), and the actor
 * is read from the transaction origin — a connection's published awareness name and role, or the server
 * path's `by`. Typing is coalesced in memory (one line per actor, card and field per minute), and lines are
 * written once per event-loop turn in one SQLite transaction. Nothing here writes to the document.
 */
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { cardsMap, metaMap, readCard, readMeta, type BoardMeta, type Card } from '../../shared/board-schema.js';
import { cardHeadline } from '../../shared/action-extraction.js';
import { PresenceState } from '../../shared/presence.js';
import type { AuditAction } from '../../shared/history-schemas.js';
import type { BoardRegistry, LoadedBoard } from '../sync/board-registry.js';
import type { Logger } from '../log.js';
import { cardChanges, metaChanges, type AuditChange } from './audit-diff.js';
import type { NewAuditEntry, SqliteAuditStore } from './audit-store.js';

/** Typing by one actor in one field within this window is one audit line. */
export const COALESCE_MS = 60_000;

export interface Actor {
  name: string;
  /** `viewer` | `participant` | `facilitator`, or `server` for the server's own writes without a caller. */
  role: string;
}

/**
 * Who a transaction origin stands for. A websocket connection is named by the first awareness state it
 * published with a `user.name`; a server write (`localOrigin(by)`) by its `by`, with the caller's role when
 * the origin carries one (`{ kind: 'local', by, role }`).
 */
export function actorOf(origin: unknown, awareness: Awareness): Actor {
  if (typeof origin !== 'object' || origin === null) return { name: 'unknown', role: 'unknown' };
  const o = origin as { kind?: unknown; role?: unknown; by?: unknown; awarenessClients?: unknown; name?: unknown };
  if (o.kind === 'connection') {
    const role = typeof o.role === 'string' ? o.role : 'unknown';
    if (o.awarenessClients instanceof Set) {
      for (const client of o.awarenessClients) {
        const state = PresenceState.safeParse(awareness.getStates().get(client as number));
        const name = state.success ? state.data.user.name.trim() : '';
        if (name) return { name, role };
      }
    }
    return { name: 'unknown', role };
  }
  if (o.kind === 'local') {
    const name = typeof o.name === 'string' && o.name ? o.name : typeof o.by === 'string' ? o.by : 'server';
    return { name, role: typeof o.role === 'string' ? o.role : 'server' };
  }
  return { name: 'unknown', role: 'unknown' };
}

interface Tracked {
  board: LoadedBoard;
  cards: Map<string, Card>;
  meta: BoardMeta;
  /** Coalescing key → when its current line was written. */
  recent: Map<string, number>;
  detach(): void;
}

export class AuditService {
  readonly #tracked = new Map<string, Tracked>();
  /** Lines waiting for this turn's write, per board. */
  #pending = new Map<string, NewAuditEntry[]>();
  #flushScheduled = false;
  #closed = false;

  constructor(
    private readonly store: SqliteAuditStore,
    registry: BoardRegistry,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    registry.addHooks({
      onLoaded: (board) => this.#attach(board),
      onUnloaded: (boardId) => this.#detach(boardId),
    });
  }

  /** Records a line the document cannot show (a version saved or restored). */
  record(boardId: string, actor: Actor, change: { action: AuditAction; summary: string; cardId?: string | null; field?: string | null }): void {
    this.#queue(boardId, { at: this.now(), actor: actor.name, role: actor.role, action: change.action, cardId: change.cardId ?? null, field: change.field ?? null, summary: change.summary });
  }

  /** Writes every line queued so far. */
  flush(): void {
    const pending = this.#pending;
    this.#pending = new Map();
    for (const [boardId, entries] of pending) {
      try {
        this.store.append(boardId, entries);
      } catch (err) {
        // The audit trail must never hold up editing; a board deleted meanwhile lands here too.
        this.log.error('audit: could not store lines', { board: boardId, lines: entries.length, err });
      }
    }
  }

  close(): void {
    this.flush();
    this.#closed = true;
    for (const t of this.#tracked.values()) t.detach();
    this.#tracked.clear();
  }

  #attach(board: LoadedBoard): void {
    if (this.#closed || this.#tracked.has(board.id)) return;
    const cards = cardsMap(board.doc);
    const meta = metaMap(board.doc);
    const t: Tracked = { board, cards: new Map(), meta: readMeta(board.doc), recent: new Map(), detach: () => {} };
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
    t.detach = () => {
      cards.unobserveDeep(onCards);
      meta.unobserve(onMeta);
    };
    this.#tracked.set(board.id, t);
  }

  #detach(boardId: string): void {
    const t = this.#tracked.get(boardId);
    if (!t) return;
    t.detach();
    this.#tracked.delete(boardId);
  }

  #record(t: Tracked, origin: unknown, changes: AuditChange[]): void {
    if (changes.length === 0) return;
    const actor = actorOf(origin, t.board.awareness);
    const at = this.now();
    for (const c of changes) {
      if (c.coalesce) {
        const key = `${actor.role}|${actor.name}|${c.coalesce}`;
        const since = t.recent.get(key);
        if (since !== undefined && at - since < COALESCE_MS) continue;
        t.recent.set(key, at);
        if (t.recent.size > 1000) for (const [k, v] of t.recent) if (at - v >= COALESCE_MS) t.recent.delete(k);
      }
      this.#queue(t.board.id, { at, actor: actor.name, role: actor.role, action: c.action, cardId: c.cardId, field: c.field, summary: c.summary });
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
        this.flush();
      });
    }
  }
}
