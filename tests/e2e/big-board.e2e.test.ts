/**
 * A board of hundreds of cards renders only the cards on screen, and nothing a person does notices it:
 * the keyboard walks every card, search lands on a card that was not rendered, a teammate's edit to a card
 * far below is there when scrolled to, and an open card keeps its edit while the page scrolls away.
 * A real server, a real browser, a real y-websocket client seeding the board and editing as the teammate.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, test } from 'vitest';
import { cardText, cardsMap, createCards, readBoard, type NewCard } from '../../shared/board-schema.js';
import { DESKTOP } from '../helpers/browser.js';
import { openCard } from '../helpers/cards.js';
import { useE2E } from '../helpers/e2e.js';
import { createBoard, type TestBoard } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

const e2e = useE2E({ stepTimeout: 15_000 });

/** Cards per column: well past the point where a column renders only what is on screen. */
const PER_COLUMN = 120;

interface BigBoard {
  board: TestBoard;
  teammate: YClient;
  agenda: string[];
  challenges: string[];
}

const clients: YClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

/** Seeds the board through a teammate's y-websocket client, in batches as a big paste would arrive. */
async function bigBoard(): Promise<BigBoard> {
  const board = await createBoard(e2e.server().url, 'Team memory', 'Everything we ever discussed');
  const teammate = connect(e2e.server().wsUrl, board);
  clients.push(teammate);
  await synced(teammate);
  const cards: NewCard[] = [];
  for (let i = 0; i < PER_COLUMN; i++) {
    cards.push({ column: 'agenda', title: `Agenda item ${i}`, owner: 'Priya', timebox: 5, notes: `Notes of item ${i}` });
    cards.push({ column: 'needs', asker: 'Ana', addressee: 'Bo', what: `Request number ${i}` });
    cards.push({ column: 'challenges', problem: `Challenge number ${i}` });
  }
  for (let i = 0; i < cards.length; i += 120) createCards(teammate.doc, cards.slice(i, i + 120), { createdBy: 'Seeder' });
  const ids = (column: 'agenda' | 'challenges') => readBoard(teammate.doc).columns[column].map((c) => c.id);
  // The server holds the whole board once a fresh client syncs all of it.
  const check = connect(e2e.server().wsUrl, board);
  clients.push(check);
  await waitFor(() => cardsMap(check.doc).size === cards.length, 'the server holds every card', 30_000);
  return { board, teammate, agenda: ids('agenda'), challenges: ids('challenges') };
}

async function open(board: TestBoard): Promise<Page> {
  const page = await e2e.openPage(DESKTOP);
  await page.goto(board.links.participant);
  await e2e.join(page, 'Sam');
  await page.locator('#col-agenda article[data-card-id]').first().waitFor();
  return page;
}

/** Scrolls the page until the end of `column` is on screen, as a person scrolling down to it would. */
async function scrollToEnd(page: Page, column: string): Promise<void> {
  // Cards are measured as they come on screen, so the column's height settles over a few scrolls.
  await waitFor(
    () =>
      page.evaluate((c) => {
        const bottom = document.getElementById(`col-${c}`)!.getBoundingClientRect().bottom;
        if (bottom <= innerHeight && bottom > 0) return true;
        window.scrollBy(0, bottom - innerHeight);
        return false;
      }, column),
    `the end of the ${column} column is on screen`,
  );
}

const rendered = (page: Page, id: string) => page.locator(`article[data-card-id="${id}"]`).count();
const focusedCard = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement?.closest<HTMLElement>('article[data-card-id]');
    return el ? { id: el.dataset.cardId, pos: el.getAttribute('aria-posinset'), size: el.getAttribute('aria-setsize') } : null;
  });
const onScreen = (page: Page, id: string) =>
  page.locator(`article[data-card-id="${id}"]`).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= innerHeight;
  });

describe('a board of hundreds of cards', () => {
  test('renders only the cards on screen, and j/k walk through every card of a column in order, each scrolled into view', async () => {
    const { board, agenda } = await bigBoard();
    const page = await open(board);
    // Fewer elements than cards: the page is not paying for the ones nobody sees.
    expect(await page.locator('article[data-card-id]').count()).toBeLessThan(PER_COLUMN);
    expect(await rendered(page, agenda.at(-1)!)).toBe(0);

    await page.locator(`article[data-card-id="${agenda[0]}"]`).focus();
    for (let i = 1; i < agenda.length; i++) {
      await page.keyboard.press('j');
      // Every card in turn, none skipped: the keyboard goes through the cards that were not rendered too.
      await waitFor(async () => (await focusedCard(page))?.id === agenda[i], `j reaches agenda card ${i}`);
    }
    expect(await focusedCard(page)).toEqual({ id: agenda.at(-1), pos: String(PER_COLUMN), size: String(PER_COLUMN) });
    await waitFor(() => onScreen(page, agenda.at(-1)!), 'the last card is on screen');
    expect(await rendered(page, agenda[0])).toBe(0);
    await page.keyboard.press('k');
    await waitFor(async () => (await focusedCard(page))?.id === agenda.at(-2), 'k goes back one card');
  }, 120_000);

  test('search finds a card that is not rendered and lands on it; Ctrl+F opens that search on a long board', async () => {
    const { board, challenges } = await bigBoard();
    const page = await open(board);
    const target = challenges[97];
    expect(await rendered(page, target)).toBe(0);

    await page.keyboard.press('Control+f');
    const input = page.getByRole('searchbox', { name: 'Search this board' });
    await expect(input.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.getByText('This finds every card, including those not on screen yet.', { exact: false }).waitFor();
    await input.fill('Challenge number 97');
    await page
      .getByRole('list', { name: 'Search results' })
      .getByRole('button', { name: /Challenge number 97/ })
      .click();
    await waitFor(async () => (await focusedCard(page))?.id === target, 'the found card has the keyboard');
    await waitFor(() => onScreen(page, target), 'the found card is on screen');
    await page.locator(`article[data-card-id="${target}"][data-search-hit]`).waitFor();
  }, 90_000);

  test("a teammate's edit to a card far below is there when the page is scrolled to it", async () => {
    const { board, teammate, challenges } = await bigBoard();
    const page = await open(board);
    const last = challenges.at(-1)!;
    expect(await rendered(page, last)).toBe(0);
    cardText(teammate.doc, last, 'problem')!.insert(0, 'Edited far below: ');
    await scrollToEnd(page, 'challenges');
    await page
      .locator(`article[data-card-id="${last}"]`)
      .getByText(`Edited far below: Challenge number ${PER_COLUMN - 1}`)
      .waitFor();
  }, 90_000);

  test('an open card keeps its half-typed edit and the keyboard while the page scrolls far away and back', async () => {
    const { board, teammate, agenda } = await bigBoard();
    const page = await open(board);
    const card = page.locator(`article[data-card-id="${agenda[1]}"]`);
    await openCard(card);
    const title = card.locator('[data-field="main"]');
    await title.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' first');
    await scrollToEnd(page, 'agenda');
    await waitFor(async () => (await rendered(page, agenda.at(-1)!)) === 1, 'the end of the column is rendered');
    // Still there, still open, still with the keyboard, although far off screen.
    expect(await card.getAttribute('data-editing')).not.toBeNull();
    expect((await focusedCard(page))?.id).toBe(agenda[1]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.keyboard.type(' second');
    await waitFor(() => cardText(teammate.doc, agenda[1], 'title')?.toString() === 'Agenda item 1 first second', 'the teammate has the whole edit');
  }, 90_000);
});
