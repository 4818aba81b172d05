/**
 * `npm run bench [-- --quick] [--only=S1,S2] [--servers=meshboard,y-websocket] [--no-docs] [--s9-stores=sqlite]`
 * (`--only=S8`: the decision parser alone, in this process, in seconds. `--only=B1,B2,B3,B4`: the browser
 * scenarios alone, Meshboard's client in headless Chromium; by default they run after the server scenarios.
 * `--only=S9`: the scale-out run alone, Meshboard instances over Redis on SQLite and PostgreSQL, or only the
 * stores named by `--s9-stores`; its table has a section of its own in docs/benchmarks.md.)
 *
 * Meshboard side by side with the plain y-websocket server and Hocuspocus. Each server runs in its own child
 * process pinned to core 0; this process (the load generator) pins itself to core 1. Servers start fresh
 * per scenario and repetition, in random order. Writes .bench/results-<timestamp>.json, prints a markdown
 * table, and (unless --no-docs) puts it in docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HAVE_TASKSET, SERVER_KINDS, startServer, type ServerKind, type StartOptions } from './servers.js';
import { roomLoad, type LoadResult } from './load.js';
import { awarenessLoad, coldLoad, connectionChurn, decisionToAction, idleMemory, reconnectStorm } from './scenarios.js';
import { decisionParser } from './parser.js';
import { loadAvg, machine } from './proc.js';
import { renderMarkdown, type Results } from './report.js';
import { browserScenarios, B_SCENARIOS } from './browser.js';
import { ensureClientBuilt } from './browser-page.js';
import { scaleOut, type ScaleStore } from './scale.js';
import { renderScale } from './scale-report.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const servers = (args
  .find((a) => a.startsWith('--servers='))
  ?.slice(10)
  .split(',') ?? [...SERVER_KINDS]) as ServerKind[];
const want = (s: string) => !only || only.includes(s);
const scaleStores = (args
  .find((a) => a.startsWith('--s9-stores='))
  ?.slice(12)
  .split(',') ?? ['sqlite', 'postgres']) as ScaleStore[];

const cfg = quick
  ? {
      reps: 1,
      s1: {
        sizes: [
          [100, 100],
          [500, 20],
        ] as [number, number][],
        warmupMs: 300,
        measureMs: 1000,
      },
      s2: { clients: 50, rates: [1000, 2000], warmupMs: 200, measureMs: 800 },
      s3: { boards: 50, churn: 1000 },
      s4: { cards: 1000, tail: 100, reps: 1 },
      s5: { clients: 100, cards: 100 },
      s6: { clients: 100, hz: 20, measureMs: 1000 },
      s7: { cards: [300], samples: 3 },
      s8: { samples: 5 },
      s9: {
        oneBoard: { clients: 12, rates: [500, 1000] },
        manyBoards: { boards: 6, clientsPerBoard: 6, ratePerBoard: 20 },
        warmupMs: 300,
        measureMs: 800,
      },
      b: { sizes: [30, 1500], loads: 2, samples: 10, capMs: 120_000, typeMs: 5000 },
    }
  : {
      reps: 3,
      s1: {
        sizes: [
          [10, 100],
          [50, 100],
          [100, 100],
          [200, 50],
          [500, 20],
          [1000, 10],
        ] as [number, number][],
        warmupMs: 700,
        measureMs: 2500,
      },
      s2: { clients: 50, rates: [1000, 1500, 2000, 3000, 4000], warmupMs: 500, measureMs: 2000 },
      s3: { boards: 1000, churn: 10_000 },
      s4: { cards: 10_000, tail: 1000, reps: 3 },
      s5: { clients: 500, cards: 1000 },
      s6: { clients: 100, hz: 20, measureMs: 4000 },
      s7: { cards: [50, 5000], samples: 20 },
      s8: { samples: 20 },
      s9: {
        oneBoard: { clients: 30, rates: [500, 1000, 2000, 4000] },
        manyBoards: { boards: 20, clientsPerBoard: 8, ratePerBoard: 20 },
        warmupMs: 500,
        measureMs: 1500,
      },
      b: { sizes: [30, 300, 1500, 10_000], loads: 5, samples: 30, capMs: 120_000, typeMs: 5000 },
    };

// The generator on core 1, servers on core 0 (when the machine has two cores and taskset exists).
const cores = os.cpus().length;
if (HAVE_TASKSET && cores >= 2) spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });

const shuffle = <T>(xs: T[]): T[] => {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};

const started = Date.now();
const log = (msg: string) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${msg}`);
const results: Results = {
  startedAt: new Date(started).toISOString(),
  mode: quick ? 'quick' : 'default',
  machine: { ...machine(), nproc: cores, loadAvgAtStart: loadAvg() },
  pinned: HAVE_TASKSET && cores >= 2,
  servers,
  s1: [],
  s2: [],
  s3: [],
  s4: [],
  s5: [],
  s6: [],
  s7: [],
  s8: [],
};

async function withServer<T>(kind: ServerKind, fn: (s: Awaited<ReturnType<typeof startServer>>) => Promise<T>, opts?: StartOptions): Promise<T> {
  const s = await startServer(kind, opts);
  try {
    return await fn(s);
  } finally {
    await s.stop();
  }
}

async function main() {
  if (want('S1')) {
    for (let rep = 0; rep < cfg.reps; rep++) {
      for (const kind of shuffle(servers)) {
        await withServer(kind, async (s) => {
          for (const [clients, rate] of cfg.s1.sizes) {
            log(`S1 rep ${rep + 1} ${kind} ${clients} clients @ ${rate}/s`);
            const r = await roomLoad(s, { clients, rate, warmupMs: cfg.s1.warmupMs, measureMs: cfg.s1.measureMs });
            results.s1.push({ server: kind, rep, ...r });
          }
        });
      }
    }
  }
  if (want('S2')) {
    for (let rep = 0; rep < (quick ? 1 : 1); rep++) {
      for (const kind of shuffle(servers)) {
        await withServer(kind, async (s) => {
          for (const rate of cfg.s2.rates) {
            log(`S2 ${kind} ramp ${rate}/s × ${cfg.s2.clients - 1} receivers`);
            const r: LoadResult = await roomLoad(s, { clients: cfg.s2.clients, rate, warmupMs: cfg.s2.warmupMs, measureMs: cfg.s2.measureMs });
            const ok = r.noLoss && r.latency.p99 <= 50;
            results.s2.push({ server: kind, rep, ok, ...r });
            if (!ok) break;
          }
        });
      }
    }
  }
  if (want('S3')) {
    for (const kind of shuffle(servers)) {
      log(`S3 ${kind} ${cfg.s3.boards} idle boards × 3`);
      // A short unload grace, so the run can see every board leave memory once its participants have gone.
      const idle = await withServer(kind, (s) => idleMemory(s, cfg.s3.boards), { env: { UNLOAD_GRACE_MS: '2000' } });
      log(`S3 ${kind} ${cfg.s3.churn} connect/disconnect cycles`);
      const churn = await withServer(kind, (s) => connectionChurn(s, cfg.s3.churn), { nodeArgs: ['--inspect=127.0.0.1:0'] });
      results.s3.push({ server: kind, ...idle, churn });
    }
  }
  if (want('S4')) {
    for (const kind of shuffle(servers)) {
      log(`S4 ${kind} cold load ${cfg.s4.cards} cards`);
      results.s4.push({ server: kind, ...(await coldLoad(kind, cfg.s4.cards, cfg.s4.tail, cfg.s4.reps)) });
    }
  }
  if (want('S5')) {
    for (const kind of shuffle(servers)) {
      log(`S5 ${kind} reconnect storm ${cfg.s5.clients}`);
      results.s5.push({ server: kind, ...(await withServer(kind, (s) => reconnectStorm(s, cfg.s5.clients, cfg.s5.cards))) });
    }
  }
  if (want('S6')) {
    for (const kind of shuffle(servers)) {
      log(`S6 ${kind} awareness ${cfg.s6.clients} @ ${cfg.s6.hz} Hz`);
      results.s6.push({ server: kind, ...(await withServer(kind, (s) => awarenessLoad(s, cfg.s6.clients, cfg.s6.hz, cfg.s6.measureMs))) });
    }
  }
  if (want('S7') && servers.includes('meshboard')) {
    await withServer('meshboard', async (s) => {
      for (const cards of cfg.s7.cards) {
        log(`S7 meshboard decision → action on ${cards} cards`);
        results.s7.push({ server: 'meshboard', ...(await decisionToAction(s, cards, cfg.s7.samples)) });
      }
    });
  }
  if (want('S8') && servers.includes('meshboard')) {
    log('S8 decision parser, normal and crafted decisions (in this process)');
    results.s8 = decisionParser(cfg.s8.samples);
  }
  if (want('S9') && servers.includes('meshboard')) {
    results.s9 = await scaleOut({ ...cfg.s9, stores: scaleStores }, log);
    for (const why of results.s9.skipped) log(`S9 not run: ${why}`);
  }
  if (B_SCENARIOS.some(want) && servers.includes('meshboard')) {
    ensureClientBuilt(log);
    // Chromium inherits this process's affinity: give it every core (a person's browser has them); the server stays on core 0.
    if (HAVE_TASKSET && cores >= 2) spawnSync('taskset', ['-a', '-cp', `0-${cores - 1}`, String(process.pid)], { stdio: 'ignore' });
    const b = await withServer('meshboard', (s) => browserScenarios(s, cfg.b, want, log));
    Object.assign(results, b);
    if (b.pageErrors.length) log(`page errors during the browser scenarios: ${b.pageErrors.slice(0, 5).join(' | ')}`);
  }
  results.durationS = Math.round((Date.now() - started) / 1000);
  results.machine.loadAvgAtEnd = loadAvg();

  fs.mkdirSync('.bench', { recursive: true });
  const file = path.join('.bench', `results-${results.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
  const md = renderMarkdown(results);
  const scaleMd = renderScale(results.s9, results).join('\n');
  console.log(md);
  if (scaleMd) console.log(scaleMd);
  log(`results: ${file}`);
  if (!args.includes('--no-docs')) {
    let doc = fs.readFileSync('docs/benchmarks.md', 'utf8');
    // S9 has a block of its own (in its section), so `--only=S9` leaves the other results as they are, and back.
    if (scaleMd) doc = replaceBlock(doc, '<!-- scale-results -->', '<!-- /scale-results -->', scaleMd);
    if (!only || only.some((s) => s !== 'S9')) {
      const marker = '<!-- results -->';
      const at = doc.indexOf(marker);
      doc = (at >= 0 ? doc.slice(0, at + marker.length) : doc + '\n' + marker) + '\n\n' + md;
    }
    fs.writeFileSync('docs/benchmarks.md', doc);
    log('docs/benchmarks.md updated');
  }
}

/** Puts `body` between `start` and `end` (appended at the end of `doc` when the markers are missing). */
function replaceBlock(doc: string, start: string, end: string, body: string): string {
  const a = doc.indexOf(start);
  const b = doc.indexOf(end, a);
  if (a < 0 || b < 0) return `${doc}\n${start}\n\n${body}\n${end}\n`;
  return `${doc.slice(0, a + start.length)}\n\n${body}\n${doc.slice(b)}`;
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
