/**
 * Three consecutive weekly meetings of one series, end to end, with a controlled server clock: what carries
 * into meetings 2 and 3 (once each), one challenge's history across all three, a request sent to a second
 * series and answered in its meeting (the answer seen in the asking team's next meeting), a meeting left
 * running that ends itself, a personal view on a 390 px phone, and the quarter report's figures checked
 * against what the test did.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { addProposal, createCard, type BoardView } from '../../shared/board-schema.js';
import type { SeriesResponse } from '../../shared/series.js';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { joinMeeting } from '../helpers/meeting-client.js';
import { createSeries } from '../helpers/series.js';
import { api } from '../helpers/server.js';
import { cardMenu, openCard } from '../helpers/cards.js';
import { connect, synced, waitFor } from '../helpers/yclient.js';

// Wednesday 9 January 2030, 08:00 UTC: the series meets on Thursdays at 10:00 Berlin (09:00 UTC), 45 minutes.
const clock = new FakeClock(Date.UTC(2030, 0, 9, 8, 0));
const e2e = useE2E({ stepTimeout: 15_000, deps: { clock } });
const { openPage, join, shot } = e2e;

const card = (page: Page, name: string | RegExp): Locator => page.getByRole('article', { name });
const marks = (article: Locator): Locator => article.getByRole('list', { name: 'About this card' });

describe('a series over three weeks', () => {
  test('carry-over, a challenge’s history, an ask to another team, a forgotten end, my items on a phone, and the quarter report', async () => {
    const s = e2e.server();
    const get = async <T>(path: string, token: string): Promise<T> => {
      const res = await api<T>(s.url, 'GET', path, undefined, token);
      expect(res.status, path).toBe(200);
      return res.body;
    };
    const platform = await createSeries(s.url, {
      name: 'Platform weekly',
      team: 'Platform',
      firstDate: '2030-01-10',
      durationMinutes: 45,
      graceMinutes: 15,
      flagAfter: 2,
      template: undefined,
      people: ['Ana', 'Sam', 'Lee'],
    });
    const infra = await createSeries(s.url, { name: 'Infra weekly', team: 'Infra', firstDate: '2030-01-10', template: undefined });
    const fac = platform.tokens.facilitator;
    const view = () => get<SeriesResponse>(`/api/series/${platform.id}`, fac);
    const board = (id: string) => get<BoardView>(`/api/boards/${id}`, fac);

    // ---- meeting 1: the team writes its board (a y-websocket client stands in for the typing) -------------
    const m1 = platform.body.meetings[0];
    expect(m1).toMatchObject({ seq: 1, date: '2030-01-10', start: '10:00' });
    await api(s.url, 'PATCH', `/api/boards/${m1.boardId}`, { purpose: 'Unblock the platform work' }, fac);
    const y1 = connect(s.wsUrl, { id: m1.boardId, tokens: platform.tokens }, platform.tokens.participant, new Y.Doc());
    await synced(y1);
    const escalations = createCard(y1.doc, { column: 'agenda', title: 'Customer escalations', owner: 'Ana', timebox: 10 }, { createdBy: 'Ana' });
    createCard(y1.doc, { column: 'agenda', title: 'Demo of the new CLI', owner: 'Lee', timebox: 15 }, { createdBy: 'Lee' });
    const churn = createCard(y1.doc, { column: 'needs', asker: 'Ana', addressee: 'Sam', what: 'Churn numbers for Q4' }, { createdBy: 'Ana' });
    const loadTests = createCard(y1.doc, { column: 'needs', asker: 'Ana', addressee: 'Lee', what: 'Load test numbers' }, { createdBy: 'Ana' });
    const flaky = createCard(y1.doc, { column: 'challenges', problem: 'Flaky CI on main', proposals: ['Quarantine flaky tests'] }, { createdBy: 'Sam' });
    await waitFor(async () => (await board(m1.boardId)).columns.challenges.length === 1, 'meeting 1 written');
    y1.destroy();

    // The meeting channel's lead (a socket.io client seated first), then the facilitator's laptop: it pins an
    // item to carry it; a decision with a relative date is recorded.
    const run1 = joinMeeting(s.url, { id: m1.boardId }, fac, { name: 'Ana' });
    await run1.until(() => true, 'seated');
    const ana = await openPage(DESKTOP);
    await ana.goto(`/b/${m1.boardId}?token=${fac}`);
    await join(ana, 'Ana');
    await (await cardMenu(card(ana, 'Customer escalations'))).getByRole('button', { name: 'Pin to next meeting' }).click();
    await marks(card(ana, 'Customer escalations')).getByText('Carries to the next meeting').waitFor();
    const decided = await api(s.url, 'POST', `/api/boards/${m1.boardId}/cards/${flaky}/decisions`, { text: 'Sam quarantines the flaky tests by Friday' }, fac);
    expect(decided.status).toBe(201);

    // The load-test request goes to the Infra team's series; their open meeting gets it at once.
    const asked = await api(
      s.url,
      'POST',
      `/api/series/${platform.id}/asks`,
      { boardId: m1.boardId, cardId: loadTests, toSeries: infra.id, toToken: infra.tokens.participant },
      fac,
    );
    expect(asked.status).toBe(201);
    const infraBoard = infra.body.meetings[0].boardId;
    await waitFor(async () => (await board2(infraBoard)).columns.needs.length === 1, 'the ask on the Infra board');
    async function board2(id: string) {
      return get<BoardView>(`/api/boards/${id}`, infra.tokens.facilitator);
    }
    // Infra answers in its meeting, in the browser: declined, with a reason.
    const lee = await openPage(DESKTOP);
    await lee.goto(`/b/${infraBoard}?token=${infra.tokens.participant}`);
    await join(lee, 'Lee');
    const ask = card(lee, 'Ana → Lee');
    await marks(ask).getByText('Team: Platform weekly').waitFor();
    await ask.getByRole('button', { name: 'Decline', exact: true }).click();
    await ask.getByLabel('Why not? Ana will see this').fill('No load tests until the new cluster');
    await ask.getByRole('button', { name: 'Decline request' }).click();
    await waitFor(async () => {
      const asks = await get<{ made: Array<{ status: string; reason: string; answeredAt: number | null }> }>(`/api/series/${platform.id}/asks`, fac);
      return asks.made[0]?.status === 'declined' && asks.made[0].reason === 'No load tests until the new cluster' && asks.made[0].answeredAt !== null;
    }, 'the answer recorded');

    // Meeting 1 runs and ends.
    const started1 = await run1.send('meeting:advance', { phase: 'check-in' });
    expect(started1, JSON.stringify(started1)).toMatchObject({ ok: true });
    expect(await run1.send('meeting:advance', { phase: 'ended' })).toMatchObject({ ok: true });
    run1.close();
    await waitFor(async () => (await view()).meetings[0].status === 'ended', 'meeting 1 ended');

    // ---- meeting 2: opened from the series page ------------------------------------------------------------
    await ana.goto(`/s/${platform.id}?token=${fac}`);
    await ana.getByRole('button', { name: 'Open next meeting' }).click();
    await waitFor(async () => (await view()).meetings.length === 2, 'meeting 2 open');
    const m2 = (await view()).meetings[1];
    expect(m2).toMatchObject({ seq: 2, date: '2030-01-17', start: '10:00', status: 'open' });
    const run2 = joinMeeting(s.url, { id: m2.boardId }, fac, { name: 'Ana' });
    await run2.until(() => true, 'seated');
    const b2 = await board(m2.boardId);
    expect(b2.columns.agenda.map((c) => [c.title, c.carriedFrom])).toEqual([['Customer escalations', escalations]]);
    expect(b2.columns.needs.map((c) => [c.what, c.status, c.declineReason, c.carriedFrom]).sort()).toEqual([
      ['Churn numbers for Q4', 'open', '', churn],
      // The other team's answer, in the asking team's next meeting.
      ['Load test numbers', 'declined', 'No load tests until the new cluster', loadTests],
    ]);
    await ana.goto(`/b/${m2.boardId}?token=${fac}`);
    const answered = card(ana, 'Ana → Lee');
    await marks(answered).getByText('Carried over').waitFor();
    await answered.getByText('Declined: No load tests until the new cluster').waitFor();
    // Sam's action item from meeting 1 is up for review.
    await ana.getByRole('region', { name: 'Since last meeting' }).getByText('Sam quarantines the flaky tests by Friday').waitFor();
    const flaky2 = card(ana, /Flaky CI on main/);
    await flaky2
      .getByRole('region', { name: 'Earlier meetings' })
      .getByText(/^Meeting 1 · /)
      .waitFor();
    await openCard(flaky2);
    await flaky2.getByLabel('Status').selectOption('moving');
    const y2 = connect(s.wsUrl, { id: m2.boardId, tokens: platform.tokens }, platform.tokens.participant, new Y.Doc());
    await synced(y2);
    addProposal(y2.doc, b2.columns.challenges[0].id, 'Run the e2e suite nightly', 'Lee');
    await waitFor(async () => (await board(m2.boardId)).columns.challenges[0].proposals.length === 2, 'the proposal stored');
    y2.destroy();

    // Meeting 2 starts and is left running: after its end (09:45 UTC) and the grace (15 min) it ends itself.
    expect(await run2.send('meeting:advance', { phase: 'check-in' })).toMatchObject({ ok: true });
    run2.close();
    clock.advance(Date.UTC(2030, 0, 17, 10, 1) - clock.now());
    await s.app.series.tick();
    await waitFor(async () => (await view()).meetings[1].status === 'ended', 'meeting 2 ended by itself');
    expect((await view()).meetings[1].endedBy).toBe('auto');
    await ana.goto(`/s/${platform.id}?token=${fac}`);
    await ana.getByText('Ended by itself').waitFor();

    // ---- between meetings: Sam's own items, on his phone -------------------------------------------------
    await ana.getByRole('button', { name: 'Make a personal link for Sam' }).click();
    const samLink = await ana.getByLabel('Personal link of Sam').inputValue();
    const sam = await openPage(PHONE, true);
    await sam.goto(samLink);
    await sam.getByRole('heading', { name: 'My items', level: 1 }).waitFor();
    const askedOfSam = sam.getByRole('region', { name: /Asked of me/ });
    await askedOfSam.getByText('Churn numbers for Q4').waitFor();
    await askedOfSam.getByRole('button', { name: 'Accept' }).click();
    const samActions = sam.getByRole('region', { name: /My action items/ });
    // Accepting the request made it one of his action items too; he marks the decision's item done.
    const quarantine = samActions.locator('li', { hasText: 'Sam quarantines the flaky tests by Friday' });
    await samActions.locator('li', { hasText: 'Churn numbers for Q4' }).waitFor();
    await quarantine.getByRole('button', { name: 'Done' }).click();
    await quarantine.getByRole('button', { name: 'Reopen' }).waitFor();
    expect(await sam.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await shot(sam, 'series-weeks-my-items-390.png', true);

    // ---- meeting 3: pressed on two laptops at once, opened once --------------------------------------------
    const coFacilitator = await openPage(DESKTOP);
    await coFacilitator.goto(`/s/${platform.id}?token=${fac}`);
    await coFacilitator.getByText('Ended by itself').waitFor();
    await Promise.all([ana, coFacilitator].map((p) => p.getByRole('button', { name: 'Open next meeting' }).click()));
    await Promise.all([ana, coFacilitator].map((p) => p.getByText(/Meeting 3 (is open|was already open)/i).waitFor()));
    const m3 = (await view()).meetings[2];
    expect((await view()).meetings).toHaveLength(3);
    expect(m3).toMatchObject({ seq: 3, date: '2030-01-24' });
    const b3 = await board(m3.boardId);
    expect(b3.columns.agenda.map((c) => c.title)).toEqual(['Customer escalations']);
    // Accepted on Sam's phone, so carried once more; the declined one is not.
    expect(b3.columns.needs.map((c) => [c.what, c.status, c.carriedFrom])).toEqual([['Churn numbers for Q4', 'accepted', churn]]);
    expect(b3.columns.challenges).toHaveLength(1);
    expect(b3.columns.challenges[0]).toMatchObject({ carriedFrom: flaky, status: 'moving' });
    expect(b3.columns.challenges[0].history).toEqual([
      {
        seq: 1,
        date: '2030-01-10',
        proposals: ['Quarantine flaky tests'],
        decisions: ['Sam quarantines the flaky tests by Friday'],
        dots: 0,
        from: 'open',
        to: 'open',
      },
      { seq: 2, date: '2030-01-17', proposals: ['Run the e2e suite nightly'], decisions: [], dots: 0, from: 'open', to: 'moving' },
    ]);
    await ana.goto(`/b/${m3.boardId}?token=${fac}`);
    const flaky3 = card(ana, /Flaky CI on main/);
    await marks(flaky3).getByText('Open for 3 meetings').waitFor();
    await expect(
      flaky3
        .getByRole('region', { name: 'Earlier meetings' })
        .getByText(/^Meeting \d · /)
        .count(),
    ).resolves.toBe(2);
    await shot(ana, 'series-weeks-meeting-3-1280.png', true);
    // One action item for the request, however many meetings it went through; Sam's item done.
    const items = (await get<{ actionItems: Array<{ id: string; status: string; seq: number }> }>(`/api/series/${platform.id}/actions`, fac)).actionItems;
    expect(items.filter((i) => i.id === `need:${churn}`)).toHaveLength(1);
    expect(items.find((i) => i.id.startsWith('dec:'))).toMatchObject({ status: 'done', seq: 1 });

    // ---- the quarter report, from what happened ----------------------------------------------------------
    const report = await get<Record<string, any>>(`/api/series/${platform.id}/report?from=2030-01-01&to=2030-03-31`, fac);
    expect(report.meetings).toEqual({ inPeriod: 3, held: 2, missed: 0, endedAutomatically: 1 });
    expect(report.requests).toMatchObject({ made: 2, answered: 2, accepted: 1, declined: 1, done: 0, open: 0 });
    expect(report.decisions).toMatchObject({ count: 1, actionItems: { doneOnTime: 1, doneLate: 0, open: 0 } });
    expect(report.challenges).toMatchObject({ opened: 1, resolved: 0, open: 1 });
    expect(report.attendance.map((a: { seq: number; people: string[] }) => [a.seq, a.people])).toEqual([
      [1, ['Ana']],
      [2, ['Ana']],
      // Ana opened meeting 3's board, which seats her in its meeting: she is there.
      [3, ['Ana']],
    ]);
  }, 90_000);
});
