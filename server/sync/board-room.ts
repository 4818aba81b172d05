/**
 * The websocket side of one loaded board: its connections, and the relay of what the registry has stored.
 * Attached to each board by the sync endpoint (a registry extension), so the registry never knows framing.
 */
import { CloseCode } from '../../shared/errors.js';
import type { BoardAttachment, LoadedBoard, StoredChange } from './board-registry.js';
import { OutgoingBatch } from './outgoing-batch.js';
import { encodeAwareness, encodeUpdate } from './protocol.js';

/** What the room needs of a connection (implemented by SyncConnection). */
export interface BoardPeer {
  /** Sends an encoded frame; never throws. */
  send(frame: Uint8Array): void;
  /** Sends a batch's frames, in order, in one write; the batch is shared with other peers. Never throws. */
  sendBatch(batch: OutgoingBatch): void;
  close(code: number, reason: string): void;
}

export class BoardRoom implements BoardAttachment {
  /** Connections that receive this board's updates. */
  readonly peers = new Set<BoardPeer>();
  readonly #stopAwareness: () => void;

  constructor(readonly board: LoadedBoard) {
    this.#stopAwareness = this.#relayAwareness();
  }

  /** Sends a frame to every peer but `except`. */
  broadcast(frame: Uint8Array, except?: BoardPeer): void {
    for (const peer of this.peers) if (peer !== except) peer.send(frame);
  }

  /**
   * Relays one commit's updates: each encoded once, and every peer gets all of them in one write, except the
   * updates it sent itself. Peers that wrote none of them (nearly all) share one batch.
   */
  stored(changes: readonly StoredChange[]): void {
    if (this.peers.size === 0) return;
    const frames = changes.map((c) => encodeUpdate(c.update));
    const writers = new Set<unknown>();
    for (const c of changes) if (this.peers.has(c.origin as BoardPeer)) writers.add(c.origin);
    const shared = new OutgoingBatch(frames);
    for (const peer of this.peers) {
      if (!writers.has(peer)) {
        peer.sendBatch(shared);
        continue;
      }
      const own = frames.filter((_, i) => changes[i].origin !== peer);
      if (own.length) peer.sendBatch(new OutgoingBatch(own));
    }
  }

  /**
   * Refuse rather than pretend: the clients' edits stay on their devices and are sent again when they reconnect,
   * by which time the store may have recovered.
   */
  storeFailed(): void {
    for (const peer of [...this.peers]) peer.close(CloseCode.TryAgainLater, 'the server cannot save right now; retrying');
  }

  detach(reason: 'unloaded' | 'deleted'): void {
    this.#stopAwareness();
    if (reason === 'deleted') for (const peer of [...this.peers]) peer.close(CloseCode.BoardDeleted, 'board deleted');
  }

  /**
   * Relays awareness changes, merged per event-loop turn: every client changed in one turn goes out in one frame
   * with its latest state, encoded once for all peers. With 100 people moving cursors at 20 Hz this sends one
   * frame per turn to each peer instead of one per cursor move.
   */
  #relayAwareness(): () => void {
    const { awareness } = this.board;
    let changed: Set<number> | null = null;
    const flush = () => {
      if (!changed) return;
      const meta = awareness.meta;
      // A client's meta (its clock) is kept after removal; none is left once the board is unloaded.
      const clients = [...changed].filter((id) => meta.has(id));
      changed = null;
      if (clients.length && this.peers.size) this.broadcast(encodeAwareness(awareness, clients));
      // y-protocols keeps the clock of every client it ever saw; once a removal has gone out, drop it, or a
      // board open all day grows by every tab that came and went. A returning client starts over at clock 0.
      for (const id of clients) if (!awareness.states.has(id)) meta.delete(id);
    };
    const onUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
      // Which connection owns which client id is the board's PresenceGate's to say, not this relay's.
      if (!added.length && !updated.length && !removed.length) return;
      if (!changed) {
        changed = new Set();
        setImmediate(flush);
      }
      for (const id of added) changed.add(id);
      for (const id of updated) changed.add(id);
      for (const id of removed) changed.add(id);
    };
    awareness.on('update', onUpdate);
    return () => awareness.off('update', onUpdate);
  }
}
