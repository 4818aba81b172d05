/**
 * Load-generator clients.
 * - `Sink`: a cheap client at the byte level. It opens the socket, sends sync step 1 with an empty state
 *   vector (after the auth frame for Hocuspocus), answers nothing, and counts update and awareness frames
 *   by looking at their first bytes. Most of a room is sinks, so the generator is not the bottleneck.
 * - `Probe`: holds a full Y.Doc. It writes entries `<probe>:<performance.now()>` to the Y.Array `bench` and,
 *   on receiving others' entries, records now − the time carried in the entry (same process, same monotonic
 *   clock), so latency is read from the content itself and needs no bookkeeping per update.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import crypto from 'node:crypto';
import net from 'node:net';
import type { Framing, Room } from './servers.js';

const SYNC = 0;
const AWARENESS = 1;
const AUTH = 2;
const SYNC_REPLY = 4; // Hocuspocus answers sync step 1 with this type
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;

/** Prefixes `body` with the document name for Hocuspocus; plain y-websocket frames are the body itself. */
export function frame(framing: Framing, docName: string, write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  if (framing === 'hocuspocus') encoding.writeVarString(e, docName);
  write(e);
  return encoding.toUint8Array(e);
}

/** Offset of the message type in a received frame (after Hocuspocus's doc-name prefix). */
function bodyOffset(framing: Framing, data: Uint8Array): number {
  if (framing === 'plain') return 0;
  // varUint length (short names: one byte, else decode) then the name's bytes
  let len = 0;
  let shift = 0;
  let i = 0;
  for (;;) {
    const b = data[i++];
    len |= (b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  return i + len;
}

const emptyStep1 = (e: encoding.Encoder) => {
  encoding.writeVarUint(e, SYNC);
  encoding.writeVarUint(e, STEP1);
  encoding.writeVarUint8Array(e, new Uint8Array([0]));
};

/**
 * What both client kinds share: a websocket client written on a raw TCP socket (handshake, frame parser,
 * masked sends, pong), frame counters and sync detection. Not the `ws` library: with hundreds of clients
 * in one process, its per-message events and buffers made the generator the bottleneck under load (its
 * delay showed up as the servers' latency). Here a TCP chunk holding many frames costs one 'data' event.
 */
export class BenchClient {
  socket: net.Socket | null = null;
  updates = 0;
  awareness = 0;
  synced = false;
  /** performance.now() when sync step 2 (the server's state) arrived. */
  syncedAt = 0;
  closed = false;
  #open = false;
  #rest: Buffer | null = null;
  #syncWaiters: (() => void)[] = [];

  constructor(
    readonly room: Room,
    readonly framing: Framing,
  ) {}

  /** Opens the socket and starts syncing; resolves when the handshake is done (use `whenSynced` for the state). */
  open(): Promise<void> {
    this.synced = false;
    this.closed = false;
    this.#open = false;
    this.#rest = null;
    const url = new URL(this.room.url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname);
      this.socket = socket;
      socket.setNoDelay(true);
      let head = Buffer.alloc(0);
      const fail = (err: Error) => {
        if (!this.#open) reject(err);
      };
      socket.once('connect', () => {
        const key = crypto.randomBytes(16).toString('base64');
        socket.write(
          `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      socket.on('data', (chunk: Buffer) => {
        if (this.#open) return this.#onData(chunk);
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!/^HTTP\/1\.1 101 /.test(status)) {
          socket.destroy();
          return fail(new Error(`handshake refused: ${status}`));
        }
        this.#open = true;
        if (this.framing === 'hocuspocus') {
          this.send(
            frame('hocuspocus', this.room.id, (e) => {
              encoding.writeVarUint(e, AUTH);
              encoding.writeVarUint(e, 0); // AuthMessageType.Token
              encoding.writeVarString(e, this.room.token);
            }),
          );
        }
        this.send(frame(this.framing, this.room.id, emptyStep1));
        resolve();
        if (head.length > end + 4) this.#onData(head.subarray(end + 4));
      });
      socket.on('error', fail);
      socket.on('close', () => {
        this.closed = true;
        fail(new Error('closed during the handshake'));
      });
    });
  }

  whenSynced(timeoutMs = 30_000): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`not synced within ${timeoutMs} ms (${this.room.id})`)), timeoutMs);
      this.#syncWaiters.push(() => (clearTimeout(t), resolve()));
    });
  }

  /** Splits the stream into websocket frames (server frames are never masked nor, from these servers, fragmented). */
  #onData(chunk: Buffer): void {
    const buf = this.#rest ? Buffer.concat([this.#rest, chunk]) : chunk;
    this.#rest = null;
    let at = 0;
    while (buf.length - at >= 2) {
      const opcode = buf[at] & 0x0f;
      let len = buf[at + 1] & 0x7f;
      let hdr = 2;
      if (len === 126) {
        if (buf.length - at < 4) break;
        len = buf.readUInt16BE(at + 2);
        hdr = 4;
      } else if (len === 127) {
        if (buf.length - at < 10) break;
        len = buf.readUInt32BE(at + 6);
        hdr = 10;
      }
      if (buf.length - at < hdr + len) break;
      const payload = buf.subarray(at + hdr, at + hdr + len);
      at += hdr + len;
      if (opcode === 0x2) this.onFrame(payload);
      else if (opcode === 0x9) this.#write(0xa, payload);
      else if (opcode === 0x8) {
        this.close();
        return;
      }
    }
    if (at < buf.length) this.#rest = Buffer.from(buf.subarray(at));
  }

  protected onFrame(data: Uint8Array): void {
    const off = bodyOffset(this.framing, data);
    const type = data[off];
    if (type === SYNC || type === SYNC_REPLY) {
      const step = data[off + 1];
      if (step === UPDATE) {
        this.updates++;
        this.onUpdate(data, off);
      } else if (step === STEP2) {
        this.onUpdate(data, off);
        if (!this.synced) {
          this.synced = true;
          this.syncedAt = performance.now();
          for (const w of this.#syncWaiters.splice(0)) w();
        }
      }
    } else if (type === AWARENESS) {
      this.awareness++;
      this.onAwareness(data, off);
    }
  }

  protected onUpdate(_data: Uint8Array, _off: number): void {}
  protected onAwareness(_data: Uint8Array, _off: number): void {}

  /** A client frame, masked as RFC 6455 requires (with a zero key, which leaves the payload as it is). */
  #write(opcode: number, payload: Uint8Array): void {
    const socket = this.socket;
    if (!this.#open || !socket || socket.destroyed) return;
    const n = payload.byteLength;
    const hdr = n < 126 ? 2 : n < 65536 ? 4 : 10;
    const out = Buffer.allocUnsafe(hdr + 4 + n);
    out[0] = 0x80 | opcode;
    if (hdr === 2) out[1] = 0x80 | n;
    else if (hdr === 4) {
      out[1] = 0x80 | 126;
      out.writeUInt16BE(n, 2);
    } else {
      out[1] = 0x80 | 127;
      out.writeUInt32BE(0, 2);
      out.writeUInt32BE(n, 6);
    }
    out.writeUInt32BE(0, hdr);
    out.set(payload, hdr + 4);
    socket.write(out);
  }

  send(buf: Uint8Array): void {
    this.#write(0x2, buf);
  }

  close(): void {
    this.#open = false;
    this.closed = true;
    this.socket?.destroy();
  }
}

/** A cheap byte-level client: counts frames, decodes nothing. */
export class Sink extends BenchClient {}

const REMOTE = Symbol('remote');

/** A client with a full Y.Doc that writes timestamped entries and measures how late others' entries arrive. */
export class Probe extends BenchClient {
  readonly doc = new Y.Doc();
  readonly arr = this.doc.getArray<string>('bench');
  /** Latencies (ms) of entries written at or after `recordFrom`. */
  latencies: number[] = [];
  /**
   * The same for entries written by a probe on another server instance (S9): a probe named `<name>@<instance>`
   * compares the instance part of the writer's name with its own.
   */
  crossLatencies: number[] = [];
  readonly #instance: string | null;
  recordFrom = Infinity;
  /** Entries seen from others (any time). */
  received = 0;

  constructor(
    room: Room,
    framing: Framing,
    readonly name: string,
  ) {
    super(room, framing);
    const at = name.lastIndexOf('@');
    this.#instance = at < 0 ? null : name.slice(at + 1);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      this.send(updateFrame(this.framing, this.room.id, update));
    });
  }

  /** Appends one timestamped entry (sent as one update). */
  write(): void {
    this.arr.push([`${this.name}:${performance.now()}`]);
  }

  /**
   * Reads the entries out of the update itself, then applies it. (An observer on the array would compute
   * each event's delta by walking the whole array: quadratic over a run, and it made the generator, not
   * the server, the bottleneck for servers that relay every update on its own.)
   */
  protected override onUpdate(data: Uint8Array, off: number): void {
    const now = performance.now();
    const d = decoding.createDecoder(data.subarray(off + 2));
    const update = decoding.readVarUint8Array(d);
    if (data[off + 1] === UPDATE) {
      for (const struct of Y.decodeUpdate(update).structs) {
        if (!(struct instanceof Y.Item)) continue;
        for (const entry of struct.content.getContent()) {
          if (typeof entry !== 'string') continue;
          const i = entry.indexOf(':');
          const writer = entry.slice(0, i);
          if (writer === this.name) continue; // an echo of our own entry (Hocuspocus sends them back)
          this.received++;
          const ts = Number(entry.slice(i + 1));
          if (ts < this.recordFrom) continue;
          this.latencies.push(now - ts);
          if (this.#instance !== null && writer.slice(writer.lastIndexOf('@') + 1) !== this.#instance) this.crossLatencies.push(now - ts);
        }
      }
    }
    Y.applyUpdate(this.doc, update, REMOTE);
  }

  override close(): void {
    super.close();
    this.doc.destroy();
  }
}

/** A sync-update frame carrying `update`. */
export function updateFrame(framing: Framing, docName: string, update: Uint8Array): Uint8Array {
  return frame(framing, docName, (e) => {
    encoding.writeVarUint(e, SYNC);
    encoding.writeVarUint(e, UPDATE);
    encoding.writeVarUint8Array(e, update);
  });
}

/** Encodes an awareness frame for one client id by hand (no Awareness instance needed in a sink). */
export function awarenessFrame(framing: Framing, docName: string, clientId: number, clock: number, state: unknown): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 1);
  encoding.writeVarUint(inner, clientId);
  encoding.writeVarUint(inner, clock);
  encoding.writeVarString(inner, JSON.stringify(state));
  const payload = encoding.toUint8Array(inner);
  return frame(framing, docName, (e) => {
    encoding.writeVarUint(e, AWARENESS);
    encoding.writeVarUint8Array(e, payload);
  });
}

/** Reads the timestamps (`t` fields) out of an awareness frame's states. */
export function awarenessTimes(data: Uint8Array, off: number): number[] {
  const d = decoding.createDecoder(data.subarray(off + 1));
  const inner = decoding.createDecoder(decoding.readVarUint8Array(d));
  const n = decoding.readVarUint(inner);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    decoding.readVarUint(inner);
    decoding.readVarUint(inner);
    const json = decoding.readVarString(inner);
    if (json !== 'null') {
      const t = (JSON.parse(json) as { t?: number }).t;
      if (typeof t === 'number') out.push(t);
    }
  }
  return out;
}

/** Opens `clients` with at most `concurrency` handshakes in flight and waits until all are synced. */
export async function openAll(clients: BenchClient[], concurrency = 64, timeoutMs = 60_000): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < clients.length) {
      const c = clients[next++];
      await c.open();
      await c.whenSynced(timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, clients.length) }, worker));
}
