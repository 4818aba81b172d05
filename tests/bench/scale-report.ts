/** Renders S9 (scale-out) as markdown: one shared board under a rising rate, then many boards placed two ways. */
import type { ScaleResults, ScaleRow } from './scale.js';

const fmt = (x: number, d = 2) =>
  Number.isFinite(x) ? (Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Math.round(x * 10 ** d) / 10 ** d)) : '–';
const pair = (a: number, b: number) => (Number.isFinite(a) ? `${fmt(a)} / ${fmt(b)}` : '–');
const setup = (x: ScaleRow) => `${x.instances}${x.redis ? '' : ', no Redis'}`;
const cores = (x: ScaleRow) => x.cpuPerInstance.map((c) => fmt(c)).join(' + ');
const aside = (x: ScaleRow) => `${fmt(x.redisCpuCores)}${x.storeCpuCores !== undefined ? ` / ${fmt(x.storeCpuCores)}` : ''}`;

/** The run the figures come from: S9's block stands apart from the other results, so it names its own run. */
export interface RunInfo {
  mode: string;
  startedAt: string;
  durationS?: number;
  machine: Record<string, unknown>;
}

export function renderScale(s: ScaleResults | undefined, run: RunInfo): string[] {
  if (!s || (!s.rows.length && !s.skipped.length)) return [];
  const out: string[] = [];
  const m = run.machine as { nproc?: number; cpu?: string; node?: string; loadAvgAtStart?: number; loadAvgAtEnd?: number };
  out.push(
    `### S9 — scale-out: instances on one store and one Redis, clients split across them (${run.mode} run, ${run.startedAt}, ${run.durationS ?? '?'} s)`,
  );
  out.push('');
  out.push(
    `Machine: ${m.nproc} cores, ${m.cpu}, Node ${m.node}; load average ${m.loadAvgAtStart} at start, ${m.loadAvgAtEnd} at end. ` +
      `${s.cores === null ? 'Not pinned' : `Instances, redis-server and PostgreSQL pinned to core ${s.cores}, the generator to its own`}; one repetition. ` +
      'CPU in cores over the window (+ drain); µs/delivery counts the instances only. "cross" is probe → probe between different instances.',
  );
  out.push('');
  for (const why of s.skipped) out.push(`- Not run: ${why}`);
  if (s.skipped.length) out.push('');
  const groups = [...new Set(s.rows.map((x) => `${x.store}|${x.instances}|${x.redis}`))];

  const one = s.rows.filter((x) => x.workload === 'one board');
  if (one.length) {
    const x0 = one[0];
    const base = Math.min(...one.map((x) => x.rate));
    out.push(
      `One board of ${x0.clientsPerBoard} clients (4 probes), split round-robin over the instances; the rate is raised until p99 > 50 ms or loss. ` +
        `Latency and CPU at ${fmt(base, 0)} updates/s, the first step:`,
    );
    out.push('');
    out.push(
      '| store | instances | max sustained deliveries/s (at updates/s) | p50 / p99 ms | cross p50 / p99 ms | CPU per instance, cores | instances µs/delivery | Redis / PostgreSQL cores |',
    );
    out.push('|---|---|---|---|---|---|---|---|');
    for (const g of groups) {
      const xs = one.filter((x) => `${x.store}|${x.instances}|${x.redis}` === g);
      if (!xs.length) continue;
      const best = xs.filter((x) => x.ok).sort((a, b) => b.throughput - a.throughput)[0];
      const at = xs.find((x) => x.rate === base) ?? xs[0];
      out.push(
        `| ${at.store} | ${setup(at)} | ${best ? `${fmt(best.throughput, 0)} (${fmt(best.rate, 0)})` : 'none'} | ${pair(at.latency.p50, at.latency.p99)} | ${pair(at.cross.p50, at.cross.p99)} | ${cores(at)} | ${fmt(at.cpuUsPerDelivery)} | ${aside(at)} |`,
      );
    }
    out.push('');
    out.push('Ramp steps (updates/s → deliveries/s, p99 ms, loss-free, CPU per instance):');
    out.push('');
    for (const g of groups) {
      const xs = one.filter((x) => `${x.store}|${x.instances}|${x.redis}` === g);
      if (!xs.length) continue;
      out.push(
        `- ${xs[0].store}, ${setup(xs[0])}: ${xs.map((x) => `${fmt(x.rate, 0)}→${fmt(x.throughput, 0)} (${fmt(x.latency.p99)} ms, ${x.noLoss ? 'ok' : 'LOSS'}, ${cores(x)})`).join('; ')}`,
      );
    }
    out.push('');
  }

  const many = s.rows.filter((x) => x.workload === 'many boards');
  if (many.length) {
    const x0 = many[0];
    out.push(
      `${x0.boards} boards × ${x0.clientsPerBoard} clients (4 probes each), ${fmt(x0.rate / x0.boards, 0)} updates/s per board (${fmt(x0.rate, 0)} in all). ` +
        "Spread: each board's clients round-robin over the instances; by board: all of a board's clients on one instance (board k on instance k mod n).",
    );
    out.push('');
    out.push(
      '| store | instances | placement | deliveries/s | loss-free | p50 / p99 ms | cross p50 / p99 ms | CPU per instance, cores | instances µs/delivery | Redis / PostgreSQL cores |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|---|');
    for (const x of many) {
      out.push(
        `| ${x.store} | ${setup(x)} | ${x.placement} | ${fmt(x.throughput, 0)} | ${x.noLoss ? 'yes' : 'NO'} | ${pair(x.latency.p50, x.latency.p99)} | ${pair(x.cross.p50, x.cross.p99)} | ${cores(x)} | ${fmt(x.cpuUsPerDelivery)} | ${aside(x)} |`,
      );
    }
    out.push('');
  }
  return out;
}
