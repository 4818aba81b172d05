/**
 * Boards shared by several instances (REDIS_URL): each instance stores the changes its own clients make, then
 * publishes them on the board's Redis channel; every other instance holding the board applies them (as
 * stored changes, see `BoardRegistry.applyRemote`) and relays them to its clients. Presence goes the same way,
 * without being stored. Why broadcasting rather than one owning instance per board is in docs/scaling.md.
 *
 * Redis pub/sub delivers at most once, in order per publisher. What a subscriber misses while its connection
 * is down is in the store: when it is back, every board held here is read again from the store and merged
 * (Yjs merges are idempotent, so what was already here changes nothing).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Redis } from 'ioredis';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Logger } from '../log.js';
import {
  actorOf,
  isRemote,
  type BoardAttachment,
  type BoardExtension,
  type BoardRegistry,
  type LoadedBoard,
  type StoredChange,
} from '../sync/board-registry.js';

const enum Kind {
  /** The updates of one commit: a count, then each one's seq, actor and bytes. */
  Updates = 0,
  Awareness = 1,
  Deleted = 2,
}

/** The origin of presence that came from another instance: the relay sends it on, the bus never publishes it back. */
const REMOTE_PRESENCE = Symbol('remote presence');

/** How long a board's load waits for its channel's subscription before it goes on without (Redis is away). */
const SUBSCRIBE_WAIT_MS = 1_000;

/** Largest message accepted from the bus; a board's updates are bounded far below (MAX_MESSAGE_BYTES). */
const MAX_BUS_MESSAGE = 64 * 1024 * 1024;

interface Held extends BoardAttachment {
  board: LoadedBoard;
}

export interface BoardBusDeps {
  registry: BoardRegistry;
  /** A connection for publishing, and one of its own for subscribing (a subscribed connection does nothing else). */
  pub: Redis;
  sub: Redis;
  /** Prefix of every channel (REDIS_PREFIX). */
  prefix: string;
  /** This instance, so that it ignores its own messages. */
  instanceId: string;
  /** A board deleted through another instance: close its connections here. */
  onDeleted(boardId: string): void;
  log: Logger;
}

export class BoardBus implements BoardExtension<Held> {
  readonly name = 'board-bus';
  /** Messages for boards being loaded, applied once they are attached. */
  readonly #early = new Map<string, Buffer[]>();
  readonly #channelPrefix: string;
  #wasDown = false;
  #closed = false;

  constructor(private readonly deps: BoardBusDeps) {
    this.#channelPrefix = `${deps.prefix}board:`;
    deps.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#receive(channel.toString(), message));
    deps.sub.on('close', () => (this.#wasDown = true));
    // ioredis subscribes again by itself on reconnecting; what was published meanwhile is read from the store.
    deps.sub.on('ready', () => {
      if (!this.#wasDown || this.#closed) return;
      this.#wasDown = false;
      void this.#catchUp();
    });
  }

  #channel(boardId: string): string {
    return this.#channelPrefix + boardId;
  }

  /**
   * Subscribed before the board is read from the store, so no change stored after that read can pass it by.
   * While Redis is away the board loads all the same: it is subscribed, and caught up, when Redis is back.
   */
  async preload(boardId: string): Promise<void> {
    if (!this.#early.has(boardId)) this.#early.set(boardId, []);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), SUBSCRIBE_WAIT_MS)));
    try {
      if ((await Promise.race([this.deps.sub.subscribe(this.#channel(boardId)), gaveUp])) === 'late') this.#wasDown = true;
    } catch {
      this.#wasDown = true;
    } finally {
      clearTimeout(timer);
    }
  }

  loadAbandoned(boardId: string): void {
    this.#early.delete(boardId);
    if (!this.deps.registry.loaded(boardId)) void this.deps.sub.unsubscribe(this.#channel(boardId)).catch(() => {});
  }

  attach(board: LoadedBoard): Held {
    const onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      // Not what came from elsewhere, and not y-protocols' own expiry of a silent client (each instance expires
      // those itself; publishing it could remove a client another instance still hears from).
      if (origin === REMOTE_PRESENCE || origin === 'timeout') return;
      const changed = [...added, ...updated, ...removed];
      if (changed.length) this.#publish(board.id, Kind.Awareness, awarenessProtocol.encodeAwarenessUpdate(board.awareness, changed));
    };
    board.awareness.on('update', onAwareness);
    const held: Held = {
      board,
      stored: (changes: readonly StoredChange[]) => {
        // One message per commit, however many updates it stored: one Redis command, one wake-up on the others.
        const own = changes.filter((c) => !isRemote(c.origin));
        if (!own.length) return;
        const enc = encoding.createEncoder();
        encoding.writeVarUint(enc, own.length);
        for (const c of own) {
          encoding.writeVarUint(enc, c.seq);
          encoding.writeVarString(enc, actorOf(c.origin).name.slice(0, 200));
          encoding.writeVarUint8Array(enc, c.update);
        }
        this.#publish(board.id, Kind.Updates, encoding.toUint8Array(enc));
      },
      detach: (reason) => {
        board.awareness.off('update', onAwareness);
        if (reason === 'deleted') this.#publish(board.id, Kind.Deleted, new Uint8Array());
        void this.deps.sub.unsubscribe(this.#channel(board.id)).catch(() => {});
      },
    };
    const early = this.#early.get(board.id);
    this.#early.delete(board.id);
    // After this returns the registry has attached every extension; apply what came meanwhile then.
    if (early?.length) setImmediate(() => early.forEach((m) => this.#apply(board.id, m)));
    return held;
  }

  close(): void {
    this.#closed = true;
  }

  #publish(boardId: string, kind: Kind, payload: Uint8Array): void {
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, kind);
    encoding.writeVarString(enc, this.deps.instanceId);
    encoding.writeVarUint8Array(enc, payload);
    // Errors surface on the connection's 'error' event (logged by its owner); a missed message is caught up.
    this.deps.pub.publish(this.#channel(boardId), Buffer.from(encoding.toUint8Array(enc))).catch(() => {});
  }

  #receive(channel: string, message: Buffer): void {
    if (!channel.startsWith(this.#channelPrefix)) return;
    const boardId = channel.slice(this.#channelPrefix.length);
    const early = this.#early.get(boardId);
    if (early) {
      early.push(message);
      return;
    }
    this.#apply(boardId, message);
  }

  #apply(boardId: string, message: Buffer): void {
    const board = this.deps.registry.loaded(boardId);
    if (!board || message.length > MAX_BUS_MESSAGE) return;
    try {
      const dec = decoding.createDecoder(message);
      const kind = decoding.readVarUint(dec) as Kind;
      if (decoding.readVarString(dec) === this.deps.instanceId) return;
      const payload = decoding.readVarUint8Array(dec);
      if (kind === Kind.Updates) {
        const list = decoding.createDecoder(payload);
        for (let n = decoding.readVarUint(list); n > 0; n--) {
          const seq = decoding.readVarUint(list);
          const actor = decoding.readVarString(list);
          const update = decoding.readVarUint8Array(list);
          this.deps.registry.applyRemote(board, update, seq, { name: actor || 'unknown', role: 'remote' });
        }
      } else if (kind === Kind.Awareness) awarenessProtocol.applyAwarenessUpdate(board.awareness, payload, REMOTE_PRESENCE);
      else if (kind === Kind.Deleted) {
        this.deps.registry.forget(boardId);
        this.deps.onDeleted(boardId);
      }
    } catch (err) {
      // Only our own instances publish here; a message we cannot read is a bug or a foreign writer, never fatal.
      this.deps.log.error('board bus: could not apply a message', { board: boardId, err });
    }
  }

  /** After an outage of the subscription: every board held here merges what the store has. */
  async #catchUp(): Promise<void> {
    const { registry, log } = this.deps;
    log.info('board bus: reconnected; reading the boards held here again from the store');
    for (const board of [...registry.boards()]) {
      try {
        // A board loaded while Redis was away has no subscription yet (a second one changes nothing).
        await this.deps.sub.subscribe(this.#channel(board.id));
        const stored = await registry.storedDocument(board.id);
        if (registry.loaded(board.id) !== board) continue;
        const merged = Y.mergeUpdates([...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates]);
        registry.applyRemote(board, merged, stored.lastSeq, { name: 'store', role: 'server' });
      } catch (err) {
        log.error('board bus: could not catch a board up', { board: board.id, err });
      }
    }
  }
}
