/**
 * Team memory and the series report on a real server: two meetings of a series written by real y-websocket
 * clients, people seated through the meeting channel, action items ticked off over REST; then every figure of
 * the report, the decision log's filters and the tagged cards are checked against what the test did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { api, startServer, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';
import { joinMeeting, type MeetingClient } from '../helpers/meeting-client.js';
import { addDecision, addProposal, createCard, setMeta, updateCard, readBoard } from '../../shared/board-schema.js';
import type { CreateSeriesResponse, OpenMeetingResponse } from '../../shared/series.js';
import type { DecisionLogResponse, MemoryResponse, SeriesReport } from '../../shared/series-report.js';

/** A weekly series from 3 January 2030 in Berlin, with its three role tokens. */
async function createSeries(base: string) {
  const res = await api<CreateSeriesResponse>(base, 'POST', '/api/series', {
    name: 'Ops weekly',
    team: 'Operations',
    cadence: 'FREQ=WEEKLY;BYDAY=TH',
    firstDate: '2030-01-01',
    startTime: '10:00',
    timezone: 'Europe/Berlin',
  });
  if (res.status !== 201) throw new Error(`could not create a series: ${res.status} ${JSON.stringify(res.body)}`);
  const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;
  const tokens = { facilitator: tokenOf(res.body.links.facilitator), participant: tokenOf(res.body.links.participant), viewer: tokenOf(res.body.links.viewer) };
  return { id: res.body.series.id, body: res.body, tokens };
}

const H = 3_600_000;
let s: TestServer;
let series: Awaited<ReturnType<typeof createSeries>>;
const ids: Record<string, string> = {};
const closers: Array<{ destroy?: () => void; close?: () => void }> = [];

const get = <T>(path: string, token = series.tokens.viewer) => api<T>(s.url, 'GET', `/api/series/${series.id}${path}`, undefined, token);
const seat = async (boardId: string, token: string, name: string): Promise<MeetingClient> => {
  const m = joinMeeting(s.url, { id: boardId }, token, { name });
  closers.push(m);
  await m.until((st) => st.roster.some((r) => r.name === name), `${name} seated`);
  return m;
};
const client = async (boardId: string): Promise<YClient> => {
  // The facilitator's link: it writes the requests' answers too (a participant's sync socket may not).
  const c = connect(s.wsUrl, { id: boardId, tokens: series.tokens }, series.tokens.facilitator);
  closers.push(c);
  await synced(c);
  return c;
};

beforeAll(async () => {
  s = await startServer();
  series = await createSeries(s.url);
  const first = series.body.meetings[0].boardId;
  const now = Date.now();

  // ---- meeting 1 (2030-01-03)
  const c1 = await client(first);
  const doc = c1.doc;
  setMeta(doc, { purpose: 'Keep ops moving' });
  ids.hiring = createCard(doc, { column: 'agenda', title: 'Hiring', timebox: 10, tags: ['win'], notes: 'We hired two people' }, { createdBy: 'Kim' });
  // Raised hours ago (the card's own time), so the time to answer is known.
  ids.churn = createCard(doc, { column: 'needs', asker: 'Ana', addressee: 'Sam', what: 'Churn numbers' }, { createdBy: 'Ana', now: now - 30 * H });
  ids.notes = createCard(doc, { column: 'needs', asker: 'Sam', addressee: 'Ana', what: 'Release notes' }, { createdBy: 'Sam', now: now - 10 * H });
  ids.laptop = createCard(doc, { column: 'needs', asker: 'Lee', addressee: 'Ana', what: 'A new laptop' }, { createdBy: 'Lee', now: now - 2 * H });
  ids.flaky = createCard(doc, { column: 'challenges', problem: 'Flaky CI' }, { createdBy: 'Lee' });
  ids.deploys = createCard(doc, { column: 'challenges', problem: 'Slow deploys' }, { createdBy: 'Kim' });
  addProposal(doc, ids.flaky, 'Quarantine the flaky tests', 'Sam');
  addProposal(doc, ids.flaky, 'Rewrite the pipeline', 'Kim');
  updateCard(doc, ids.notes, { status: 'accepted' });
  updateCard(doc, ids.laptop, { status: 'declined', declineReason: 'no budget' });
  updateCard(doc, ids.deploys, { status: 'resolved' });
  ids.late = addDecision(doc, ids.hiring, { text: 'Post the job ad', owners: 'Sam', due: '2000-01-05', decidedBy: 'Ana' })!;
  ids.onTime = addDecision(doc, ids.hiring, { text: 'Book the interview room', owners: 'Ana', due: '2099-12-31', decidedBy: 'Ana' })!;
  ids.open = addDecision(doc, ids.flaky, { text: 'Quarantine flaky tests this sprint', owners: 'Kim', due: '2099-12-31', decidedBy: 'Ana' })!;
  ids.undated = addDecision(doc, ids.deploys, { text: 'Lee reviews the deploy scripts', owners: 'Lee', due: '', decidedBy: 'Sam' })!;
  const lead = await seat(first, series.tokens.facilitator, 'Ana');
  await seat(first, series.tokens.participant, 'Sam');
  expect(await lead.send('meeting:advance', { phase: 'check-in' })).toMatchObject({ ok: true });
  // The action items (four decisions, the accepted request) exist once stored; two are ticked off over REST.
  await waitFor(async () => (await get<{ actionItems: unknown[] }>('/actions')).body.actionItems?.length === 5, 'action items');
  for (const d of [ids.late, ids.onTime])
    expect((await api(s.url, 'PATCH', `/api/actions/dec:${d}`, { status: 'done' }, series.tokens.participant)).status).toBe(200);
  expect(await lead.send('meeting:end')).toMatchObject({ ok: true });
  await waitFor(async () => (await get<{ meetings: { status: string }[] }>('')).body.meetings[0].status === 'ended', 'meeting 1 ended');

  // ---- meeting 2 (2030-01-10): requests and challenges carried; the churn numbers are answered here.
  const opened = await api<OpenMeetingResponse>(s.url, 'POST', `/api/series/${series.id}/meetings`, { after: 1 }, series.tokens.facilitator);
  expect(opened.status).toBe(201);
  const second = opened.body.meeting.boardId;
  const c2 = await client(second);
  const view = readBoard(c2.doc);
  const carried = (root: string) => [...view.columns.needs, ...view.columns.challenges].find((c) => c.carriedFrom === root)!.id;
  updateCard(c2.doc, carried(ids.churn), { status: 'accepted' });
  updateCard(c2.doc, carried(ids.churn), { status: 'done' });
  updateCard(c2.doc, carried(ids.flaky), { status: 'resolved', tags: ['faq'] });
  ids.budget = createCard(c2.doc, { column: 'needs', asker: 'Kim', addressee: 'Lee', what: 'Budget for Q2' }, { createdBy: 'Kim' });
  ids.oncall = createCard(c2.doc, { column: 'challenges', problem: 'On-call fatigue' }, { createdBy: 'Sam' });
  addDecision(c2.doc, ids.budget, { text: 'Lee answers about the budget', owners: 'Lee', due: '2099-12-31', decidedBy: 'Kim' });
  await seat(second, series.tokens.participant, 'Lee');
  await seat(second, series.tokens.participant, 'ana');
  // The churn numbers accepted, the budget decision.
  await waitFor(async () => (await get<{ actionItems: unknown[] }>('/actions')).body.actionItems?.length === 7, 'meeting 2 items');
});

afterAll(async () => {
  for (const c of closers) (c.destroy ?? c.close)?.call(c);
  await s.stop();
});

describe('series report', () => {
  it('computes every figure of the whole series from what happened', async () => {
    let r: SeriesReport | undefined;
    // Status lines reach the audit trail right after the changes are stored.
    await waitFor(async () => {
      r = (await get<SeriesReport>('/report?from=2030-01-01&to=2030-03-31')).body;
      return r.requests.done === 1;
    }, 'the answer in meeting 2');
    expect(r!.period).toEqual({ from: '2030-01-01', to: '2030-03-31' });
    expect(r!.meetings).toEqual({ inPeriod: 2, held: 1, missed: 0, endedAutomatically: 0 });
    // Churn numbers (raised 30 h ago, answered in meeting 2), release notes (10 h), the laptop (2 h), the budget (open).
    expect(r!.requests).toMatchObject({ made: 4, answered: 3, accepted: 1, declined: 1, done: 1, open: 1 });
    expect(r!.requests.medianHoursToAnswer).toBeGreaterThanOrEqual(10);
    expect(r!.requests.medianHoursToAnswer).toBeLessThan(10.2);
    expect(r!.decisions).toEqual({ count: 5, actionItems: { doneOnTime: 1, doneLate: 1, open: 2, noDueDate: 1, cancelled: 0 } });
    expect(r!.challenges).toMatchObject({ opened: 3, resolved: 2, open: 1, escalated: 0 });
    expect(r!.attendance).toEqual([
      { seq: 1, date: '2030-01-03', people: ['Ana', 'Sam'], count: 2 },
      { seq: 2, date: '2030-01-10', people: ['Lee', 'ana'], count: 2 },
    ]);
    expect(r!.attendanceByPerson).toEqual([
      { name: 'Ana', meetings: 2 },
      { name: 'Lee', meetings: 1 },
      { name: 'Sam', meetings: 1 },
    ]);
  });

  it('a period of the first meeting only shows the boards as they stood then', async () => {
    const r = (await get<SeriesReport>('/report?from=2030-01-01&to=2030-01-05')).body;
    expect(r.meetings).toEqual({ inPeriod: 1, held: 1, missed: 0, endedAutomatically: 0 });
    // Churn numbers were still open at the end of meeting 1; release notes (10 h) and the laptop (2 h) answered.
    expect(r.requests).toMatchObject({ made: 3, answered: 2, accepted: 1, declined: 1, done: 0, open: 1 });
    expect(r.requests.medianHoursToAnswer).toBeGreaterThanOrEqual(6);
    expect(r.requests.medianHoursToAnswer).toBeLessThan(6.2);
    expect(r.challenges).toMatchObject({ opened: 2, resolved: 1, open: 1 });
    expect(r.decisions.count).toBe(4);
  });

  it('downloads as CSV that parses back to the same figures, as Markdown and as JSON', async () => {
    const json = (await get<SeriesReport>('/report?from=2030-01-01&to=2030-03-31')).body;
    const csv = await api<string>(s.url, 'GET', `/api/series/${series.id}/report.csv?from=2030-01-01&to=2030-03-31&token=${series.tokens.viewer}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="?ops-weekly-report-2030-01-01-to-2030-03-31\.csv"?$/);
    const rows: string[][] = parse(csv.body);
    const figure = (section: string, name: string) => rows.find((r) => r[0] === section && r[1] === name)?.[2];
    expect(figure('requests', 'made')).toBe(String(json.requests.made));
    expect(figure('requests', 'medianHoursToAnswer')).toBe(String(json.requests.medianHoursToAnswer));
    expect(figure('action_items', 'doneLate')).toBe('1');
    expect(figure('challenges', 'resolved')).toBe('2');
    expect(figure('attendance_by_person', 'Ana')).toBe('2');
    const md = await api<string>(s.url, 'GET', `/api/series/${series.id}/report.md?token=${series.tokens.viewer}`);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(md.body).toContain('# Report: Ops weekly');
    expect(md.body).toContain('| Made | 4 |');
    const file = await api<SeriesReport>(s.url, 'GET', `/api/series/${series.id}/report.json?token=${series.tokens.viewer}`);
    // Without a period: the whole series, first meeting to last.
    expect(file.body.period).toEqual({ from: '2030-01-03', to: '2030-01-10' });
    expect(file.body.requests).toEqual(json.requests);
  });

  it('refuses a bad period naming the field, and a caller without a link', async () => {
    const bad = await get<{ error: { field: string } }>('/report?from=2030-02-30');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('from');
    const backwards = await get<{ error: { field: string } }>('/report?from=2030-03-01&to=2030-01-01');
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.field).toBe('to');
    expect((await api(s.url, 'GET', `/api/series/${series.id}/report.xls?token=${series.tokens.viewer}`)).status).toBe(400);
    expect((await api(s.url, 'GET', `/api/series/${series.id}/report`)).status).toBe(401);
    expect((await api(s.url, 'GET', `/api/series/${series.id}/decisions`, undefined, 'not-a-token')).status).toBe(403);
  });
});

describe('decision log', () => {
  it('lists every decision with who proposed, decided and attended, and its action item', async () => {
    const log = (await get<DecisionLogResponse>('/decisions')).body.decisions;
    expect(log.map((d) => d.text)).toEqual([
      'Lee answers about the budget',
      'Post the job ad',
      'Book the interview room',
      'Quarantine flaky tests this sprint',
      'Lee reviews the deploy scripts',
    ]);
    const quarantine = log.find((d) => d.decisionId === ids.open)!;
    expect(quarantine).toMatchObject({
      decidedBy: 'Ana',
      // The proposal it took up was Sam's, not the card author's (Lee).
      proposedBy: 'Sam',
      attendees: ['Ana', 'Sam'],
      seq: 1,
      date: '2030-01-03',
      cardId: ids.flaky,
      column: 'challenges',
      cardHeadline: 'Flaky CI',
      action: { status: 'open', owners: ['Kim'], due: '2099-12-31', doneAt: null },
    });
    expect(log.find((d) => d.decisionId === ids.late)).toMatchObject({ proposedBy: 'Kim', action: { status: 'done', doneAt: expect.any(Number) } });
  });

  it('filters by person (deciding, owning or proposing), topic and meeting days', async () => {
    const texts = async (q: string) => (await get<DecisionLogResponse>(`/decisions?${q}`)).body.decisions.map((d) => d.text);
    expect(await texts('person=LEE')).toEqual(['Lee answers about the budget', 'Lee reviews the deploy scripts']);
    expect(await texts('person=sam')).toEqual(['Post the job ad', 'Quarantine flaky tests this sprint', 'Lee reviews the deploy scripts']);
    expect(await texts('q=hiring')).toEqual(['Post the job ad', 'Book the interview room']);
    expect(await texts('q=BUDGET')).toEqual(['Lee answers about the budget']);
    expect(await texts('from=2030-01-04')).toEqual(['Lee answers about the budget']);
    // Kim owns the quarantine, raised the hiring item and the slow deploys.
    expect(await texts('to=2030-01-03&person=kim')).toEqual([
      'Post the job ad',
      'Book the interview room',
      'Quarantine flaky tests this sprint',
      'Lee reviews the deploy scripts',
    ]);
    const bad = await get<{ error: { field: string } }>('/decisions?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('from');
  });
});

describe('team memory', () => {
  it('collects tagged cards once each, in their latest version, by tag', async () => {
    const all = (await get<MemoryResponse>('/memory')).body.entries;
    expect(all.map((e) => [e.headline, e.tags, e.seq, e.firstSeq])).toEqual([
      ['Flaky CI', ['faq'], 2, 1],
      ['Hiring', ['win'], 1, 1],
    ]);
    expect(all[0]).toMatchObject({
      rootId: ids.flaky,
      status: 'resolved',
      createdBy: 'Lee',
      decisions: [{ text: 'Quarantine flaky tests this sprint', seq: 1 }],
    });
    expect(all[1]).toMatchObject({ body: 'We hired two people', decisions: [{ text: 'Post the job ad' }, { text: 'Book the interview room' }] });
    expect((await get<MemoryResponse>('/memory?tag=faq')).body.entries.map((e) => e.headline)).toEqual(['Flaky CI']);
    expect((await get<MemoryResponse>('/memory?tag=idea')).body.entries).toEqual([]);
    expect((await get('/memory?tag=gossip')).status).toBe(400);
  });
});
