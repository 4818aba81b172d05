/**
 * The board reads at a glance: cards show their content as text and open for editing in place; deleting
 * offers Undo; adding keeps the page where it is. A real server, real browsers, a real y-websocket client
 * for the teammate whose edits arrive live.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { cardText } from '../../shared/board-schema.js';
import { DESKTOP } from '../helpers/browser.js';
import { cardMenu, openCard } from '../helpers/cards.js';
import { useE2E } from '../helpers/e2e.js';
import { createBoard, type TestBoard, addCard as addCardOver, addDecision as addDecisionOver } from '../helpers/server.js';
import { connect, synced, waitFor } from '../helpers/yclient.js';

const e2e = useE2E({ stepTimeout: 10_000 });

const addCard = (board: TestBoard, body: Record<string, unknown>) => addCardOver(e2e.server().url, board, body);
const addDecision = (board: TestBoard, cardId: string, text: string) => addDecisionOver(e2e.server().url, board, cardId, text);
async function open(link: string, name: string): Promise<Page> {
  const page = await e2e.openPage(DESKTOP);
  await page.goto(link);
  await e2e.join(page, name);
  return page;
}

const column = (page: Page, name: string): Locator => page.getByRole('region', { name: new RegExp(`^${name}`) });
const card = (page: Page, label: string): Locator => page.getByRole('article', { name: label, exact: true });
const focusedCard = (page: Page) => page.evaluate(() => document.activeElement?.closest('article')?.getAttribute('aria-label') ?? null);
const focusedIsCard = (page: Page) => page.evaluate(() => document.activeElement?.matches('article[data-card-id]') ?? false);

/** A board with one full agenda item (owner, timebox, two lines of notes, a decision) and a plain one. */
async function agendaBoard(): Promise<{ board: TestBoard; release: string }> {
  const board = await createBoard(e2e.server().url, 'Weekly sync', 'Unblock each other');
  const release = await addCard(board, {
    column: 'agenda',
    title: 'Release readiness',
    owner: 'Priya',
    timebox: 15,
    notes: 'Go/no-go on Thursday.\nQA sign-off pending for payments.',
  });
  await addDecision(board, release, 'Priya sends the summary by 2031-01-10');
  await addCard(board, { column: 'agenda', title: 'Hiring plan', owner: 'Ana', timebox: 5 });
  return { board, release };
}

describe('cards read at a glance and open in place', () => {
  test('a viewer reads every card as text, with no fields and no buttons; an editor sees only a small menu button', async () => {
    const { board } = await agendaBoard();
    await addCard(board, { column: 'needs', asker: 'Priya', addressee: 'Platform', what: 'A staging database', byWhen: '2031-01-08' });
    await addCard(board, { column: 'challenges', problem: 'Flaky tests block merges', proposals: ['Quarantine the worst five'] });

    const viewer = await open(board.links.viewer, 'Vera');
    const release = card(viewer, 'Release readiness');
    await release.getByText('Priya sends the summary by 2031-01-10').waitFor();
    await release.getByText('Priya · 15 min').waitFor();
    await release.getByText(/Go\/no-go on Thursday/).waitFor();
    await card(viewer, 'Priya → Platform').getByText('A staging database').waitFor();
    await card(viewer, 'Priya → Platform').getByText('Open', { exact: true }).waitFor();
    await card(viewer, 'Flaky tests block merges').getByText('Quarantine the worst five').waitFor();
    const controls = viewer.locator('article[data-card-id]').locator('input, textarea, select, button');
    expect(await controls.count()).toBe(0);
    // Clicking the text does nothing for a viewer.
    await release.getByText('Release readiness').click();
    expect(await release.getAttribute('data-editing')).toBeNull();

    const fac = await open(board.links.facilitator, 'Fay');
    const facRelease = card(fac, 'Release readiness');
    await facRelease.getByText('Priya · 15 min').waitFor();
    expect(await facRelease.locator('input, textarea, select').count()).toBe(0);
    expect(await facRelease.getByRole('button').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual(['Actions for Release readiness']);
    // The target: an agenda item with owner, timebox, two lines of notes and a decision in ≈120 px.
    const box = await facRelease.boundingBox();
    expect(box!.height).toBeLessThanOrEqual(125);
    await e2e.shot(fac, 'cards-read-1280x800.png');
  }, 90_000);

  test('a click, Enter or typing opens a card in place; Escape closes it and leaves the keyboard on the card', async () => {
    const { board } = await agendaBoard();
    const fac = await open(board.links.facilitator, 'Fay');
    const release = card(fac, 'Release readiness');

    // A click on the notes opens the card with the keyboard in the notes.
    await release.getByText(/Go\/no-go on Thursday/).click();
    const notes = release.getByLabel('Notes', { exact: true });
    await expect.poll(() => notes.evaluate((el) => el === document.activeElement)).toBe(true);
    await e2e.shot(fac, 'cards-editing-1280x800.png');
    await fac.keyboard.press('Escape');
    await expect.poll(() => release.getAttribute('data-editing')).toBeNull();
    expect(await focusedIsCard(fac)).toBe(true);

    // Enter on the focused card opens it on its title.
    await fac.keyboard.press('Enter');
    const title = release.getByLabel('Topic', { exact: true });
    await expect.poll(() => title.evaluate((el) => el === document.activeElement)).toBe(true);
    await fac.keyboard.press('Escape');
    await expect.poll(() => release.getAttribute('data-editing')).toBeNull();

    // Typing on the focused card opens it and the letters land at the end of the title.
    const anyTitle = column(fac, 'Agenda').getByLabel('Topic', { exact: true });
    await fac.keyboard.type('!?');
    await expect.poll(() => anyTitle.inputValue()).toBe('Release readiness!?');
    await fac.keyboard.press('Escape');
    await card(fac, 'Release readiness!?').getByRole('heading', { name: 'Release readiness!?' }).waitFor();

    // One card open at a time: opening another closes the first.
    await openCard(card(fac, 'Release readiness!?'));
    await openCard(card(fac, 'Hiring plan'));
    await expect.poll(() => fac.locator('article[data-editing]').count()).toBe(1);
    // A click elsewhere closes it.
    await column(fac, 'What I need from you').locator('.empty').click();
    await expect.poll(() => fac.locator('article[data-editing]').count()).toBe(0);
  }, 90_000);

  test("a teammate's edit shows live in the read view and in an open editor", async () => {
    const { board, release } = await agendaBoard();
    const fac = await open(board.links.facilitator, 'Fay');
    const teammate = connect(e2e.server().url.replace(/^http/, 'ws'), board);
    try {
      await synced(teammate);
      const notes = () => cardText(teammate.doc, release, 'notes')!;
      await waitFor(() => !!cardText(teammate.doc, release, 'notes'), 'the notes in the teammate’s copy');

      notes().insert(0, 'Sam: ');
      await card(fac, 'Release readiness')
        .getByText(/^Sam: Go\/no-go on Thursday/)
        .waitFor();

      await openCard(card(fac, 'Release readiness'));
      const field = card(fac, 'Release readiness').getByLabel('Notes', { exact: true });
      await field.click();
      await field.press('End');
      notes().insert(0, 'Live ');
      await expect.poll(() => field.inputValue()).toMatch(/^Live Sam: Go\/no-go/);
      // My own typing, next to the teammate's, reaches them.
      await field.pressSequentially(' Fay');
      await waitFor(() => notes().toString().endsWith('payments. Fay'), 'my typing in the teammate’s copy');
    } finally {
      teammate.destroy();
    }
  }, 90_000);

  test('deleting a card offers Undo, says its action items are cancelled, and Undo brings it back with its decision', async () => {
    const { board } = await agendaBoard();
    const fac = await open(board.links.facilitator, 'Fay');
    const release = card(fac, 'Release readiness');
    await release.locator('[data-action-status="open"]').waitFor();

    await (await cardMenu(release)).getByRole('button', { name: 'Delete: Release readiness' }).click();
    await release.waitFor({ state: 'detached' });
    const toast = fac.getByRole('status').filter({ hasText: 'Deleted “Release readiness”.' });
    await toast.getByText('The action item of its decision is cancelled until you undo.').waitFor();
    // The keyboard is on the next card itself, not on one of its buttons.
    expect(await focusedCard(fac)).toBe('Hiring plan');
    expect(await focusedIsCard(fac)).toBe(true);
    await e2e.shot(fac, 'cards-deleted-toast-1280x800.png');

    await toast.getByRole('button', { name: 'Undo' }).click();
    await release.getByText('Priya sends the summary by 2031-01-10').waitFor();
    await release.getByText('Go/no-go on Thursday.', { exact: false }).waitFor();
    // Back in its place, and its action item open again.
    expect(
      await column(fac, 'Agenda')
        .getByRole('article')
        .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))),
    ).toEqual(['Release readiness', 'Hiring plan']);
    await release.locator('[data-action-status="open"]').waitFor();
    await expect.poll(() => toast.count()).toBe(0);
  }, 90_000);

  test('after a delete the keyboard goes to the next card, else the one before, else the column’s add button', async () => {
    const { board } = await agendaBoard();
    const fac = await open(board.links.facilitator, 'Fay');
    const agenda = column(fac, 'Agenda');

    await (await cardMenu(card(fac, 'Hiring plan'))).getByRole('button', { name: 'Delete: Hiring plan' }).click();
    await card(fac, 'Hiring plan').waitFor({ state: 'detached' });
    expect(await focusedCard(fac)).toBe('Release readiness');
    expect(await focusedIsCard(fac)).toBe(true);

    await (await cardMenu(card(fac, 'Release readiness'))).getByRole('button', { name: 'Delete: Release readiness' }).click();
    await agenda.getByRole('article').first().waitFor({ state: 'detached' });
    await expect.poll(() => fac.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Add agenda item');
  }, 90_000);

  test('adding a card keeps the page where it is, puts the keyboard on the new card, and j/k go on from there', async () => {
    const board = await createBoard(e2e.server().url, 'Long board', 'Many items');
    for (const title of ['One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight']) await addCard(board, { column: 'agenda', title, timebox: 5 });
    // A taller column beside it, so the page goes on below the agenda's end.
    for (let i = 1; i <= 14; i++) await addCard(board, { column: 'needs', asker: 'Ana', addressee: 'Sam', what: `Request ${i}\nwith a second line` });
    const fac = await open(board.links.facilitator, 'Fay');
    const agenda = column(fac, 'Agenda');
    await card(fac, 'Eight').waitFor();

    await agenda.getByRole('button', { name: 'Add agenda item' }).click();
    const form = agenda.locator('form');
    await form.getByLabel('Topic', { exact: true }).fill('Nine');
    const before = await fac.evaluate(() => window.scrollY);
    const formTop = (await form.boundingBox())!.y;
    await form.getByLabel('Topic', { exact: true }).press('Enter');

    const nine = card(fac, 'Nine');
    await nine.waitFor();
    expect(await focusedCard(fac)).toBe('Nine');
    expect(await focusedIsCard(fac)).toBe(true);
    // Where the form was, the card is: the page did not move.
    expect(await fac.evaluate(() => window.scrollY)).toBe(before);
    expect(Math.abs((await nine.boundingBox())!.y - formTop)).toBeLessThan(4);

    await fac.keyboard.press('k');
    expect(await focusedCard(fac)).toBe('Eight');
    await fac.keyboard.press('j');
    expect(await focusedCard(fac)).toBe('Nine');
  }, 90_000);

  test('a hidden draft stays in view once it is added', async () => {
    const board = await createBoard(e2e.server().url, 'Retro', 'Learn from the release');
    await addCard(board, { column: 'agenda', title: 'Retro', timebox: 30 });
    for (let i = 1; i <= 10; i++) await addCard(board, { column: 'challenges', problem: `Earlier problem ${i}, described at some length so the card wraps` });
    const fac = await open(board.links.facilitator, 'Fay');
    const par = await open(board.links.participant, 'Sam');
    await fac.getByRole('button', { name: 'Start meeting' }).click();
    await column(fac, 'Challenges').getByRole('switch', { name: 'Hidden writing' }).check();

    const challenges = column(par, 'Challenges');
    await challenges.getByRole('button', { name: 'Add hidden card' }).click();
    const form = challenges.locator('form');
    await form.getByLabel('Problem', { exact: true }).fill('Nobody owns the release checklist');
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    const draft = challenges.getByRole('region', { name: 'Your hidden cards' }).getByText('Nobody owns the release checklist');
    await draft.waitFor();
    const box = (await draft.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(DESKTOP.height);
  }, 90_000);

  test('the density setting makes cards roomier or tighter, and is remembered on this device', async () => {
    const { board } = await agendaBoard();
    const fac = await open(board.links.facilitator, 'Fay');
    const release = card(fac, 'Release readiness');
    const height = async () => (await release.boundingBox())!.height;
    const compact = await height();

    await fac.getByRole('button', { name: 'Display settings' }).click();
    await fac.getByRole('combobox', { name: /^Cards/ }).selectOption('comfortable');
    await expect.poll(height).toBeGreaterThan(compact + 10);
    const comfortable = await height();

    await fac.reload();
    await release.getByText('Priya · 15 min').waitFor();
    expect(await height()).toBe(comfortable);
    await fac.getByRole('button', { name: 'Display settings' }).click();
    await expect(fac.getByRole('combobox', { name: /^Cards/ }).inputValue()).resolves.toBe('comfortable');
    await fac.getByRole('combobox', { name: /^Cards/ }).selectOption('compact');
    await expect.poll(height).toBe(compact);
  }, 90_000);
});
