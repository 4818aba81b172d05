/** The benchmark's scenarios (S3–S7; S1/S2 are built on `roomLoad` in run.ts). Each is bounded in time. */
import * as Y from 'yjs';
import { io as ioClient, type Socket } from 'socket.io-client';
import { Probe, Sink, openAll, awarenessFrame, awarenessTimes, updateFrame, BenchClient } from './wire.js';
import { cpuSeconds, rssBytes } from './proc.js';
import { percentiles, type Percentiles } from './stats.js';
import { sleep, startServer, type RunningServer, type Room, type Framing } from './servers.js';
import { addDecision, createCards, type NewCard } from '../../shared/board-schema.js';
import { SqliteStore } from '../../server/store/sqlite-store.js';

const KiB = 1024;

/** Writes `count` cards from a probe in transactions of `batch` and waits until the server has them all. */
async function seedCards(probe: Probe, count: number, batch = 500): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += batch) {
    const cards: NewCard[] = [];
    for (let k = i; k < Math.min(count, i + batch); k++) {
      const col = k % 3;
      cards.push(
        col === 0
          ? { column: 'agenda', title: `Agenda item ${k}`, notes: 'Some notes about this agenda item.' }
          : col === 1
            ? { column: 'needs', asker: 'Ana', addressee: 'Bo', what: `Need number ${k}: a review of the plan` }
            : { column: 'challenges', problem: `Challenge ${k}: the build is slow on CI` },
      );
    }
    ids.push(...createCards(probe.doc, cards, { createdBy: 'bench' }));
    await sleep(5);
  }
  return ids;
}

/** Waits until a fresh client of `room` syncs a doc with `cards` cards (the server holds the seed). */
async function waitServerHas(room: Room, framing: Framing, cards: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = new Probe(room, framing, 'check');
    await p.open();
    await p.whenSynced();
    const n = p.doc.getMap('cards').size;
    p.close();
    if (n >= cards) return;
    if (Date.now() > deadline) throw new Error(`server has ${n}/${cards} cards`);
    await sleep(200);
  }
}

// ---- S3: idle memory -----------------------------------------------------------------------------------

export interface IdleResult {
  boards: number;
  perBoardKiB: number;
  perParticipantKiB: number;
  baseRssMiB: number;
  finalRssMiB: number;
  socketIo: boolean;
  /** Meshboard: ms from the last participant leaving until every board was unloaded, and RSS then. */
  unloadedAfterMs?: number;
  rssAfterUnloadMiB?: number;
  /** Meshboard: boards whose one edit is in their stored snapshot after unloading (should be all). */
  persistedBoards?: number;
}

/**
 * Loads `boards` rooms with one client each (RSS → per board), then adds two more clients per room
 * (RSS → per participant). For Meshboard every participant also holds a socket.io `/meeting` connection.
 */
export async function idleMemory(server: RunningServer, boards: number): Promise<IdleResult> {
  const settle = async () => {
    await sleep(boards >= 500 ? 1500 : 600);
    return rssBytes(server.pid);
  };
  const base = await settle();
  const rooms: Room[] = [];
  for (let i = 0; i < boards; i++) rooms.push(await server.createRoom(server.kind === 'meshboard' ? `idle ${i}` : undefined));
  const after0 = await settle(); // board rows exist (Meshboard) but nothing is loaded
  const clients: BenchClient[] = [];
  const sockets: Socket[] = [];
  const join = async (round: number) => {
    const batch = rooms.map((r) => new Sink(r, server.framing));
    clients.push(...batch);
    await openAll(batch, 64);
    if (server.kind === 'meshboard') {
      for (let i = 0; i < rooms.length; i += 50) {
        await Promise.all(rooms.slice(i, i + 50).map((r, k) => meetingSocket(server, r, `bench-${round}-${i + k}`).then((s) => sockets.push(s))));
      }
    }
  };
  try {
    await join(0);
    const one = await settle();
    await join(1);
    await join(2);
    const three = await settle();
    const perParticipant = (three - one) / (2 * boards);
    const perBoard = (one - after0) / boards - perParticipant;
    const result: IdleResult = {
      boards,
      perBoardKiB: Math.round((perBoard / KiB) * 10) / 10,
      perParticipantKiB: Math.round((perParticipant / KiB) * 10) / 10,
      baseRssMiB: Math.round(base / 2 ** 20),
      finalRssMiB: Math.round(three / 2 ** 20),
      socketIo: server.kind === 'meshboard',
    };
    if (server.kind === 'meshboard') {
      // Each board gets one small edit (after the idle measurement), so that unloading has something to persist.
      clients.slice(0, boards).forEach((c, i) => c.send(updateFrame(server.framing, c.room.id, oneEdit(i))));
      await sleep(500);
      for (const c of clients.splice(0)) c.close();
      for (const s of sockets.splice(0)) s.disconnect();
      const left = performance.now();
      for (;;) {
        const health = (await (await fetch(`${server.base}/api/health`)).json()) as { boardsLoaded: number };
        if (health.boardsLoaded === 0) break;
        if (performance.now() - left > 60_000) throw new Error(`${health.boardsLoaded} boards still loaded after 60 s`);
        await sleep(100);
      }
      result.unloadedAfterMs = Math.round(performance.now() - left);
      result.rssAfterUnloadMiB = Math.round((await settle()) / 2 ** 20);
      result.persistedBoards = await persistedEdits(server.dataDir, rooms);
    }
    return result;
  } finally {
    for (const c of clients) c.close();
    for (const s of sockets) s.disconnect();
    await sleep(300);
  }
}

/** A one-key edit (a distinct value per board), encoded as a Yjs update. */
function oneEdit(i: number): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('bench').set('idle', i);
  return Y.encodeStateAsUpdate(doc);
}

/** A board's document as Meshboard stores it: snapshot, then the log after it. */
async function storedDoc(store: SqliteStore, boardId: string): Promise<Y.Doc> {
  const stored = await store.loadDocument(boardId);
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u);
  return doc;
}

/** Counts the boards whose stored document, read back through Meshboard's own store, holds their edit. */
async function persistedEdits(dataDir: string, rooms: Room[]): Promise<number> {
  const store = new SqliteStore(dataDir);
  try {
    let n = 0;
    for (const room of rooms) {
      const doc = await storedDoc(store, room.id);
      if (doc.getMap('bench').has('idle')) n++;
      doc.destroy();
    }
    return n;
  } finally {
    await store.close();
  }
}

function meetingSocket(server: RunningServer, room: Room, participantId: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = ioClient(`${server.base}/meeting`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { boardId: room.id, token: room.token, participantId, name: 'Bench', color: '#336699' },
    });
    const t = setTimeout(() => reject(new Error('socket.io connect timeout')), 20_000);
    s.once('connect', () => (clearTimeout(t), resolve(s)));
    s.once('connect_error', (err) => (clearTimeout(t), reject(err)));
  });
}

// ---- S4: cold load -------------------------------------------------------------------------------------

export interface ColdResult {
  cards: number;
  tail: number;
  /** ms from opening the socket to the server's full state arriving, per repetition. */
  firstSyncMs: number[];
  /** Size of the first sync step 2 frame? (doc state bytes) */
  docBytes: number;
  persistence: string;
}

/**
 * Seeds a `cards`-card board through a client, stops the server, and measures a fresh server's first sync.
 * Meshboard: after the graceful stop (one snapshot) a `tail` of small updates is appended through its own
 * SqliteStore, so the load replays snapshot + log. Hocuspocus: its SQLite extension stores whole documents
 * (no log), so its load is one snapshot. y-websocket keeps nothing: measured warm (doc in memory).
 */
export async function coldLoad(kind: RunningServer['kind'], cards: number, tail: number, reps: number): Promise<ColdResult> {
  let server = await startServer(kind);
  const dataDir = server.dataDir;
  const room = await server.createRoom('cold load');
  const writer = new Probe(room, server.framing, 'seed');
  await writer.open();
  await writer.whenSynced();
  const ids = await seedCards(writer, cards);
  // The tail for peers: small edits through the client (Meshboard gets its own below, per repetition).
  const tailEdits = (doc: Y.Doc, n: number) => {
    for (let i = 0; i < n; i++) {
      const card = doc.getMap<Y.Map<unknown>>('cards').get(ids[i % ids.length]);
      const text = (card?.get('title') ?? card?.get('what') ?? card?.get('problem')) as Y.Text | undefined;
      text?.insert(0, 'x');
    }
  };
  if (kind !== 'meshboard') tailEdits(writer.doc, tail);
  await waitServerHas(room, server.framing, cards);
  const docBytes = Y.encodeStateAsUpdate(writer.doc).byteLength;
  const times: number[] = [];
  try {
    if (kind === 'y-websocket') {
      // No persistence: the writer stays connected so the doc stays in memory; time a second client.
      for (let r = 0; r < reps; r++) times.push(await firstSync(room, server.framing));
      writer.close();
      return { cards, tail, firstSyncMs: times, docBytes, persistence: 'none (in memory; warm first sync)' };
    }
    writer.close();
    await sleep(kind === 'hocuspocus' ? 2500 : 300); // Hocuspocus stores after its 2 s debounce
    await server.stop();
    for (let r = 0; r < reps; r++) {
      if (kind === 'meshboard') {
        // Append a fresh tail through Meshboard's own store (the last stop compacted the previous one).
        const store = new SqliteStore(dataDir);
        const doc = await storedDoc(store, room.id);
        const updates: Uint8Array[] = [];
        doc.on('update', (u: Uint8Array) => updates.push(u));
        tailEdits(doc, tail);
        await store.appendUpdates(updates.map((update) => ({ boardId: room.id, update })));
        await store.close();
      }
      server = await startServer(kind, { dataDir });
      times.push(
        await firstSync(
          room.url.includes('/yjs/') ? { ...room, url: room.url.replace(/:\d+\//, `:${server.port}/`) } : { ...room, url: `ws://127.0.0.1:${server.port}` },
          server.framing,
        ),
      );
      await server.stop();
    }
    return {
      cards,
      tail,
      firstSyncMs: times,
      docBytes,
      persistence: kind === 'meshboard' ? `snapshot + ${tail}-entry log (own SqliteStore)` : 'whole-document SQLite row (extension-sqlite), no log',
    };
  } finally {
    await server.stop();
  }
}

async function firstSync(room: Room, framing: Framing): Promise<number> {
  const c = new Sink(room, framing);
  const t0 = performance.now();
  await c.open();
  await c.whenSynced(60_000);
  const ms = c.syncedAt - t0;
  c.close();
  return Math.round(ms * 10) / 10;
}

// ---- S5: reconnect storm -------------------------------------------------------------------------------

export interface StormResult {
  clients: number;
  cards: number;
  /** ms from the storm's start until the last client resynced. */
  allResyncedMs: number;
  resync: Percentiles;
  failed: number;
  serverCpuS: number;
}

export async function reconnectStorm(server: RunningServer, clients: number, cards: number, spreadMs = 1000): Promise<StormResult> {
  const room = await server.createRoom('storm');
  const seed = new Probe(room, server.framing, 'seed');
  await seed.open();
  await seed.whenSynced();
  await seedCards(seed, cards);
  await waitServerHas(room, server.framing, cards);
  const sinks = Array.from({ length: clients }, () => new Sink(room, server.framing));
  try {
    await openAll(sinks);
    for (const s of sinks) s.close();
    await sleep(500);
    const cpu0 = cpuSeconds(server.pid);
    const t0 = performance.now();
    const resync: number[] = [];
    let failed = 0;
    await Promise.all(
      sinks.map(async (s) => {
        await sleep(Math.random() * spreadMs);
        const start = performance.now();
        try {
          await s.open();
          await s.whenSynced(10_000);
          resync.push(s.syncedAt - start);
        } catch {
          failed++;
        }
      }),
    );
    const last = Math.max(...sinks.map((s) => (s.synced ? s.syncedAt : Infinity)));
    return {
      clients,
      cards,
      allResyncedMs: Math.round(last - t0),
      resync: percentiles(resync),
      failed,
      serverCpuS: Math.round((cpuSeconds(server.pid) - cpu0) * 100) / 100,
    };
  } finally {
    for (const s of sinks) s.close();
    seed.close();
    await sleep(300);
  }
}

// ---- S6: awareness -------------------------------------------------------------------------------------

export interface AwarenessResult {
  clients: number;
  hz: number;
  sentPerS: number;
  /** Awareness states delivered per second (frames; a frame may carry several states when merged). */
  framesPerS: number;
  expectedPerS: number;
  latency: Percentiles;
  serverCpuCores: number;
  generatorCpuCores: number;
}

class AwarenessListener extends Sink {
  latencies: number[] = [];
  recordFrom = Infinity;
  protected override onAwareness(data: Uint8Array, off: number): void {
    const now = performance.now();
    for (const t of awarenessTimes(data, off)) if (t >= this.recordFrom) this.latencies.push(now - t);
  }
}

/** `clients` participants each publish a cursor state `hz` times a second; 4 of them measure latency. */
export async function awarenessLoad(server: RunningServer, clients: number, hz: number, measureMs: number): Promise<AwarenessResult> {
  const room = await server.createRoom('presence');
  const listeners = Array.from({ length: 4 }, () => new AwarenessListener(room, server.framing));
  const others = Array.from({ length: clients - 4 }, () => new Sink(room, server.framing));
  const all: BenchClient[] = [...listeners, ...others];
  try {
    await openAll(all);
    const ids = all.map((_, i) => 100_000 + i);
    const clocks = new Array(all.length).fill(0);
    let sent = 0;
    const periodMs = 1000 / hz;
    const start = performance.now();
    const nextAt = all.map((_, i) => start + (i / all.length) * periodMs);
    const timer = setInterval(() => {
      const now = performance.now();
      for (let i = 0; i < all.length; i++) {
        if (now < nextAt[i]) continue;
        nextAt[i] += periodMs;
        const state = { t: now, user: { name: `P${i}`, color: '#336699' }, cursor: { card: 'c1', field: 'title', index: clocks[i] % 40 } };
        all[i].send(awarenessFrame(server.framing, room.id, ids[i], ++clocks[i], state));
        sent++;
      }
    }, 2);
    const stopAt = setTimeout(() => clearInterval(timer), 1000 + measureMs + 50);
    await sleep(1000);
    const t0 = performance.now();
    for (const l of listeners) l.recordFrom = t0;
    const sent0 = sent;
    const frames0 = all.reduce((a, c) => a + c.awareness, 0);
    const cpu0 = cpuSeconds(server.pid);
    const gen0 = process.cpuUsage();
    await sleep(measureMs);
    clearInterval(timer);
    clearTimeout(stopAt);
    const s = (performance.now() - t0) / 1000;
    const frames = all.reduce((a, c) => a + c.awareness, 0) - frames0;
    const gen = process.cpuUsage(gen0);
    return {
      clients,
      hz,
      sentPerS: Math.round((sent - sent0) / s),
      framesPerS: Math.round(frames / s),
      expectedPerS: Math.round(((sent - sent0) * (clients - 1)) / s),
      latency: percentiles(listeners.flatMap((l) => l.latencies)),
      serverCpuCores: Math.round(((cpuSeconds(server.pid) - cpu0) / s) * 1000) / 1000,
      generatorCpuCores: Math.round(((gen.user + gen.system) / 1e6 / s) * 1000) / 1000,
    };
  } finally {
    for (const c of all) c.close();
    await sleep(300);
  }
}

// ---- S7: decision → action item (Meshboard only) -------------------------------------------------------

export interface DecisionResult {
  cards: number;
  samples: number;
  latency: Percentiles;
}

/** Adds decisions on a `cards`-card board with a probe and times until `actions:changed` brings the item. */
export async function decisionToAction(server: RunningServer, cards: number, samples: number): Promise<DecisionResult> {
  const room = await server.createRoom(`decisions ${cards}`);
  const probe = new Probe(room, server.framing, 'decider');
  await probe.open();
  await probe.whenSynced();
  const ids = await seedCards(probe, cards);
  await waitServerHas(room, server.framing, cards);
  const sock = ioClient(server.base, { transports: ['websocket'], reconnection: false });
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', () => resolve());
      sock.once('connect_error', reject);
    });
    const ack = (await sock.timeout(10_000).emitWithAck('actions:watch', { boardId: room.id, token: room.tokens!.participant })) as { error?: unknown };
    if (ack.error) throw new Error(`actions:watch: ${JSON.stringify(ack.error)}`);
    await sleep(500);
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const cardId = ids[(i * 997) % ids.length];
      const text = `Dana will ship release note ${i} by 2031-01-${String((i % 28) + 1).padStart(2, '0')}`;
      const seen = new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => (sock.off('actions:changed', on), reject(new Error('no actions:changed within 5 s'))), 5000);
        const on = (e: { items: { title?: string; text?: string }[] }) => {
          if (!JSON.stringify(e.items).includes(`release note ${i} `)) return;
          clearTimeout(t);
          sock.off('actions:changed', on);
          resolve(performance.now());
        };
        sock.on('actions:changed', on);
      });
      const t0 = performance.now();
      addDecision(probe.doc, cardId, { text, owners: 'Dana', due: '2031-01-31', decidedBy: 'Bench' });
      latencies.push((await seen) - t0);
      await sleep(20);
    }
    return { cards, samples, latency: percentiles(latencies) };
  } finally {
    sock.disconnect();
    probe.close();
  }
}

// ---- S3b: connection churn and the heap ----------------------------------------------------------------

export interface ChurnResult {
  cycles: number;
  /** Heap used after a full GC, before and after the cycles (MiB). */
  heapBeforeMiB: number;
  heapAfterMiB: number;
  /** (after − before) / before, in percent. */
  heapGrowthPct: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
}

/**
 * Opens and closes `cycles` connections to one board (50 at a time) while one participant stays, each
 * syncing and publishing a presence state as a browser tab does, and compares the server's heap after a
 * full GC before and after (read through the inspector protocol, so the server needs no hook of its own).
 */
export async function connectionChurn(server: RunningServer, cycles: number): Promise<ChurnResult> {
  const url = server.inspectorUrl();
  if (!url) throw new Error('churn needs the server started with --inspect');
  const cdp = await inspector(url);
  const room = await server.createRoom('churn');
  const stay = new Sink(room, server.framing);
  await openAll([stay]);
  let nextId = 1_000_000;
  const cycle = async () => {
    const c = new Sink(room, server.framing);
    await c.open();
    await c.whenSynced(20_000);
    c.send(awarenessFrame(server.framing, room.id, nextId++, 1, { user: { name: 'Churn', color: '#336699' }, cursor: null }));
    c.close();
  };
  const run = async (n: number) => {
    let left = n;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (left-- > 0) await cycle();
      }),
    );
  };
  const heap = async () => {
    await sleep(500); // let the server finish with the last closes
    await cdp.call('HeapProfiler.collectGarbage');
    await cdp.call('HeapProfiler.collectGarbage');
    return ((await cdp.call('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
  };
  try {
    await run(Math.min(1000, cycles)); // warm-up: code paths compiled, pools and caches at their size
    const before = await heap();
    const rss0 = rssBytes(server.pid);
    await run(cycles);
    const after = await heap();
    const MiB = 2 ** 20;
    return {
      cycles,
      heapBeforeMiB: Math.round((before / MiB) * 10) / 10,
      heapAfterMiB: Math.round((after / MiB) * 10) / 10,
      heapGrowthPct: Math.round(((after - before) / before) * 1000) / 10,
      rssBeforeMiB: Math.round(rss0 / MiB),
      rssAfterMiB: Math.round(rssBytes(server.pid) / MiB),
    };
  } finally {
    stay.close();
    cdp.close();
  }
}

/** A minimal Chrome DevTools Protocol client over the inspector's websocket. */
async function inspector(url: string) {
  const { default: WebSocket } = await import('ws');
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
  let id = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) {
      waiting.get(msg.id)?.(msg.result);
      waiting.delete(msg.id);
    }
  });
  return {
    call(method: string, params: object = {}): Promise<unknown> {
      const n = ++id;
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`inspector: ${method} timed out`)), 60_000);
        waiting.set(n, (r) => (clearTimeout(t), resolve(r)));
        ws.send(JSON.stringify({ id: n, method, params }));
      });
    },
    close: () => ws.close(),
  };
}
