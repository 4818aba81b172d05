/**
 * What the browser scenarios (browser.ts) stand on: seeding a real board over the wire, the client build,
 * Chromium contexts whose pages carry a small in-page probe (`window.__bench`), and the in-page waits.
 * Every wait is bounded: a step that does not finish in time rejects with a `DidNotFinish`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Probe } from './wire.js';
import { sleep, type Room, type RunningServer } from './servers.js';
import { addDecision, createCards, type NewCard } from '../../shared/board-schema.js';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);

/** A step that ran out of its time; recorded as "did not finish in N s" rather than failing the run. */
export class DidNotFinish extends Error {
  constructor(
    readonly step: string,
    readonly ms: number,
  ) {
    super(`${step}: did not finish in ${Math.round(ms / 1000)} s`);
  }
}

/** Rejects with `DidNotFinish` when `p` takes longer than `ms`. */
export async function capped<T>(step: string, ms: number, p: Promise<T>): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (t = setTimeout(() => reject(new DidNotFinish(step, ms)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

// ---- the client build ----------------------------------------------------------------------------------

const newest = (dir: string): number => {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
};

/** Builds the client (`vite build`) when dist/client is missing or older than client/ or shared/; says so. */
export function ensureClientBuilt(log: (msg: string) => void): void {
  const index = path.join(ROOT, 'dist/client/index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const source = Math.max(newest(path.join(ROOT, 'client')), newest(path.join(ROOT, 'shared')));
  if (built >= source) return;
  log(built ? 'dist/client is older than client/: running vite build first' : 'dist/client is missing: running vite build first');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
}

// ---- seeding -------------------------------------------------------------------------------------------

/** Seed texts avoid the letter the scenarios type ('z'), so a card's count of it is what was typed. */
export const TYPED = 'z';

function seedCard(k: number): NewCard {
  switch (k % 3) {
    case 0:
      return {
        column: 'agenda',
        title: `Agenda item ${k}: the quarterly plan`,
        owner: 'Ana',
        timebox: 10,
        notes: `Where we are with item ${k}.\nWhat we need to settle today.`,
      };
    case 1:
      return { column: 'needs', asker: 'Ana', addressee: 'Bo', what: `Request ${k}: a review of the budget sheet`, byWhen: '2031-03-01' };
    default:
      return { column: 'challenges', problem: `Challenge ${k}: the build is slow on the CI machines` };
  }
}

export interface SeededBoard {
  room: Room;
  cards: number;
  /** Agenda card ids in column order. */
  agenda: string[];
  /** The document as a Yjs update (what the server holds). */
  update: Uint8Array;
  /** The board's URL with the participant token. */
  url: string;
}

/**
 * Builds `cards` cards (a third each: agenda items with two lines of notes, a decision on every fifth;
 * requests; challenges) in a Node Y.Doc, 500 per transaction so each update stays under the server's
 * frame limit, sends them over the y-websocket protocol, and waits until a fresh client syncs them all
 * from the server (which appends every update to its log before relaying it).
 */
export async function seedBoard(server: RunningServer, cards: number): Promise<SeededBoard> {
  const room = await server.createRoom(`browser ${cards}`);
  const probe = new Probe(room, server.framing, 'seed');
  await probe.open();
  await probe.whenSynced();
  const agenda: string[] = [];
  for (let i = 0; i < cards; i += 500) {
    const batch = Array.from({ length: Math.min(500, cards - i) }, (_, j) => seedCard(i + j));
    probe.doc.transact(() => {
      const ids = createCards(probe.doc, batch, { createdBy: 'bench' });
      const mine = ids.slice(0, batch.filter((c) => c.column === 'agenda').length);
      mine.forEach((id, j) => {
        if ((agenda.length + j) % 5 === 0) addDecision(probe.doc, id, { text: 'Ana will send the plan by Friday', owners: 'Ana', decidedBy: 'Bench' });
      });
      agenda.push(...mine);
    });
    await sleep(5);
  }
  const update = Y.encodeStateAsUpdate(probe.doc);
  probe.close();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const check = new Probe(room, server.framing, 'check');
    await check.open();
    await check.whenSynced(60_000);
    const n = check.doc.getMap('cards').size;
    check.close();
    if (n === cards) break;
    if (Date.now() > deadline) throw new Error(`the server holds ${n} of ${cards} seeded cards`);
    await sleep(200);
  }
  return { room, cards, agenda, update, url: `${server.base}/b/${encodeURIComponent(room.id)}?token=${encodeURIComponent(room.tokens!.participant)}` };
}

/** Bytes of heap a Y.Doc holding `update` takes in Node: a child with --expose-gc, heap after GC around loading it. */
export function docHeapBytes(update: Uint8Array): number {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meshboard-bench-doc-')), 'doc.bin');
  fs.writeFileSync(file, update);
  try {
    const script = `
      const Y = await import('yjs');
      const fs = await import('node:fs');
      const bytes = fs.readFileSync(${JSON.stringify(file)});
      const used = () => { global.gc(); global.gc(); return process.memoryUsage().heapUsed; };
      const before = used();
      const doc = new Y.Doc();
      Y.applyUpdate(doc, bytes);
      doc.getMap('cards');
      const after = used();
      console.log(JSON.stringify({ bytes: after - before, keep: doc.clientID > 0 }));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`measuring the Y.Doc's heap failed: ${r.stderr}`);
    return (JSON.parse(r.stdout) as { bytes: number }).bytes;
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

// ---- pages ---------------------------------------------------------------------------------------------

/**
 * The in-page probe, installed before the app's own scripts: long tasks (PerformanceObserver), the first
 * card in the DOM and the frame after it, keydown times, a `j` answered (a card focused, then a frame), the
 * arrival of the last /yjs/ websocket message, and `arm(cardId)`: a promise of the wall-clock time of the
 * frame after that card shows one more typed letter than when it was armed. Times are page ms
 * (performance.now(), from navigation start) unless named `wall` (performance.timeOrigin + now).
 */
function probeScript(typed: string): void {
  const b = {
    longtasks: [] as [number, number][],
    firstCardDom: -1,
    firstCard: -1,
    jAnswered: -1,
    keydownsWall: [] as number[],
    lastYjsMessage: -1,
    frames: [] as number[],
    framing: false,
    armed: null as Promise<{ wall: number; date: number; sinceMessage: number }> | null,
    arm(cardId: string) {
      const sel = `article[data-card-id="${CSS.escape(cardId)}"]`;
      const count = () => (document.querySelector(sel)?.textContent ?? '').split(typed).length - 1;
      const from = count();
      b.armed = new Promise((resolve) => {
        const check = () => {
          if (count() <= from) return;
          mo.disconnect();
          const message = b.lastYjsMessage;
          requestAnimationFrame(() => {
            const now = performance.now();
            resolve({ wall: performance.timeOrigin + now, date: Date.now(), sinceMessage: now - message });
          });
        };
        const mo = new MutationObserver(check);
        mo.observe(document.body, { childList: true, subtree: true, characterData: true });
      });
      return from;
    },
    startFrames() {
      b.frames = [];
      b.framing = true;
      const tick = (t: number) => {
        b.frames.push(t);
        if (b.framing) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    },
  };
  (window as any).__bench = b;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.longtasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const mo = new MutationObserver(() => {
    if (b.firstCardDom >= 0 || !document.querySelector('article[data-card-id]')) return;
    b.firstCardDom = performance.now();
    mo.disconnect();
    requestAnimationFrame(() => (b.firstCard = performance.now()));
  });
  mo.observe(document, { childList: true, subtree: true });
  addEventListener('keydown', (e) => e.key === typed && b.keydownsWall.push(performance.timeOrigin + e.timeStamp), true);
  addEventListener('focusin', (e) => {
    if (b.jAnswered < 0 && (e.target as Element | null)?.matches?.('article[data-card-id]')) requestAnimationFrame(() => (b.jAnswered = performance.now()));
  });
  const Native = WebSocket;
  (window as any).WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      // Registered before the app sets onmessage, so this runs first for each message.
      if (String(url).includes('/yjs/')) this.addEventListener('message', () => (b.lastYjsMessage = performance.now()));
    }
  };
}

/** A fresh browser context (own storage and HTTP cache) whose pages carry the probe and a remembered name. */
export async function benchContext(browser: Browser, base: string, name: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, locale: 'en-US', timezoneId: 'UTC' });
  // The bench runs under tsx, whose build names functions with a `__name` helper that pages lack.
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await context.addInitScript((who) => localStorage.setItem('meshboard:identity', JSON.stringify({ name: who, color: '#175cd3' })), name);
  await context.addInitScript(probeScript, TYPED);
  return context;
}

/** Forgets the board copies the client keeps in IndexedDB (so each load is a first visit), keeping the HTTP cache. */
export async function forgetLocalCopies(context: BrowserContext, page: Page, base: string): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(base).origin, storageTypes: 'indexeddb' });
  await cdp.detach();
}

export interface LoadTimes {
  /** From navigation start to the frame after the first card entered the DOM. */
  firstCardMs: number;
  /** From navigation start until `j` focused a card (and a frame ran) and no long task ran for 1 s after. */
  interactiveMs: number;
}

/** Opens `url` in `page` and measures B1's two times; each wait capped at `capMs` from navigation. */
export async function openBoard(page: Page, url: string, capMs: number): Promise<LoadTimes> {
  const start = Date.now();
  const left = () => Math.max(1, capMs - (Date.now() - start));
  await capped('navigation', left(), page.goto(url, { waitUntil: 'commit', timeout: capMs }));
  await capped(
    'first card',
    left(),
    page.waitForFunction(() => (window as any).__bench.firstCard >= 0, null, { timeout: 0, polling: 100 }),
  );
  const firstCardMs = await page.evaluate(() => (window as any).__bench.firstCard as number);
  // Until it answers, a keypress waits in the queue; pressing again covers a key that landed before the shortcuts were bound.
  await capped(
    'j answered',
    left(),
    (async () => {
      for (;;) {
        await page.keyboard.press('j');
        if (
          await page
            .waitForFunction(() => (window as any).__bench.jAnswered >= 0, null, { timeout: 2000, polling: 50 })
            .then(
              () => true,
              () => false,
            )
        )
          return;
      }
    })(),
  );
  const interactiveMs = await capped(
    'quiet after j',
    left(),
    page
      .waitForFunction(
        () => {
          const b = (window as any).__bench;
          const busy = Math.max(b.jAnswered, ...b.longtasks.map(([s, d]: [number, number]) => s + d));
          return performance.now() - busy >= 1000 ? busy : false;
        },
        null,
        { timeout: 0, polling: 100 },
      )
      .then((h) => h.jsonValue() as Promise<number>),
  );
  return { firstCardMs, interactiveMs };
}

/** Scrolls the card into view (the column's list may render only what is on screen: steps through it until the card exists). */
export async function revealCard(page: Page, cardId: string, index: number, count: number): Promise<void> {
  const found = await page.evaluate(
    async ({ cardId, index, count }) => {
      const sel = `article[data-card-id="${CSS.escape(cardId)}"]`;
      const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      for (let attempt = 0; attempt < 50; attempt++) {
        const el = document.querySelector<HTMLElement>(sel);
        if (el) {
          el.scrollIntoView({ block: 'center' });
          await frame();
          return true;
        }
        // The scroller holding the column's cards: the first scrollable ancestor of its first card.
        let s: HTMLElement | null = document.querySelector<HTMLElement>('#col-agenda article[data-card-id]');
        while (s && s.scrollHeight <= s.clientHeight + 1) s = s.parentElement;
        const scroller = s ?? (document.scrollingElement as HTMLElement);
        scroller.scrollTop = (scroller.scrollHeight * (index + attempt * 0.002 * (attempt % 2 ? 1 : -1))) / count;
        await frame();
      }
      return false;
    },
    { cardId, index, count },
  );
  if (!found) throw new Error(`card ${cardId} never appeared in the page`);
}

/** Runs `fn` and returns the long tasks and frame intervals (ms) the page saw meanwhile. */
export async function watchFrames(page: Page, fn: () => Promise<void>): Promise<{ longtasks: number[]; frames: number[] }> {
  const from = await page.evaluate(() => {
    (window as any).__bench.startFrames();
    return performance.now();
  });
  await fn();
  return page.evaluate((from) => {
    const b = (window as any).__bench;
    b.framing = false;
    const frames = (b.frames as number[]).slice(1).map((t, i) => t - b.frames[i]);
    const longtasks = (b.longtasks as [number, number][]).filter(([s]) => s >= from).map(([, d]) => d);
    return { longtasks, frames };
  }, from);
}

/**
 * Sum of the scroll offsets (or, with `room`, of how far each could scroll) of the element in `#col-agenda`'s
 * lane at the middle of the viewport and its ancestors.
 */
const scrollSum = (page: Page, room: boolean): Promise<number> =>
  page.evaluate((room) => {
    const col = document.querySelector('#col-agenda')!.getBoundingClientRect();
    let el: Element | null = document.elementFromPoint(col.left + col.width / 2, innerHeight / 2);
    let sum = 0;
    for (; el; el = el.parentElement) sum += room ? Math.max(0, el.scrollHeight - el.clientHeight) : el.scrollTop;
    return sum;
  }, room);
export const scrollPosition = (page: Page): Promise<number> => scrollSum(page, false);
export const scrollRoom = (page: Page): Promise<number> => scrollSum(page, true);
