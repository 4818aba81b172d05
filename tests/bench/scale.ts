/**
 * S9 — scale-out: 1, 2 and 3 Meshboard instances on one store (one SQLite file, or one PostgreSQL database)
 * and one Redis, with each board's clients split across the instances (server/scale/board-bus.ts). A probe on one
 * instance reads what a probe on another wrote: that is the cross-instance propagation (client → instance A →
 * stored → Redis → instance B → client). One instance without REDIS_URL is the baseline.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshDatabase, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { Probe, Sink, openAll, type BenchClient } from './wire.js';
import { cpuSeconds, treeCpuSeconds } from './proc.js';
import { percentiles, type Percentiles } from './stats.js';
import { HAVE_TASKSET, SERVER_CORES, sleep, startServer, tempDir, withAffinity, type RunningServer, type Room } from './servers.js';

export type ScaleStore = 'sqlite' | 'postgres';
/** `spread`: each board's clients round-robin over the instances; `by-board`: all of board k's on instance k mod n. */
export type Placement = 'spread' | 'by-board';

export interface ScaleConfig {
  stores: ScaleStore[];
  /** One shared board, its update rate raised step by step until p99 > 50 ms or loss. */
  oneBoard: { clients: number; rates: number[] };
  /** Many boards at a fixed rate each, placed both ways. */
  manyBoards: { boards: number; clientsPerBoard: number; ratePerBoard: number };
  warmupMs: number;
  measureMs: number;
}

export interface ScaleRow {
  store: ScaleStore;
  instances: number;
  redis: boolean;
  workload: 'one board' | 'many boards';
  placement: Placement;
  boards: number;
  clientsPerBoard: number;
  /** Updates per second written, all boards together. */
  rate: number;
  sent: number;
  expected: number;
  delivered: number;
  throughput: number;
  noLoss: boolean;
  /** No loss and p99 ≤ 50 ms (the S2 criterion). */
  ok: boolean;
  /** Probe to probe, every pair; and only pairs on different instances. */
  latency: Percentiles;
  cross: Percentiles;
  /** CPU cores used by each instance over the window (+ drain). */
  cpuPerInstance: number[];
  /** Every instance's CPU per delivery, µs (Redis and PostgreSQL not included). */
  cpuUsPerDelivery: number;
  redisCpuCores: number;
  /** PostgreSQL's postmaster and backends, when the store is PostgreSQL. */
  storeCpuCores?: number;
  generatorCpuCores: number;
}

export interface ScaleResults {
  rows: ScaleRow[];
  /** Variants that could not run, and why. */
  skipped: string[];
  /** The cores instances, Redis and PostgreSQL were pinned to (a taskset list), or null when not pinned. */
  cores: string | null;
}

const SETUPS = [
  { instances: 1, redis: false },
  { instances: 1, redis: true },
  { instances: 2, redis: true },
  { instances: 3, redis: true },
];

export async function scaleOut(cfg: ScaleConfig, log: (msg: string) => void): Promise<ScaleResults> {
  const rows: ScaleRow[] = [];
  const skipped: string[] = [];
  // Redis and PostgreSQL run on the servers' cores, beside the instances; the generator keeps its own core.
  const serverCpus = SERVER_CORES.join(',');
  const cores = HAVE_TASKSET && os.cpus().length >= 2 ? serverCpus : null;
  let redis: TestRedis;
  try {
    redis = await withAffinity(serverCpus, startRedis);
  } catch (err) {
    skipped.push(`all of S9: ${(err as Error).message}`);
    return { rows, skipped, cores };
  }
  try {
    for (const store of cfg.stores) {
      let pg: TestPostgres | null = null;
      if (store === 'postgres') {
        try {
          pg = await withAffinity(serverCpus, startPostgres);
        } catch (err) {
          skipped.push(`PostgreSQL: ${(err as Error).message}`);
          continue;
        }
      }
      try {
        for (const setup of SETUPS) {
          const dataDir = tempDir('scale');
          const env: Record<string, string> = {
            // Boards are created from one address: more than the default hourly allowance over a run.
            BOARDS_PER_HOUR: '100000',
            ...(setup.redis ? { REDIS_URL: redis.url, REDIS_PREFIX: `bench${crypto.randomBytes(4).toString('hex')}:` } : {}),
            ...(pg ? { DATABASE_URL: await freshDatabase(pg.url) } : {}),
          };
          const instances: RunningServer[] = [];
          try {
            for (let i = 0; i < setup.instances; i++) {
              instances.push(await startServer('meshboard', { dataDir, env, cpus: String(SERVER_CORES[i % SERVER_CORES.length]) }));
            }
            const name = `${store} ${setup.instances} instance${setup.instances > 1 ? 's' : ''}${setup.redis ? '' : ' (no Redis)'}`;
            const measure = async (workload: ScaleRow['workload'], placement: Placement, o: SpreadOptions) => {
              const r = await spreadLoad(instances, redis, pg, { ...o, placement, warmupMs: cfg.warmupMs, measureMs: cfg.measureMs });
              const row: ScaleRow = { store, instances: setup.instances, redis: setup.redis, workload, placement, ...r };
              rows.push(row);
              return row;
            };
            for (const rate of cfg.oneBoard.rates) {
              log(`S9 ${name}: one board, ${cfg.oneBoard.clients} clients spread, ${rate} updates/s`);
              const row = await measure('one board', 'spread', { boards: 1, clientsPerBoard: cfg.oneBoard.clients, rate });
              if (!row.ok) break;
            }
            const mb = cfg.manyBoards;
            for (const placement of setup.instances > 1 ? (['spread', 'by-board'] as const) : (['spread'] as const)) {
              log(`S9 ${name}: ${mb.boards} boards × ${mb.clientsPerBoard} clients (${placement}), ${mb.ratePerBoard} updates/s each`);
              await measure('many boards', placement, { boards: mb.boards, clientsPerBoard: mb.clientsPerBoard, rate: mb.boards * mb.ratePerBoard });
            }
            // With DATABASE_URL nothing may land in the SQLite file: a server that ignored it would be measured as PostgreSQL.
            if (pg && fs.existsSync(path.join(dataDir, 'meshboard.sqlite')))
              throw new Error('S9: with DATABASE_URL set the instances still wrote meshboard.sqlite');
          } finally {
            await Promise.all(instances.map((s) => s.stop()));
            fs.rmSync(dataDir, { recursive: true, force: true });
          }
        }
      } finally {
        await pg?.destroy();
      }
    }
  } finally {
    await redis.stop();
  }
  return { rows, skipped, cores };
}

interface SpreadOptions {
  boards: number;
  clientsPerBoard: number;
  /** Updates per second written, all boards together, spread evenly over every probe. */
  rate: number;
  probesPerBoard?: number;
}

type SpreadResult = Omit<ScaleRow, 'store' | 'instances' | 'redis' | 'workload' | 'placement'>;

/**
 * Like `roomLoad` (load.ts), over several boards and instances: boards are created through the first
 * instance; client c of board k connects to instance c mod n (`spread`) or k mod n (`by-board`); 4 probes
 * per board write, the rest are sinks.
 */
async function spreadLoad(
  instances: RunningServer[],
  redis: TestRedis,
  pg: TestPostgres | null,
  o: SpreadOptions & { placement: Placement; warmupMs: number; measureMs: number },
): Promise<SpreadResult> {
  const n = instances.length;
  const nProbes = Math.min(o.probesPerBoard ?? 4, o.clientsPerBoard);
  const nSinks = o.clientsPerBoard - nProbes;
  const on = (room: Room, i: number): Room => ({ ...room, url: room.url.replace(`:${instances[0].port}/`, `:${instances[i].port}/`) });
  const probes: Probe[] = [];
  const sinks: Sink[] = [];
  for (let k = 0; k < o.boards; k++) {
    const room = await instances[0].createRoom(`scale ${k}`);
    for (let c = 0; c < o.clientsPerBoard; c++) {
      const i = o.placement === 'spread' ? c % n : k % n;
      if (c < nProbes) probes.push(new Probe(on(room, i), 'plain', `b${k}p${c}@${i}`));
      else sinks.push(new Sink(on(room, i), 'plain'));
    }
  }
  const all: BenchClient[] = [...probes, ...sinks];
  const boardOf = (p: number) => Math.floor(p / nProbes);
  try {
    await openAll(all);
    let sent = 0;
    const sentTo = new Array<number>(o.boards).fill(0);
    const start = performance.now();
    const writer = setInterval(() => {
      const due = Math.floor((o.rate * (performance.now() - start)) / 1000) - sent;
      for (let k = 0; k < due; k++) {
        const p = sent % probes.length;
        probes[p].write();
        sentTo[boardOf(p)]++;
        sent++;
      }
    }, 2);
    // Bounded: the loop stops by itself after warm-up + window, whatever happens to the servers.
    const stopAt = setTimeout(() => clearInterval(writer), o.warmupMs + o.measureMs + 50);
    await sleep(o.warmupMs);

    const t0 = performance.now();
    for (const p of probes) p.recordFrom = t0;
    const sent0 = sent;
    const sink0 = sum(sinks.map((s) => s.updates));
    const probe0 = sum(probes.map((p) => p.received));
    const cpu0 = instances.map((s) => cpuSeconds(s.pid));
    const redis0 = cpuSeconds(redis.pid);
    const store0 = pg ? treeCpuSeconds(pg.pid) : 0;
    const gen0 = process.cpuUsage();

    await sleep(o.measureMs);
    clearInterval(writer);
    clearTimeout(stopAt);
    const t1 = performance.now();
    const sentWindow = sent - sent0;

    const expectedSink = sentWindow * nSinks;
    const expectedProbe = sentWindow * (nProbes - 1);
    const drainUntil = performance.now() + 3000;
    while (performance.now() < drainUntil) {
      const probesDone = sum(probes.map((p) => p.received)) - probe0 >= expectedProbe && probes.every((p, i) => p.arr.length >= sentTo[boardOf(i)]);
      if (probesDone && sum(sinks.map((s) => s.updates)) - sink0 >= expectedSink) break;
      await sleep(10);
    }
    const wallS = (performance.now() - t0) / 1000;
    const cpu = instances.map((s, i) => cpuSeconds(s.pid) - cpu0[i]);
    const redisCpu = cpuSeconds(redis.pid) - redis0;
    const storeCpu = pg ? treeCpuSeconds(pg.pid) - store0 : 0;
    const gen = process.cpuUsage(gen0);

    const probeGot = Math.min(sum(probes.map((p) => p.received)) - probe0, expectedProbe);
    const sinkGot = Math.min(sum(sinks.map((s) => s.updates)) - sink0, expectedSink);
    const delivered = probeGot + sinkGot;
    const expected = expectedProbe + expectedSink;
    const noLoss = delivered === expected && probes.every((p, i) => p.arr.length === sentTo[boardOf(i)]);
    const latency = percentiles(probes.flatMap((p) => p.latencies));
    const cpuTotal = sum(cpu);
    return {
      boards: o.boards,
      clientsPerBoard: o.clientsPerBoard,
      rate: o.rate,
      sent: sentWindow,
      expected,
      delivered,
      throughput: Math.round(delivered / ((t1 - t0) / 1000)),
      noLoss,
      ok: noLoss && latency.p99 <= 50,
      latency,
      cross: percentiles(probes.flatMap((p) => p.crossLatencies)),
      cpuPerInstance: cpu.map((c) => round(c / wallS, 3)),
      cpuUsPerDelivery: delivered ? round((cpuTotal * 1e6) / delivered, 2) : NaN,
      redisCpuCores: round(redisCpu / wallS, 3),
      ...(pg ? { storeCpuCores: round(storeCpu / wallS, 3) } : {}),
      generatorCpuCores: round((gen.user + gen.system) / 1e6 / wallS, 3),
    };
  } finally {
    for (const c of all) c.close();
    await sleep(200);
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
