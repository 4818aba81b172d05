/**
 * The boards held in memory: loading on first use, the store-first pipeline, compaction, and unloading after
 * the last user leaves.
 *
 * Every change to a loaded document, whatever its origin (a websocket client, the REST API, the meeting),
 * arrives through the Y.Doc `update` event. Updates are queued and, once per event-loop turn, appended to the
 * store in one transaction. Only after that commit does anything else happen: the registry calls the `stored`
 * hook of each extension attached to the board, in the order they were registered (the composition root
 * registers relay first, then action items, audit, versions, board events). So nothing anyone sees, and nothing
 * derived from a change, exists before the change itself is stored. See docs/architecture.md.
 */
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import type { Store, StoredDocument } from '../store/store.js';
import type { Logger } from '../log.js';
import { PresenceGate } from './presence-gate.js';

/** Who made a change: a display name and the role the server gave them (`server` for its own writes). */
export interface Actor {
  readonly name: string;
  /** `viewer` | `participant` | `facilitator`, or `server` for the server's own writes without a caller. */
  readonly role: string;
}

/**
 * The transaction origin of every change: where it came from and who made it. Extensions read `actor` for the
 * audit trail and compare origins by identity (the relay skips the connection a change came from).
 */
export type ChangeOrigin = ConnectionOrigin | LocalOrigin | RemoteOrigin;
export interface ConnectionOrigin {
  readonly kind: 'connection';
  /** Resolved when read: a connection's name is the one its presence published. */
  readonly actor: Actor;
}
export interface LocalOrigin {
  readonly kind: 'local';
  /** What made the change, e.g. `rest`, `meeting` or `restore`. */
  readonly by: string;
  readonly actor: Actor;
}

/**
 * A change another instance stored and published (server/scale/): it is in the store already, under `seq`, so
 * this instance relays it and derives from it but never stores it again.
 */
export interface RemoteOrigin {
  readonly kind: 'remote';
  readonly seq: number;
  readonly actor: Actor;
}

export function isRemote(origin: unknown): origin is RemoteOrigin {
  return typeof origin === 'object' && origin !== null && (origin as { kind?: unknown }).kind === 'remote';
}

/**
 * Which instance does a board's once-only work (action items, compaction, versions, announcements): with one
 * instance, this one; with several, the holder of the board's lease (server/scale/board-leases.ts).
 */
export interface Ownership {
  owns(boardId: string): boolean;
}

/** The server's own origin for changes made by `by` (`rest`, `meeting`), on behalf of `actor` when a person asked. */
export const localOrigin = (by: string, actor: Actor = { name: by, role: 'server' }): LocalOrigin => ({ kind: 'local', by, actor });

/** The actor of any origin; `unknown` for an origin that is not ours (a test writing to the doc directly). */
export function actorOf(origin: unknown): Actor {
  const actor = typeof origin === 'object' && origin !== null ? (origin as { actor?: unknown }).actor : undefined;
  if (typeof actor === 'object' && actor !== null) {
    const { name, role } = actor as { name?: unknown; role?: unknown };
    if (typeof name === 'string' && typeof role === 'string') return { name, role };
  }
  return { name: 'unknown', role: 'unknown' };
}

/** One update as stored: its bytes, who made it, and its place in the board's log. */
export interface StoredChange {
  readonly update: Uint8Array;
  readonly origin: unknown;
  readonly seq: number;
}

/**
 * A per-board service (relay, action items, audit, versions, board events), registered once with `use` in the
 * composition root. The registry attaches it to every board that comes into memory, in registration order.
 */
export interface BoardExtension<A extends BoardAttachment = BoardAttachment> {
  readonly name: string;
  /** A board came into memory: observe it; what this returns lives exactly as long as the board. */
  attach(board: LoadedBoard): A;
  /**
   * A board's stored state was read and is about to be integrated (which for a large board takes far longer
   * than sending it): the websocket endpoint serves waiting clients from these bytes. Awaited, with a bound.
   */
  storedRead?(boardId: string, stored: StoredDocument): Promise<void> | void;
  /**
   * A board is about to be read from the store: what changes of it arrive from now on must reach it once it is
   * attached (the cluster's bus subscribes here). Awaited. `loadAbandoned` follows when no board came of it.
   */
  preload?(boardId: string): Promise<void>;
  loadAbandoned?(boardId: string): void;
}

export interface BoardAttachment {
  /**
   * These updates of the board are stored (committed), in their order, with their origins. Called once per
   * commit, in registration order; nothing derived from a change may be written or sent before this.
   */
  stored?(changes: readonly StoredChange[]): void;
  /** Changes to this board could not be stored (disk full, unwritable data dir); they are kept and retried. */
  storeFailed?(): void;
  /** This instance took over (true) or gave up (false) the board's once-only work (see `Ownership`). */
  ownerChanged?(owns: boolean): void;
  /** The board leaves memory: `unloaded` after everything was stored, `deleted` when it is gone from the store. */
  detach(reason: 'unloaded' | 'deleted'): void;
}

/** A board was deleted (or the registry closed) while a caller waited for its changes to be stored. */
export class BoardGoneError extends Error {
  override readonly name = 'BoardGoneError';
  constructor(boardId: string) {
    super(`board ${boardId} left memory before its changes were stored`);
  }
}

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
  /** Extensions attached to this board, in registration order. */
  readonly attachments = new Map<BoardExtension, BoardAttachment>();
  /** Users holding the board in memory: connections and REST requests in flight. */
  holds = 0;
  lastSeq = 0;
  logLength = 0;
  /** Set while an append for this board failed and has not been retried successfully. */
  saveFailed = false;
  /** Updates of this board applied in memory and not yet stored. */
  pending = 0;
  /** Updates applied to the document since it was loaded; a mark for `BoardRegistry.stored`. */
  applied = 0;
  /** Of those, how many are stored (they are stored in order). */
  storedCount = 0;
  /** Callers waiting until `storedCount` reaches a mark. */
  readonly storedWaiters: Array<{ mark: number; resolve(): void; reject(err: Error): void }> = [];
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

  /** What `ext` attached to this board (its per-board state), if it is registered. */
  attachment<A extends BoardAttachment>(ext: BoardExtension<A>): A | undefined {
    return this.attachments.get(ext) as A | undefined;
  }
}

/** How many of the latest flushes tell whether the server is busy (see `BoardRegistry.#busy`). */
const BUSY_FLUSHES = 16;

interface Pending {
  board: LoadedBoard;
  update: Uint8Array;
  origin: unknown;
  /** When it was applied (performance.now()), for the time from a change to its relay. */
  at: number;
}

/** What the registry reports for metrics (server/metrics/): every call is cheap and synchronous. */
export interface RegistryObserver {
  /** A batch of `count` updates was appended in one transaction that took `seconds`. */
  appended(count: number, seconds: number): void;
  /** An append failed (the batch is kept and retried). */
  appendFailed(): void;
  /** A stored update was handed to the relay `seconds` after it was applied. */
  relayed(seconds: number): void;
}

export interface RegistryOptions {
  unloadGraceMs: number;
  compactEvery: number;
  /** Retry delay after a failed append, ms. */
  retryMs?: number;
  /** Least time between two flushes (append + relay) under load, ms; see `#enqueue`. */
  coalesceMs?: number;
  /** Told of appends and relays, for metrics. */
  observer?: RegistryObserver;
  /** Several instances share the store: who does each board's once-only work. Default: this instance, always. */
  ownership?: Ownership;
}

export class BoardRegistry {
  readonly #boards = new Map<string, LoadedBoard>();
  readonly #loading = new Map<string, Promise<LoadedBoard | null>>();
  readonly #unloading = new Map<string, Promise<void>>();
  readonly #extensions: BoardExtension[] = [];
  #pending: Pending[] = [];
  #flushScheduled = false;
  /** When the latest flushes started, oldest first (at most BUSY_FLUSHES): how busy the server is. */
  readonly #flushTimes: number[] = [];
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

  /**
   * Registers a per-board extension; it is attached to every board in memory from now on, after those registered
   * before it. Call in the composition root, in the order the extensions should run.
   */
  use(ext: BoardExtension): void {
    this.#extensions.push(ext);
    for (const board of this.#boards.values()) this.#attach(board, ext);
  }

  #attach(board: LoadedBoard, ext: BoardExtension): void {
    try {
      board.attachments.set(ext, ext.attach(board));
    } catch (err) {
      this.log.error('an extension could not attach to a board', { board: board.id, extension: ext.name, err });
    }
  }

  /** Calls `fn` on each attachment of the board in order; one failing never stops the others. */
  #each(board: LoadedBoard, what: string, fn: (a: BoardAttachment) => void): void {
    for (const [ext, a] of board.attachments) {
      try {
        fn(a);
      } catch (err) {
        this.log.error(`extension failed: ${what}`, { board: board.id, extension: ext.name, err });
      }
    }
  }

  /**
   * Resolves once the board's changes up to `mark` (a value of `board.applied`) are stored; at once when they
   * are. Derived work reads the document, takes `board.applied` as its mark, and writes only after this: so
   * nothing derived from a change is stored before the change. Rejects with BoardGoneError when the board is
   * deleted or the server stops before that.
   */
  stored(board: LoadedBoard, mark: number = board.applied): Promise<void> {
    if (board.storedCount >= mark) return Promise.resolve();
    if (!this.#boards.has(board.id) || this.#boards.get(board.id) !== board) return Promise.reject(new BoardGoneError(board.id));
    return new Promise((resolve, reject) => board.storedWaiters.push({ mark, resolve, reject }));
  }

  get loadedCount(): number {
    return this.#boards.size;
  }

  loaded(id: string): LoadedBoard | undefined {
    return this.#boards.get(id);
  }

  /** The boards in memory. */
  boards(): IterableIterator<LoadedBoard> {
    return this.#boards.values();
  }

  /** The board as stored now (for an instance catching up after it missed changes). */
  storedDocument(id: string): Promise<StoredDocument> {
    return this.store.loadDocument(id);
  }

  /** Whether this instance does the board's once-only work now (always, unless several instances share the store). */
  owns(boardId: string): boolean {
    return this.opts.ownership?.owns(boardId) ?? true;
  }

  /** Tells the board's extensions that this instance took over or gave up its once-only work. */
  ownershipChanged(boardId: string, owns: boolean): void {
    const board = this.#boards.get(boardId);
    if (board) this.#each(board, 'ownerChanged', (a) => a.ownerChanged?.(owns));
  }

  /**
   * Applies a change another instance stored under `seq`: relayed and derived from like any other once the
   * changes before it on this instance are through the pipeline, but not stored again.
   */
  applyRemote(board: LoadedBoard, update: Uint8Array, seq: number, actor: Actor): void {
    if (this.#boards.get(board.id) !== board) return;
    const origin: RemoteOrigin = { kind: 'remote', seq, actor };
    Y.applyUpdate(board.doc, update, origin);
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
    for (const ext of this.#extensions) await ext.preload?.(id);
    const board = await this.#read(id).catch((err: unknown) => {
      for (const ext of this.#extensions) ext.loadAbandoned?.(id);
      throw err;
    });
    if (!board) for (const ext of this.#extensions) ext.loadAbandoned?.(id);
    return board;
  }

  async #read(id: string): Promise<LoadedBoard | null> {
    const record = await this.store.getBoard(id);
    if (!record) return null;
    const stored = await this.store.loadDocument(id);
    for (const ext of this.#extensions) await ext.storedRead?.(id, stored);
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
    board.doc.on('update', (update: Uint8Array, origin: unknown) => this.#enqueue({ board, update, origin, at: performance.now() }));
    this.#boards.set(id, board);
    for (const ext of this.#extensions) this.#attach(board, ext);
    this.log.info('board loaded', { board: id, logLength: board.logLength });
    return board;
  }

  #enqueue(p: Pending): void {
    this.#pending.push(p);
    p.board.pending++;
    p.board.applied++;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      let flushed!: () => void;
      this.#flushStarted = new Promise<void>((r) => (flushed = r));
      const run = () => {
        this.#flushScheduled = false;
        this.#flushTimes.push(performance.now());
        if (this.#flushTimes.length > BUSY_FLUSHES) this.#flushTimes.shift();
        this.#chain = this.#chain.then(() => this.#flush());
        flushed();
      };
      const coalesceMs = this.opts.coalesceMs ?? 0;
      const now = performance.now();
      if (!this.#busy(now, coalesceMs)) {
        // Quiet: store and relay in this very turn, once the code that made the change has returned (so the
        // frames of one socket read still share a transaction). Waiting for the next turn, or for the gap
        // below, only added latency here: a second update 1 ms after the last one waited 2 ms for nothing.
        queueMicrotask(run);
        return;
      }
      // Busy: flushes are spaced `coalesceMs` apart, so that one write to each peer carries several updates
      // (the per-write cost in the kernel was most of the server's time per delivery); setImmediate, not a
      // microtask, so every frame that arrived in this turn joins the same transaction.
      const wait = this.#flushTimes[this.#flushTimes.length - 1] + coalesceMs - now;
      if (wait >= 1) setTimeout(run, wait);
      else setImmediate(run);
    }
  }

  /**
   * Whether the latest flushes came faster than one per 1.5 × `coalesceMs` on average: a rate a quiet board
   * (even 100 updates/s, where the gaps are 10 ms) does not reach by chance, and which spaced flushes keep up
   * while the load lasts.
   */
  #busy(now: number, coalesceMs: number): boolean {
    const times = this.#flushTimes;
    if (coalesceMs <= 0 || times.length < BUSY_FLUSHES) return false;
    return now - times[0] < BUSY_FLUSHES * coalesceMs * 1.5;
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    let stored: Array<{ p: Pending; seq: number }>;
    const observer = this.opts.observer;
    const started = performance.now();
    // Changes from other instances are stored already: only this instance's own are appended.
    const local = batch.filter((p) => !isRemote(p.origin));
    try {
      const seqs = local.length ? await this.store.appendUpdates(local.map((p) => ({ boardId: p.board.id, update: p.update }))) : [];
      stored = this.#inOrder(batch, local, seqs);
      if (local.length) observer?.appended(local.length, (performance.now() - started) / 1000);
    } catch {
      observer?.appendFailed();
      stored = await this.#flushEachBoard(batch);
    }
    for (const { p, seq } of stored) {
      p.board.lastSeq = Math.max(p.board.lastSeq, seq);
      p.board.logLength++;
      p.board.bytes += p.update.length;
      p.board.pending = Math.max(0, p.board.pending - 1);
      p.board.storedCount++;
      p.board.saveFailed = false;
    }
    const byBoard = new Map<LoadedBoard, StoredChange[]>();
    for (const { p, seq } of stored) {
      const list = byBoard.get(p.board);
      const change = { update: p.update, origin: p.origin, seq };
      if (list) list.push(change);
      else byBoard.set(p.board, [change]);
    }
    // Committed: now, and only now, the rest of the server hears of these changes (relay first).
    for (const [board, changes] of byBoard) {
      this.#each(board, 'stored', (a) => a.stored?.(changes));
      this.#wake(board);
    }
    if (observer) {
      const now = performance.now();
      for (const { p } of stored) observer.relayed((now - p.at) / 1000);
    }
    for (const board of byBoard.keys()) {
      if (board.logLength >= this.opts.compactEvery) this.#chain = this.#chain.then(() => this.#compact(board));
    }
  }

  /** The batch in its order, each with its seq: the appended ones' from `seqs`, a remote one's from its origin. */
  #inOrder(batch: readonly Pending[], local: readonly Pending[], seqs: readonly number[]): Array<{ p: Pending; seq: number }> {
    let i = 0;
    return batch.map((p) => ({ p, seq: isRemote(p.origin) ? p.origin.seq : local[i] === p ? seqs[i++] : 0 }));
  }

  /**
   * The batch's one transaction failed: store it board by board, so that one board's failure never holds
   * another's writes. A board that no longer exists has its updates dropped and its connections closed; a
   * board whose writes fail otherwise (disk full) keeps them, at the head of the queue, and is retried (with the
   * other instances' changes that came after them, which stay in their order).
   */
  async #flushEachBoard(batch: Pending[]): Promise<Array<{ p: Pending; seq: number }>> {
    const stored: Array<{ p: Pending; seq: number }> = [];
    const kept: Pending[] = [];
    for (const [board, list] of byBoardOf(batch)) {
      if (this.#boards.get(board.id) !== board) continue; // forgotten meanwhile (deleted): nothing to store
      const started = performance.now();
      const local = list.filter((p) => !isRemote(p.origin));
      try {
        const seqs = local.length ? await this.store.appendUpdates(local.map((p) => ({ boardId: board.id, update: p.update }))) : [];
        stored.push(...this.#inOrder(list, local, seqs));
        if (local.length) this.opts.observer?.appended(local.length, (performance.now() - started) / 1000);
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
      for (const board of failed) this.#each(board, 'storeFailed', (a) => a.storeFailed?.());
      this.#scheduleRetry();
    }
    return stored;
  }

  /** A board that is gone from the store leaves memory unsaved (its extensions hear `deleted`). */
  #drop(board: LoadedBoard): void {
    if (this.#boards.get(board.id) === board) this.forget(board.id);
  }

  /** Resolves the waiters whose mark is stored. */
  #wake(board: LoadedBoard): void {
    if (board.storedWaiters.length === 0) return;
    const still = board.storedWaiters.filter((w) => w.mark > board.storedCount);
    const done = board.storedWaiters.filter((w) => w.mark <= board.storedCount);
    board.storedWaiters.splice(0, board.storedWaiters.length, ...still);
    for (const w of done) w.resolve();
  }

  /** The board leaves memory: its extensions detach, and whoever waits on its changes hears why. */
  #release(board: LoadedBoard, reason: 'unloaded' | 'deleted'): void {
    for (const w of board.storedWaiters.splice(0)) {
      if (w.mark <= board.storedCount) w.resolve();
      else w.reject(new BoardGoneError(board.id));
    }
    this.#each(board, 'detach', (a) => a.detach(reason));
    board.attachments.clear();
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
    if (this.opts.ownership) return this.#compactShared(board);
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
   * With several instances: only the board's owner compacts, and from what is stored (its memory may still lack
   * another instance's latest change, which is stored already).
   */
  async #compactShared(board: LoadedBoard): Promise<void> {
    if (!this.owns(board.id)) return;
    try {
      const done = await this.store.compactStored(board.id, mergeStored);
      board.logLength = 0;
      if (done) board.bytes = done.bytes;
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
        this.#release(board, 'unloaded');
        board.awareness.destroy();
        board.doc.destroy();
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
    this.#release(board, 'deleted');
    board.awareness.destroy();
    board.doc.destroy();
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
      this.#release(board, 'unloaded');
      board.awareness.destroy();
      board.doc.destroy();
    }
    this.#boards.clear();
  }
}

/** A stored snapshot and log as one snapshot, collected (tombstones merged) through a document. */
function mergeStored(stored: StoredDocument): Uint8Array {
  const doc = new Y.Doc();
  try {
    doc.transact(() => {
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(doc, u);
    });
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
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
