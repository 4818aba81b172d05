/**
 * Named versions of boards: saved by hand, on meeting start and end (the meeting module calls `save`), when
 * an agenda item is marked done, and periodically while a board changes; read back, restored, and copied.
 *
 * A restore is a new change on top of the current board (restore-writer.ts), never a rewind: the state
 * before it is saved first as "Before restore", and restoring that one undoes it.
 */
import * as Y from 'yjs';
import { cardsMap, readBoard, readCard, type BoardView } from '../../shared/board-schema.js';
import type { VersionInfo } from '../../shared/history-schemas.js';
import type { BoardRegistry, LoadedBoard } from '../sync/board-registry.js';
import type { Logger } from '../log.js';
import { docFromState, restoreInto } from './restore-writer.js';
import type { SqliteVersionStore } from './version-store.js';
import type { Actor, AuditService } from './audit-service.js';

export interface HistoryOptions {
  /** A board that changed gets an automatic version this long after its first change since the last version; 0 = never. */
  autosaveMs: number;
}

/** Names of the versions the server saves by itself. */
export const VersionName = {
  BeforeRestore: 'Before restore',
  Autosave: 'Autosave',
  agendaDone: (title: string) => `Agenda item done: ${title.split('\n')[0].trim().slice(0, 150) || '(untitled)'}`,
} as const;

interface Tracked {
  board: LoadedBoard;
  /** Changed since its last version. */
  dirty: boolean;
  timer: NodeJS.Timeout | null;
  detach(): void;
}

export type RestoreResult =
  | { ok: true; restored: VersionInfo; before: VersionInfo; changed: boolean }
  | { ok: false; reason: 'board_not_found' | 'version_not_found' };

export class HistoryService {
  readonly #tracked = new Map<string, Tracked>();
  #closed = false;

  constructor(
    private readonly store: SqliteVersionStore,
    private readonly registry: BoardRegistry,
    private readonly audit: AuditService | null,
    private readonly log: Logger,
    private readonly opts: HistoryOptions,
    private readonly now: () => number = Date.now,
  ) {
    registry.addHooks({
      onLoaded: (board) => this.#attach(board),
      onUnloaded: (boardId) => this.#detach(boardId),
    });
  }

  /**
   * Saves the board as it is now under `name`; null when there is no such board. `by` is who asked
   * (a display name), `server` for automatic versions. This is the hook for the meeting module.
   */
  async save(boardId: string, name: string, by: Actor | string = 'server'): Promise<VersionInfo | null> {
    return this.registry.withBoard(boardId, (board) => this.#saveLoaded(board, name, by));
  }

  list(boardId: string): VersionInfo[] {
    return this.store.list(boardId);
  }

  /** The board as JSON at a version; null when there is no such version of this board. */
  view(boardId: string, versionId: string): { version: VersionInfo; board: BoardView } | null {
    const v = this.store.get(boardId, versionId);
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
  state(boardId: string, versionId: string): { version: VersionInfo; data: Uint8Array } | null {
    const v = this.store.get(boardId, versionId);
    if (!v) return null;
    const { data, ...version } = v;
    return { version, data };
  }

  /**
   * Makes the board look as it did at a version, as one change on top (relayed to clients and stored like
   * any other); the current state is saved first as "Before restore". Resolves once the change is stored.
   */
  async restore(boardId: string, versionId: string, by: Actor): Promise<RestoreResult> {
    const v = this.store.get(boardId, versionId);
    if (!v) return (await this.registry.withBoard(boardId, () => true)) ? { ok: false, reason: 'version_not_found' } : { ok: false, reason: 'board_not_found' };
    const out = await this.registry.withBoard(boardId, async (board): Promise<RestoreResult> => {
      const before = this.#saveLoaded(board, VersionName.BeforeRestore, by);
      const target = docFromState(v.data);
      let changed: boolean;
      try {
        // The caller's name and role ride on the origin, so the audit trail names them.
        changed = restoreInto(board.doc, target, { kind: 'local', by: 'restore', name: by.name, role: by.role });
      } finally {
        target.destroy();
      }
      await this.registry.persisted(board);
      const { data: _data, ...restored } = v;
      this.audit?.record(boardId, by, { action: 'version.restored', summary: `restored version "${v.name}" (the board before it is saved as "${before.name}")` });
      return { ok: true, restored, before, changed };
    });
    return out ?? { ok: false, reason: 'board_not_found' };
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#tracked.values()) t.detach();
    this.#tracked.clear();
  }

  #saveLoaded(board: LoadedBoard, name: string, by: Actor | string): VersionInfo {
    const actor = typeof by === 'string' ? { name: by, role: 'server' } : by;
    const info = this.store.save(board.id, { name, by: actor.name, data: Y.encodeStateAsUpdate(board.doc), createdAt: this.now() });
    const t = this.#tracked.get(board.id);
    if (t) {
      t.dirty = false;
      if (t.timer) clearTimeout(t.timer);
      t.timer = null;
    }
    this.audit?.record(board.id, actor, { action: 'version.saved', summary: `saved version "${name}"` });
    return info;
  }

  #attach(board: LoadedBoard): void {
    if (this.#closed || this.#tracked.has(board.id)) return;
    const cards = cardsMap(board.doc);
    const t: Tracked = { board, dirty: false, timer: null, detach: () => {} };
    const onUpdate = () => {
      t.dirty = true;
      if (this.opts.autosaveMs > 0 && !t.timer) {
        t.timer = setTimeout(() => {
          t.timer = null;
          if (this.#tracked.get(board.id) === t && t.dirty) this.#autosave(t, VersionName.Autosave);
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
            if (this.#tracked.get(board.id) === t) this.#autosave(t, name);
          });
        }
      }
    };
    board.doc.on('update', onUpdate);
    cards.observeDeep(onCards);
    t.detach = () => {
      board.doc.off('update', onUpdate);
      cards.unobserveDeep(onCards);
      if (t.timer) clearTimeout(t.timer);
      t.timer = null;
    };
    this.#tracked.set(board.id, t);
  }

  #autosave(t: Tracked, name: string): void {
    try {
      this.#saveLoaded(t.board, name, 'server');
    } catch (err) {
      this.log.error('could not save a version', { board: t.board.id, name, err });
    }
  }

  #detach(boardId: string): void {
    const t = this.#tracked.get(boardId);
    if (!t) return;
    t.detach();
    this.#tracked.delete(boardId);
  }
}
