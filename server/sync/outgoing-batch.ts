/**
 * The frames one flush relays to a board's peers, framed for the websocket once and shared by all of them.
 *
 * Every peer that did not write any of these updates gets the very same bytes in one socket write. Before
 * this, each peer cost one `ws.send` per update (a header allocation, a write request and a callback each);
 * under load that per-message work was most of the server's user-space time per delivery.
 */
import * as ws from 'ws';
import type { WebSocket } from 'ws';
import type { Socket } from 'node:net';

// ws's own framer, so the bytes are exactly what `ws.send(frame, { binary: true })` puts on the wire
// (tests/unit/outgoing-batch.test.ts proves it for the pinned ws). Server-to-client frames are never masked
// (RFC 6455 §5.1), which is what lets peers share one buffer. Both the static `Sender.frame` (undeclared in
// @types/ws) and the `_socket` field are ws internals: should a ws release drop either, batches fall back to
// one `ws.send` per frame — slower, the same on the wire.
type Framer = (data: Buffer, options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean }) => Buffer[];
const frameFn = (ws as unknown as { Sender?: { frame?: unknown } }).Sender?.frame;
const framer: Framer | null = typeof frameFn === 'function' ? (frameFn as Framer).bind((ws as unknown as { Sender: unknown }).Sender) : null;
const BINARY = 0x2;

export class OutgoingBatch {
  #wire: Buffer | null = null;

  /** `frames`: encoded y-websocket messages, in the order they must arrive. */
  constructor(readonly frames: readonly Uint8Array[]) {}

  /** Whether this ws exposes the internals a shared write needs; false means one `ws.send` per frame. */
  static readonly shared = framer !== null;

  /** The frames as consecutive websocket binary messages, built on first use (needs ws's framer). */
  get wire(): Buffer {
    if (!framer) throw new Error('ws does not expose its framer');
    if (!this.#wire) {
      const parts: Buffer[] = [];
      for (const f of this.frames) {
        const data = Buffer.from(f.buffer, f.byteOffset, f.byteLength);
        parts.push(...framer(data, { fin: true, rsv1: false, opcode: BINARY, mask: false, readOnly: true }));
      }
      this.#wire = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    }
    return this.#wire;
  }

  /**
   * Writes the bytes straight to the websocket's TCP socket (ws keeps it as `_socket`, a long-standing if
   * private field). Safe beside ws's own sends: without permessage-deflate ws writes each message to the
   * socket at once and queues nothing, so both share one ordered stream, and `bufferedAmount` counts both.
   * Returns false when the socket can no longer be written.
   */
  writeTo(socket: WebSocket): boolean {
    const tcp = (socket as unknown as { _socket?: Socket })._socket;
    if (!framer || tcp === undefined) {
      if (socket.readyState !== socket.OPEN) return false;
      for (const f of this.frames) socket.send(f, { binary: true });
      return true;
    }
    if (!tcp?.writable) return false;
    tcp.write(this.wire);
    return true;
  }

  /** Whether what was written to the websocket's TCP socket has all left (or the socket is gone). */
  static drained(socket: WebSocket): boolean {
    const tcp = (socket as unknown as { _socket?: Socket })._socket;
    return !tcp || tcp.destroyed || tcp.writableLength === 0;
  }
}
