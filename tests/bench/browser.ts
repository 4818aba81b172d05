/**
 * The browser scenarios (B1–B4): Meshboard's client in headless Chromium (Debian's, driven by
 * playwright-core) against the Meshboard server the bench starts, on boards of growing size.
 * - B1 time to first card and to interactive after navigation (fresh page per run, HTTP cache warm).
 * - B2 keystroke in tab A → painted in tab B; a Node peer's edit → painted in tab B.
 * - B3 long tasks and frame intervals while scrolling the board and while a Node peer types.
 * - B4 the page's JS heap after GC, beside the document's own size (bytes, and a Y.Doc's heap in Node).
 * Each measurement is capped; one that runs out is recorded as "did not finish" and the size's later
 * scenarios are skipped (they need the board open). A scenario that measures nothing throws.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { Probe } from './wire.js';
import { sleep, type RunningServer } from './servers.js';
import { median, percentiles, type Percentiles } from './stats.js';
import {
  benchContext,
  capped,
  DidNotFinish,
  docHeapBytes,
  forgetLocalCopies,
  openBoard,
  revealCard,
  scrollPosition,
  scrollRoom,
  seedBoard,
  TYPED,
  watchFrames,
  type LoadTimes,
  type SeededBoard,
} from './browser-page.js';

export interface BrowserConfig {
  sizes: number[];
  /** Measured B1 loads per size (after one discarded load that warms the HTTP cache). */
  loads: number;
  /** B2 samples per kind and size. */
  samples: number;
  /** Cap of each measurement (a board load, a sample, a scroll), ms. */
  capMs: number;
  /** B3: the peer types at 10 chars/s for this long. */
  typeMs: number;
}

export const B_SCENARIOS = ['B1', 'B2', 'B3', 'B4'] as const;

export interface B1Result {
  cards: number;
  runs: LoadTimes[];
  firstCardMs: number;
  interactiveMs: number;
  dnf?: string;
}
export interface B2Result {
  cards: number;
  keystroke?: Percentiles;
  remote?: Percentiles;
  remoteFromMessage?: Percentiles;
  dnf?: string;
}
export interface Activity {
  longTasks: number;
  maxLongTaskMs: number;
  frames: number;
  over16: number;
  over33: number;
  maxFrameMs: number;
  /** Scrolling: px scrolled and wheel steps. */
  scrolledPx?: number;
  steps?: number;
}
export interface B3Result {
  cards: number;
  scroll?: Activity;
  typing?: Activity;
  dnf?: string;
}
export interface B4Result {
  cards: number;
  heapMiB: number;
  /** Heap minus an empty board's. */
  boardHeapMiB: number;
  docBytes: number;
  /** Heap a Y.Doc holding the document takes in Node. */
  docHeapMiB: number;
  /** boardHeapMiB / docHeapMiB. */
  ratio: number;
}
export interface BrowserResults {
  b1: B1Result[];
  b2: B2Result[];
  b3: B3Result[];
  b4: B4Result[];
  emptyHeapMiB?: number;
  pageErrors: string[];
}

const MiB = 2 ** 20;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const frame = (page: Page) => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => r())));

async function heapMiB(context: BrowserContext, page: Page): Promise<number> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  if (!(usedSize > 0)) throw new Error('B4: the page reported no heap');
  return usedSize / MiB;
}

function activity(seen: { longtasks: number[]; frames: number[] }): Activity {
  if (seen.frames.length < 2) throw new Error('B3: no frames were recorded (requestAnimationFrame never ran)');
  return {
    longTasks: seen.longtasks.length,
    maxLongTaskMs: round(Math.max(0, ...seen.longtasks)),
    frames: seen.frames.length,
    over16: seen.frames.filter((f) => f > 1000 / 60 + 1).length,
    over33: seen.frames.filter((f) => f > 1000 / 30 + 1).length,
    maxFrameMs: round(Math.max(...seen.frames)),
  };
}

export async function browserScenarios(
  server: RunningServer,
  cfg: BrowserConfig,
  want: (s: string) => boolean,
  log: (msg: string) => void,
): Promise<BrowserResults> {
  const out: BrowserResults = { b1: [], b2: [], b3: [], b4: [], pageErrors: [] };
  const browser = await launchBrowser();
  const watchErrors = (page: Page) => page.on('pageerror', (e) => out.pageErrors.push(e.message));
  try {
    if (want('B4')) {
      const empty = await seedBoard(server, 0);
      const context = await benchContext(browser, server.base, 'Bench');
      const page = await context.newPage();
      watchErrors(page);
      await page.goto(empty.url);
      await page.locator('#col-agenda').waitFor({ timeout: cfg.capMs });
      await sleep(1000);
      log("B4 the empty board's heap");
      out.emptyHeapMiB = round(await heapMiB(context, page), 2);
      await context.close();
    }
    for (const cards of cfg.sizes) {
      log(`B seeding a ${cards.toLocaleString('en-US')}-card board`);
      const board = await seedBoard(server, cards);
      const run: SizeRun = { browser, server, board, cfg, want, out, log, watchErrors };
      const opened = await loads(run);
      if (!opened) continue;
      if (want('B2') || want('B3')) await twoTabs(run);
    }
  } finally {
    await browser.close();
  }
  const smallest = Math.min(...cfg.sizes);
  if (want('B1') && !(out.b1.find((r) => r.cards === smallest)?.runs.length ?? 0)) throw new Error(`B1: the ${smallest}-card board never opened`);
  if (want('B2') && !out.b2.find((r) => r.cards === smallest)?.keystroke?.n) throw new Error(`B2: no keystroke reached the other tab on ${smallest} cards`);
  return out;
}

/** What the scenarios of one board size work with. */
interface SizeRun {
  browser: Browser;
  server: RunningServer;
  board: SeededBoard;
  cfg: BrowserConfig;
  want: (s: string) => boolean;
  out: BrowserResults;
  log: (msg: string) => void;
  watchErrors: (p: Page) => void;
}

/** B1 (and B4 on the last loaded page). Returns false when the board did not open in time. */
async function loads(run: SizeRun): Promise<boolean> {
  const { browser, server, board, cfg, want, out, log, watchErrors } = run;
  const { cards } = board;
  const context = await benchContext(browser, server.base, 'Bench');
  const result: B1Result = { cards, runs: [], firstCardMs: NaN, interactiveMs: NaN };
  try {
    const runs = want('B1') ? cfg.loads + 1 : 1;
    for (let i = 0; i < runs; i++) {
      const page = await context.newPage();
      watchErrors(page);
      await forgetLocalCopies(context, page, server.base);
      try {
        log(`B1 ${cards} cards, load ${i + 1}/${runs}${i === 0 ? ' (warms the cache, discarded)' : ''}`);
        const t = await openBoard(page, board.url, cfg.capMs);
        log(`B1 ${cards} cards: first card ${Math.round(t.firstCardMs)} ms, interactive ${Math.round(t.interactiveMs)} ms`);
        if (i > 0) result.runs.push({ firstCardMs: round(t.firstCardMs, 0), interactiveMs: round(t.interactiveMs, 0) });
        if (i === runs - 1 && want('B4')) {
          const heap = await heapMiB(context, page);
          const docHeap = docHeapBytes(board.update) / MiB;
          const boardHeap = heap - (out.emptyHeapMiB ?? 0);
          out.b4.push({
            cards,
            heapMiB: round(heap, 2),
            boardHeapMiB: round(boardHeap, 2),
            docBytes: board.update.byteLength,
            docHeapMiB: round(docHeap, 2),
            ratio: round(boardHeap / docHeap, 2),
          });
        }
      } catch (err) {
        if (!(err instanceof DidNotFinish)) throw err;
        result.dnf = err.message;
        log(`B1 ${cards} cards: ${err.message}`);
        return false;
      } finally {
        await page.close();
      }
    }
    return true;
  } finally {
    result.firstCardMs = median(result.runs.map((r) => r.firstCardMs));
    result.interactiveMs = median(result.runs.map((r) => r.interactiveMs));
    if (want('B1')) out.b1.push(result);
    await context.close();
  }
}

/** B2 and B3: tab A and tab B (own contexts, so own renderer processes) and a Node peer on one board. */
async function twoTabs(run: SizeRun): Promise<void> {
  const { browser, server, board, cfg, want, out, log, watchErrors } = run;
  const { cards, agenda } = board;
  const b2: B2Result = { cards };
  const b3: B3Result = { cards };
  const contexts = await Promise.all([benchContext(browser, server.base, 'Ana'), benchContext(browser, server.base, 'Bo')]);
  const peer = new Probe(board.room, server.framing, 'peer');
  const mid = Math.floor(agenda.length / 2);
  const cardId = agenda[mid];
  try {
    const [a, b] = await Promise.all(contexts.map((c) => c.newPage()));
    watchErrors(a);
    watchErrors(b);
    log(`B2/B3 ${cards} cards: opening tab A and tab B`);
    await Promise.all([openBoard(a, board.url, cfg.capMs), openBoard(b, board.url, cfg.capMs)]);
    await peer.open();
    await peer.whenSynced(cfg.capMs);
    const text = (id: string) => peer.doc.getMap<any>('cards').get(id).get('title');
    await revealCard(a, cardId, mid, agenda.length);
    await revealCard(b, cardId, mid, agenda.length);

    if (want('B2')) {
      // Open the card in A as a person does (a click on its text), caret at the end of the title.
      const card = a.locator(`article[data-card-id="${cardId}"]`);
      await card.locator('.read').click({ position: { x: 8, y: 8 }, timeout: cfg.capMs });
      await card.locator('[data-field="main"]').focus({ timeout: cfg.capMs });
      await a.keyboard.press('End');
      const keystroke: number[] = [];
      const remote: number[] = [];
      const fromMessage: number[] = [];
      const paint = () =>
        capped(
          'paint in tab B',
          cfg.capMs,
          b.evaluate(() => (window as any).__bench.armed as Promise<{ wall: number; date: number; sinceMessage: number }>),
        );
      log(`B2 ${cards} cards: ${cfg.samples} keystrokes A → B`);
      for (let i = 0; i < cfg.samples; i++) {
        await b.evaluate((id) => (window as any).__bench.arm(id), cardId);
        await a.keyboard.press(TYPED);
        const painted = await paint();
        const down = await a.evaluate(() => (window as any).__bench.keydownsWall.at(-1) as number);
        keystroke.push(painted.wall - down);
        await sleep(50); // typing pace, not a synchronisation
      }
      b2.keystroke = percentiles(keystroke);
      log(`B2 ${cards} cards: ${cfg.samples} peer edits → B`);
      for (let i = 0; i < cfg.samples; i++) {
        await b.evaluate((id) => (window as any).__bench.arm(id), cardId);
        const sent = Date.now();
        const t = text(cardId);
        t.insert(t.length, TYPED);
        const painted = await paint();
        remote.push(painted.date - sent);
        fromMessage.push(painted.sinceMessage);
        await sleep(50);
      }
      b2.remote = percentiles(remote);
      b2.remoteFromMessage = percentiles(fromMessage);
      await a.keyboard.press('Escape');
    }

    if (want('B3')) {
      log(`B3 ${cards} cards: scrolling tab B top to bottom`);
      await b.evaluate(() => {
        for (let s: Element | null = document.querySelector('#col-agenda article[data-card-id]'); s; s = s.parentElement) s.scrollTop = 0;
        scrollTo(0, 0);
      });
      const box = (await b.locator('#col-agenda').boundingBox())!;
      await b.mouse.move(box.x + box.width / 2, 400);
      let steps = 0;
      const top = await scrollPosition(b);
      const room = await scrollRoom(b);
      const seen = await capped(
        'scrolling',
        2 * cfg.capMs,
        watchFrames(b, async () => {
          const until = Date.now() + cfg.capMs;
          // A busy page applies a wheel late: stop at the bottom, or after 20 steps that moved nothing.
          let still = 0;
          let last = top;
          while (last < room - 1 && still < 20 && Date.now() < until && steps < 2000) {
            await b.mouse.wheel(0, 400);
            await frame(b);
            steps++;
            const now = await scrollPosition(b);
            still = now === last ? still + 1 : 0;
            last = now;
          }
        }),
      );
      const scrolled = (await scrollPosition(b)) - top;
      log(`B3 ${cards} cards: scrolled ${Math.round(scrolled)} of ${Math.round(room)} px in ${steps} steps`);
      if (scrolled <= 0 && room > 0) throw new Error(`B3: the wheel did not scroll the board (${room} px to scroll)`);
      b3.scroll = { ...activity(seen), scrolledPx: Math.round(scrolled), steps };

      log(`B3 ${cards} cards: a peer types 10 chars/s for ${cfg.typeMs / 1000} s`);
      const last = agenda[agenda.length - 1];
      const typed = await capped(
        'peer typing',
        cfg.capMs,
        watchFrames(b, async () => {
          for (let i = 0; i < cfg.typeMs / 100; i++) {
            const t = text(last);
            t.insert(t.length, TYPED);
            await sleep(100);
          }
          await sleep(300);
        }),
      );
      b3.typing = activity(typed);
    }
  } catch (err) {
    if (!(err instanceof DidNotFinish)) throw err;
    b2.dnf = b3.dnf = err.message;
    log(`B2/B3 ${cards} cards: ${err.message}`);
  } finally {
    peer.close();
    await Promise.all(contexts.map((c) => c.close()));
    if (want('B2')) out.b2.push(b2);
    if (want('B3')) out.b3.push(b3);
  }
}
