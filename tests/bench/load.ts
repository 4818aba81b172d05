/**
 * One room under a fixed update rate: the measuring core shared by the latency (S1) and throughput (S2)
 * scenarios. Probes write at `rate` updates/s in total; everything else in the room is a sink.
 */
import WebSocket from 'ws';
import Database from 'better-sqlite3';
import path from 'node:path';
import { Probe, Sink, openAll, type BenchClient } from './wire.js';
import { cpuSeconds, rssBytes } from './proc.js';
import { percentiles, type Percentiles } from './stats.js';
import { sleep, type RunningServer, type Room } from './servers.js';

export interface LoadOptions {
  clients: number;
  /** Total updates per second written into the room. */
  rate: number;
  warmupMs: number;
  measureMs: number;
  probes?: number;
}

export interface LoadResult {
  clients: number;
  rate: number;
  /** Updates written during the measured window. */
  sent: number;
  /** Updates × receivers expected in the window, and how many arrived (entries, not frames). */
  expected: number;
  delivered: number;
  /** Deliveries per second over the window. */
  throughput: number;
  /** True when nothing was missing after the drain (and every probe holds every entry). */
  noLoss: boolean;
  /** Frames a sink got per expected delivery (< 1 where the server merges updates; > 1 with echoes). */
  framesPerDelivery: number;
  latency: Percentiles;
  /** Send → in the SQLite log (Meshboard only), sampled by reading the database file. */
  durable?: Percentiles;
  /** Websocket ping → pong round trip to the server during the window: an outside view of its event-loop delay. */
  loopLag: Percentiles;
  serverCpuCores: number;
  cpuUsPerDelivery: number;
  serverRssMiB: number;
  generatorCpuCores: number;
}

export async function roomLoad(server: RunningServer, o: LoadOptions): Promise<LoadResult> {
  const nProbes = Math.min(o.probes ?? 4, o.clients);
  const room = await server.createRoom();
  const probes = Array.from({ length: nProbes }, (_, i) => new Probe(room, server.framing, `p${i}`));
  const sinks = Array.from({ length: o.clients - nProbes }, () => new Sink(room, server.framing));
  const all: BenchClient[] = [...probes, ...sinks];
  try {
    await openAll(all);
    const lag = await lagMonitor(room);
    const durable = server.kind === 'meshboard' ? await durableSampler(server.dataDir) : null;

    let sent = 0;
    const start = performance.now();
    const writer = setInterval(() => {
      const due = Math.floor((o.rate * (performance.now() - start)) / 1000) - sent;
      for (let k = 0; k < due; k++) {
        probes[sent % nProbes].write();
        durable?.sent();
        sent++;
      }
    }, 2);
    // The loop is bounded: it stops by itself after warm-up + window, whatever happens to the server.
    const stopAt = setTimeout(() => clearInterval(writer), o.warmupMs + o.measureMs + 50);
    await sleep(o.warmupMs);

    const t0 = performance.now();
    for (const p of probes) p.recordFrom = t0;
    const sent0 = sent;
    const sink0 = sum(sinks.map((s) => s.updates));
    const probe0 = sum(probes.map((p) => p.received));
    const cpu0 = cpuSeconds(server.pid);
    const gen0 = process.cpuUsage();
    lag.record(true);
    durable?.record(sent0);

    await sleep(o.measureMs);
    clearInterval(writer);
    clearTimeout(stopAt);
    const t1 = performance.now();
    const sentWindow = sent - sent0;
    lag.record(false);

    // Drain: give the last updates up to 3 s to arrive.
    const expectedSinkFrames = sentWindow * sinks.length;
    const expectedProbe = sentWindow * (nProbes - 1);
    const drainUntil = performance.now() + 3000;
    while (performance.now() < drainUntil) {
      const probesDone = sum(probes.map((p) => p.received)) - probe0 >= expectedProbe && probes.every((p) => p.arr.length >= sent);
      const sinksDone = server.framing === 'hocuspocus' || sum(sinks.map((s) => s.updates)) - sink0 >= expectedSinkFrames;
      if (probesDone && sinksDone) break;
      await sleep(10);
    }
    const cpu1 = cpuSeconds(server.pid);
    const gen = process.cpuUsage(gen0);
    const wallS = (performance.now() - t0) / 1000;
    await durable?.settle();

    const probeGot = sum(probes.map((p) => p.received)) - probe0;
    const sinkFrames = sum(sinks.map((s) => s.updates)) - sink0;
    const probeRatio = expectedProbe ? Math.min(1, probeGot / expectedProbe) : 1;
    // Hocuspocus merges updates of one tick and echoes them to the writer: frames cannot be counted as
    // entries, so its deliveries are taken from the probes' exact count and its convergence.
    const sinkDelivered = server.framing === 'hocuspocus' ? Math.round(expectedSinkFrames * probeRatio) : Math.min(sinkFrames, expectedSinkFrames);
    const converged = probes.every((p) => p.arr.length === sent);
    const expected = expectedSinkFrames + expectedProbe;
    const delivered = sinkDelivered + Math.min(probeGot, expectedProbe);
    const measureS = (t1 - t0) / 1000;
    const latencies = probes.flatMap((p) => p.latencies);
    return {
      clients: o.clients,
      rate: o.rate,
      sent: sentWindow,
      expected,
      delivered,
      throughput: Math.round(delivered / measureS),
      noLoss: delivered === expected && converged,
      framesPerDelivery: expectedSinkFrames ? round(sinkFrames / expectedSinkFrames, 3) : 1,
      latency: percentiles(latencies),
      durable: durable ? durable.result() : undefined,
      loopLag: lag.result(),
      serverCpuCores: round((cpu1 - cpu0) / wallS, 3),
      cpuUsPerDelivery: delivered ? round(((cpu1 - cpu0) * 1e6) / delivered, 2) : NaN,
      serverRssMiB: round(rssBytes(server.pid) / 2 ** 20, 1),
      generatorCpuCores: round((gen.user + gen.system) / 1e6 / wallS, 3),
    };
  } finally {
    for (const c of all) c.close();
    await sleep(200);
  }
}

/** Pings the server over its own websocket every 20 ms and records pong round trips. */
export async function lagMonitor(room: Room) {
  const ws = new WebSocket(room.url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('message', () => {});
  let recording = false;
  let sentAt = 0;
  let waiting = false;
  const samples: number[] = [];
  ws.on('pong', () => {
    waiting = false;
    if (recording) samples.push(performance.now() - sentAt);
  });
  const t = setInterval(() => {
    if (waiting || ws.readyState !== WebSocket.OPEN) return;
    waiting = true;
    sentAt = performance.now();
    ws.ping();
  }, 20);
  return {
    record(on: boolean) {
      recording = on;
      if (!on) {
        clearInterval(t);
        ws.terminate();
      }
    },
    result: () => percentiles(samples),
  };
}

/**
 * Samples Meshboard's update log read-only every 2 ms: the log's sequence number counts the appended
 * updates, so when it passes k the k-th update sent since the baseline is on disk (committed with
 * synchronous=FULL). Resolution ≈ 2 ms plus the read.
 */
async function durableSampler(dataDir: string) {
  const db = new Database(path.join(dataDir, 'meshboard.sqlite'), { readonly: true, fileMustExist: true });
  const q = db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'updates'");
  const seqNow = () => q.get()?.seq ?? 0;
  const sendTimes: number[] = [];
  const samples: number[] = [];
  let base = -1;
  let firstIndex = 0;
  let seen = 0;
  let timer: NodeJS.Timeout | null = null;
  const poll = () => {
    if (base < 0) return;
    const n = seqNow() - base;
    const now = performance.now();
    while (seen < n && seen < sendTimes.length - firstIndex) {
      samples.push(now - sendTimes[firstIndex + seen]);
      seen++;
    }
  };
  return {
    sent() {
      sendTimes.push(performance.now());
    },
    record(sentSoFar: number) {
      base = seqNow();
      // Updates sent before the baseline may still be in flight; the log counts them first.
      firstIndex = Math.max(0, sentSoFar - 0);
      timer = setInterval(poll, 2);
    },
    async settle() {
      await sleep(100);
      if (timer) clearInterval(timer);
      poll();
      db.close();
    },
    result: () => percentiles(samples),
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
