/**
 * After the meeting, in real browsers: the summary with every agenda item's notes in full and the decisions
 * with owners and dates; the action list's "My items" and filters, whose groups and counts agree; an item's
 * owner and due date corrected in the list (and so on the board); and a board created with a date and start
 * time, whose printed agenda gives each item its clock time. Screenshots land in dist/screenshots/.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { api, createBoard, type TestBoard, addCard as addCardOver, addDecision as addDecisionOver } from '../helpers/server.js';

const e2e = useE2E({ stepTimeout: 10_000 });
const { openPage, join, shot } = e2e;

const boardUrl = (board: TestBoard, role: keyof TestBoard['tokens'], page = '') => `/b/${board.id}${page}?token=${board.tokens[role]}`;

const addCard = (board: TestBoard, body: Record<string, unknown>) => addCardOver(e2e.server().url, board, body);
const addDecision = (board: TestBoard, cardId: string, body: { text: string; owner?: string; due?: string }) =>
  addDecisionOver(e2e.server().url, board, cardId, body);
/** The day as the client shows it (en-US, the test browsers' locale and UTC time zone). */
const shownDay = (iso: string) =>
  new Intl.DateTimeFormat('en-US', {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: iso.slice(0, 4) === String(new Date().getUTCFullYear()) ? undefined : 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${iso}T00:00:00Z`));

const counts = (page: Page) => page.getByLabel('Items shown').innerText();
const groupNames = (page: Page) => page.locator('section.group h2').allInnerTexts();

/** Ana's two items (one done), Sam's one, one for nobody: a list to filter. */
async function listBoard(): Promise<{ board: TestBoard; ids: Record<string, string> }> {
  const board = await createBoard(e2e.server().url, 'Launch sync', 'Agree who ships what');
  const agenda = await addCard(board, { column: 'agenda', title: 'Launch plan', owner: 'Priya', timebox: 15 });
  const ids = {
    faq: await addDecision(board, agenda, { text: 'Write the FAQ', owner: 'Ana', due: '2026-12-04' }),
    blog: await addDecision(board, agenda, { text: 'Publish the blog post', owner: 'Ana', due: '2026-12-01' }),
    pricing: await addDecision(board, agenda, { text: 'Agree the pricing', owner: 'Sam', due: '2026-12-03' }),
    staffing: await addDecision(board, agenda, { text: 'Find launch-week support' }),
  };
  const done = await api(e2e.server().url, 'PATCH', `/api/actions/${ids.blog}`, { status: 'done' }, board.tokens.participant);
  expect(done.status).toBe(200);
  return { board, ids };
}

describe('after the meeting', () => {
  test('the summary prints every agenda item’s notes in full, line breaks kept, and the decisions with owners and dates', async () => {
    const board = await createBoard(e2e.server().url, 'Launch sync', 'Agree who ships what');
    const agenda = await addCard(board, {
      column: 'agenda',
      title: 'Launch plan',
      owner: 'Priya',
      timebox: 15,
      done: true,
      notes: 'FAQ is drafted.\nPricing waits for finance.\nSupport rota is still open.',
    });
    await addDecision(board, agenda, { text: 'Priya ships the FAQ page', owner: 'Priya', due: '2026-12-04' });
    const other = await addCard(board, { column: 'challenges', problem: 'Support is not staffed' });
    await addDecision(board, other, { text: 'Borrow two people from sales', owner: 'Sam, Lee', due: '2026-12-02' });

    const a = await openPage(DESKTOP);
    await a.goto(boardUrl(board, 'viewer', '/summary'));
    const agendaSection = a.getByRole('region', { name: 'Agenda and outcomes' });
    const notes = agendaSection.locator('.notes');
    await notes.waitFor();
    // Every line, each on its own line as typed.
    expect(await notes.innerText()).toBe('FAQ is drafted.\nPricing waits for finance.\nSupport rota is still open.');
    const decision = agendaSection.locator('.decision', { hasText: 'Priya ships the FAQ page' });
    expect(await decision.innerText()).toContain(`Priya · ${shownDay('2026-12-04')}`);
    const decisions = a.getByRole('region', { name: 'Decisions', exact: true });
    expect(await decisions.innerText()).toContain(`Borrow two people from sales — Sam, Lee · ${shownDay('2026-12-02')}`);
    await shot(a, 'after-summary-1280x800.png', true);
    await a.emulateMedia({ colorScheme: 'dark' });
    await shot(a, 'after-summary-dark-1280x800.png', true);

    const phone = await openPage(PHONE, true);
    await phone.goto(boardUrl(board, 'viewer', '/summary'));
    await phone.locator('.notes').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(phone, 'after-summary-390x844.png', true);
    await phone.emulateMedia({ colorScheme: 'dark' });
    await shot(phone, 'after-summary-dark-390x844.png', true);
  }, 90_000);

  test('"My items" shows the reader’s own items, and a filter changes both the groups and the counts', async () => {
    const { board } = await listBoard();
    const a = await openPage(DESKTOP);
    // The name given on the board is the one "My items" goes by.
    await a.goto(boardUrl(board, 'participant'));
    await join(a, 'Ana');
    await a.goto(boardUrl(board, 'participant', '/actions'));
    await a.locator('li[data-action-id]').first().waitFor();

    expect(await counts(a)).toBe('3 open\n1 done');
    expect(await groupNames(a)).toEqual(['Ana\n2 items', 'Sam\n1 item', 'Unassigned\n1 item']);

    const mine = a.getByRole('button', { name: 'My items' });
    await mine.click();
    expect(await mine.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => groupNames(a)).toEqual(['Ana\n2 items']);
    expect(await counts(a)).toBe('1 open\n1 done');
    // The status filter's counts are of the same items.
    const status = a.getByLabel('Status', { exact: true });
    expect(await status.locator('option').allInnerTexts()).toEqual(['Open and done (2)', 'Open (1)', 'Done (1)']);
    await status.selectOption('open');
    await expect.poll(() => groupNames(a)).toEqual(['Ana\n1 item']);
    await shot(a, 'after-actions-mine-1280x800.png', true);

    // Someone else's items: the owner filter, groups and counts alike.
    await a.getByRole('button', { name: 'Clear filters' }).click();
    await a.getByLabel('Owner', { exact: true }).selectOption('Sam');
    await expect.poll(() => groupNames(a)).toEqual(['Sam\n1 item']);
    expect(await counts(a)).toBe('1 open\n0 done');
    expect(await mine.getAttribute('aria-pressed')).toBe('false');

    // A reader who never gave a name has no "My items" to show.
    const stranger = await openPage(PHONE, true);
    await stranger.goto(boardUrl(board, 'viewer', '/actions'));
    await stranger.locator('li[data-action-id]').first().waitFor();
    await expect(stranger.getByRole('button', { name: 'My items' }).isDisabled()).resolves.toBe(true);
    expect(await stranger.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(stranger, 'after-actions-390x844.png', true);
    await stranger.emulateMedia({ colorScheme: 'dark' });
    await shot(stranger, 'after-actions-dark-390x844.png', true);
  }, 90_000);

  test('an item’s owner and due date are corrected in the list, land on the board’s decision, and the audit trail names who', async () => {
    const { board, ids } = await listBoard();
    const a = await openPage(DESKTOP);
    await a.goto(boardUrl(board, 'participant'));
    await join(a, 'Ana');
    await a.goto(boardUrl(board, 'participant', '/actions'));
    const row = a.locator(`li[data-action-id="${ids.staffing}"]`);
    await row.waitFor();

    const edit = row.getByRole('button', { name: 'Edit owner or date: Find launch-week support' });
    await edit.click();
    const form = row.getByRole('form', { name: 'Owner and due date of Find launch-week support' });
    const owners = form.getByLabel('Owners');
    // Focus starts in the form.
    await expect.poll(() => owners.evaluate((el) => el === document.activeElement)).toBe(true);
    await owners.fill('Sam');
    await form.getByLabel('Due date').fill('2026-12-09');
    await shot(a, 'after-actions-correct-1280x800.png', true);
    await a.emulateMedia({ colorScheme: 'dark' });
    await shot(a, 'after-actions-correct-dark-1280x800.png', true);
    await form.getByRole('button', { name: 'Save' }).click();

    // The item moves to Sam's group with its new date; focus is back on its button.
    const moved = a.getByRole('region', { name: /^Sam/ }).locator(`li[data-action-id="${ids.staffing}"]`);
    await moved.getByText(`Due ${shownDay('2026-12-09')}`).waitFor();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => a.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit owner or date: Find launch-week support');
    expect(await groupNames(a)).toEqual(['Ana\n2 items', 'Sam\n2 items']);

    // The board's decision holds the correction, so the board and the summary agree.
    const view = await api(e2e.server().url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
    const decision = view.body.columns.agenda[0].decisions.find((d: { text: string }) => d.text === 'Find launch-week support');
    expect(decision).toMatchObject({ owners: 'Sam', due: '2026-12-09' });
    const audit = await api(e2e.server().url, 'GET', `/api/boards/${board.id}/audit?action=decision.edited`, undefined, board.tokens.viewer);
    expect(audit.body.entries[0]).toMatchObject({ actor: 'Ana', role: 'participant', summary: expect.stringContaining('the owner to "Sam"') });

    // Escape leaves an item as it was.
    const pricing = a.locator(`li[data-action-id="${ids.pricing}"]`);
    await pricing.getByRole('button', { name: 'Edit owner or date: Agree the pricing' }).click();
    await pricing.getByLabel('Owners').fill('Nobody');
    await pricing.getByLabel('Owners').press('Escape');
    await pricing.getByRole('form').waitFor({ state: 'detached' });
    expect(await pricing.locator('.chip').allInnerTexts()).toEqual(['Sam']);
  }, 90_000);

  test('a board created with a date and start time prints its agenda with clock times, and the start can be moved on the board', async () => {
    const a = await openPage(DESKTOP);
    await a.goto('/');
    await a.getByLabel('Board title').fill('Planning');
    await a.getByLabel('Meeting date (optional)').fill('2026-12-08');
    await a.getByLabel('Start time (optional)').fill('10:00');
    await a.getByRole('button', { name: 'Create board' }).click();
    await a.waitForURL(/\/b\/[A-Za-z0-9_-]+\?token=/);
    await join(a, 'Ana');
    const boardId = new URL(a.url()).pathname.split('/')[2];
    const token = new URL(a.url()).searchParams.get('token')!;
    const board: TestBoard = {
      id: boardId,
      links: { facilitator: '', participant: '', viewer: '' },
      tokens: { facilitator: token, participant: token, viewer: token },
    };
    await addCard(board, { column: 'agenda', title: 'Roadmap', timebox: 15 });
    await addCard(board, { column: 'agenda', title: 'Hiring', timebox: 20 });
    await addCard(board, { column: 'agenda', title: 'Open floor' });

    // The board says when it meets.
    await a.getByText(`Meeting: ${shownDay('2026-12-08')} at 10:00 AM`).waitFor();

    const agenda = await openPage(DESKTOP);
    await agenda.goto(`/b/${boardId}/agenda?token=${token}`);
    const table = agenda.locator('table.agenda');
    await table.waitFor();
    expect(await table.locator('tbody td.at').allInnerTexts()).toEqual(['10:00 AM', '10:15 AM', '10:35 AM']);
    await agenda.getByText('Tuesday, December 8, 2026 at 10:00 AM').first().waitFor();
    await shot(agenda, 'after-agenda-1280x800.png', true);
    await agenda.emulateMedia({ media: 'print' });
    await shot(agenda, 'after-agenda-print.png', true);

    // Moved on the board: the printed agenda follows.
    await a.getByRole('button', { name: 'Date and time of the meeting' }).click();
    await a.getByLabel('Start', { exact: true }).fill('09:30');
    await a.getByRole('button', { name: 'Save', exact: true }).click();
    await a.getByText(`Meeting: ${shownDay('2026-12-08')} at 9:30 AM`).waitFor();
    await agenda.reload();
    await expect.poll(() => agenda.locator('table.agenda tbody td.at').allInnerTexts()).toEqual(['9:30 AM', '9:45 AM', '10:05 AM']);

    const phone = await openPage(PHONE, true);
    await phone.goto(`/b/${boardId}/agenda?token=${token}`);
    await phone.locator('ol.agenda-list').waitFor();
    await shot(phone, 'after-agenda-390x844.png', true);
    await phone.emulateMedia({ colorScheme: 'dark' });
    await shot(phone, 'after-agenda-dark-390x844.png', true);
    // The board's header on a phone, with the meeting's time and its button.
    await phone.goto(`/b/${boardId}?token=${token}`);
    await join(phone, 'Ben');
    await phone.getByRole('button', { name: 'Date and time of the meeting' }).click();
    await shot(phone, 'after-board-when-dark-390x844.png');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  }, 90_000);
});
