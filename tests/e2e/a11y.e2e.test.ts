/**
 * Every participant counts: axe-core finds no serious or critical violation on any page, in the light and
 * the dark theme; the board works from the keyboard alone (shortcuts, moves that are announced, the `?`
 * list); other people's changes are announced politely, once per burst. Dark screenshots go to
 * dist/screenshots/.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { axeContext, describeViolations, seriousViolations } from '../helpers/axe.js';
import { useE2E } from '../helpers/e2e.js';
import { api, createBoard, type TestBoard } from '../helpers/server.js';
import { cardMenu, openCard } from '../helpers/cards.js';

const e2e = useE2E({ stepTimeout: 10_000 });
const { openPage, join, shot } = e2e;

const path_ = (board: TestBoard, page = '', token = board.tokens.facilitator) => `/b/${board.id}${page}?token=${token}`;

async function seedBoard(): Promise<TestBoard> {
  const board = await createBoard(e2e.server().url, 'Platform sync', 'Unblock the release');
  const token = board.tokens.facilitator;
  const cards = [
    { column: 'agenda', title: 'Budget', owner: 'Ana', timebox: 10 },
    { column: 'agenda', title: 'Roadmap', owner: 'Sam', timebox: 15 },
    { column: 'needs', asker: 'Ana', addressee: 'Sam', what: 'Review the API draft', byWhen: '2030-03-01' },
    { column: 'challenges', problem: 'Flaky deploys on Fridays', proposals: ['Freeze on Thursday'] },
  ];
  const ids: string[] = [];
  for (const card of cards) {
    const res = await api(e2e.server().url, 'POST', `/api/boards/${board.id}/cards`, card, token);
    expect(res.status).toBe(201);
    ids.push(res.body.id ?? res.body.card?.id);
  }
  const decision = await api(
    e2e.server().url,
    'POST',
    `/api/boards/${board.id}/cards/${ids[0]}/decisions`,
    { text: 'Ana drafts the budget by 2030-03-05' },
    token,
  );
  expect(decision.status).toBe(201);
  return board;
}

async function openAxePage(opts: Parameters<typeof axeContext>[2] = {}): Promise<Page> {
  return e2e.pageIn(await axeContext(e2e.browser(), e2e.server().url, opts));
}

/** Visits every page (and the dialogs and panels on them) and returns what axe reports, page by page. */
async function auditEverything(page: Page, board: TestBoard, theme: string, shots: boolean): Promise<string[]> {
  const found: string[] = [];
  const check = async (where: string) => {
    const v = await seriousViolations(page);
    if (v.length) found.push(describeViolations(`${theme} ${where}`, v));
  };

  await page.goto('/');
  await page.getByRole('heading', { level: 1 }).waitFor();
  await check('home');
  await page.getByRole('button', { name: 'Display settings' }).click();
  await page.getByLabel('Theme').waitFor();
  await check('home, display settings open');
  await page.keyboard.press('Escape');
  if (shots) await shot(page, `home-${theme}-1280x800.png`);

  await page.goto(path_(board));
  await page.getByRole('dialog', { name: 'Join the board' }).waitFor();
  await check('board, join dialog');
  await join(page, 'Ana Lopez');
  await page.getByRole('article', { name: 'Budget' }).waitFor();
  await check('board (lobby)');
  if (shots) await shot(page, `board-${theme}-1280x800.png`, true);

  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await check('board, shortcuts dialog');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'detached' });

  await page
    .getByRole('region', { name: /^Agenda/ })
    .getByRole('button', { name: 'Add agenda item' })
    .click();
  await page.locator('form.card.add').waitFor();
  await check('board, new card form');
  await page.keyboard.press('Escape');

  // A card open for editing, with its actions menu, and the Undo offered after a delete.
  const first = page
    .getByRole('region', { name: /^Agenda/ })
    .getByRole('article')
    .first();
  await openCard(first);
  await (await cardMenu(first)).waitFor();
  await check('board, card open for editing with its menu');
  if (shots) await shot(page, `board-card-open-${theme}-1280x800.png`);
  const last = page
    .getByRole('region', { name: /^Agenda/ })
    .getByRole('article')
    .last();
  await (await cardMenu(last)).getByRole('button', { name: /^Delete: / }).click();
  const undo = page.getByRole('status').filter({ hasText: 'Deleted' }).getByRole('button', { name: 'Undo', exact: true });
  await undo.waitFor();
  await check('board, a deleted card offered for undo');
  await undo.click();
  await undo.waitFor({ state: 'detached' });

  // The meeting: started, on the agenda, timer running, roster open.
  await page.getByRole('button', { name: 'Start meeting' }).click();
  await page.getByRole('heading', { name: 'Check-in round' }).waitFor();
  await check('meeting, check-in');
  await page.getByRole('button', { name: 'Next: Agenda' }).click();
  await page.getByRole('button', { name: 'Start timer' }).click();
  await page.getByRole('button', { name: 'Pause timer' }).waitFor();
  await check('meeting, agenda with a running timer');
  if (shots) await shot(page, `meeting-${theme}-1280x800.png`);
  await page
    .getByRole('button', { name: /^People/ })
    .first()
    .click();
  await page.getByRole('heading', { name: 'People in the meeting' }).waitFor();
  await check('meeting, roster');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Next: Needs' }).click();
  await page.getByRole('button', { name: 'Next: Challenges' }).click();
  await page.getByRole('button', { name: 'Start dot vote' }).waitFor();
  await check('meeting, challenges');
  await page.getByRole('button', { name: 'Next: Wrap-up' }).click();
  await page.getByRole('heading', { name: 'Wrap-up' }).waitFor();
  await check('meeting, wrap-up');
  await page.getByRole('button', { name: 'End meeting' }).click();
  await page.getByRole('dialog', { name: 'End the meeting?' }).getByRole('button', { name: 'End meeting' }).click();
  await page.getByRole('heading', { name: 'What happens next' }).waitFor();
  await check('meeting ended: the way on');

  await page.goto(path_(board, '/actions'));
  await page.getByRole('heading', { name: 'Action items', level: 1 }).waitFor();
  await page.getByText('Ana drafts the budget').first().waitFor();
  await check('action list');
  await page
    .getByRole('button', { name: /^Edit owner or date: / })
    .first()
    .click();
  await page.getByRole('form', { name: /^Owner and due date of / }).waitFor();
  await check('action list, correcting an owner and due date');

  await page.goto(path_(board, '/summary'));
  await page.getByRole('heading', { name: 'Agenda and outcomes' }).waitFor();
  await check('summary');

  for (const extra of ['history', 'audit', 'agenda']) {
    await page.goto(path_(board, `/${extra}`));
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await expect.poll(() => page.locator('[aria-busy="true"]').count(), { timeout: 10_000 }).toBe(0);
    await check(extra);
  }
  return found;
}

describe('accessibility', () => {
  for (const theme of ['light', 'dark'] as const) {
    test(`no page has a serious or critical axe violation in the ${theme} theme (system setting)`, { timeout: 120_000 }, async () => {
      const board = await seedBoard();
      const page = await openAxePage({ colorScheme: theme });
      await page.goto('/');
      await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe(theme);
      const found = await auditEverything(page, board, theme, theme === 'dark');
      expect(found.join('\n')).toBe('');
    });
  }

  test('the theme toggle turns dark on a light system, is remembered, and stays AA on a phone', { timeout: 60_000 }, async () => {
    const board = await seedBoard();
    const page = await openAxePage({ colorScheme: 'light', viewport: PHONE, phone: true });
    await page.goto('/');
    await page.getByRole('button', { name: 'Display settings' }).click();
    await page.getByLabel('Theme').selectOption('dark');
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
    await page.keyboard.press('Escape');
    await shot(page, 'home-dark-390x844.png', true);
    expect(describeViolations('phone home', await seriousViolations(page))).toBe('');

    await page.goto(path_(board));
    await join(page, 'Sam Chen');
    await page.getByRole('article', { name: 'Budget' }).waitFor();
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('dark');
    await shot(page, 'board-dark-390x844.png', true);
    expect(describeViolations('phone board', await seriousViolations(page))).toBe('');

    await page.getByRole('tab', { name: /Challenges/ }).click();
    await page.getByRole('article', { name: /Flaky deploys/ }).waitFor();
    expect(describeViolations('phone challenges', await seriousViolations(page))).toBe('');

    // Back to "same as system": light again.
    await page.getByRole('button', { name: 'Display settings' }).click();
    await page.getByLabel('Theme').selectOption('system');
    await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('light');
  });
});

/** Starts recording what the board's live region says, in order. */
async function recordAnnouncements(page: Page): Promise<void> {
  await page.evaluate(() => {
    const region = document.querySelector('[data-testid="board-live-region"]')!;
    const said: string[] = ((window as unknown as { said: string[] }).said = []);
    new MutationObserver(() => {
      const text = region.textContent?.trim() ?? '';
      if (text) said.push(text);
    }).observe(region, { childList: true, subtree: true, characterData: true });
  });
}
const announcements = (page: Page) => page.evaluate(() => (window as unknown as { said: string[] }).said);
async function waitForAnnouncement(page: Page, text: string): Promise<void> {
  await expect.poll(() => announcements(page), { timeout: 10_000 }).toContain(text);
}

async function openBoard(board: TestBoard, name: string, token = board.tokens.participant): Promise<Page> {
  const page = await openPage(DESKTOP);
  await page.goto(path_(board, '', token));
  await join(page, name);
  await page.getByRole('article', { name: 'Budget' }).waitFor();
  return page;
}

const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { label: el?.getAttribute('aria-label') ?? '', id: el?.id ?? '', visible: !!el?.matches(':focus-visible'), tag: el?.tagName ?? '' };
  });

const agendaTitles = (page: Page) => page.locator('#col-agenda article[data-card-id]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));

describe('keyboard', () => {
  test('from the keyboard alone: tab to add a card, type it, move it with Alt+arrows and hear where it went, use the ? list', async () => {
    const board = await seedBoard();
    const page = await openBoard(board, 'Ana Lopez', board.tokens.facilitator);
    await recordAnnouncements(page);

    // Tab from the top of the page to the agenda's add button; every stop shows its focus.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      expect(f.visible, `focus on ${f.tag} "${f.label}" is visible`).toBe(true);
      reached = f.label === 'Add agenda item';
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.keyboard.type('Hiring');
    await page.keyboard.press('Enter');
    await page.getByRole('article', { name: 'Hiring' }).waitFor();
    await expect(agendaTitles(page)).resolves.toEqual(['Budget', 'Roadmap', 'Hiring']);
    // The new card has the keyboard, so the shortcuts go on from it.
    await expect(focused(page)).resolves.toMatchObject({ label: 'Hiring', visible: true });
    await page.keyboard.press('Alt+ArrowUp');
    await waitForAnnouncement(page, 'Moved Hiring to position 2 of 3');
    await expect(agendaTitles(page)).resolves.toEqual(['Budget', 'Hiring', 'Roadmap']);
    await expect(focused(page)).resolves.toMatchObject({ label: 'Hiring' });
    await page.keyboard.press('Alt+ArrowDown');
    await waitForAnnouncement(page, 'Moved Hiring to position 3 of 3');
    await expect(agendaTitles(page)).resolves.toEqual(['Budget', 'Roadmap', 'Hiring']);
    await expect(focused(page)).resolves.toMatchObject({ label: 'Hiring' });

    // j / k walk the cards; d goes to the decision field, Escape comes back to the card.
    await page.keyboard.press('k');
    await expect(focused(page)).resolves.toMatchObject({ label: 'Roadmap' });
    await page.keyboard.press('j');
    await expect(focused(page)).resolves.toMatchObject({ label: 'Hiring' });
    await page.keyboard.press('d');
    await expect(focused(page).then((f) => f.id)).resolves.toMatch(/^decision-/);
    await page.keyboard.type('n');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' }).count()).resolves.toBe(0);
    await page.keyboard.press('Escape');
    await expect(focused(page)).resolves.toMatchObject({ label: 'Hiring' });

    // ? opens the list; Tab stays inside; Escape closes it and gives the focus back.
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    await expect(dialog.getByRole('cell', { name: 'Move the focused card down' }).count()).resolves.toBe(1);
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => !!document.activeElement?.closest('dialog'))).resolves.toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect(focused(page)).resolves.toMatchObject({ label: 'Hiring' });

    // n opens the new-card form of the column that has focus.
    await page.keyboard.press('n');
    await expect(page.locator('#col-agenda form.add').count()).resolves.toBe(1);
  });
});

describe('live announcements', () => {
  test("another person's change is announced politely, once; a burst of changes becomes one summary", async () => {
    const board = await seedBoard();
    const ana = await openBoard(board, 'Ana Lopez');
    const sam = await openBoard(board, 'Sam Chen');
    await recordAnnouncements(ana);
    await recordAnnouncements(sam);
    await expect(ana.locator('[data-testid="board-live-region"]').getAttribute('aria-live')).resolves.toBe('polite');

    const agenda = sam.getByRole('region', { name: /^Agenda/ });
    await agenda.getByRole('button', { name: 'Add agenda item' }).click();
    await agenda.getByLabel('Topic', { exact: true }).first().fill('Hiring');
    await agenda.locator('form').getByRole('button', { name: 'Add', exact: true }).click();
    await ana.getByRole('article', { name: 'Hiring' }).waitFor();
    await waitForAnnouncement(ana, 'Sam Chen added an agenda item');

    // Two quick moves by Sam: one announcement for both.
    await sam.getByRole('article', { name: 'Hiring' }).focus();
    await sam.keyboard.press('Alt+ArrowUp');
    await waitForAnnouncement(sam, 'Moved Hiring to position 2 of 3');
    await sam.keyboard.press('Alt+ArrowUp');
    await waitForAnnouncement(sam, 'Moved Hiring to position 1 of 3');
    await waitForAnnouncement(ana, 'Sam Chen moved 2 cards');
    await expect(agendaTitles(ana)).resolves.toEqual(['Hiring', 'Budget', 'Roadmap']);
    await expect(announcements(ana)).resolves.toEqual(['Sam Chen added an agenda item', 'Sam Chen moved 2 cards']);
    // My own changes are never announced back to me as someone else's.
    await expect(announcements(sam)).resolves.toEqual(['Moved Hiring to position 2 of 3', 'Moved Hiring to position 1 of 3']);
  });
});
