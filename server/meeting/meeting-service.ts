/**
 * Keeps a MeetingRoom per board while anyone is in its meeting channel: loads it (with the board document)
 * on the first join, stores it after every change, and lets it go when the last person leaves.
 */
import type { BoardRegistry } from '../sync/board-registry.js';
import type { MeetingStore } from '../store/meeting-store.js';
import type { Logger } from '../log.js';
import type { Clock } from './clock.js';
import { MeetingRoom, type PersistedMeeting, type RoomOutput } from './meeting-room.js';

export interface MeetingServiceDeps {
  registry: BoardRegistry;
  store: MeetingStore;
  clock: Clock;
  log: Logger;
  facilitatorGraceMs: number;
  /** Most people on one meeting's roster. */
  maxPeople: number;
  /** Someone took a seat in `boardId`'s meeting under `name`. */
  onAttended(boardId: string, name: string): void;
  /** Builds the output of a board's room (the namespace's emitters). */
  output(boardId: string): RoomOutput;
}

export class MeetingService {
  readonly #rooms = new Map<string, Promise<MeetingRoom | null>>();
  readonly #onStarted: Array<(boardId: string) => void> = [];
  readonly #onEnded: Array<(boardId: string) => void> = [];

  constructor(private readonly deps: MeetingServiceDeps) {}

  /** Calls `fn` when a board's meeting leaves the lobby. */
  onStarted(fn: (boardId: string) => void): void {
    this.#onStarted.push(fn);
  }

  /** Calls `fn` when a board's meeting ends. */
  onEnded(fn: (boardId: string) => void): void {
    this.#onEnded.push(fn);
  }

  #notify(hooks: Array<(boardId: string) => void>, boardId: string): void {
    for (const fn of hooks) {
      try {
        fn(boardId);
      } catch (err) {
        this.deps.log.error('meeting hook failed', { boardId, err });
      }
    }
  }

  /** The loaded room of a board, loading it if needed; null when the board does not exist. */
  room(boardId: string): Promise<MeetingRoom | null> {
    let room = this.#rooms.get(boardId);
    if (!room) {
      room = this.#load(boardId);
      this.#rooms.set(boardId, room);
      room.then(
        (r) => r ?? this.#rooms.delete(boardId),
        () => this.#rooms.delete(boardId),
      );
    }
    return room;
  }

  async #load(boardId: string): Promise<MeetingRoom | null> {
    const { registry, store, clock, log } = this.deps;
    const board = await registry.acquire(boardId);
    if (!board) return null;
    try {
      const persisted = (await store.loadMeeting(boardId)) as PersistedMeeting | null;
      return new MeetingRoom(boardId, board, persisted, {
        clock,
        output: this.deps.output(boardId),
        facilitatorGraceMs: this.deps.facilitatorGraceMs,
        maxPeople: this.deps.maxPeople,
        onAttended: (name) => this.deps.onAttended(boardId, name),
        save: (data) => void store.saveMeeting(boardId, data).catch((err) => log.error('could not store the meeting', { boardId, err })),
        recordVote: (round) =>
          void store
            .recordVote({
              id: round.id,
              boardId,
              dotsPerPerson: round.dotsPerPerson,
              openedAt: round.openedAt,
              revealedAt: round.revealedAt,
              voters: round.voters,
              results: round.results ?? [],
            })
            .catch((err) => log.error('could not record the vote', { boardId, err })),
        onStarted: () => this.#notify(this.#onStarted, boardId),
        onEnded: () => this.#notify(this.#onEnded, boardId),
      });
    } catch (err) {
      registry.release(board);
      throw err;
    }
  }

  /** Called after someone leaves: a room nobody is in is put away (its state is already stored). */
  async releaseIfEmpty(boardId: string): Promise<void> {
    const room = await this.#rooms.get(boardId);
    if (!room || room.online > 0) return;
    this.#rooms.delete(boardId);
    room.dispose();
    this.deps.registry.release(room.board);
  }

  /**
   * Ends a board's meeting from the server (one left running past its end): as if the facilitator had, so
   * its summary goes out as usual. False when there is no such board or the meeting had already ended.
   */
  async endNow(boardId: string): Promise<boolean> {
    const room = await this.room(boardId);
    if (!room) return false;
    try {
      if (room.ended) return false;
      room.end();
      return true;
    } finally {
      await this.releaseIfEmpty(boardId);
    }
  }

  /**
   * Puts a board's room away whoever is in it (its state is stored after every change): another instance runs
   * the meeting now.
   */
  async evict(boardId: string): Promise<void> {
    const pending = this.#rooms.get(boardId);
    if (!pending) return;
    this.#rooms.delete(boardId);
    const room = await pending.catch(() => null);
    if (!room) return;
    room.dispose();
    this.deps.registry.release(room.board);
  }

  /** Forgets a deleted board's room without storing anything. */
  async drop(boardId: string): Promise<void> {
    const room = await this.#rooms.get(boardId)?.catch(() => null);
    this.#rooms.delete(boardId);
    room?.dispose();
  }

  async close(): Promise<void> {
    for (const [boardId, p] of this.#rooms) {
      const room = await p.catch(() => null);
      room?.dispose();
      if (room) this.deps.registry.release(room.board);
      this.#rooms.delete(boardId);
    }
  }
}
