/**
 * The `/yjs/<boardId>` websocket endpoint (y-websocket protocol). Upgrades are routed here by the HTTP
 * server; anything else under `/yjs` is refused at the handshake.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { CloseCode } from '../../shared/errors.js';
import { canEdit, type Role } from '../../shared/roles.js';
import type { AccessControl } from '../auth/access.js';
import type { BoardExtension, BoardRegistry, LoadedBoard } from './board-registry.js';
import { BoardRoom } from './board-room.js';
import { SyncConnection } from './sync-connection.js';
import { MessageType, SyncStep, encodeStoredStep2, encodeUpdate } from './protocol.js';
import { OutgoingBatch } from './outgoing-batch.js';
import type { StoredDocument } from '../store/store.js';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import type { Logger } from '../log.js';
import { SYNC_PATH } from '../../shared/urls.js';

export interface SyncEndpointOptions {
  maxMessageBytes: number;
  heartbeatMs: number;
  /** Largest board, bytes as stored; an update that would pass it is refused (4413). */
  maxBoardBytes?: number;
  /** Most Yjs items in a board; likewise. */
  maxBoardItems?: number;
}

/** A connection waiting for its board to load. */
interface Waiting {
  ws: WebSocket;
  role: Role;
  early: Uint8Array[];
  /** Sent the stored state while the board loaded. */
  served: boolean;
}

/** Longest wait for the stored state to leave before integrating it (a slow client does not hold the load). */
const STORED_DRAIN_MS = 1000;

/** Whether a client's early frames include a sync step 1 with a non-empty state vector. */
function holdsState(early: Uint8Array[]): boolean {
  for (const frame of early) {
    try {
      const d = decoding.createDecoder(frame);
      if (decoding.readVarUint(d) !== MessageType.Sync || decoding.readVarUint(d) !== SyncStep.Step1) continue;
      return Y.decodeStateVector(decoding.readVarUint8Array(d)).size > 0;
    } catch {
      return false; // the connection will reject it once it handles the frame
    }
  }
  return false;
}

/**
 * Also the registry extension that gives each loaded board its `BoardRoom` (connections and relay); the
 * composition root registers it first, so peers hear of a stored change before anything derived from it.
 */
export class SyncEndpoint implements BoardExtension<BoardRoom> {
  readonly name = 'sync';
  readonly #wss: WebSocketServer;
  readonly #waiting = new Map<string, Set<Waiting>>();
  readonly #connections = new Map<WebSocket, SyncConnection | null>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(
    private readonly registry: BoardRegistry,
    private readonly access: AccessControl,
    private readonly opts: SyncEndpointOptions,
    private readonly log: Logger,
  ) {
    // maxPayload makes ws close an over-size frame's connection with 1009 before buffering it whole.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes, perMessageDeflate: false });
    this.#heartbeat = setInterval(() => this.#ping(), opts.heartbeatMs);
    this.#heartbeat.unref();
  }

  attach(board: LoadedBoard): BoardRoom {
    return new BoardRoom(board);
  }

  storedRead(boardId: string, stored: StoredDocument): Promise<void> {
    return this.#serveStored(boardId, stored);
  }

  /** Connections on a loaded board. */
  peerCount(boardId: string): number {
    return this.registry.loaded(boardId)?.attachment(this)?.peers.size ?? 0;
  }

  /** Takes the upgrade if its path is ours; returns false to let another endpoint have it. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== SYNC_PATH && !url.pathname.startsWith(SYNC_PATH + '/')) return false;
    let boardId = '';
    try {
      boardId = decodeURIComponent(url.pathname.slice(SYNC_PATH.length + 1));
    } catch {
      // a malformed escape is just an unknown board
    }
    socket.on('error', () => socket.destroy());
    // Access is decided before the socket is accepted. A refusal is still sent as a close code after the
    // handshake, because a browser cannot read the status of a refused handshake and could not say why.
    this.access.check(boardId, url.searchParams.get('token') ?? undefined).then(
      (result) => {
        if (socket.destroyed) return;
        this.#wss.handleUpgrade(req, socket, head, (ws) => {
          if (result.ok) return this.#accept(ws, result.boardId, result.role);
          const code = result.status === 404 ? CloseCode.BoardNotFound : result.status === 401 ? CloseCode.Unauthorized : CloseCode.Forbidden;
          ws.close(code, result.error.message);
        });
      },
      (err) => {
        this.log.error('access check failed', { err });
        socket.destroy();
      },
    );
    return true;
  }

  #accept(ws: WebSocket, boardId: string, role: Role): void {
    // Frames that arrive while the board loads are kept, in order, and handled once it is ready.
    const early: Uint8Array[] = [];
    const waiting: Waiting = { ws, role, early, served: false };
    let waitingFor = this.#waiting.get(boardId);
    if (!waitingFor) this.#waiting.set(boardId, (waitingFor = new Set()));
    waitingFor.add(waiting);
    const stopWaiting = () => {
      waitingFor.delete(waiting);
      if (waitingFor.size === 0 && this.#waiting.get(boardId) === waitingFor) this.#waiting.delete(boardId);
    };
    this.#connections.set(ws, null);
    let conn: SyncConnection | null = null;
    let open = true;
    ws.on('pong', () => {
      if (conn) conn.alive = true;
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) {
        ws.close(CloseCode.InvalidMessage, 'binary y-websocket frames only');
        return;
      }
      const frame = toUint8Array(data);
      if (conn) conn.handle(frame);
      else early.push(frame);
    });
    ws.on('error', (err) => this.log.info('websocket error', { board: boardId, err }));
    ws.on('close', () => {
      this.#connections.delete(ws);
      conn?.dispose();
      open = false;
    });

    this.registry.acquire(boardId).then(
      (board: LoadedBoard | null) => {
        stopWaiting();
        if (!board) return ws.close(CloseCode.BoardNotFound, 'board not found');
        if (!open || ws.readyState !== ws.OPEN) return this.registry.release(board);
        const room = board.attachment(this);
        if (!room) {
          this.registry.release(board);
          return ws.close(1011, 'board could not be loaded');
        }
        conn = new SyncConnection(ws, board, room, this.registry, this.log, role, canEdit(role), waiting.served, {
          maxBytes: this.opts.maxBoardBytes ?? Infinity,
          maxItems: this.opts.maxBoardItems ?? Infinity,
        });
        this.#connections.set(ws, conn);
        conn.start();
        for (const frame of early.splice(0)) conn.handle(frame);
      },
      (err: unknown) => {
        stopWaiting();
        this.log.error('could not load board', { board: boardId, err });
        ws.close(1011, 'board could not be loaded');
      },
    );
  }

  /**
   * The cold path: integrating a large board's stored state into a Y.Doc takes far longer than sending it
   * (a 10,000-card board: ~400 ms against a few ms), so the clients waiting for the board get the stored
   * state before the server integrates it, and the server waits (at most STORED_DRAIN_MS) until those writes
   * have left before it blocks on integrating. The log's updates go first and the snapshot LAST, as the sync
   * step 2: a stock y-websocket client marks itself synced on step 2 and emits `sync`, so code reading the
   * document then must find every stored entry, not the snapshot alone. The client's Yjs keeps updates that
   * arrive before what they build on as pending and integrates them when the snapshot lands, within the same
   * step. (Merging snapshot and log into one update on the server costs ~380 ms for a 10,000-card board.)
   * The stored state is all there is: nothing of a board that is not loaded waits to be stored. A client
   * whose first frame says it already holds state (an offline copy) is left to the normal diff.
   */
  async #serveStored(boardId: string, stored: StoredDocument): Promise<void> {
    const waiting = [...(this.#waiting.get(boardId) ?? [])].filter((w) => w.ws.readyState === w.ws.OPEN && !holdsState(w.early));
    if (waiting.length === 0 || (!stored.snapshot && stored.updates.length === 0)) return;
    const parts = stored.snapshot ? [...stored.updates, stored.snapshot] : stored.updates;
    const last = parts.length - 1;
    const batch = new OutgoingBatch(parts.map((u, i) => (i === last ? encodeStoredStep2(u) : encodeUpdate(u))));
    const served: WebSocket[] = [];
    for (const w of waiting) {
      if (!batch.writeTo(w.ws)) continue;
      w.served = true;
      served.push(w.ws);
    }
    const deadline = Date.now() + STORED_DRAIN_MS;
    while (!served.every(OutgoingBatch.drained) && Date.now() < deadline) {
      await new Promise<void>((r) => setTimeout(r, 2));
    }
  }

  #ping(): void {
    for (const [ws, conn] of this.#connections) {
      if (conn && !conn.alive) {
        ws.terminate();
        continue;
      }
      if (conn) conn.alive = false;
      ws.ping();
    }
  }

  /** Closes the connections of a board that came in with `role` (their link was replaced). */
  closeRole(boardId: string, role: Role, code: number, reason: string): void {
    for (const conn of this.#connections.values()) if (conn?.board.id === boardId && conn.role === role) conn.close(code, reason);
    for (const w of this.#waiting.get(boardId) ?? []) if (w.role === role) w.ws.close(code, reason);
  }

  /** Closes every connection of a board (it was deleted), those still waiting for it to load included. */
  closeBoard(boardId: string, code: number, reason: string): void {
    for (const conn of this.#connections.values()) if (conn?.board.id === boardId) conn.close(code, reason);
    for (const w of this.#waiting.get(boardId) ?? []) w.ws.close(code, reason);
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Closes every connection; the registry persists what they sent. */
  close(): void {
    clearInterval(this.#heartbeat);
    for (const [ws, conn] of this.#connections) {
      if (conn) conn.close(CloseCode.ServerShuttingDown, 'server shutting down');
      else ws.close(CloseCode.ServerShuttingDown, 'server shutting down');
    }
    this.#wss.close();
  }
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
