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
import WebSocket from 'ws';
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

export interface ClientOptions {
  /** Called with each message so a scenario can add its own checks (rarely needed). */
  onAwareness?: (payload: Uint8Array) => void;
}

/** What both client kinds share: the socket, the opening handshake, frame counters, sync detection. */
export class BenchClient {
  ws!: WebSocket;
  updates = 0;
  awareness = 0;
  synced = false;
  /** performance.now() when sync step 2 (the server's state) arrived. */
  syncedAt = 0;
  closed = false;
  #syncWaiters: (() => void)[] = [];

  constructor(
    readonly room: Room,
    readonly framing: Framing,
  ) {}

  /** Opens the socket and starts syncing; resolves when open (use `whenSynced` for the state). */
  open(): Promise<void> {
    this.synced = false;
    this.closed = false;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.room.url, { perMessageDeflate: false, skipUTF8Validation: true });
      this.ws = ws;
      ws.binaryType = 'nodebuffer';
      ws.on('open', () => {
        if (this.framing === 'hocuspocus') {
          ws.send(
            frame('hocuspocus', this.room.id, (e) => {
              encoding.writeVarUint(e, AUTH);
              encoding.writeVarUint(e, 0); // AuthMessageType.Token
              encoding.writeVarString(e, this.room.token);
            }),
          );
        }
        ws.send(frame(this.framing, this.room.id, emptyStep1));
        resolve();
      });
      ws.on('message', (data: Buffer) => this.onFrame(data));
      ws.on('error', (err) => {
        if (!this.synced) reject(err);
      });
      ws.on('close', () => (this.closed = true));
    });
  }

  whenSynced(timeoutMs = 30_000): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`not synced within ${timeoutMs} ms (${this.room.id})`)), timeoutMs);
      this.#syncWaiters.push(() => (clearTimeout(t), resolve()));
    });
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

  send(buf: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(buf);
  }

  close(): void {
    this.ws?.terminate();
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
  recordFrom = Infinity;
  /** Entries seen from others (any time). */
  received = 0;

  constructor(
    room: Room,
    framing: Framing,
    readonly name: string,
  ) {
    super(room, framing);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      this.send(
        frame(this.framing, this.room.id, (e) => {
          encoding.writeVarUint(e, SYNC);
          encoding.writeVarUint(e, UPDATE);
          encoding.writeVarUint8Array(e, update);
        }),
      );
    });
    this.arr.observe((ev) => {
      if (ev.transaction.origin !== REMOTE) return;
      const now = performance.now();
      for (const d of ev.changes.delta) {
        if (!d.insert) continue;
        for (const s of d.insert as string[]) {
          const i = s.indexOf(':');
          if (s.slice(0, i) === this.name) continue; // an echo of our own entry (Hocuspocus sends them back)
          this.received++;
          const ts = Number(s.slice(i + 1));
          if (ts >= this.recordFrom) this.latencies.push(now - ts);
        }
      }
    });
  }

  /** Appends one timestamped entry (sent as one update). */
  write(): void {
    this.arr.push([`${this.name}:${performance.now()}`]);
  }

  protected override onUpdate(data: Uint8Array, off: number): void {
    const d = decoding.createDecoder(data.subarray(off + 2));
    Y.applyUpdate(this.doc, decoding.readVarUint8Array(d), REMOTE);
  }

  override close(): void {
    super.close();
    this.doc.destroy();
  }
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
