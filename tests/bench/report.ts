/** Aggregates repetitions (median) and renders the results as markdown tables with Meshboard/peer ratios. */
import { median } from './stats.js';
import type { ServerKind } from './servers.js';
import { renderBrowser, type BrowserPart } from './browser-report.js';
import type { ScaleResults } from './scale.js';

export interface Results extends BrowserPart {
  startedAt: string;
  mode: 'quick' | 'default';
  machine: Record<string, unknown>;
  pinned: boolean;
  servers: ServerKind[];
  s1: any[];
  s2: any[];
  s3: any[];
  s4: any[];
  s5: any[];
  s6: any[];
  s7: any[];
  /** Decision parser (absent in results written before it existed). */
  s8?: any[];
  /** Scale-out (rendered on its own by scale-report.ts, into its own block of docs/benchmarks.md). */
  s9?: ScaleResults;
  durationS?: number;
}

const PEERS: ServerKind[] = ['y-websocket', 'hocuspocus'];
const fmt = (x: number, d = 2) =>
  Number.isFinite(x) ? (Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Math.round(x * 10 ** d) / 10 ** d)) : '–';
const ratio = (m: number, p: number) => (Number.isFinite(m) && Number.isFinite(p) && p !== 0 ? `${(m / p).toFixed(2)}×` : '–');

interface Row {
  label: string;
  values: Partial<Record<ServerKind, number>>;
  target?: string;
  digits?: number;
}

function table(rows: Row[], servers: ServerKind[]): string {
  const peers = PEERS.filter((p) => servers.includes(p));
  const head = ['metric', ...servers, ...(servers.includes('meshboard') ? peers.map((p) => `Meshboard / ${p}`) : []), 'target'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const m = r.values.meshboard ?? NaN;
    const cells = [
      r.label,
      ...servers.map((s) => fmt(r.values[s] ?? NaN, r.digits)),
      ...(servers.includes('meshboard') ? peers.map((p) => ratio(m, r.values[p] ?? NaN)) : []),
      r.target ?? '',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

const by = <T extends { server: ServerKind }>(xs: T[], pick: (x: T) => number) => {
  const out: Partial<Record<ServerKind, number>> = {};
  const groups = new Map<ServerKind, number[]>();
  for (const x of xs) groups.set(x.server, [...(groups.get(x.server) ?? []), pick(x)]);
  for (const [k, v] of groups) out[k] = median(v);
  return out;
};

export function renderMarkdown(r: Results): string {
  const out: string[] = [];
  const m = r.machine as any;
  out.push(`## Results (${r.mode} run, ${r.startedAt}, ${r.durationS ?? '?'} s)`);
  out.push('');
  out.push(
    `Machine: ${m.nproc} cores, ${m.cpu}, ${m.memGiB} GiB, Node ${m.node}, Linux ${m.kernel}; ` +
      `load average ${m.loadAvgAtStart} at start, ${m.loadAvgAtEnd} at end; servers ${r.pinned ? 'pinned to core 0, generator to core 1' : 'not pinned'}. ` +
      `Values are medians over repetitions (S1: ${r.mode === 'quick' ? 1 : 3}). Ratios are Meshboard / peer: below 1 is better for latency, CPU and memory; above 1 is better for throughput.`,
  );
  out.push('');

  if (r.s1.length) {
    out.push('### S1 — latency vs room size (4 probe writers, rest sinks; Meshboard with durable SQLite writes)');
    out.push('');
    const rows: Row[] = [];
    const keys = [...new Set(r.s1.map((x) => `${x.clients}@${x.rate}`))];
    for (const key of keys) {
      const xs = r.s1.filter((x) => `${x.clients}@${x.rate}` === key);
      const [clients, rate] = key.split('@').map(Number);
      const target =
        clients === 100 && rate === 100 ? 'p50 ≤ 2, p99 ≤ 10' : clients === 500 && rate === 20 ? 'p99 ≤ 25' : clients === 1000 && rate === 10 ? 'p99 ≤ 40' : '';
      const name = `${clients} clients @ ${rate}/s`;
      rows.push({ label: `${name}: p50 ms`, values: by(xs, (x) => x.latency.p50), target: target.includes('p50') ? 'p50 ≤ 2' : '' });
      rows.push({ label: `${name}: p99 ms`, values: by(xs, (x) => x.latency.p99), target: target.replace(/p50 ≤ 2, /, '') || '≤ y-websocket' });
      rows.push({ label: `${name}: max ms`, values: by(xs, (x) => x.latency.max) });
      rows.push({ label: `${name}: deliveries/s`, values: by(xs, (x) => x.throughput), target: '≥ 1.0× y-websocket', digits: 0 });
      rows.push({ label: `${name}: delivered / expected`, values: by(xs, (x) => x.delivered / x.expected), digits: 4 });
      rows.push({ label: `${name}: server CPU µs/delivery`, values: by(xs, (x) => x.cpuUsPerDelivery) });
      rows.push({ label: `${name}: ping RTT p99 ms (loop delay, outside)`, values: by(xs, (x) => x.loopLag.p99) });
      rows.push({
        label: `${name}: durable (in SQLite log) p99 ms`,
        values: by(
          xs.filter((x) => x.durable),
          (x) => x.durable.p99,
        ),
        target: '≤ 50',
      });
      rows.push({ label: `${name}: server RSS MiB`, values: by(xs, (x) => x.serverRssMiB), digits: 0 });
    }
    out.push(table(rows, r.servers));
    out.push('');
  }

  if (r.s2.length) {
    out.push(`### S2 — throughput ramp (one room of ${r.s2[0].clients} clients, rate raised until p99 > 50 ms or loss)`);
    out.push('');
    const best = (k: ServerKind) => r.s2.filter((x) => x.server === k && x.ok).sort((a, b) => b.throughput - a.throughput)[0];
    const vals = (pick: (x: any) => number) => Object.fromEntries(r.servers.map((k) => [k, best(k) ? pick(best(k)) : NaN]));
    out.push(
      table(
        [
          { label: 'max sustained deliveries/s (zero loss, p99 ≤ 50 ms)', values: vals((x) => x.throughput), target: '≥ 60,000', digits: 0 },
          { label: 'at update rate /s', values: vals((x) => x.rate), digits: 0 },
          { label: 'p99 ms at that rate', values: vals((x) => x.latency.p99) },
          { label: 'server CPU µs/delivery at that rate', values: vals((x) => x.cpuUsPerDelivery), target: '≤ 5' },
          { label: 'server CPU cores at that rate', values: vals((x) => x.serverCpuCores) },
          { label: 'generator CPU cores at that rate', values: vals((x) => x.generatorCpuCores) },
        ],
        r.servers,
      ),
    );
    out.push('');
    out.push('Ramp steps (rate/s → deliveries/s, p99 ms, loss-free, server cores, generator cores):');
    out.push('');
    for (const k of r.servers) {
      const steps = r.s2.filter((x) => x.server === k);
      out.push(
        `- ${k}: ${steps.map((x) => `${x.rate}→${fmt(x.throughput, 0)} (${fmt(x.latency.p99)} ms, ${x.noLoss ? 'ok' : 'LOSS'}, ${fmt(x.serverCpuCores)}, ${fmt(x.generatorCpuCores)})`).join('; ')}`,
      );
    }
    out.push('');
  }

  if (r.s3.length) {
    const boards = r.s3[0].boards;
    out.push(`### S3 — ${boards} idle boards × 3 participants (Meshboard: y-websocket + socket.io /meeting per participant)`);
    out.push('');
    out.push(
      table(
        [
          { label: 'RSS per idle loaded board KiB', values: by(r.s3, (x) => x.perBoardKiB), target: '≤ 32', digits: 1 },
          { label: 'RSS per idle participant KiB', values: by(r.s3, (x) => x.perParticipantKiB), target: '≤ 40', digits: 1 },
          { label: 'RSS at end MiB', values: by(r.s3, (x) => x.finalRssMiB), digits: 0 },
          {
            label: 'all boards unloaded after the last participant left, ms',
            values: by(
              r.s3.filter((x) => x.unloadedAfterMs !== undefined),
              (x) => x.unloadedAfterMs,
            ),
            target: 'unload (grace 2 s)',
            digits: 0,
          },
          {
            label: 'boards whose edit was persisted by the unload',
            values: by(
              r.s3.filter((x) => x.persistedBoards !== undefined),
              (x) => x.persistedBoards,
            ),
            target: `${boards}`,
            digits: 0,
          },
          {
            label: 'RSS after unloading MiB',
            values: by(
              r.s3.filter((x) => x.rssAfterUnloadMiB !== undefined),
              (x) => x.rssAfterUnloadMiB,
            ),
            digits: 0,
          },
          ...(r.s3[0].churn
            ? [
                {
                  label: `heap after GC before ${r.s3[0].churn.cycles.toLocaleString('en-US')} connect/disconnect cycles, MiB`,
                  values: by(r.s3, (x) => x.churn.heapBeforeMiB),
                  digits: 1,
                },
                { label: 'heap after GC after the cycles, MiB', values: by(r.s3, (x) => x.churn.heapAfterMiB), digits: 1 },
                { label: 'heap growth %', values: by(r.s3, (x) => x.churn.heapGrowthPct), target: '±5', digits: 1 },
              ]
            : []),
        ],
        r.servers,
      ),
    );
    out.push('');
  }

  if (r.s4.length) {
    const x0 = r.s4[0];
    out.push(`### S4 — first sync of a ${x0.cards.toLocaleString('en-US')}-card board after a cold start (${x0.tail}-entry log tail)`);
    out.push('');
    out.push(
      table(
        [
          { label: 'first sync ms (median)', values: by(r.s4, (x) => median(x.firstSyncMs)), target: '≤ 400' },
          { label: 'first sync ms (max)', values: by(r.s4, (x) => Math.max(...x.firstSyncMs)) },
          { label: 'document KiB', values: by(r.s4, (x) => x.docBytes / 1024), digits: 0 },
        ],
        r.servers,
      ),
    );
    out.push('');
    for (const x of r.s4) out.push(`- ${x.server}: ${x.persistence}; runs ${x.firstSyncMs.join(', ')} ms`);
    out.push('');
  }

  if (r.s5.length) {
    out.push(`### S5 — reconnect storm (${r.s5[0].clients} clients reconnect within 1 s to a ${r.s5[0].cards}-card board)`);
    out.push('');
    out.push(
      table(
        [
          { label: 'all resynced after ms', values: by(r.s5, (x) => x.allResyncedMs), target: '≤ 3000', digits: 0 },
          { label: 'per-client resync p50 ms', values: by(r.s5, (x) => x.resync.p50) },
          { label: 'per-client resync p99 ms', values: by(r.s5, (x) => x.resync.p99) },
          { label: 'failed', values: by(r.s5, (x) => x.failed), target: '0', digits: 0 },
          { label: 'server CPU s for the storm', values: by(r.s5, (x) => x.serverCpuS) },
        ],
        r.servers,
      ),
    );
    out.push('');
  }

  if (r.s6.length) {
    out.push(`### S6 — presence: ${r.s6[0].clients} participants moving cursors at ${r.s6[0].hz} Hz (awareness)`);
    out.push('');
    out.push(
      table(
        [
          { label: 'awareness updates sent/s', values: by(r.s6, (x) => x.sentPerS), digits: 0 },
          { label: 'awareness frames received/s', values: by(r.s6, (x) => x.framesPerS), digits: 0 },
          { label: 'frames expected/s (no merging)', values: by(r.s6, (x) => x.expectedPerS), digits: 0 },
          { label: 'latency p50 ms', values: by(r.s6, (x) => x.latency.p50) },
          { label: 'latency p99 ms', values: by(r.s6, (x) => x.latency.p99) },
          { label: 'server CPU cores', values: by(r.s6, (x) => x.serverCpuCores) },
          { label: 'generator CPU cores', values: by(r.s6, (x) => x.generatorCpuCores) },
        ],
        r.servers,
      ),
    );
    out.push('');
  }

  if (r.s7.length) {
    out.push('### S7 — decision → action item (Meshboard only; `addDecision` on a probe → `actions:changed`)');
    out.push('');
    out.push('| board | samples | p50 ms | p95 ms | p99 ms | max ms |');
    out.push('|---|---|---|---|---|---|');
    for (const x of r.s7) out.push(`| ${x.cards} cards | ${x.samples} | ${x.latency.p50} | ${x.latency.p95} | ${x.latency.p99} | ${x.latency.max} |`);
    out.push('');
  }

  if (r.s8?.length) {
    out.push("### S8 — decision parser (`parseDecision`, in the generator's process; ms per decision)");
    out.push('');
    out.push("| shape | chars | known names | first parse ms (builds the names' lookup) | samples | p50 ms | max ms |");
    out.push('|---|---|---|---|---|---|---|');
    for (const x of r.s8)
      out.push(`| ${x.shape} | ${fmt(x.chars, 0)} | ${fmt(x.names, 0)} | ${fmt(x.firstMs)} | ${x.ms.n} | ${fmt(x.ms.p50)} | ${fmt(x.ms.max)} |`);
    out.push('');
  }
  out.push(...renderBrowser(r));
  return out.join('\n');
}
