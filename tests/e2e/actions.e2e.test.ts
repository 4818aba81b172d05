/**
 * Decisions become action items, end to end in real browsers: a decision typed in plain words on a card,
 * its live preview, the action list another person ticks off, the status back on the card, and the
 * summary printed on one page with a QR code to the live list. Screenshots land in dist/screenshots/.
 */
import fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { parseDecision } from '../../shared/decisions.js';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { api, createBoard, type TestBoard, addCard as addCardOver, addDecision as addDecisionOver } from '../helpers/server.js';
import { openCard } from '../helpers/cards.js';

const e2e = useE2E({ stepTimeout: 10_000 });
const { openPage, join, shot } = e2e;

const boardUrl = (board: TestBoard, role: keyof TestBoard['tokens'], page = '') => `/b/${board.id}${page}?token=${board.tokens[role]}`;
const card = (page: Page, name: string | RegExp): Locator => page.getByRole('article', { name });

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

const today = () => new Date().toISOString().slice(0, 10);

/** A board with an agenda item owned by Priya, a request and a challenge, made over the REST API. */
async function launchBoard(): Promise<{ board: TestBoard; agendaId: string; needId: string; challengeId: string }> {
  const board = await createBoard(e2e.server().url, 'Launch sync', 'Agree who ships what before the launch');
  const agendaId = await addCard(board, { column: 'agenda', title: 'Launch plan', owner: 'Priya', timebox: 15 });
  const needId = await addCard(board, { column: 'needs', asker: 'Sam', addressee: 'Lee', what: 'Final pricing table', byWhen: '2026-12-10' });
  const challengeId = await addCard(board, {
    column: 'challenges',
    problem: 'Support is not staffed for launch week',
    proposals: ['Borrow two people from sales'],
  });
  return { board, agendaId, needId, challengeId };
}

describe('decisions become action items', () => {
  test('a decision typed in plain words shows its owner and due date, another person ticks its action item off, and the card shows it done', async () => {
    const { board } = await launchBoard();
    const a = await openPage(DESKTOP);
    await a.goto(boardUrl(board, 'participant'));
    await join(a, 'Ana');

    const launch = card(a, 'Launch plan');
    // Decisions are recorded in the open card (d on a focused card opens it there too).
    await openCard(launch);
    const input = launch.getByLabel('Record a decision');
    const typed = 'Decision: Priya ships the FAQ page by next Friday';
    await input.fill(typed);

    // The preview is the server's own parser, with the board's meeting day and names.
    const expected = parseDecision({ text: typed }, { meetingDate: today(), participants: ['Priya', 'Ana'] });
    expect(expected.owners).toEqual(['Priya']);
    expect(expected.due).not.toBeNull();
    const preview = launch.getByTestId('decision-preview');
    await preview.getByText('Priya', { exact: true }).waitFor();
    await preview.getByText(shownDay(expected.due!)).waitFor();

    // A date it cannot read is flagged, not guessed.
    await input.fill('@Sam to call the supplier by the offsite');
    await preview.getByText('couldn’t read this date').waitFor();
    await preview.getByText('Sam', { exact: true }).waitFor();

    await input.fill(typed);
    await input.press('Enter');
    await expect(input.inputValue()).resolves.toBe('');
    const recorded = launch.getByLabel('Decision 1', { exact: true });
    await expect(recorded.inputValue()).resolves.toBe(typed);
    await launch.getByText('decided by Ana').waitFor();
    // The server made it an action item; the card says so, live.
    await launch.locator('[data-action-status="open"]').waitFor();

    // B opens the action list on a phone and finds the item under Priya, due as previewed.
    const b = await openPage(PHONE, true);
    await b.goto(boardUrl(board, 'participant', '/actions'));
    const row = b.locator('li[data-action-id]', { hasText: 'Priya ships the FAQ page by next Friday' });
    await row.waitFor();
    await b.getByRole('region', { name: /^Priya/ }).waitFor();
    await row.getByText(`Due ${shownDay(expected.due!)}`).waitFor();

    await row.getByRole('checkbox', { name: /^Done: Priya ships the FAQ page/ }).check();
    await b.getByRole('status').filter({ hasText: 'Marked done: Priya ships the FAQ page by next Friday' }).waitFor();
    await b.locator('li[data-status="done"]', { hasText: 'Priya ships the FAQ page' }).waitFor();

    // A sees it done on the card as it reads, without reloading.
    await launch.getByRole('button', { name: 'Close', exact: true }).click();
    await launch.locator('[data-action-status="done"]').waitFor();
    await launch.getByText('Action item · done').waitFor();

    // And undone again from B comes back as open in A.
    await row.getByRole('checkbox', { name: /^Done: Priya ships/ }).uncheck();
    await launch.locator('[data-action-status="open"]').waitFor();

    // From the list back to the board, where B records one on a phone.
    await b.getByRole('link', { name: 'Back to the board' }).click();
    await join(b, 'Ben');
    const launchB = card(b, 'Launch plan');
    await launchB.getByText('Priya ships the FAQ page by next Friday').waitFor();
    await openCard(launchB);
    await launchB.getByLabel('Decision 1', { exact: true }).waitFor();
    await launchB.getByLabel('Record a decision').fill('@Sam to call the supplier by 2026-12-03');
    await launchB.getByTestId('decision-preview').getByText(shownDay('2026-12-03')).waitFor();
    // Centred, so the meeting bar at the bottom of a phone screen does not cover it.
    await launchB.getByTestId('decision-preview').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(b, 'board-decision-preview-390x844.png');
  });

  test('the action list groups by owner or sorts by due date, highlights what is overdue, hides cancelled items until asked, and offers exports', async () => {
    const { board, agendaId, needId, challengeId } = await launchBoard();
    await addDecision(board, agendaId, { text: 'Priya ships the FAQ page by next Friday' });
    await addDecision(board, agendaId, { text: 'Lee updates the status page', owner: 'Lee', due: '2026-11-02' });
    await addDecision(board, challengeId, { text: 'Ask sales to lend two people for launch week' });
    await addDecision(board, needId, { text: '@Sam and @Lee agree the pricing by 2030-12-03' });
    await addCard(board, { column: 'needs', asker: 'Ana', addressee: 'Kim', what: 'Launch blog post draft', byWhen: '2030-12-02', status: 'accepted' });

    // A decision recorded and then deleted in the browser: its item is cancelled.
    const a = await openPage(DESKTOP);
    await a.goto(boardUrl(board, 'participant'));
    await join(a, 'Ana');
    const challenge = card(a, /^Support is not staffed/);
    await openCard(challenge);
    await challenge.getByLabel('Record a decision').fill('Decision: hire a contractor by tomorrow');
    await challenge.getByRole('button', { name: 'Record', exact: true }).click();
    await challenge.locator('[data-action-status="open"]').nth(1).waitFor();
    await shot(a, 'board-decisions-1280x800.png');
    await challenge.getByRole('button', { name: 'Delete decision 2' }).click();
    await challenge.getByLabel('Decision 2', { exact: true }).waitFor({ state: 'detached' });

    const list = await openPage(DESKTOP);
    await list.goto(boardUrl(board, 'viewer', '/actions'));
    const rows = list.locator('li[data-action-id]');
    const overdue = list.locator('li.overdue', { hasText: 'Lee updates the status page' });
    await overdue.waitFor();
    await overdue.getByText('Overdue', { exact: true }).waitFor();
    // Unassigned is a group of its own; the cancelled item stays hidden.
    await list
      .getByRole('region', { name: /^Unassigned/ })
      .getByText('Ask sales to lend two people')
      .waitFor();
    expect(await list.getByText('hire a contractor').count()).toBe(0);
    // A viewer reads but does not tick off.
    await expect(rows.first().getByRole('checkbox').isDisabled()).resolves.toBe(true);
    await shot(list, 'actions-1280x800.png', true);

    await list.getByLabel('Show cancelled (1)').check();
    await list.locator('li[data-status="cancelled"]', { hasText: 'hire a contractor' }).waitFor();
    await list.getByLabel('Show cancelled (1)').uncheck();

    // Sorted by due date: one list, earliest first, undated last.
    await list.getByRole('radio', { name: 'By due date' }).check();
    const texts = await list.locator('li[data-action-id] .text').allTextContents();
    expect(texts[0]).toBe('Lee updates the status page');
    expect(texts.at(-1)).toBe('Ask sales to lend two people for launch week');

    // Owner filter: Sam's items only (a co-owned item counts for both).
    await list.getByLabel('Owner', { exact: true }).selectOption('Sam');
    await expect(list.locator('li[data-action-id] .text').allTextContents()).resolves.toEqual(['@Sam and @Lee agree the pricing by 2030-12-03']);
    await list.getByRole('button', { name: 'Clear filters' }).click();

    // Exports are plain links carrying the token; the server answers them as downloads.
    const csv = await list.getByRole('link', { name: 'CSV' }).getAttribute('href');
    expect(csv).toBe(`/api/boards/${board.id}/actions.csv?token=${board.tokens.viewer}`);
    const res = await fetch(e2e.server().url + csv);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Lee updates the status page');

    const phone = await openPage(PHONE, true);
    await phone.goto(boardUrl(board, 'participant', '/actions'));
    await phone.locator('li.overdue').waitFor();
    await shot(phone, 'actions-390x844.png', true);
    // Nothing sticks out sideways on a phone.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // Viewers read decisions on the board, with who and when, but have nothing to change them with.
    const viewer = await openPage(PHONE, true);
    await viewer.goto(boardUrl(board, 'viewer'));
    await join(viewer, 'Vic');
    const launch = card(viewer, 'Launch plan');
    await launch.getByText('Lee updates the status page').waitFor();
    await launch.locator('[data-action-status="open"]').first().waitFor();
    expect(await launch.locator('input, textarea, button').count()).toBe(0);
    await shot(viewer, 'board-decisions-390x844.png');
  });

  test('an action list opened with a link that is then replaced says so and stops showing the board’s items', async () => {
    const { board, agendaId } = await launchBoard();
    await addDecision(board, agendaId, { text: 'Priya ships the FAQ page by next Friday' });
    const list = await openPage(DESKTOP);
    await list.goto(boardUrl(board, 'viewer', '/actions'));
    await list.locator('li[data-action-id]', { hasText: 'Priya ships the FAQ page' }).waitFor();

    const res = await api(e2e.server().url, 'POST', `/api/boards/${board.id}/links/rotate`, { role: 'viewer' }, board.tokens.facilitator);
    expect(res.status).toBe(200);
    await list.getByRole('heading', { name: 'This link no longer works' }).waitFor();
    expect(await list.locator('li[data-action-id]').count()).toBe(0);
  });

  test('the summary prints as one clean page with a QR code that opens the live action list with the teammates link', async () => {
    const a = await openPage(DESKTOP);
    // Created on the home page: this device keeps the teammates link the QR code should carry.
    await a.goto('/');
    await a.getByLabel('Board title').fill('Launch sync');
    await a.getByLabel('Purpose (optional)').fill('Agree who ships what before the launch');
    await a.getByRole('button', { name: 'Create board' }).click();
    await a.waitForURL(/\/b\/[A-Za-z0-9_-]+\?token=/);
    await join(a, 'Ana');
    const boardId = new URL(a.url()).pathname.split('/')[2];
    const keys = await a.evaluate(() => JSON.parse(localStorage.getItem('meshboard:keys') ?? '{}'));
    const participantToken = new URL(keys[boardId].links.participant).searchParams.get('token')!;
    const board: TestBoard = {
      id: boardId,
      links: keys[boardId].links,
      tokens: { facilitator: keys[boardId].token, participant: participantToken, viewer: '' },
    };

    const agendaId = await addCard(board, {
      column: 'agenda',
      title: 'Launch plan',
      owner: 'Priya',
      timebox: 15,
      notes: 'FAQ and pricing are the last open pieces.',
      done: true,
    });
    const second = await addCard(board, { column: 'agenda', title: 'Support staffing', owner: 'Sam' });
    await addDecision(board, agendaId, { text: 'Priya ships the FAQ page by next Friday' });
    await addDecision(board, second, { text: 'Sam asks sales to lend two people', due: '2026-12-01' });
    await addCard(board, { column: 'needs', asker: 'Sam', addressee: 'Lee', what: 'Final pricing table', byWhen: '2026-12-10' });
    await addCard(board, { column: 'challenges', problem: 'Support is not staffed for launch week', proposals: ['Borrow two people from sales'] });

    await a.getByRole('link', { name: 'Summary' }).click();
    await a.waitForURL(/\/summary\?token=/);
    await a.getByRole('heading', { name: 'Launch sync', level: 1 }).waitFor();
    await a.getByText('Priya ships the FAQ page by next Friday').first().waitFor();

    // The QR code opens the action list with the teammates link, never the facilitator's own.
    const qr = a.getByRole('img', { name: 'QR code linking to the live action list' });
    await qr.locator('svg').waitFor();
    const encoded = new URL((await qr.getAttribute('data-qr-value'))!);
    expect(encoded.pathname).toBe(`/b/${boardId}/actions`);
    expect(encoded.searchParams.get('token')).toBe(participantToken);
    await a.getByText('The QR code carries this board’s teammates link').waitFor();

    // The facilitator sets the webhook here.
    await a.getByLabel('Webhook URL').fill('https://hooks.example.com/meshboard');
    await a.getByRole('button', { name: 'Save', exact: true }).click();
    await a.getByText('Webhook saved.').waitFor();
    const hook = await api(e2e.server().url, 'GET', `/api/boards/${boardId}/webhook`, undefined, board.tokens.facilitator);
    expect(hook.body.url).toBe('https://hooks.example.com/meshboard');
    await shot(a, 'summary-1280x800.png', true);

    // Print: only the document, black on white, on one A4 page.
    await a.setViewportSize({ width: 794, height: 1123 });
    await a.emulateMedia({ media: 'print' });
    expect(await a.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
    expect(await a.getByLabel('Webhook URL').isVisible()).toBe(false);
    await shot(a, 'summary-print-a4.png', true);
    const pdf = await a.pdf({ format: 'A4', printBackground: true });
    fs.writeFileSync(e2e.shotPath('summary.pdf'), pdf);
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? [];
    expect(pages.length).toBe(1);

    // On a phone screen the same summary reads in one column.
    await a.emulateMedia({ media: 'screen' });
    await a.setViewportSize(PHONE);
    await shot(a, 'summary-390x844.png');
    expect(await a.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  });
});
