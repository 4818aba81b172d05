/**
 * What a meeting of a series adds to the board, end to end: the meeting line in the header, pinned agenda
 * items, tags, a declined request's reason (live on a second page), a challenge's earlier meetings with its
 * "open for N meetings" flag, and the printed agenda's clock times. The series' meta and a carried challenge
 * are written by a real y-websocket client, as the server's series code writes them.
 */
import type { Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, test } from 'vitest';
import { createCard, setMeetingDate, setMeetingStart, setSeriesMeta, updateCard, type BoardView } from '../../shared/board-schema.js';
import { axeContext, describeViolations, seriousViolations } from '../helpers/axe.js';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { api, createBoard, type TestBoard } from '../helpers/server.js';
import { cardMenu, openCard } from '../helpers/cards.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

const e2e = useE2E({ stepTimeout: 10_000 });
const { openPage, join, shot } = e2e;

const boardUrl = (board: TestBoard, role: keyof TestBoard['tokens'], page = '') => `/b/${board.id}${page}?token=${board.tokens[role]}`;
const card = (page: Page, name: string | RegExp): Locator => page.getByRole('article', { name });
const marks = (article: Locator): Locator => article.getByRole('list', { name: 'About this card' });

const clients: YClient[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.destroy()));

async function readBoard(board: TestBoard): Promise<BoardView> {
  const res = await api<BoardView>(e2e.server().url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
  expect(res.status).toBe(200);
  return res.body;
}

/** Meeting 3 of a weekly series, at 10:00 on 17 December 2026, with a challenge carried from meetings 1 and 2. */
async function seriesMeeting(): Promise<TestBoard> {
  const board = await createBoard(e2e.server().url, 'Platform weekly', 'Follow through from last week');
  const y = connect(e2e.server().wsUrl, board, board.tokens.facilitator);
  clients.push(y);
  await synced(y);
  const { doc } = y;
  setSeriesMeta(doc, { seriesId: board.id, seq: 3, timezone: 'Europe/Berlin', flagAfter: 3 });
  setMeetingDate(doc, '2026-12-17');
  setMeetingStart(doc, '10:00');
  createCard(doc, { column: 'agenda', title: 'Roadmap', owner: 'Ana', timebox: 10 });
  createCard(doc, { column: 'agenda', title: 'Open questions', owner: 'Sam' });
  createCard(doc, { column: 'agenda', title: 'Hiring', owner: 'Lee', timebox: 15 });
  createCard(doc, { column: 'agenda', title: 'Wrap-up', timebox: 5 });
  createCard(doc, { column: 'needs', asker: 'Sam', addressee: 'Lee', what: 'Load test numbers', team: 'Payments' });
  createCard(doc, {
    column: 'challenges',
    problem: 'Deploys take an hour',
    status: 'moving',
    carriedFrom: 'c0ffee',
    escalatedFrom: 'Infra weekly',
    history: [
      { seq: 1, date: '2026-12-03', proposals: ['Cache the build image'], decisions: [], dots: 3, from: 'open', to: 'open' },
      {
        seq: 2,
        date: '2026-12-10',
        proposals: ['Split the test stage', 'Run e2e nightly'],
        decisions: ['Lee splits the test stage'],
        dots: 5,
        from: 'open',
        to: 'moving',
      },
    ],
  });
  // The server has it all once the REST API reads it back.
  await waitFor(async () => {
    const b = await readBoard(board);
    return b.meta.meetingStart === '10:00' && b.columns.challenges.length === 1 && b.columns.needs.length === 1;
  }, 'the series meeting stored');
  return board;
}

describe('a meeting of a series on the board', () => {
  test('pins, tags, a declined request with its reason, a challenge’s earlier meetings and the printed agenda’s clock times', async () => {
    const board = await seriesMeeting();
    const a = await openPage(DESKTOP);
    await a.goto(boardUrl(board, 'participant'));
    // Lee: the addressee of the request, who answers it below.
    await join(a, 'Lee');

    // The header says which meeting this is, and links to the series with the same token.
    await a.getByText('Meeting 3 · Thu, Dec 17 at 10:00 AM').waitFor();
    const series = a.getByRole('link', { name: 'Series', exact: true });
    await expect(series.getAttribute('href')).resolves.toBe(`/s/${board.id}?token=${board.tokens.participant}`);

    // A viewer on a phone follows along.
    const v = await openPage(PHONE, true);
    await v.goto(boardUrl(board, 'viewer'));
    await join(v, 'Vera');

    // Pin an agenda item to the next meeting.
    const roadmap = card(a, 'Roadmap');
    const pin = (await cardMenu(roadmap)).getByRole('button', { name: 'Pin to next meeting' });
    await expect(pin.getAttribute('aria-pressed')).resolves.toBe('false');
    await pin.click();
    await waitFor(async () => (await pin.getAttribute('aria-pressed')) === 'true', 'the pin toggle pressed');
    await marks(roadmap).getByText('Carries to the next meeting').waitFor();
    await waitFor(async () => (await readBoard(board)).columns.agenda[0].pinned, 'the pin stored');
    // Keyboard: Space on the focused toggle takes the pin off again, and Space puts it back.
    await pin.focus();
    await a.keyboard.press('Space');
    await waitFor(async () => (await pin.getAttribute('aria-pressed')) === 'false', 'unpinned by keyboard');
    await a.keyboard.press('Space');
    await waitFor(async () => (await pin.getAttribute('aria-pressed')) === 'true', 'pinned again by keyboard');

    // Tag the request as a win.
    const request = card(a, 'Sam → Lee');
    await openCard(request);
    await request.getByRole('button', { name: 'Tags: Sam → Lee' }).click();
    const win = request.getByRole('group', { name: 'Tags: Sam → Lee' }).getByRole('button', { name: 'Win' });
    await win.click();
    await waitFor(async () => (await win.getAttribute('aria-pressed')) === 'true', 'the Win toggle pressed');
    await shot(a, 'series-cards-tag-menu-1280x800.png');
    await a.keyboard.press('Escape');
    await marks(request).getByText('Win', { exact: true }).waitFor();
    await marks(request).getByText('Team: Payments').waitFor();
    await waitFor(async () => (await readBoard(board)).columns.needs[0].tags.join() === 'win', 'the tag stored');

    // Lee declines it with a reason; the viewer sees the reason arrive, and the tag, but no way to change either.
    await request.getByRole('button', { name: 'Decline', exact: true }).click();
    const reason = request.getByLabel('Why not? Sam will see this');
    await waitFor(() => reason.evaluate((el) => el === document.activeElement), 'the reason field focused when declining');
    await reason.fill('No capacity until January');
    await reason.press('Enter');
    await v.getByRole('tab', { name: /Needs/ }).click();
    const seen = card(v, 'Sam → Lee');
    await seen.getByText('Declined: No capacity until January').waitFor();
    await marks(seen).getByText('Win', { exact: true }).waitFor();
    await expect(seen.getByRole('button', { name: /^Tags/ }).count()).resolves.toBe(0);
    expect((await readBoard(board)).columns.needs[0]).toMatchObject({ status: 'declined', declineReason: 'No capacity until January' });
    await shot(v, 'series-cards-viewer-needs-390x844.png', true);

    // The carried challenge: its earlier meetings, oldest first, and the flag (open for 3 meetings, flagAfter 3).
    const challenge = card(a, 'Deploys take an hour');
    await marks(challenge).getByText('Open for 3 meetings').waitFor();
    await marks(challenge).getByText('Carried over').waitFor();
    await marks(challenge).getByText('Escalated from Infra weekly').waitFor();
    const steps = challenge
      .getByRole('region', { name: 'Earlier meetings' })
      .getByRole('listitem')
      .filter({ hasText: /^Meeting/ });
    await expect(steps.allInnerTexts()).resolves.toEqual([
      expect.stringContaining('Meeting 1 · Thu, Dec 3: Open · 1 proposal · 0 decisions · 3 dots'),
      expect.stringContaining('Meeting 2 · Thu, Dec 10: Open → Moving · 2 proposals · 1 decision · 5 dots'),
    ]);
    const lee = challenge.getByText('Lee splits the test stage');
    await expect(lee.isVisible()).resolves.toBe(false);
    await challenge.getByText(/^Meeting 2 · /).click();
    await lee.waitFor();
    await shot(a, 'series-cards-1280x800.png', true);

    // Resolved, the flag goes.
    await openCard(challenge);
    await challenge.getByLabel('Status').selectOption('resolved');
    await marks(challenge).getByText('Open for 3 meetings').waitFor({ state: 'detached' });

    // The printed agenda: each item at its clock time (an item without a timebox takes none).
    const p = await openPage(DESKTOP);
    await p.goto(boardUrl(board, 'participant', '/agenda'));
    const rows = p.locator('table.agenda tbody tr');
    await rows.first().waitFor();
    await expect(rows.locator('td.at').allInnerTexts()).resolves.toEqual(['10:00 AM', '10:10 AM', '10:10 AM', '10:25 AM']);
    await p.getByText('Agenda · Thursday, December 17, 2026 at 10:00 AM').waitFor();
    await shot(p, 'series-cards-agenda-1280x800.png', true);
    const phoneAgenda = await openPage(PHONE, true);
    await phoneAgenda.goto(boardUrl(board, 'participant', '/agenda'));
    await phoneAgenda.locator('.agenda-list').getByText('At 10:10 AM').first().waitFor();
    await shot(phoneAgenda, 'series-cards-agenda-390x844.png', true);

    // A participant on a phone: the same cards, each column on its tab.
    const c = await openPage(PHONE, true);
    await c.goto(boardUrl(board, 'participant'));
    await join(c, 'Sam');
    await card(c, 'Roadmap').getByRole('button', { name: 'Actions for Roadmap' }).waitFor();
    await shot(c, 'series-cards-agenda-tab-390x844.png', true);
    await c.getByRole('tab', { name: /Challenges/ }).click();
    await card(c, 'Deploys take an hour').getByText('Carried over').waitFor();
    await shot(c, 'series-cards-challenges-390x844.png', true);
  }, 90_000);

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`the series marks, history, tag menu and decline reason have no serious axe violation (${colorScheme})`, async () => {
      const board = await seriesMeeting();
      const y = clients[0];
      const [need] = (await readBoard(board)).columns.needs;
      const [roadmap] = (await readBoard(board)).columns.agenda;
      updateCard(y.doc, need.id, { status: 'declined', declineReason: 'No capacity', tags: ['win', 'loss', 'faq', 'idea'] });
      updateCard(y.doc, roadmap.id, { pinned: true, tags: ['idea'] });
      await waitFor(async () => (await readBoard(board)).columns.needs[0].declineReason === 'No capacity', 'the decline stored');
      for (const role of ['participant', 'viewer'] as const) {
        const page = await e2e.pageIn(await axeContext(e2e.browser(), e2e.server().url, { colorScheme }));
        await page.goto(boardUrl(board, role));
        await join(page, 'Axe');
        const challenge = card(page, 'Deploys take an hour');
        await challenge.getByText(/^Meeting 2 · /).click();
        await challenge.getByText('Lee splits the test stage').waitFor();
        if (role === 'participant') {
          await openCard(card(page, 'Sam → Lee'));
          await card(page, 'Sam → Lee').getByRole('button', { name: 'Tags: Sam → Lee' }).click();
        } else await card(page, 'Sam → Lee').getByText('Declined: No capacity').waitFor();
        const violations = await seriousViolations(page);
        expect(violations, describeViolations(`${role}, ${colorScheme}`, violations)).toEqual([]);
      }
    });
  }
});
