/**
 * A series' team memory and report in the browser: the decision log filtered by person, the tagged cards by
 * section, and the report of the current quarter with its downloads, at desktop and phone widths, printed on
 * one A4 page; axe finds nothing serious. The series is made over REST and its first meeting written by a real
 * y-websocket client, with people seated through the meeting channel.
 */
import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { addDecision, addProposal, createCard, updateCard } from '../../shared/board-schema.js';
import type { CreateSeriesResponse, OpenMeetingResponse } from '../../shared/series.js';
import { quarterOf } from '../../shared/series-report.js';
import { axeContext, describeViolations, seriousViolations } from '../helpers/axe.js';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { joinMeeting, type MeetingClient } from '../helpers/meeting-client.js';
import { api } from '../helpers/server.js';
import { connect, synced, waitFor } from '../helpers/yclient.js';

const e2e = useE2E({ stepTimeout: 10_000 });
const { openPage, shot } = e2e;

/** A weekly series whose meetings fall in the current quarter: its first meeting written, its second opened. */
async function seriesWithHistory(): Promise<{ id: string; token: string }> {
  const { url, wsUrl } = e2e.server();
  const today = new Date().toISOString().slice(0, 10);
  const res = await api<CreateSeriesResponse>(url, 'POST', '/api/series', {
    name: 'Platform weekly',
    team: 'Platform',
    cadence: 'FREQ=WEEKLY',
    firstDate: quarterOf(today).from,
    startTime: '10:00',
    timezone: 'Europe/Berlin',
  });
  expect(res.status).toBe(201);
  const token = (role: 'facilitator' | 'participant' | 'viewer') => new URL(res.body.links[role]).searchParams.get('token')!;
  const first = res.body.meetings[0].boardId;
  // The facilitator's link: it writes the requests' answers too (a participant's sync socket may not).
  const y = connect(wsUrl, { id: first, tokens: { participant: token('facilitator') } });
  await synced(y);
  const { doc } = y;
  const hiring = createCard(doc, { column: 'agenda', title: 'Hiring', notes: 'Two engineers joined in week 3.', tags: ['win'] }, { createdBy: 'Kim' });
  const runbook = createCard(
    doc,
    { column: 'agenda', title: 'Share the on-call runbook', notes: 'Payments asked how we rotate.', tags: ['idea'] },
    { createdBy: 'Lee' },
  );
  const flaky = createCard(doc, { column: 'challenges', problem: 'Flaky CI', tags: ['faq'] }, { createdBy: 'Lee' });
  const launch = createCard(doc, { column: 'challenges', problem: 'Missed the launch date', tags: ['loss'] }, { createdBy: 'Ana' });
  const numbers = createCard(doc, { column: 'needs', asker: 'Ana', addressee: 'Sam', what: 'Churn numbers for the board deck' }, { createdBy: 'Ana' });
  createCard(doc, { column: 'needs', asker: 'Lee', addressee: 'Ana', what: 'A second on-call phone' }, { createdBy: 'Lee' });
  addProposal(doc, flaky, 'Quarantine the flaky tests', 'Sam');
  updateCard(doc, numbers, { status: 'accepted' });
  updateCard(doc, launch, { status: 'resolved' });
  addDecision(doc, hiring, { text: 'Ana books the interview room', owners: 'Ana', due: '2099-12-31', decidedBy: 'Ana' });
  addDecision(doc, hiring, { text: 'Sam posts the job ad', owners: 'Sam', due: '2000-01-05', decidedBy: 'Ana' });
  addDecision(doc, flaky, { text: 'Quarantine flaky tests this sprint', owners: 'Kim', due: '2099-12-31', decidedBy: 'Ana' });
  addDecision(doc, runbook, { text: 'Lee sends the runbook to Payments', owners: 'Lee', due: '', decidedBy: 'Sam' });
  addDecision(doc, launch, { text: 'Plan launches with a two-week buffer', owners: '', due: '', decidedBy: 'Kim' });
  const seated: MeetingClient[] = [];
  for (const name of ['Ana', 'Sam', 'Lee']) {
    const m = joinMeeting(url, { id: first }, token('participant'), { name });
    seated.push(m);
    await m.until((s) => s.roster.some((r) => r.name === name), `${name} seated`);
  }
  const viewer = token('viewer');
  const items = async () => (await api(url, 'GET', `/api/series/${res.body.series.id}/actions`, undefined, viewer)).body.actionItems ?? [];
  await waitFor(async () => (await items()).length === 6, 'items');
  const ad = (await items()).find((i: { text: string }) => i.text === 'Sam posts the job ad');
  expect((await api(url, 'PATCH', `/api/actions/${ad.id}`, { status: 'done' }, token('participant'))).status).toBe(200);
  seated.forEach((m) => m.close());
  y.destroy();
  const opened = await api<OpenMeetingResponse>(url, 'POST', `/api/series/${res.body.series.id}/meetings`, {}, token('facilitator'));
  expect(opened.status).toBe(201);
  return { id: res.body.series.id, token: viewer };
}

describe('team memory and report pages', () => {
  test('the decision log filters by person; memory shows each section; the report shows the quarter, downloads and prints on one page', async () => {
    const s = await seriesWithHistory();
    for (const [size, label] of [
      [DESKTOP, '1280'],
      [PHONE, '390'],
    ] as const) {
      const page = await openPage(size, size === PHONE);

      await page.goto(`/s/${s.id}/decisions?token=${s.token}`);
      await expect
        .poll(() =>
          page
            .getByRole('status')
            .filter({ hasText: /decisions?$/ })
            .textContent(),
        )
        .toBe('5 decisions');
      await shot(page, `series-decisions-${label}.png`, true);
      await page.getByRole('searchbox', { name: 'Person' }).fill('sam');
      // Sam posts the ad (owner), proposed the quarantine, decided the runbook.
      await expect
        .poll(() =>
          page
            .getByRole('status')
            .filter({ hasText: /decisions?$/ })
            .textContent(),
        )
        .toBe('3 decisions');
      await expect(page.getByText('Quarantine flaky tests this sprint').isVisible()).resolves.toBe(true);
      await expect(page.getByText('Ana books the interview room').count()).resolves.toBe(0);

      await page.getByRole('navigation', { name: 'Team memory' }).getByRole('link', { name: 'What we learned' }).click();
      const wins = page.getByRole('region', { name: 'Wins' });
      await wins.getByRole('heading', { name: 'Hiring' }).waitFor();
      await expect(
        page.getByRole('region', { name: 'Ideas for other teams' }).getByRole('heading', { name: 'Share the on-call runbook' }).count(),
      ).resolves.toBe(1);
      await expect(page.getByRole('region', { name: 'Losses' }).getByText('Plan launches with a two-week buffer').count()).resolves.toBe(1);
      await shot(page, `series-memory-${label}.png`, true);

      await page.getByRole('navigation', { name: 'Team memory' }).getByRole('link', { name: 'Report' }).click();
      const quarter = quarterOf(new Date().toISOString().slice(0, 10));
      await expect(page.getByLabel('From').inputValue()).resolves.toBe(quarter.from);
      await expect(page.getByLabel('To').inputValue()).resolves.toBe(quarter.to);
      const requests = page.locator('section', { has: page.getByRole('heading', { name: 'Requests' }) });
      await expect.poll(() => requests.locator('[data-figure="made"] dd').textContent()).toBe('2');
      await expect(requests.locator('[data-figure="accepted"] dd').textContent()).resolves.toBe('1');
      const csv = await page.getByRole('link', { name: 'CSV' }).getAttribute('href');
      expect(csv).toContain(`/api/series/${s.id}/report.csv?from=${quarter.from}&to=${quarter.to}&token=`);
      await shot(page, `series-report-${label}.png`, true);

      if (size === DESKTOP) {
        await page.emulateMedia({ media: 'print' });
        await shot(page, 'series-report-print.png', true);
        const pdf = await page.pdf({ format: 'A4', printBackground: true });
        fs.writeFileSync(e2e.shotPath('series-report.pdf'), pdf);
        const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? [];
        expect(pages).toHaveLength(1);
        await page.emulateMedia({ media: 'screen' });
      }
    }
  }, 90_000);

  test('axe finds nothing serious on the three pages', async () => {
    const s = await seriesWithHistory();
    const page = await e2e.pageIn(await axeContext(e2e.browser(), e2e.server().url));
    for (const [path, ready] of [
      ['decisions', 'Quarantine flaky tests this sprint'],
      ['memory', 'Share the on-call runbook'],
      ['report', 'Attendance'],
    ] as const) {
      await page.goto(`/s/${s.id}/${path}?token=${s.token}`);
      await page.getByText(ready).first().waitFor();
      const violations = await seriousViolations(page);
      expect(violations, describeViolations(path, violations)).toEqual([]);
    }
  }, 90_000);
});
