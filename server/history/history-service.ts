/**
 * Named versions of boards: saved by hand, on meeting start and end (the meeting module calls `save`), when
 * an agenda item is marked done, and periodically while a board changes; read back, restored, and copied.
 *
 * A restore is a new change on top of the current board (restore-writer.ts), never a rewind: the state
 * before it is saved first as "Before restore", and restoring that one undoes it.
 */
import crypto from 'node:crypto';
import * as Y from 'yjs';
import { Root, cardsMap, readBoard, readCard, type BoardView } from '../../shared/board-schema.js';
import type { VersionInfo } from '../../shared/history-schemas.js';
import { BoardGoneError, localOrigin, type BoardAttachment, type BoardExtension, type BoardRegistry, type LoadedBoard } from '../sync/board-registry.js';
import type { Logger } from '../log.js';
import { docFromState, planRestore } from './restore-writer.js';
import type { VersionStore } from '../store/version-store.js';
import type { Actor, AuditService } from './audit-service.js';

export interface HistoryOptions {
  /** Least time between two automatic versions of a board made on repeatable events (an item ticked done), ms. */
  autoGapMs?: number;
  /** A board that changed gets an automatic version this long after its first change since the last version; 0 = never. */
  autosaveMs: number;
}

/** Names of the versions the server saves by itself. */
export const VersionName = {
  BeforeRestore: 'Before restore',
  Autosave: 'Autosave',
  agendaDone: (title: string) => `Agenda item done: ${title.split('\n')[0].trim().slice(0, 150) || '(untitled)'}`,
} as const;

/** Default of `autoGapMs`. */
export const AUTO_VERSION_GAP_MS = 60_000;

interface Tracked extends BoardAttachment {
  board: LoadedBoard;
  /** Changed since its last version. */
  dirty: boolean;
  timer: NodeJS.Timeout | null;
  /** When the last automatic version was saved (or skipped as a duplicate). */
  lastAutoAt: number;
  /** An automatic version waiting for the gap to pass, and its name. */
  deferred: { timer: NodeJS.Timeout; name: string } | null;
  /** Hash of the content of the board's latest version, to skip automatic versions that would repeat it; null = not read yet. */
  lastHash: string | null;
  /** Which save (HistoryService's count) `lastHash` comes from; 0 = read from the store. */
  lastHashSeq: number;
  gone: boolean;
}

interface Captured {
  data: Uint8Array;
  hash: string;
  mark: number;
}

export type RestoreResult =
  { ok: true; restored: VersionInfo; before: VersionInfo; changed: boolean } | { ok: false; reason: 'board_not_found' | 'version_not_found' };

export class HistoryService implements BoardExtension<Tracked> {
  readonly name = 'history';
  #closed = false;
  #skipped = 0;
  /** Saves begun, to order the ones that finish out of order. */
  #saves = 0;
  /** Versions being written, for `close` to wait for. */
  #writing = new Set<Promise<VersionInfo>>();

  constructor(
    private readonly store: VersionStore,
    private readonly registry: BoardRegistry,
    private readonly audit: AuditService | null,
    private readonly log: Logger,
    private readonly opts: HistoryOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Saves the board as it is now under `name`; null when there is no such board. `by` is who asked
   * (a display name), `server` for automatic versions. This is the hook for the meeting module.
   */
  async save(boardId: string, name: string, by: Actor | string = 'server'): Promise<VersionInfo | null> {
    return this.registry.withBoard(boardId, (board) => this.#saveLoaded(board, name, by));
  }

  async list(boardId: string): Promise<VersionInfo[]> {
    return this.store.list(boardId);
  }

  /** The board as JSON at a version; null when there is no such version of this board. */
  async view(boardId: string, versionId: string): Promise<{ version: VersionInfo; board: BoardView } | null> {
    const v = await this.store.get(boardId, versionId);
    if (!v) return null;
    const doc = docFromState(v.data);
    try {
      const { data: _data, ...version } = v;
      return { version, board: readBoard(doc) };
    } finally {
      doc.destroy();
    }
  }

  /** A version's document state (for copies and exports); null when there is no such version. */
  async state(boardId: string, versionId: string): Promise<{ version: VersionInfo; data: Uint8Array } | null> {
    const v = await this.store.get(boardId, versionId);
    if (!v) return null;
    const { data, ...version } = v;
    return { version, data };
  }

  /**
   * Makes the board look as it did at a version, as one change on top (relayed to clients and stored like
   * any other); the current state is saved first as "Before restore". Resolves once the change is stored.
   */
  async restore(boardId: string, versionId: string, by: Actor): Promise<RestoreResult> {
    const v = await this.store.get(boardId, versionId);
    if (!v) return (await this.registry.withBoard(boardId, () => true)) ? { ok: false, reason: 'version_not_found' } : { ok: false, reason: 'board_not_found' };
    const out = await this.registry.withBoard(boardId, async (board): Promise<RestoreResult> => {
      const target = docFromState(v.data);
      let plan: ReturnType<typeof planRestore>;
      try {
        plan = planRestore(board.doc, target); // throws RestoreError, having changed nothing
      } catch (err) {
        target.destroy();
        throw err;
      }
      // The board as it is before, taken now and written once what it holds is stored.
      const beforeState = this.#capture(board);
      try {
        // The caller's name and role ride on the origin, so the audit trail names them.
        plan.apply(localOrigin('restore', by));
      } finally {
        target.destroy();
      }
      const changed = plan.changed;
      const before = await this.#write(board, beforeState, VersionName.BeforeRestore, by);
      await this.registry.persisted(board);
      const { data: _data, ...restored } = v;
      this.audit?.record(boardId, by, {
        action: 'version.restored',
        summary: `restored version "${v.name}" (the board before it is saved as "${before.name}")`,
      });
      return { ok: true, restored, before, changed };
    });
    return out ?? { ok: false, reason: 'board_not_found' };
  }

  /**
   * Saves no more automatic versions, and resolves once the versions being written are (with their audit
   * lines recorded); the registry detaches each board's timers and observers as it closes.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled(this.#writing);
  }

  /**
   * The board's state now, its content hash (`hash` when the caller has just taken it), and the mark of the
   * changes it holds (see `BoardRegistry.stored`).
   */
  #capture(board: LoadedBoard, hash?: string): Captured {
    return { data: Y.encodeStateAsUpdate(board.doc), hash: hash ?? contentHash(board.doc), mark: board.applied };
  }

  async #saveLoaded(board: LoadedBoard, name: string, by: Actor | string, hash?: string): Promise<VersionInfo> {
    return this.#write(board, this.#capture(board, hash), name, by);
  }

  /**
   * Stores a captured state as a version once every change it holds is stored: a version never holds a change
   * the board could lose. `close` waits for it.
   */
  async #write(board: LoadedBoard, state: Captured, name: string, by: Actor | string): Promise<VersionInfo> {
    const writing = this.#store(board, state, name, typeof by === 'string' ? { name: by, role: 'server' } : by);
    this.#writing.add(writing);
    try {
      return await writing;
    } finally {
      this.#writing.delete(writing);
    }
  }

  /** Saves the version once its changes are stored, then updates the board's tracking and records the audit line. */
  async #store(board: LoadedBoard, state: Captured, name: string, actor: Actor): Promise<VersionInfo> {
    await this.registry.stored(board, state.mark);
    // Taken with the time, so that of saves finishing out of order only the one saved last sets the latest hash.
    const seq = ++this.#saves;
    const info = await this.store.save(board.id, { name, by: actor.name, data: state.data, createdAt: this.now() });
    // Read after the save: the board may have changed, or gone, while it was being written.
    const t = board.attachment(this);
    if (t && !t.gone) {
      // Changes that came after the capture are not in this version: the board stays dirty for them.
      if (board.applied === state.mark) {
        t.dirty = false;
        if (t.timer) clearTimeout(t.timer);
        t.timer = null;
      }
      if (seq > t.lastHashSeq) {
        t.lastHash = state.hash;
        t.lastHashSeq = seq;
      }
    }
    this.audit?.record(board.id, actor, { action: 'version.saved', summary: `saved version "${name}"` });
    return info;
  }

  attach(board: LoadedBoard): Tracked {
    const cards = cardsMap(board.doc);
    const t: Tracked = {
      board,
      dirty: false,
      timer: null,
      lastAutoAt: -Infinity,
      deferred: null,
      lastHash: null,
      lastHashSeq: 0,
      gone: false,
      detach: () => {},
    };
    const onUpdate = () => {
      t.dirty = true;
      if (this.opts.autosaveMs > 0 && !t.timer) {
        t.timer = setTimeout(() => {
          t.timer = null;
          if (!t.gone && t.dirty) void this.#autosave(t, VersionName.Autosave);
        }, this.opts.autosaveMs);
        t.timer.unref();
      }
    };
    // An agenda item marked done (false → true, from any path) gets a version right after its transaction.
    const onCards = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
      for (const e of events) {
        if (e.path.length !== 1 || !(e instanceof Y.YMapEvent) || !e.keysChanged.has('done')) continue;
        const change = e.changes.keys.get('done');
        const card = readCard(e.target);
        if (card?.column === 'agenda' && card.done && change?.oldValue !== true) {
          const name = VersionName.agendaDone(card.title);
          setImmediate(() => {
            if (!t.gone) void this.#autosave(t, name, true);
          });
        }
      }
    };
    board.doc.on('update', onUpdate);
    cards.observeDeep(onCards);
    t.detach = () => {
      t.gone = true;
      board.doc.off('update', onUpdate);
      cards.unobserveDeep(onCards);
      if (t.timer) clearTimeout(t.timer);
      t.timer = null;
      if (t.deferred) clearTimeout(t.deferred.timer);
      t.deferred = null;
    };
    return t;
  }

  /**
   * An automatic version, none at all when the board is exactly as its latest version has it. `spaced` ones
   * (on events people can repeat quickly, like ticking an item done) come at most once per `autoGapMs` per
   * board: a sooner one waits for the gap, and the latest name wins.
   */
  async #autosave(t: Tracked, name: string, spaced = false): Promise<void> {
    if (this.#closed) return;
    // Automatic versions are the board owner's to make (one instance, unless several share the store).
    if (!this.registry.owns(t.board.id)) return;
    const now = this.now();
    const due = t.lastAutoAt + (this.opts.autoGapMs ?? AUTO_VERSION_GAP_MS);
    if (spaced && now < due) {
      if (t.deferred) t.deferred.name = name;
      else {
        const timer = setTimeout(() => {
          const pending = t.deferred;
          t.deferred = null;
          if (pending && !t.gone) void this.#autosave(t, pending.name, true);
        }, due - now);
        timer.unref();
        t.deferred = { timer, name };
      }
      return;
    }
    t.lastAutoAt = now;
    try {
      if (t.lastHash === null) {
        const latest = await this.#latestHash(t.board.id);
        // A save that finished meanwhile knows better than what was read before it.
        if (t.lastHash === null) t.lastHash = latest;
        if (t.gone || this.#closed) return;
      }
      const hash = contentHash(t.board.doc);
      if (hash === t.lastHash) {
        // The board reads exactly as its latest version (an item ticked and unticked): nothing to keep.
        t.dirty = false;
        this.#skipped++;
        return;
      }
      await this.#saveLoaded(t.board, name, 'server', hash);
    } catch (err) {
      if (err instanceof BoardGoneError) return; // deleted, or stopping with the change unstored: no version of it
      this.log.error('could not save a version', { board: t.board.id, name, err });
    }
  }

  /** Content hash of the board's latest stored version ('' when it has none). */
  async #latestHash(boardId: string): Promise<string> {
    const [latest] = await this.store.list(boardId);
    const v = latest ? await this.store.get(boardId, latest.id) : null;
    if (!v) return '';
    const doc = docFromState(v.data);
    try {
      return contentHash(doc);
    } finally {
      doc.destroy();
    }
  }

  /** Automatic versions not saved because the board read exactly as its latest version. */
  get skippedDuplicates(): number {
    return this.#skipped;
  }
}

/** JSON.stringify replacer writing object keys in order: two documents may hold a map's keys in different orders. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A hash of what the board says (meta and cards as JSON), not of how it got there: a change and its undo
 * give the same hash. Falls back to the encoded state for a document too deep to turn into JSON.
 */
function contentHash(doc: Y.Doc): string {
  let content: string | Uint8Array;
  try {
    content = JSON.stringify([doc.getMap(Root.meta).toJSON(), doc.getMap(Root.cards).toJSON()], sortedKeys);
  } catch {
    content = Y.encodeStateAsUpdate(doc);
  }
  return crypto.createHash('sha256').update(content).digest('base64');
}
