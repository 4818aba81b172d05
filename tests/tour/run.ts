/**
 * `npm run tour [-- --lang=en,de] [--theme=light,dark]`
 *
 * A screenshot tour for a human look, not a test: one meeting played from the lobby to the end by a
 * facilitator, a participant and a viewer, then the action list, the summary and the printed agenda, in each
 * language and theme, every view at 1280 and at 390 px. Uses the last `npm run build` (dist/client) and
 * writes dist/screenshots/tour/<lang>-<theme>-<view>-<width>.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../server/app.js';
import { en } from '../../client/lib/i18n/en.js';
import { de } from '../../client/lib/i18n/de.js';
import type { Dictionary } from '../../client/lib/i18n/types.js';
import { launchBrowser } from '../helpers/browser.js';

const args = process.argv.slice(2);
const pick = (name: string, all: string[]): string[] =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',') ?? all;
const LANGS = pick('lang', ['en', 'de']) as ('en' | 'de')[];
const THEMES = pick('theme', ['light', 'dark']) as ('light' | 'dark')[];
const OUT = path.resolve('dist/screenshots/tour');
const WIDTHS = [1280, 390] as const;

/** English under German, key by key, as the client does it (index.svelte.ts needs Svelte's runes). */
function merged(base: unknown, over: unknown): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof over !== 'object' || over === null) return over ?? base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) out[k] = merged(out[k], v);
  return out;
}
const DICT: Record<'en' | 'de', Dictionary> = { en: en as unknown as Dictionary, de: merged(en, de) as Dictionary };

async function post(base: string, p: string, body: unknown, token: string): Promise<any> {
  const res = await fetch(base + p, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** A board a team would bring to its weekly meeting. */
async function seed(base: string, lang: 'en' | 'de'): Promise<{ id: string; links: Record<string, string>; token: string }> {
  const de_ = lang === 'de';
  const res = await fetch(`${base}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      title: de_ ? 'Wöchentlicher Abgleich' : 'Weekly cross-team sync',
      purpose: de_ ? 'Uns gegenseitig entblocken' : 'Unblock each other before the release',
    }),
  });
  const board = (await res.json()) as { id: string; links: Record<string, string> };
  const token = new URL(board.links.facilitator).searchParams.get('token')!;
  const card = (body: unknown) => post(base, `/api/boards/${board.id}/cards`, body, token) as Promise<{ card: { id: string } }>;
  const decide = (id: string, text: string) => post(base, `/api/boards/${board.id}/cards/${id}/decisions`, { text }, token);
  const a1 = await card({
    column: 'agenda',
    title: de_ ? 'Release 4.2: Stand und Risiken' : 'Release 4.2: status and risks',
    owner: 'Priya',
    timebox: 10,
    notes: de_ ? 'Migration ist fertig.\nLasttest steht aus.\nSupport braucht FAQ.' : 'Migration is done.\nLoad test still pending.\nSupport needs an FAQ.',
  });
  await decide(a1.card.id, de_ ? '@Sam kümmert sich bis nächsten Freitag um den Lasttest' : '@Sam runs the load test by next Friday');
  await card({ column: 'agenda', title: de_ ? 'Kundenfeedback aus dem Support' : 'Customer feedback from support', owner: 'Lee', timebox: 15 });
  await card({ column: 'agenda', title: de_ ? 'Einstellungen im Q1' : 'Hiring in Q1', owner: 'Mona', timebox: 5 });
  await card({
    column: 'needs',
    asker: 'Priya',
    addressee: 'Sam',
    what: de_ ? 'Die Churn-Zahlen für Q3' : 'The Q3 churn numbers',
    byWhen: '2030-12-04',
  });
  await card({ column: 'needs', asker: 'Lee', addressee: 'Mona', what: de_ ? 'Zwei Stunden Design-Review' : 'Two hours of design review' });
  await card({
    column: 'challenges',
    problem: de_ ? 'Tickets landen im falschen Team' : 'Tickets land in the wrong team',
    proposals: de_ ? ['Triage-Rotation', 'Formular mit Pflichtfeld'] : ['A triage rotation', 'A form with a required field'],
  });
  await card({ column: 'challenges', problem: de_ ? 'Niemand besitzt das Onboarding' : 'Nobody owns onboarding' });
  return { ...board, token };
}

async function tour(browser: Browser, base: string, lang: 'en' | 'de', theme: 'light' | 'dark'): Promise<void> {
  const t = DICT[lang];
  const board = await seed(base, lang);
  const open = async (link: string, name: string, width: number): Promise<Page> => {
    const context = await browser.newContext({
      baseURL: base,
      viewport: { width, height: width > 500 ? 800 : 844 },
      isMobile: width < 500,
      hasTouch: width < 500,
      locale: lang === 'de' ? 'de-DE' : 'en-US',
      timezoneId: 'Europe/Berlin',
      colorScheme: theme,
    });
    await context.addInitScript((who) => localStorage.setItem('meshboard:identity', JSON.stringify({ name: who, color: '#175cd3' })), name);
    const page = await context.newPage();
    await page.goto(link);
    await page.locator('main').first().waitFor();
    return page;
  };
  const fac = await open(board.links.facilitator, 'Fay', 1280);
  const part = await open(board.links.participant, 'Sam', 390);
  const viewer = await open(board.links.viewer, 'Vic', 1280);
  const shot = async (page: Page, view: string) => {
    await page.mouse.move(0, 0).catch(() => {});
    const size = page.viewportSize()!;
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width > 500 ? 800 : 844 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      await page.screenshot({ path: path.join(OUT, `${lang}-${theme}-${view}-${width}.png`) });
    }
    await page.setViewportSize(size);
  };
  const everyone = async (state: string) => {
    await shot(fac, `${state}-facilitator`);
    await shot(part, `${state}-participant`);
    await shot(viewer, `${state}-viewer`);
  };
  const bar = fac.getByRole('region', { name: t.meeting.barLabel, exact: true }).first();
  const next = async (phase: keyof typeof t.meeting.phases) => {
    await bar.getByRole('button', { name: t.meeting.nextPhase(t.meeting.phases[phase]) }).click();
    await part.getByText(t.meeting.phases[phase], { exact: true }).locator('visible=true').first().waitFor();
  };

  await everyone('lobby');
  await bar.getByRole('button', { name: t.meeting.start }).click();
  await part.getByText(t.meeting.phases['check-in'], { exact: true }).locator('visible=true').first().waitFor();
  await everyone('check-in');
  await next('agenda');
  await everyone('agenda');
  await next('needs');
  await everyone('needs');
  await next('challenges');
  await fac.getByRole('button', { name: t.meeting.openVote }).click();
  await everyone('challenges-vote');
  await next('wrap-up');
  await everyone('wrap-up');
  await bar.getByRole('button', { name: t.meeting.end }).click();
  await fac.getByRole('dialog').getByRole('button', { name: t.meeting.endConfirm }).click();
  await part.getByText(t.meeting.ended).locator('visible=true').first().waitFor();
  await everyone('ended');

  for (const [view, suffix] of [
    ['actions', 'actions'],
    ['summary', 'summary'],
    ['agenda-print', 'agenda'],
  ] as const) {
    await fac.goto(`/b/${board.id}/${suffix}?token=${board.token}`);
    await fac.locator('main').first().waitFor();
    await fac.waitForLoadState('networkidle');
    await shot(fac, view);
  }
  await fac.emulateMedia({ media: 'print' });
  await fac.goto(`/b/${board.id}/summary?token=${board.token}`);
  await fac.waitForLoadState('networkidle');
  await shot(fac, 'summary-print');
  for (const page of [fac, part, viewer]) await page.context().close();
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const clientDir = path.resolve('dist/client');
  if (!fs.existsSync(path.join(clientDir, 'index.html'))) throw new Error('no dist/client: run `npm run build` first');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshboard-tour-'));
  const app = await createApp({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', clientDir, boardsPerHour: 10_000 });
  const { port } = await app.listen();
  const browser = await launchBrowser();
  try {
    for (const lang of LANGS) for (const theme of THEMES) await tour(browser, `http://127.0.0.1:${port}`, lang, theme);
  } finally {
    await browser.close();
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`screenshots in ${path.relative(process.cwd(), OUT)}/`);
}

await main();
