/**
 * "Nothing lost", end to end in real browsers: named versions viewed read-only and restored live on another
 * person's board, the audit trail with its filters and exports, search that jumps to a card, and user text
 * with HTML in it staying text on every page and export. Screenshots land in dist/screenshots/.
 */
import type { Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, test } from 'vitest';
import { applyTextDiff, cardText, createCard, readBoard } from '../../shared/board-schema.js';
import type { VersionInfo } from '../../shared/history-schemas.js';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { api, createBoard, type TestBoard, addCard as addCardOver } from '../helpers/server.js';
import { openCard } from '../helpers/cards.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

const e2e = useE2E({ stepTimeout: 10_000 });
const { openPage, join, shot } = e2e;
const clients: YClient[] = [];

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

const url = (board: TestBoard, role: keyof TestBoard['tokens'], page = '') => `/b/${board.id}${page}?token=${board.tokens[role]}`;
const column = (page: Page, name: string): Locator => page.getByRole('region', { name });

const addCard = (board: TestBoard, body: Record<string, unknown>) => addCardOver(e2e.server().url, board, body);
const innerHeightOf = (size: { height: number }) => size.height - 100;

async function waitForValue(locator: Locator, pred: (v: string) => boolean, what: string): Promise<void> {
  await waitFor(async () => pred(await locator.inputValue().catch(() => '')), what);
}

describe('version history', () => {
  test('a saved version opens read-only for someone else, the facilitator restores it, and the other board shows the old text live', async () => {
    const board = await createBoard(e2e.server().url, 'Launch sync', 'Agree who ships what before the launch');
    await addCard(board, { column: 'agenda', title: 'Launch plan', owner: 'Priya', timebox: 15, notes: 'Ship on Friday' });
    await addCard(board, { column: 'needs', asker: 'Sam', addressee: 'Lee', what: 'Final pricing table' });
    await addCard(board, { column: 'challenges', problem: 'Support is not staffed for launch week', proposals: ['Borrow two people from sales'] });

    // A saves a version from the history page (reached from the board's header), then edits the board.
    const a = await openPage(DESKTOP);
    await a.goto(url(board, 'participant'));
    await join(a, 'Ana');
    // At 1280 px the header has room for the history only in its "more" menu, next to the other outputs.
    await a.getByRole('navigation', { name: 'Meeting outputs' }).getByRole('button', { name: 'More about this board' }).click();
    await a.getByRole('link', { name: 'Version history' }).click();
    await a.getByRole('heading', { name: 'Version history' }).waitFor();
    await a.getByRole('button', { name: 'Save version' }).click();
    const save = a.getByRole('dialog', { name: 'Save a version' });
    await expect(save.getByLabel('Name').evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await save.getByLabel('Name').fill('Before the edits');
    await save.getByRole('button', { name: 'Save version' }).click();
    await save.waitFor({ state: 'detached' });
    await a.getByRole('status').filter({ hasText: 'Version “Before the edits” saved.' }).waitFor({ state: 'attached' });
    await a.getByRole('list', { name: 'Versions, newest first' }).getByText('Before the edits').waitFor();
    await shot(a, 'history-1280x800.png');

    await a.getByRole('link', { name: 'Back to the board' }).click();
    await openCard(column(a, 'Agenda').getByRole('article').first());
    const title = column(a, 'Agenda').getByLabel('Topic', { exact: true });
    await title.fill('Launch plan, moved to Monday');
    await column(a, 'Agenda').getByLabel('Notes', { exact: true }).fill('Ship on Monday');
    await waitFor(async () => {
      const res = await api(e2e.server().url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
      return res.body.columns.agenda[0].title === 'Launch plan, moved to Monday' && res.body.columns.agenda[0].notes === 'Ship on Monday';
    }, 'the edits stored');
    // Closed again: the card reads as text on A's board.
    await title.press('Escape');
    await column(a, 'Agenda').getByRole('heading', { name: 'Launch plan, moved to Monday', exact: true }).waitFor();

    // B, the facilitator, opens the version: the old text, and nothing to type into.
    const b = await openPage(DESKTOP);
    await b.goto(url(board, 'facilitator', '/history'));
    const list = b.getByRole('list', { name: 'Versions, newest first' });
    await list.getByText('by Ana').waitFor();
    await list.getByRole('button', { name: 'View version “Before the edits”' }).click();
    await b.getByRole('heading', { name: 'Viewing “Before the edits”' }).waitFor();
    const old = b.getByRole('article', { name: 'Launch plan', exact: true });
    await old.getByText('Ship on Friday').waitFor();
    await b.getByText('Support is not staffed for launch week').waitFor();
    expect(await b.locator('main').locator('input, textarea, select, [contenteditable="true"]').count()).toBe(0);
    expect(new URL(b.url()).searchParams.get('v')).toBeTruthy();
    await shot(b, 'history-version-1280x800.png', true);

    // Restore: the dialog says what happens, Cancel has the focus.
    await b.getByRole('button', { name: 'Restore this version' }).click();
    const confirm = b.getByRole('dialog', { name: 'Restore “Before the edits”?' });
    await confirm.getByText('Nothing is erased', { exact: false }).waitFor();
    await expect(confirm.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await shot(b, 'history-restore-dialog-1280x800.png');
    await confirm.getByRole('button', { name: 'Restore', exact: true }).click();
    await confirm.waitFor({ state: 'detached' });
    await b.getByRole('status').filter({ hasText: 'Restored “Before the edits”' }).waitFor({ state: 'attached' });

    // A's open board receives the restore as a live change.
    await column(a, 'Agenda').getByRole('heading', { name: 'Launch plan', exact: true }).waitFor();
    await column(a, 'Agenda').getByText('Ship on Friday', { exact: true }).waitFor();

    // The board before the restore is a version of its own.
    await b.getByRole('button', { name: 'All versions' }).click();
    await list.getByText('Before restore', { exact: true }).waitFor();
    await expect(list.getByRole('button', { name: 'View version “Before the edits”' }).evaluate((el) => el === document.activeElement)).resolves.toBe(true);

    // Copy to a new board: its links are shown, and it opens.
    await list.getByRole('button', { name: 'View version “Before the edits”' }).click();
    await b.getByRole('button', { name: 'Copy to a new board' }).click();
    const copy = b.getByRole('dialog', { name: 'Copy to a new board' });
    await copy.getByLabel('Title of the new board').fill('Launch sync (copy)');
    await copy.getByRole('button', { name: 'Copy to a new board' }).click();
    const created = b.getByRole('dialog', { name: 'New board “Launch sync (copy)” created.' });
    const teammates = await created.getByLabel('Teammates (can edit)').inputValue();
    expect(teammates).toMatch(/\/b\/[^/?]+\?token=/);
    await shot(b, 'history-copy-1280x800.png');
    await created.getByRole('button', { name: 'Open the new board' }).click();
    await waitForValue(b.getByLabel('Board title'), (v) => v === 'Launch sync (copy)', 'the new board opened');
    await column(b, 'Agenda').getByText('Ship on Friday', { exact: true }).waitFor();
  });

  test('on a phone the history lists versions and shows a version as stacked columns', async () => {
    const board = await createBoard(e2e.server().url, 'Launch sync', 'Agree who ships what before the launch');
    await addCard(board, { column: 'agenda', title: 'Launch plan', owner: 'Priya', timebox: 15, notes: 'Ship on Friday' });
    await addCard(board, { column: 'needs', asker: 'Sam', addressee: 'Lee', what: 'Final pricing table', byWhen: '2026-12-10' });
    await addCard(board, { column: 'challenges', problem: 'Support is not staffed for launch week', proposals: ['Borrow two people from sales'] });
    for (const name of ['Meeting started', 'Before the offsite']) {
      expect((await api(e2e.server().url, 'POST', `/api/boards/${board.id}/versions`, { name, by: 'Priya' }, board.tokens.participant)).status).toBe(201);
    }
    const p = await openPage(PHONE, true);
    await p.goto(url(board, 'facilitator', '/history'));
    const list = p.getByRole('list', { name: 'Versions, newest first' });
    await list.getByText('Before the offsite').waitFor();
    await shot(p, 'history-390x844.png');
    await list.getByRole('button', { name: 'View version “Before the offsite”' }).click();
    await p.getByText('Final pricing table').waitFor();
    await shot(p, 'history-version-390x844.png', true);
  });
});

describe('audit trail', () => {
  test('lists a named participant’s edits with their name, narrows to one person, and exports CSV', async () => {
    const board = await createBoard(e2e.server().url, 'Launch sync', 'Agree who ships what before the launch');
    await addCard(board, { column: 'agenda', title: 'Launch plan', owner: 'Priya', timebox: 15 });
    await addCard(board, { column: 'needs', asker: 'Sam', addressee: 'Lee', what: 'Final pricing table' });

    const a = await openPage(DESKTOP);
    await a.goto(url(board, 'participant'));
    await join(a, 'Priya');
    await openCard(column(a, 'Agenda').getByRole('article').first());
    await column(a, 'Agenda').getByLabel('Notes', { exact: true }).fill('We decided on October pricing');
    await column(a, 'Agenda').getByLabel('Topic', { exact: true }).fill('Launch plan and pricing');
    await waitFor(async () => {
      const res = await api(e2e.server().url, 'GET', `/api/boards/${board.id}/audit?actor=Priya`, undefined, board.tokens.viewer);
      return res.body.entries.length >= 2;
    }, 'Priya’s lines recorded');

    // From the board's overflow menu.
    await a.getByRole('button', { name: 'More about this board' }).click();
    await a.getByRole('link', { name: 'Audit trail' }).click();
    const table = a.getByRole('table', { name: 'Changes, newest first' });
    await table.getByRole('cell', { name: 'Priya' }).first().waitFor();
    await table.getByText('edited notes of agenda item', { exact: false }).first().waitFor();
    const rows = table.locator('tbody tr');
    const all = await rows.count();
    expect(all).toBeGreaterThan(2);
    await shot(a, 'audit-1280x800.png');

    await a.getByLabel('Person').selectOption('Priya');
    await waitFor(async () => (await rows.count()) < all && (await rows.count()) > 0, 'the list narrowed to Priya');
    const who = await table.locator('tbody .who').allTextContents();
    expect(new Set(who)).toEqual(new Set(['Priya']));

    // Text and action filters too: "what did we decide about pricing?"
    await a.getByLabel('Text').fill('pricing');
    await waitFor(
      async () => (await table.locator('tbody tr').allTextContents()).every((r) => r.toLowerCase().includes('pricing')),
      'only lines about pricing',
    );

    const csv = a.getByRole('link', { name: 'CSV' });
    const href = await csv.getAttribute('href');
    expect(href).toContain('token=');
    expect(href).toContain('actor=Priya');
    const res = await a.request.get(href!);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('text/csv');
    expect(await res.text()).toContain('Priya');

    // On a phone the same trail is a stacked list.
    const p = await openPage(PHONE, true);
    await p.goto(url(board, 'viewer', '/audit'));
    const stacked = p.getByRole('list', { name: 'Changes, newest first' });
    await stacked.getByText('Priya').first().waitFor();
    expect(await p.getByRole('table').count()).toBe(0);
    await shot(p, 'audit-390x844.png');
  });
});

describe('search', () => {
  test('finds a card by a word in its text and jumping to it highlights it, on a desktop and on a phone', async () => {
    const board = await createBoard(e2e.server().url, 'Launch sync', 'Agree who ships what before the launch');
    await addCard(board, { column: 'agenda', title: 'Launch plan', owner: 'Priya', timebox: 15 });
    for (let i = 1; i <= 6; i++) await addCard(board, { column: 'challenges', problem: `Challenge number ${i}` });
    const target = await addCard(board, {
      column: 'challenges',
      problem: 'Support is not staffed for launch week',
      proposals: ['Borrow two people from sales'],
    });
    const decision = await api(
      e2e.server().url,
      'POST',
      `/api/boards/${board.id}/cards/${target}/decisions`,
      { text: 'Sales lends two people for the launch week' },
      board.tokens.participant,
    );
    expect(decision.status).toBe(201);

    const a = await openPage(DESKTOP);
    await a.goto(url(board, 'participant'));
    await join(a, 'Ana');
    await a.getByRole('button', { name: 'Search' }).click();
    const input = a.getByRole('searchbox', { name: 'Search this board' });
    await expect(input.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await input.fill('staffed');
    const results = a.getByRole('list', { name: 'Search results' });
    const hit = results.getByRole('button', { name: /Support is not staffed/ });
    await hit.waitFor();
    await input.fill('launch week');
    await results.locator('[data-result-kind="decision"]').waitFor();
    await shot(a, 'search-1280x800.png');
    await input.fill('staffed');
    await results.getByRole('button', { name: /Support is not staffed/ }).click();
    const card = a.locator(`[data-card-id="${target}"]`);
    await card.and(a.locator('[data-search-hit]')).waitFor();
    await expect(card.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await waitFor(
      async () =>
        card.evaluate((el) => {
          const r = el.getBoundingClientRect();
          return r.top >= 0 && r.bottom <= innerHeight;
        }),
      'the card scrolled into view',
    );

    // On a phone: the search is an icon that expands; jumping switches to the card's tab.
    const p = await openPage(PHONE, true);
    await p.goto(url(board, 'participant'));
    await join(p, 'Lee');
    await p
      .getByRole('tab', { name: /Agenda/ })
      .and(p.locator('[aria-selected="true"]'))
      .waitFor();
    await p.getByRole('button', { name: 'Search' }).click();
    await p.getByRole('searchbox', { name: 'Search this board' }).fill('staffed');
    await p
      .getByRole('list', { name: 'Search results' })
      .getByRole('button', { name: /Support is not staffed/ })
      .waitFor();
    await shot(p, 'search-390x844.png');
    await p
      .getByRole('list', { name: 'Search results' })
      .getByRole('button', { name: /Support is not staffed/ })
      .click();
    await p
      .getByRole('tab', { name: /Challenges/ })
      .and(p.locator('[aria-selected="true"]'))
      .waitFor();
    const phoneCard = p.locator(`[data-card-id="${target}"]`);
    await phoneCard.and(p.locator('[data-search-hit]')).waitFor();
    // Scrolled smoothly: wait until the scrolling stopped with the card's top on screen, under the tabs.
    let lastY = -1;
    await waitFor(async () => {
      const { y, top } = await phoneCard.evaluate((el) => ({ y: scrollY, top: el.getBoundingClientRect().top }));
      const still = y === lastY;
      lastY = y;
      return still && top > 40 && top < innerHeightOf(PHONE);
    }, 'the card scrolled into view on the phone');
    await shot(p, 'search-jump-390x844.png');
  });
});

describe('user text is never markup', () => {
  const IMG = '<img src=x onerror="window.__xss=1">';
  const SCRIPT = '<script>window.__xss=1</script>';
  const P = `${IMG}${SCRIPT}`;

  /** The page has rendered the payload as text (or as a field's value), and nothing of it ran or became an element. */
  async function assertInert(page: Page, what: string): Promise<void> {
    await waitFor(
      () =>
        page.evaluate(
          (img) =>
            document.body.innerText.includes(img) || [...document.querySelectorAll('input, textarea')].some((e) => (e as HTMLInputElement).value.includes(img)),
          IMG,
        ),
      `the literal payload shown on ${what}`,
    );
    const found = await page.evaluate(() => ({
      xss: (window as unknown as { __xss?: unknown }).__xss,
      imgs: document.querySelectorAll('img[src="x"], img[onerror]').length,
      scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('__xss')).length,
      handlers: [...document.querySelectorAll('*')].filter((el) => el.hasAttribute('onerror')).length,
    }));
    expect(found, what).toEqual({ xss: undefined, imgs: 0, scripts: 0, handlers: 0 });
  }

  /** A download (the server sends exports as attachments): the page never renders it. */
  async function assertDownload(page: Page, href: string, type: string): Promise<void> {
    const res = await page.request.get(href);
    expect(res.status(), href).toBe(200);
    expect(res.headers()['content-type'], href).toContain(type);
    expect(res.headers()['x-content-type-options'], href).toBe('nosniff');
    expect(res.headers()['content-disposition'], href).toMatch(/^attachment/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.evaluate((h) => void (location.href = h), href)]);
    await download.cancel();
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), href).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  }

  test('HTML and script in every text field show as text on the board, action list, summary, history and audit pages, and exports stay downloads', async () => {
    const created = await api(e2e.server().url, 'POST', '/api/boards', { title: `Board ${P}`, purpose: `Purpose ${P}` });
    expect(created.status).toBe(201);
    const token = (link: string) => new URL(link).searchParams.get('token')!;
    const board: TestBoard = {
      id: created.body.id,
      links: created.body.links,
      tokens: {
        facilitator: token(created.body.links.facilitator),
        participant: token(created.body.links.participant),
        viewer: token(created.body.links.viewer),
      },
    };
    const agenda = await addCard(board, { column: 'agenda', title: `Topic ${P}`, owner: 'Priya', notes: `Notes ${P}` });
    await addCard(board, { column: 'needs', asker: 'Sam', addressee: 'Lee', what: `Need ${P}` });
    await addCard(board, { column: 'challenges', problem: `Problem ${P}`, proposals: [`Proposal ${P}`] });
    expect(
      (
        await api(
          e2e.server().url,
          'POST',
          `/api/boards/${board.id}/cards/${agenda}/decisions`,
          { text: `Priya ships ${P} by Friday` },
          board.tokens.participant,
        )
      ).status,
    ).toBe(201);

    // And through a raw y-websocket client, as a bot or another app would write.
    const y = connect(e2e.server().wsUrl, board);
    clients.push(y);
    await synced(y);
    const challenge = createCard(y.doc, { column: 'challenges', problem: '' }, { createdBy: `Bot ${IMG}` });
    applyTextDiff(cardText(y.doc, challenge, 'problem')!, `Synced ${P}`);
    await waitFor(
      async () => (await api(e2e.server().url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer)).body.columns.challenges.length === 2,
      'the synced card stored',
    );
    expect(readBoard(y.doc).columns.challenges[1].problem).toBe(`Synced ${P}`);
    const version = await api<VersionInfo>(
      e2e.server().url,
      'POST',
      `/api/boards/${board.id}/versions`,
      { name: `Version ${P}`, by: `Priya ${IMG}` },
      board.tokens.participant,
    );
    expect(version.status).toBe(201);

    const page = await openPage(DESKTOP);
    await page.goto(url(board, 'facilitator'));
    await join(page, 'Ana');
    await waitForValue(page.getByLabel('Board title'), (v) => v === `Board ${P}`, 'the title as text');
    // Cards read as text: the payload is their text, not markup.
    const texts = () => page.evaluate(() => [...document.querySelectorAll('article[data-card-id] :is(h3, p, li, span)')].map((e) => e.textContent ?? ''));
    for (const text of [`Topic ${P}`, `Notes ${P}`, `Need ${P}`, `Problem ${P}`, `Proposal ${P}`, `Priya ships ${P} by Friday`, `Synced ${P}`]) {
      await waitFor(async () => (await texts()).some((t) => t.includes(text)), `"${text}" on the board`);
    }
    // The purpose is a field bound to the document: the payload is its value.
    await waitForValue(page.getByLabel('Board purpose'), (v) => v === `Purpose ${P}`, 'the purpose as text');
    await assertInert(page, 'the board');

    await page.goto(url(board, 'facilitator', '/actions'));
    await page.getByText(`Priya ships ${P} by Friday`).waitFor();
    await assertInert(page, 'the action list');

    await page.goto(url(board, 'facilitator', '/summary'));
    await page.getByText(`Topic ${P}`).first().waitFor();
    await assertInert(page, 'the summary');

    await page.goto(url(board, 'facilitator', '/history'));
    await page.getByText(`Version ${P}`).waitFor();
    await assertInert(page, 'the history');
    await page.getByRole('button', { name: `View version “Version ${P}”` }).click();
    await page.getByText(`Notes ${P}`).waitFor();
    await page.getByText(`Synced ${P}`).waitFor();
    await assertInert(page, 'a version');

    await page.goto(url(board, 'facilitator', '/audit'));
    await page.getByText(`Synced ${P}`, { exact: false }).first().waitFor();
    await assertInert(page, 'the audit trail');

    // Search results show the text too.
    await page.goto(url(board, 'facilitator'));
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('searchbox', { name: 'Search this board' }).fill('<script>');
    await page.getByRole('list', { name: 'Search results' }).getByText(`Need ${P}`, { exact: true }).waitFor();
    await assertInert(page, 'search results');

    const t = encodeURIComponent(board.tokens.facilitator);
    for (const [format, type] of [
      ['md', 'text/markdown'],
      ['csv', 'text/csv'],
      ['json', 'application/json'],
    ] as const) {
      await assertDownload(page, `/api/boards/${board.id}/actions.${format}?token=${t}`, type);
    }
    await assertDownload(page, `/api/boards/${board.id}/audit.csv?token=${t}`, 'text/csv');
    await assertDownload(page, `/api/boards/${board.id}/audit.json?token=${t}`, 'application/json');
    await assertDownload(page, `/api/boards/${board.id}/export?token=${t}`, 'application/json');
  });
});
