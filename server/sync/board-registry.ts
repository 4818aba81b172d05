/**
 * The boards held in memory: loading on first use, the append-before-relay pipeline, compaction, and
 * unloading after the last user leaves.
 *
 * Every change to a loaded document, whatever its origin (a websocket client, the REST API, a server
 * hook), arrives through the Y.Doc `update` event. Updates are queued and, once per event-loop turn, appended
 * to the store in one transaction; only after that commit are they relayed to the board's connections,
 * each encoded once and the same bytes sent to every peer. So nothing a client has seen can be lost.
 */
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import type { Store, StoredDocument } from '../store/store.js';
import type { Logger } from '../log.js';
import { encodeUpdate } from './protocol.js';
import { OutgoingBatch } from './outgoing-batch.js';
import { CloseCode } from '../../shared/errors.js';
import { PresenceGate } from './presence-gate.js';

/**
 * Who made a change, as the transaction origin: a websocket peer, or the server itself (REST, hooks).
 * Tagged so that hooks can tell their own writes from others' and nothing triggers itself.
 */
export type ChangeOrigin = BoardPeer | LocalOrigin;
export interface LocalOrigin {
  readonly kind: 'local';
  /** What made the change, e.g. `rest` or `meeting`. */
  readonly by: string;
}

/** What the registry needs of a connection (implemented by the websocket endpoint). */
export interface BoardPeer {
  readonly kind: 'connection';
  /** Sends an encoded frame; never throws. */
  send(frame: Uint8Array): void;
  /** Sends a batch's frames, in order, in one write; the batch is shared with other peers. Never throws. */
  sendBatch(batch: OutgoingBatch): void;
  close(code: number, reason: string): void;
}

export const localOrigin = (by: string): LocalOrigin => ({ kind: 'local', by });

/** The store refuses writes (disk full, unwritable data dir): changes are kept in memory and retried. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor() {
    super('the server cannot save changes right now; nothing is lost, it will retry');
  }
}

export class LoadedBoard {
  readonly doc = new Y.Doc();
  readonly awareness: Awareness;
  /** Which connection owns which presence client id, and what it may publish. */
  readonly presence: PresenceGate;
  /** Connections that receive this board's updates. */
  readonly peers = new Set<BoardPeer>();
  /** Users holding the board in memory: connections and REST requests in flight. */
  holds = 0;
  lastSeq = 0;
  logLength = 0;
  /** Set while an append for this board failed and has not been retried successfully. */
  saveFailed = false;
  /** Updates of this board applied in memory and not yet stored. */
  pending = 0;
  /** Bytes as stored (snapshot plus log), for the board size limit. */
  bytes = 0;
  /** Yjs items in the document, counted generously between compactions, for the board size limit. */
  items = 0;
  unloadTimer: NodeJS.Timeout | null = null;
  /** The state vector of what was stored when the board was loaded (what a client served at load has). */
  storedStateVector: Map<number, number> = new Map();

  constructor(readonly id: string) {
    this.awareness = new Awareness(this.doc);
    // The server has no presence of its own; without this it would publish an empty state for itself.
    this.awareness.setLocalState(null);
    this.presence = new PresenceGate(this.awareness.clientID);
  }

  get users(): number {
    return this.holds;
  }

  /** Sends a frame to every peer but `except`. */
  broadcast(frame: Uint8Array, except?: BoardPeer): void {
    for (const peer of this.peers) if (peer !== except) peer.send(frame);
  }
}

export interface RegistryHooks {
  /** A board was loaded into memory (attach observers here). */
  onLoaded?(board: LoadedBoard): void;
  /**
   * A board's stored state was read and is about to be integrated (which for a large board takes far longer
   * than sending it): the endpoint may serve waiting clients from these bytes. Awaited, with a bound.
   */
  onStoredRead?(boardId: string, stored: StoredDocument): Promise<void> | void;
  /** A board left memory after being persisted. */
  onUnloaded?(boardId: string): void;
  /** Changes to this board could not be stored (disk full, unwritable data dir); they are kept and retried. */
  onStoreFailed?(board: LoadedBoard): void;
}

interface Pending {
  board: LoadedBoard;
  update: Uint8Array;
  origin: unknown;
}

export interface RegistryOptions {
  unloadGraceMs: number;
  compactEvery: number;
  /** Retry delay after a failed append, ms. */
  retryMs?: number;
  /** Least time between two flushes (append + relay) under load, ms; see `#enqueue`. */
  coalesceMs?: number;
}

export class BoardRegistry {
  readonly #boards = new Map<string, LoadedBoard>();
  readonly #loading = new Map<string, Promise<LoadedBoard | null>>();
  readonly #unloading = new Map<string, Promise<void>>();
  readonly #hooks: RegistryHooks[] = [];
  #pending: Pending[] = [];
  #flushScheduled = false;
  #lastFlushAt = -Infinity;
  /** Resolves when the scheduled flush has joined the chain (so waiting for it needs no polling). */
  #flushStarted: Promise<void> = Promise.resolve();
  #retryTimer: NodeJS.Timeout | null = null;
  /** Serialises appends and compactions, so the log is written in the order changes happened. */
  #chain: Promise<void> = Promise.resolve();
  /** Boards deleted while they were loading: the load must not bring them back. */
  readonly #cancelled = new Set<string>();
  #closed = false;

  constructor(
    private readonly store: Store,
    private readonly opts: RegistryOptions,
    private readonly log: Logger,
  ) {}

  addHooks(hooks: RegistryHooks): void {
    this.#hooks.push(hooks);
    for (const board of this.#boards.values()) hooks.onLoaded?.(board);
  }

  get loadedCount(): number {
    return this.#boards.size;
  }

  loaded(id: string): LoadedBoard | undefined {
    return this.#boards.get(id);
  }

  /**
   * Returns the board, loading it if needed, and counts the caller as a user until `release`.
   * Resolves null when no such board exists (boards are created explicitly, never by opening a URL).
   */
  async acquire(id: string): Promise<LoadedBoard | null> {
    if (this.#closed) throw new Error('registry is closed');
    const unloading = this.#unloading.get(id);
    if (unloading) await unloading;
    let board = this.#boards.get(id);
    if (!board) {
      let loading = this.#loading.get(id);
      if (!loading) {
        loading = this.#load(id).finally(() => this.#loading.delete(id));
        this.#loading.set(id, loading);
      }
      const loadedBoard = await loading;
      if (!loadedBoard) return null;
      board = loadedBoard;
    }
    if (board.unloadTimer) {
      clearTimeout(board.unloadTimer);
      board.unloadTimer = null;
    }
    board.holds++;
    return board;
  }

  /** Ends a hold taken by `acquire`; the board unloads after the grace period once nobody uses it. */
  release(board: LoadedBoard): void {
    board.holds = Math.max(0, board.holds - 1);
    this.scheduleUnloadIfIdle(board);
  }

  /** Runs `fn` on a loaded board and releases it after; null when the board does not exist. */
  async withBoard<T>(id: string, fn: (board: LoadedBoard) => T | Promise<T>): Promise<T | null> {
    const board = await this.acquire(id);
    if (!board) return null;
    try {
      return await fn(board);
    } finally {
      this.release(board);
    }
  }

  scheduleUnloadIfIdle(board: LoadedBoard): void {
    if (board.users > 0 || board.unloadTimer || this.#closed) return;
    board.unloadTimer = setTimeout(() => {
      board.unloadTimer = null;
      if (board.users === 0) void this.#unload(board);
    }, this.opts.unloadGraceMs);
    board.unloadTimer.unref();
  }

  async #load(id: string): Promise<LoadedBoard | null> {
    this.#cancelled.delete(id);
    const record = await this.store.getBoard(id);
    if (!record) return null;
    const stored = await this.store.loadDocument(id);
    for (const h of this.#hooks) await h.onStoredRead?.(id, stored);
    // Deleted while its stored state was being read or served: it stays gone.
    if (this.#cancelled.delete(id)) return null;
    const board = new LoadedBoard(id);
    // Snapshot and log go in as one transaction so observers (hooks) see one consistent state.
    board.doc.transact(() => {
      if (stored.snapshot) Y.applyUpdate(board.doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(board.doc, u);
    });
    board.storedStateVector = Y.decodeStateVector(Y.encodeStateVector(board.doc));
    board.lastSeq = stored.lastSeq;
    board.logLength = stored.updates.length;
    board.bytes = (stored.snapshot?.length ?? 0) + stored.updates.reduce((n, u) => n + u.length, 0);
    board.items = countItems(board.doc);
    board.doc.on('update', (update: Uint8Array, origin: unknown) => this.#enqueue({ board, update, origin }));
    this.#boards.set(id, board);
    for (const h of this.#hooks) h.onLoaded?.(board);
    this.log.info('board loaded', { board: id, logLength: board.logLength });
    return board;
  }

  #enqueue(p: Pending): void {
    this.#pending.push(p);
    p.board.pending++;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      let flushed!: () => void;
      this.#flushStarted = new Promise<void>((r) => (flushed = r));
      const run = () => {
        this.#flushScheduled = false;
        this.#lastFlushAt = performance.now();
        this.#chain = this.#chain.then(() => this.#flush());
        flushed();
      };
      // setImmediate, not a microtask: every frame that arrived in this turn joins the same transaction.
      // Under load flushes are spaced `coalesceMs` apart, so that one write to each peer carries several
      // updates: the per-write cost in the kernel was most of the server's time per delivery. When quiet,
      // the gap has long passed and an update goes out in the same turn.
      const wait = this.#lastFlushAt + (this.opts.coalesceMs ?? 0) - performance.now();
      if (wait >= 1) setTimeout(run, wait);
      else setImmediate(run);
    }
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    let stored: Array<{ p: Pending; seq: number }>;
    try {
      const seqs = await this.store.appendUpdates(batch.map((p) => ({ boardId: p.board.id, update: p.update })));
      stored = batch.map((p, i) => ({ p, seq: seqs[i] }));
    } catch {
      stored = await this.#flushEachBoard(batch);
    }
    for (const { p, seq } of stored) {
      p.board.lastSeq = seq;
      p.board.logLength++;
      p.board.bytes += p.update.length;
      p.board.pending = Math.max(0, p.board.pending - 1);
      p.board.saveFailed = false;
    }
    const byBoard = byBoardOf(stored.map((s) => s.p));
    for (const [board, updates] of byBoard) relay(board, updates);
    for (const board of byBoard.keys()) {
      if (board.logLength >= this.opts.compactEvery) this.#chain = this.#chain.then(() => this.#compact(board));
    }
  }

  /**
   * The batch's one transaction failed: store it board by board, so that one board's failure never holds
   * another's writes. A board that no longer exists has its updates dropped and its connections closed; a
   * board whose writes fail otherwise (disk full) keeps them, at the head of the queue, and is retried.
   */
  async #flushEachBoard(batch: Pending[]): Promise<Array<{ p: Pending; seq: number }>> {
    const stored: Array<{ p: Pending; seq: number }> = [];
    const kept: Pending[] = [];
    for (const [board, list] of byBoardOf(batch)) {
      if (this.#boards.get(board.id) !== board) continue; // forgotten meanwhile (deleted): nothing to store
      try {
        const seqs = await this.store.appendUpdates(list.map((p) => ({ boardId: board.id, update: p.update })));
        list.forEach((p, i) => stored.push({ p, seq: seqs[i] }));
      } catch (err) {
        const exists = await this.store.getBoard(board.id).then(Boolean, () => true);
        if (!exists) {
          this.log.info('dropping updates of a deleted board', { board: board.id, updates: list.length });
          this.#drop(board);
          continue;
        }
        kept.push(...list);
        board.saveFailed = true;
        this.log.error('could not append updates; will retry', { board: board.id, updates: list.length, err });
      }
    }
    if (kept.length) {
      // Keep them at the head of the queue, in order; relay nothing we could not store.
      this.#pending = kept.concat(this.#pending);
      const failed = new Set(kept.map((p) => p.board));
      for (const board of failed) for (const h of this.#hooks) h.onStoreFailed?.(board);
      this.#scheduleRetry();
    }
    return stored;
  }

  /** A board that is gone from the store: its connections are told, and it leaves memory unsaved. */
  #drop(board: LoadedBoard): void {
    for (const peer of [...board.peers]) peer.close(CloseCode.BoardDeleted, 'board deleted');
    if (this.#boards.get(board.id) === board) this.forget(board.id);
  }

  #scheduleRetry(): void {
    if (this.#retryTimer || this.#closed) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#chain = this.#chain.then(() => this.#flush());
    }, this.opts.retryMs ?? 1000);
  }

  async #compact(board: LoadedBoard): Promise<void> {
    if (board.logLength === 0 || board.saveFailed) return;
    try {
      // Apply-then-encode: the live doc already holds every update, so its state is the merged snapshot.
      const upTo = board.lastSeq;
      const snapshot = Y.encodeStateAsUpdate(board.doc);
      await this.store.compact(board.id, snapshot, upTo);
      board.logLength = 0;
      board.bytes = snapshot.length;
      board.items = countItems(board.doc);
    } catch (err) {
      this.log.error('compaction failed; the log is kept', { board: board.id, err });
    }
  }

  /**
   * Resolves once everything changed so far is stored (and relayed): on `board` only when given, else on every
   * board. Rejects with StoreUnavailableError when those changes cannot be stored right now (they are kept
   * and retried); another board's failure never makes this reject.
   */
  async persisted(board?: LoadedBoard): Promise<void> {
    const waiting = () => (board ? board.pending > 0 : this.#pending.length > 0 || this.#flushScheduled);
    while (waiting()) {
      if (this.#flushScheduled) await this.#flushStarted;
      else if (this.#pending.length === 0) await new Promise<void>((r) => setImmediate(r));
      await this.#chain;
      const failing = board ? board.saveFailed : this.#pending.some((p) => p.board.saveFailed);
      if (waiting() && failing && this.#retryTimer) throw new StoreUnavailableError();
    }
    await this.#chain;
  }

  /** True when nothing of `board` waits to be stored: a state read now contains only stored changes. */
  isIdle(board: LoadedBoard): boolean {
    return board.pending === 0;
  }

  #unload(board: LoadedBoard): Promise<void> {
    const job = (async () => {
      try {
        await this.persisted(board);
        if (board.users > 0 || board.saveFailed) return;
        this.#chain = this.#chain.then(() => this.#compact(board));
        await this.#chain;
        if (board.users > 0) return;
        this.#boards.delete(board.id);
        board.awareness.destroy();
        board.doc.destroy();
        for (const h of this.#hooks) h.onUnloaded?.(board.id);
        this.log.info('board unloaded', { board: board.id });
      } catch (err) {
        // A board whose changes are not stored stays in memory; try again later.
        this.log.error('unload postponed', { board: board.id, err });
        this.scheduleUnloadIfIdle(board);
      }
    })().finally(() => this.#unloading.delete(board.id));
    this.#unloading.set(board.id, job);
    return job;
  }

  /** Drops a deleted board from memory without saving it; a load in progress comes to nothing. */
  forget(id: string): void {
    if (this.#loading.has(id)) this.#cancelled.add(id);
    const board = this.#boards.get(id);
    if (!board) return;
    if (board.unloadTimer) clearTimeout(board.unloadTimer);
    this.#pending = this.#pending.filter((p) => p.board !== board);
    board.pending = 0;
    this.#boards.delete(id);
    board.awareness.destroy();
    board.doc.destroy();
    for (const h of this.#hooks) h.onUnloaded?.(id);
  }

  /** Stores everything, compacts every board, and frees memory. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    try {
      await this.persisted();
    } catch (err) {
      this.log.error('closing with unsaved changes', { err });
    }
    for (const board of this.#boards.values()) {
      if (board.unloadTimer) clearTimeout(board.unloadTimer);
      await this.#compact(board);
      board.awareness.destroy();
      board.doc.destroy();
    }
    this.#boards.clear();
  }
}

/**
 * Relays one board's stored updates: each encoded once, and every peer gets all of them in one write,
 * except the updates it sent itself. Peers that wrote none of them (nearly all) share one batch.
 */
function relay(board: LoadedBoard, updates: Pending[]): void {
  if (board.peers.size === 0) return;
  const frames = updates.map((p) => encodeUpdate(p.update));
  const writers = new Set<BoardPeer>();
  for (const p of updates) if (isConnectionOrigin(p.origin)) writers.add(p.origin);
  const shared = new OutgoingBatch(frames);
  for (const peer of board.peers) {
    if (!writers.has(peer)) {
      peer.sendBatch(shared);
      continue;
    }
    const own = frames.filter((_, i) => updates[i].origin !== peer);
    if (own.length) peer.sendBatch(new OutgoingBatch(own));
  }
}

/** Updates grouped by board, each board's in their order. */
function byBoardOf(updates: readonly Pending[]): Map<LoadedBoard, Pending[]> {
  const out = new Map<LoadedBoard, Pending[]>();
  for (const p of updates) {
    const list = out.get(p.board);
    if (list) list.push(p);
    else out.set(p.board, [p]);
  }
  return out;
}

/** Structs in a document's store (items and collected ranges): what its size in memory grows with. */
export function countItems(doc: Y.Doc): number {
  let n = 0;
  for (const structs of doc.store.clients.values()) n += structs.length;
  return n;
}

function isConnectionOrigin(origin: unknown): origin is BoardPeer {
  return typeof origin === 'object' && origin !== null && (origin as { kind?: unknown }).kind === 'connection';
}
