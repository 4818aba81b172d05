import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import WebSocket from 'ws';
import { CloseCode } from '../../shared/errors.js';
import type { Actor, BoardRegistry, ConnectionOrigin, LoadedBoard } from './board-registry.js';
import type { BoardPeer, BoardRoom } from './board-room.js';
import { PresenceState } from '../../shared/presence.js';
import type { OutgoingBatch } from './outgoing-batch.js';
import { MessageType, SyncStep, encodeAwareness, encodeSyncStep1, encodeSyncStep2 } from './protocol.js';
import type { Logger } from '../log.js';
import { RateLimiter } from '../limits/rate-limit.js';
import type { Admitted } from './presence-gate.js';
import type { Role } from '../../shared/roles.js';
import { checkUpdate, type SizeLimits } from './update-guard.js';

/** A peer whose unsent backlog exceeds this is too slow to keep up and is dropped (it will resync). */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Per client id, the higher clock: a client holding both states holds each client's longer prefix. */
function mergeStateVectors(a: Map<number, number>, b: Map<number, number>): Map<number, number> {
  const out = new Map(a);
  for (const [client, clock] of b) if ((out.get(client) ?? 0) < clock) out.set(client, clock);
  return out;
}

/** Raised for a frame that breaks the protocol; closes only the connection that sent it. */
export class ProtocolError extends Error {}

/**
 * One websocket on one board: decodes frames, hands each message type to its handler, and relays nothing
 * itself (the registry relays after storing). Any error in a frame closes this connection alone.
 */
export class SyncConnection implements BoardPeer, ConnectionOrigin {
  readonly kind = 'connection' as const;
  /**
   * Awareness client ids this connection owns (see `PresenceGate`): only it may publish them, and their
   * presence is removed when it goes.
   */
  readonly awarenessClients = new Set<number>();
  alive = true;
  #closed = false;
  /** Cursor moves and typing at 20 Hz fit easily; a flood does not. */
  readonly #awarenessLimit = new RateLimiter({ burst: 60, perSecond: 30, strikes: 600 });

  constructor(
    readonly ws: WebSocket,
    readonly board: LoadedBoard,
    private readonly room: BoardRoom,
    private readonly registry: BoardRegistry,
    private readonly log: Logger,
    readonly role: Role,
    /** Whether this connection may change the document (viewers may not; their updates are dropped). */
    readonly canWrite = true,
    /** The stored state was sent to this client while the board loaded (see the endpoint's cold path). */
    readonly servedStored = false,
    /** The board's size limits, checked before an update is applied. */
    private readonly limits: SizeLimits = { maxBytes: Infinity, maxItems: Infinity },
  ) {}

  /**
   * Who this connection's changes are by (the change origin's actor): the first name its presence published,
   * with the role its link gave it.
   */
  get actor(): Actor {
    for (const client of this.awarenessClients) {
      const state = PresenceState.safeParse(this.board.awareness.getStates().get(client));
      const name = state.success ? state.data.user.name.trim() : '';
      if (name) return { name, role: this.role };
    }
    return { name: 'unknown', role: this.role };
  }

  start(): void {
    this.room.peers.add(this);
    this.send(encodeSyncStep1(this.board.doc));
    const states = [...this.board.awareness.getStates().keys()];
    if (states.length) this.send(encodeAwareness(this.board.awareness, states));
  }

  send(frame: Uint8Array): void {
    if (!this.#mayWrite()) return;
    this.ws.send(frame, (err) => err && this.close(1011, 'send failed'));
  }

  /** Sends a batch shared with the board's other peers, in one socket write (see `OutgoingBatch.writeTo`). */
  sendBatch(batch: OutgoingBatch): void {
    if (this.#mayWrite()) batch.writeTo(this.ws);
  }

  /** Open, and not too far behind: a peer whose backlog is too large is dropped (it will resync). */
  #mayWrite(): boolean {
    if (this.#closed || this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.ws.bufferedAmount <= MAX_BUFFERED_BYTES) return true;
    this.close(1013, 'too slow to keep up; reconnect');
    return false;
  }

  /** Handles one frame. Never throws: a bad frame closes this connection with a reason. */
  handle(data: Uint8Array): void {
    if (this.#closed) return;
    try {
      this.#dispatch(data);
    } catch (err) {
      this.log.info('closing connection after an invalid message', { board: this.board.id, err });
      this.close(CloseCode.InvalidMessage, err instanceof ProtocolError ? err.message : 'invalid message');
    }
  }

  #dispatch(data: Uint8Array): void {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.Sync:
        return this.#onSync(decoder);
      case MessageType.Awareness:
        return this.#onAwareness(decoding.readVarUint8Array(decoder));
      case MessageType.QueryAwareness: {
        const clients = [...this.board.awareness.getStates().keys()];
        if (clients.length) this.send(encodeAwareness(this.board.awareness, clients));
        return;
      }
      case MessageType.Auth:
        return; // permissions are decided at connect time; nothing to do with a client's auth frame
      default:
        throw new ProtocolError(`unknown message type ${type}`);
    }
  }

  #onSync(decoder: decoding.Decoder): void {
    const step = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    switch (step) {
      case SyncStep.Step1: {
        const theirs = Y.decodeStateVector(payload); // throws on a malformed state vector
        // A client served the stored state at load has all of it besides its own: send only what is newer.
        const known = this.servedStored ? Y.encodeStateVector(mergeStateVectors(theirs, this.board.storedStateVector)) : payload;
        // Answer only with stored state: wait until changes applied but not yet stored are on disk.
        const reply = () => this.send(encodeSyncStep2(this.board.doc, known));
        if (this.registry.isIdle(this.board)) reply();
        // If the store is failing, send nothing unsaved: close and let the client retry later.
        else this.registry.persisted(this.board).then(reply, () => this.close(CloseCode.TryAgainLater, 'the server cannot save right now; retrying'));
        return;
      }
      case SyncStep.Step2:
      case SyncStep.Update: {
        if (!this.canWrite) return;
        // Decoded and checked whole first: a malformed update, or one that would put into the board what it
        // may not hold, is refused before it can touch the document (so it is never stored or relayed).
        let verdict: ReturnType<typeof checkUpdate>;
        try {
          verdict = checkUpdate(this.board.doc, payload, this.board, this.limits, { answers: this.role === 'facilitator' });
        } catch {
          throw new ProtocolError('update could not be decoded');
        }
        if (!verdict.ok) {
          this.log.info('update refused', { board: this.board.id, reason: verdict.reason });
          this.close(verdict.kind === 'full' ? CloseCode.BoardFull : CloseCode.InvalidContent, verdict.reason);
          return;
        }
        this.board.items += verdict.newItems;
        Y.applyUpdate(this.board.doc, payload, this);
        return;
      }
      default:
        throw new ProtocolError(`unknown sync step ${step}`);
    }
  }

  #onAwareness(update: Uint8Array): void {
    // Presence is lossy by nature: past the limit an update is dropped (the next one carries the latest
    // state); a client that keeps flooding is disconnected so it cannot drown the others.
    const verdict = this.#awarenessLimit.take();
    if (verdict === 'disconnect') throw new ProtocolError('too many presence updates');
    if (verdict === 'refuse') return;
    // Only what this connection may publish goes on (see PresenceGate); a frame that cannot be decoded
    // closes it, like any other.
    let admitted: Admitted | null;
    try {
      admitted = this.board.presence.admit(this, update);
    } catch {
      throw new ProtocolError('presence update could not be decoded');
    }
    if (!admitted) return;
    const awareness = this.board.awareness;
    const unknown = admitted.clients.filter((id) => !awareness.meta.has(id));
    awarenessProtocol.applyAwarenessUpdate(awareness, admitted.update, this);
    this.board.presence.settle(this, admitted.clients, (id) => awareness.states.has(id));
    // The relay forgets a client's clock once its removal is out. A removal arriving after that (sent twice)
    // would store a clock without any event to clean it up: forget it again here.
    for (const id of unknown) if (!awareness.states.has(id)) awareness.meta.delete(id);
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.room.peers.delete(this);
    this.board.presence.release(this);
    if (this.awarenessClients.size) {
      awarenessProtocol.removeAwarenessStates(this.board.awareness, [...this.awarenessClients], null);
    }
    this.registry.release(this.board);
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  /** The socket closed from the other side. */
  dispose(): void {
    this.close(1000, 'closed');
  }
}
