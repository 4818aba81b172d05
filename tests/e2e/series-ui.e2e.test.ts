/**
 * A series in the browser, end to end: made from the home form (with its next dates shown first), its page,
 * the next meeting opened from two pages at once (one meeting 2), a meeting moved from the series page and
 * from the board (the board's meta follows), the "since last meeting" block answered on one page and seen on
 * another, and home listing the series with its open meeting. Screenshots go to dist/screenshots/ when
 * SHOTS_DIR is not set.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { BoardView } from '../../shared/board-schema.js';
import type { SeriesResponse } from '../../shared/series.js';
import type { CreateSeriesResponse } from '../../shared/series.js';
import { axeContext, describeViolations, seriousViolations } from '../helpers/axe.js';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { api } from '../helpers/server.js';

const e2e = useE2E({ stepTimeout: 10_000 });
const { openPage, join } = e2e;
const SHOTS = process.env.SHOTS_DIR ?? path.resolve('dist/screenshots');

async function snap(page: Page, name: string, fullPage = true) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name), fullPage });
}

async function fillSeriesForm(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'A meeting series' }).click();
  const form = page.getByRole('region', { name: 'Create a meeting series' });
  await form.getByLabel('Name').fill('Platform weekly');
  await form.getByLabel('Team (optional)').fill('Platform');
  await form.getByLabel('First date').fill('2030-01-01');
  await form.getByLabel('How often').selectOption({ label: 'Weekly' });
  await form.getByLabel(/^On /).selectOption({ label: 'Thursday' });
  await form.getByLabel('Start time').fill('10:00');
  await form.getByLabel('Time zone').fill('Europe/Berlin');
  await form.getByLabel('Duration (minutes)').fill('45');
  await form.getByLabel('People (optional, comma separated)').fill('Ana, Sam');
  return form;
}

const seriesOf = async (id: string, token: string) => {
  const res = await api<SeriesResponse>(e2e.server().url, 'GET', `/api/series/${id}`, undefined, token);
  expect(res.status).toBe(200);
  return res.body;
};

describe('series in the browser', () => {
  test('create from home, open the next meeting from two pages, move it, review on the board live, home lists it', async () => {
    const base = e2e.server().url;
    const a = await openPage(DESKTOP);
    const form = await fillSeriesForm(a);
    const preview = form.getByRole('region', { name: 'Next meetings' }).getByRole('listitem');
    await expect
      .poll(() => preview.allTextContents())
      .toEqual(['Thursday, January 3, 2030 at 10:00 AM', 'Thursday, January 10, 2030 at 10:00 AM', 'Thursday, January 17, 2030 at 10:00 AM']);
    await snap(a, 'create-form-1280.png');
    await form.getByRole('button', { name: 'Create series' }).click();

    await a.getByRole('heading', { level: 1, name: 'Platform weekly' }).waitFor();
    const url = new URL(a.url());
    const id = url.pathname.split('/')[2];
    const token = url.searchParams.get('token')!;
    expect(url.pathname).toBe(`/s/${id}`);
    await a.getByText('Every week on Thursday · 10:00 AM').waitFor();
    await a.getByRole('link', { name: 'Open the board of meeting 1' }).waitFor();
    // The sub-pages other parts of the series build, each with the token.
    expect(await a.getByRole('navigation', { name: 'Pages of this series' }).getByRole('link', { name: 'Inbox' }).getAttribute('href')).toBe(
      `/s/${id}/inbox?token=${token}`,
    );

    // An action item decided in meeting 1, for the review on meeting 2.
    const first = (await seriesOf(id, token)).meetings[0].boardId;
    const card = await api(base, 'POST', `/api/boards/${first}/cards`, { column: 'agenda', title: 'Budget' }, token);
    expect(card.status).toBe(201);
    const decision = await api(
      base,
      'POST',
      `/api/boards/${first}/cards/${card.body.card.id}/decisions`,
      { text: 'Draft the budget', owner: 'Ana', due: '2030-01-09' },
      token,
    );
    expect(decision.status).toBe(201);

    // Two facilitators press "Open next meeting" at once: one meeting 2.
    const b = await openPage(DESKTOP);
    await b.goto(`/s/${id}?token=${token}`);
    await b.getByRole('button', { name: 'Open next meeting' }).waitFor();
    await b.getByText('Draft the budget').waitFor();
    await Promise.all([a.getByRole('button', { name: 'Open next meeting' }).click(), b.getByRole('button', { name: 'Open next meeting' }).click()]);
    const said = await Promise.all(
      [a, b].map(async (p) => {
        const status = p.getByText(/Meeting 2 (is|was already) open\./);
        await status.waitFor();
        return status.textContent();
      }),
    );
    expect(said.sort()).toEqual(['Meeting 2 is open.', 'Meeting 2 was already open.']);
    expect((await seriesOf(id, token)).meetings.map((m) => m.seq)).toEqual([1, 2]);
    await snap(a, 'series-page-1280.png');

    // Move meeting 2 from the series page: the list and the board's meta follow.
    await a.getByRole('button', { name: 'Move meeting 2' }).click();
    const move = a.getByRole('form', { name: 'Move meeting 2' });
    await move.getByLabel('Date').fill('2030-01-11');
    await move.getByLabel('Start').fill('11:30');
    await move.getByRole('button', { name: 'Move meeting' }).click();
    await a.getByText('Fri, Jan 11, 2030 · 11:30 AM', { exact: true }).waitFor();
    const second = (await seriesOf(id, token)).meetings[1].boardId;
    const meta = async () => (await api<BoardView>(base, 'GET', `/api/boards/${second}`, undefined, token)).body.meta;
    expect(await meta()).toMatchObject({ seq: 2, meetingDate: '2030-01-11', meetingStart: '11:30' });

    // The review block on meeting 2: marked blocked on one page, seen on the other.
    await a.getByRole('link', { name: 'Open the board of meeting 2' }).click();
    await join(a, 'Ana Lopez');
    await b.goto(`/b/${second}?token=${token}`);
    await join(b, 'Sam Lee');
    const review = (p: Page) => p.getByRole('region', { name: 'Since last meeting' });
    await review(a).getByText('Draft the budget').waitFor();
    await review(b).getByRole('button', { name: 'Blocked: Draft the budget' }).waitFor();
    expect(await review(b).getByRole('button', { name: 'Still open: Draft the budget' }).getAttribute('aria-pressed')).toBe('true');
    await review(a).getByRole('button', { name: 'Blocked: Draft the budget' }).click();
    await expect.poll(() => review(b).getByRole('button', { name: 'Blocked: Draft the budget' }).getAttribute('aria-pressed')).toBe('true');
    expect(await review(b).getByRole('button', { name: 'Still open: Draft the budget' }).getAttribute('aria-pressed')).toBe('false');
    await snap(a, 'board-review-1280.png', false);

    // Move the meeting from the board's header: the line follows the board's meta.
    await a.getByRole('button', { name: 'Move this meeting' }).click();
    const header = a.getByRole('form', { name: 'Move meeting 2' });
    await header.getByLabel('Date').fill('2030-01-12');
    await header.getByRole('button', { name: 'Move meeting' }).click();
    await b.getByText('Meeting 2 · Sat, Jan 12, 2030 at 11:30 AM').waitFor();
    expect(await meta()).toMatchObject({ meetingDate: '2030-01-12', meetingStart: '11:30' });

    // Home lists the series with its open meeting.
    await a.goto('/');
    const mine = a.getByRole('region', { name: 'Your series' });
    await mine.getByRole('link', { name: 'Platform weekly' }).waitFor();
    await mine.getByText('Platform · Every week on Thursday').waitFor();
    await mine.getByRole('link', { name: 'Meeting 2 is open · Sat, Jan 12, 2030 at 11:30 AM' }).waitFor();
    await snap(a, 'home-with-series-1280.png');

    // The same pages on a phone.
    const phone = await openPage(PHONE, true);
    await fillSeriesForm(phone);
    await snap(phone, 'create-form-390.png');
    await phone.goto(`/s/${id}?token=${token}`);
    await phone.getByRole('heading', { level: 1, name: 'Platform weekly' }).waitFor();
    await snap(phone, 'series-page-390.png');
    await phone.goto(`/b/${second}?token=${token}`);
    await join(phone, 'Lee Park');
    await review(phone).getByText('Draft the budget').waitFor();
    await snap(phone, 'board-review-390.png', false);
    await phone.goto('/');
    await phone.getByRole('region', { name: 'Your series' }).getByRole('link', { name: 'Platform weekly' }).waitFor();
    await snap(phone, 'home-with-series-390.png');
  }, 90_000);

  test('axe finds nothing serious on the series form, the series page with its settings, and the review block, light and dark', async () => {
    const base = e2e.server().url;
    const created = await api<CreateSeriesResponse>(base, 'POST', '/api/series', {
      name: 'Ops weekly',
      team: 'Operations',
      cadence: 'FREQ=WEEKLY;BYDAY=TH',
      firstDate: '2030-01-01',
      startTime: '10:00',
      timezone: 'Europe/Berlin',
    });
    expect(created.status).toBe(201);
    const id = created.body.series.id;
    const token = new URL(created.body.links.facilitator).searchParams.get('token')!;
    const first = created.body.meetings[0].boardId;
    const card = await api(base, 'POST', `/api/boards/${first}/cards`, { column: 'agenda', title: 'Budget' }, token);
    await api(base, 'POST', `/api/boards/${first}/cards/${card.body.card.id}/decisions`, { text: 'Draft the budget', owner: 'Ana', due: '2030-01-09' }, token);
    const opened = await api(base, 'POST', `/api/series/${id}/meetings`, { after: 1 }, token);
    expect(opened.status).toBe(201);

    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await e2e.pageIn(await axeContext(e2e.browser(), base, { colorScheme }));
      const check = async (where: string) => {
        const v = await seriousViolations(page);
        if (v.length) found.push(describeViolations(`${colorScheme} ${where}`, v));
      };
      await page.goto('/');
      await page.getByRole('button', { name: 'A meeting series' }).click();
      await page.getByRole('region', { name: 'Next meetings' }).getByRole('listitem').first().waitFor();
      await check('home, series form');
      await page.goto(`/s/${id}?token=${token}`);
      await page.getByRole('heading', { level: 1, name: 'Ops weekly' }).waitFor();
      await page.getByText('Draft the budget').waitFor();
      await page.getByRole('button', { name: 'Change settings' }).click();
      await page.getByRole('button', { name: 'Move meeting 2' }).click();
      await page.getByRole('button', { name: 'Save settings' }).waitFor();
      await check('series page, settings and move open');
      await page.goto(`/b/${opened.body.meeting.boardId}?token=${token}`);
      await join(page, 'Ana Lopez');
      await page.getByRole('region', { name: 'Since last meeting' }).getByText('Draft the budget').waitFor();
      await page.getByRole('button', { name: 'Move this meeting' }).click();
      await check('board with the review block, move open');
    }
    expect(found, found.join('\n')).toEqual([]);
  }, 90_000);
});
