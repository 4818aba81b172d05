/** Markdown tables of the browser scenarios (B1–B4), with the targets beside the figures. */
import type { B1Result, B2Result, B3Result, B4Result } from './browser.js';

const n = (x: number | undefined, d = 0) =>
  x === undefined || !Number.isFinite(x) ? '–' : Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Math.round(x * 10 ** d) / 10 ** d);
const size = (cards: number) => `${cards.toLocaleString('en-US')} cards`;
const times = (x: number | undefined, base: number | undefined) =>
  x !== undefined && base !== undefined && Number.isFinite(x) && Number.isFinite(base) && base > 0 ? `${(x / base).toFixed(2)}×` : '–';
const big = (cards: number) => cards === 1500 || cards === 10_000;

export interface BrowserPart {
  b1?: B1Result[];
  b2?: B2Result[];
  b3?: B3Result[];
  b4?: B4Result[];
  emptyHeapMiB?: number;
  pageErrors?: string[];
}

export function renderBrowser(r: BrowserPart): string[] {
  const out: string[] = [];
  const dnf = (x: { dnf?: string }) => (x.dnf ? ` (${x.dnf})` : '');
  if (r.b1?.length) {
    out.push('### B1 — time to first card and to interactive after navigation (Chromium, 1280×800; median of the loads)');
    out.push('');
    out.push('| board | loads | first card ms | interactive ms | loads (first card / interactive ms) | target |');
    out.push('|---|---|---|---|---|---|');
    for (const x of r.b1) {
      const target = x.cards === 1500 ? 'interactive ≤ 1,500' : x.cards === 10_000 ? 'interactive ≤ 3,000' : '';
      const runs = x.runs.map((t) => `${n(t.firstCardMs)} / ${n(t.interactiveMs)}`).join('; ');
      out.push(`| ${size(x.cards)} | ${x.runs.length} | ${n(x.firstCardMs)} | ${n(x.interactiveMs)} | ${runs}${dnf(x)} | ${target} |`);
    }
    out.push('');
  }
  if (r.b2?.length) {
    const base = r.b2.find((x) => x.cards === Math.min(...r.b2!.map((y) => y.cards)));
    out.push('### B2 — keystroke in tab A → painted in tab B; a Node peer’s edit → painted in tab B (ms)');
    out.push('');
    out.push(
      '| board | samples | keystroke → other tab p50 | p95 | p50 vs smallest board | peer edit → paint p50 | p95 | p50 vs smallest board | websocket message → paint p50 | p95 | target |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const x of r.b2) {
      out.push(
        `| ${size(x.cards)}${dnf(x)} | ${x.keystroke?.n ?? 0} | ${n(x.keystroke?.p50, 1)} | ${n(x.keystroke?.p95, 1)} | ${times(x.keystroke?.p50, base?.keystroke?.p50)} | ` +
          `${n(x.remote?.p50, 1)} | ${n(x.remote?.p95, 1)} | ${times(x.remote?.p50, base?.remote?.p50)} | ${n(x.remoteFromMessage?.p50, 1)} | ${n(x.remoteFromMessage?.p95, 1)} | ` +
          `${big(x.cards) ? '≤ 1.2× the 30-card board' : ''} |`,
      );
    }
    out.push('');
  }
  if (r.b3?.length) {
    out.push('### B3 — long tasks and frames while scrolling tab B top to bottom, and while a Node peer types 10 chars/s for 5 s');
    out.push('');
    out.push('| board | activity | long tasks (> 50 ms) | longest ms | frames | frames > 16.7 ms | frames > 33 ms | longest frame ms | target |');
    out.push('|---|---|---|---|---|---|---|---|---|');
    for (const x of r.b3) {
      if (x.dnf && !x.scroll) out.push(`| ${size(x.cards)} | ${x.dnf} | | | | | | | |`);
      for (const [what, a] of [
        ['scrolling', x.scroll],
        ['peer typing', x.typing],
      ] as const) {
        if (!a) continue;
        const label = what === 'scrolling' ? `scrolling (${n(a.scrolledPx)} px in ${a.steps} wheel steps)` : what;
        out.push(
          `| ${size(x.cards)} | ${label} | ${a.longTasks} | ${n(a.maxLongTaskMs)} | ${a.frames} | ${a.over16} | ${a.over33} | ${n(a.maxFrameMs)} | ${what === 'scrolling' ? '0 long tasks' : ''} |`,
        );
      }
    }
    out.push('');
  }
  if (r.b4?.length) {
    out.push(`### B4 — JS heap after GC (an empty board’s page: ${n(r.emptyHeapMiB, 1)} MiB)`);
    out.push('');
    out.push('| board | page heap MiB | minus the empty board MiB | document KiB (update) | Y.Doc holding it in Node, MiB | page / Y.Doc | target |');
    out.push('|---|---|---|---|---|---|---|');
    for (const x of r.b4)
      out.push(
        `| ${size(x.cards)} | ${n(x.heapMiB, 1)} | ${n(x.boardHeapMiB, 1)} | ${n(x.docBytes / 1024)} | ${n(x.docHeapMiB, 1)} | ${x.ratio.toFixed(2)}× | ${x.cards === 10_000 ? '≤ 3×' : ''} |`,
      );
    out.push('');
  }
  if (r.pageErrors?.length) {
    out.push(`Page errors during the browser scenarios: ${r.pageErrors.length} (first: ${r.pageErrors[0]}).`);
    out.push('');
  }
  return out;
}
