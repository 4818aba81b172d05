/**
 * Series through the REST API of a real server: creating one, opening its meetings with what carries over
 * (exactly once, however often and however at once it is asked), moving a meeting, access by series and by
 * board links, and bad input.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { api, startServer, type TestServer } from '../helpers/server.js';
import { createSeries } from '../helpers/series.js';
import { connect, synced, waitFor } from '../helpers/yclient.js';
import { addDecision, createCard, initBoard, updateCard } from '../../shared/board-schema.js';
import { openSqliteStores } from '../../server/store/sqlite-stores.js';
import type { OpenMeetingResponse, SeriesResponse } from '../../shared/series.js';
import type { BoardResponse } from '../../shared/api-schemas.js';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});
const start = async (opts: Parameters<typeof startServer>[0] = {}) => {
  const s = await startServer(opts);
  servers.push(s);
  return s;
};
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

describe('series', () => {
  it('a new series opens its first meeting on the first slot of its cadence, with the template and the schedule on the board', async () => {
    const s = await start();
    const series = await createSeries(s.url);
    expect(series.body.series).toMatchObject({ name: 'Ops weekly', team: 'Operations', cadence: 'FREQ=WEEKLY;BYDAY=TH', timezone: 'Europe/Berlin' });
    expect(series.body.series.cadenceText).toBe('every week on Thursday');
    expect(series.body.meetings).toHaveLength(1);
    // 2030-01-01 is a Tuesday: the first Thursday is the 3rd; 10:00 in Berlin is 09:00 UTC in winter.
    expect(series.body.meetings[0]).toMatchObject({ seq: 1, date: '2030-01-03', start: '10:00', status: 'open', startsAt: Date.UTC(2030, 0, 3, 9) });
    expect(series.body.next).toMatchObject({ date: '2030-01-10', start: '10:00' });
    const board = await api<BoardResponse>(s.url, 'GET', `/api/boards/${series.body.meetings[0].boardId}`, undefined, series.tokens.participant);
    expect(board.status).toBe(200);
    expect(board.body.role).toBe('participant');
    expect(board.body.meta).toMatchObject({
      seriesId: series.id,
      seq: 1,
      meetingDate: '2030-01-03',
      meetingStart: '10:00',
      timezone: 'Europe/Berlin',
      flagAfter: 3,
    });
    expect(board.body.columns.agenda.length).toBeGreaterThan(0);
  });

  it('opening the next meeting carries pinned items, open requests and unresolved challenges once, with a step of history', async () => {
    const s = await start();
    const series = await createSeries(s.url, { template: undefined });
    const first = series.body.meetings[0].boardId;
    const c = connect(s.wsUrl, { id: first, tokens: series.tokens }, series.tokens.participant);
    await synced(c);
    const doc = c.doc;
    const pinned = createCard(doc, { column: 'agenda', title: 'Customer escalations', owner: 'Ana', timebox: 10, pinned: true });
    createCard(doc, { column: 'agenda', title: 'One-off demo' });
    const open = createCard(doc, { column: 'needs', asker: 'Ana', addressee: 'Sam', what: 'Churn numbers' });
    const accepted = createCard(doc, { column: 'needs', asker: 'Sam', addressee: 'Ana', what: 'Release notes', status: 'accepted' });
    createCard(doc, { column: 'needs', asker: 'Sam', addressee: 'Ana', what: 'A new laptop', status: 'declined' });
    const flaky = createCard(doc, { column: 'challenges', problem: 'Flaky CI', proposals: ['Quarantine flaky tests'] });
    const solved = createCard(doc, { column: 'challenges', problem: 'Slow deploys' });
    updateCard(doc, solved, { status: 'resolved' });
    updateCard(doc, flaky, { status: 'moving' });
    addDecision(doc, flaky, { text: 'Sam sets up the quarantine by Friday', decidedBy: 'Ana' });
    addDecision(doc, pinned, { text: 'Ana calls the three biggest customers', decidedBy: 'Ana' });
    await waitFor(
      async () => (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems.length === 3,
      'items',
    );
    c.destroy();

    const opened = await api<OpenMeetingResponse>(s.url, 'POST', `/api/series/${series.id}/meetings`, { after: 1 }, series.tokens.facilitator);
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ created: true, meeting: { seq: 2, date: '2030-01-10', start: '10:00', status: 'open' } });
    const next = await api<BoardResponse>(s.url, 'GET', `/api/boards/${opened.body.meeting.boardId}`, undefined, series.tokens.viewer);
    const { agenda, needs, challenges } = next.body.columns;
    expect(agenda.map((a) => [a.title, a.pinned, a.carriedFrom])).toEqual([['Customer escalations', true, pinned]]);
    expect(needs.map((n) => [n.what, n.status, n.carriedFrom]).sort()).toEqual([
      ['Churn numbers', 'open', open],
      ['Release notes', 'accepted', accepted],
    ]);
    expect(challenges).toHaveLength(1);
    expect(challenges[0]).toMatchObject({ problem: 'Flaky CI', status: 'moving', carriedFrom: flaky, decisions: [] });
    expect(challenges[0].proposals.map((p) => [p.text, p.carried])).toEqual([['Quarantine flaky tests', true]]);
    expect(challenges[0].history).toEqual([
      {
        seq: 1,
        date: '2030-01-03',
        proposals: ['Quarantine flaky tests'],
        decisions: ['Sam sets up the quarantine by Friday'],
        dots: 0,
        from: 'open',
        to: 'moving',
      },
    ]);
    expect(next.body.meta.meetingDate).toBe('2030-01-10');

    // The accepted request is one action item across both meetings, decided in meeting 1.
    const items = (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems;
    expect(items.map((i: { id: string; seq: number; latestSeq: number }) => [i.id, i.seq, i.latestSeq]).sort()).toEqual(
      [
        [`need:${accepted}`, 1, 2],
        [expect.stringMatching(/^dec:/), 1, 1],
        [expect.stringMatching(/^dec:/), 1, 1],
      ].sort(),
    );
  });

  it('opens each meeting once, however many presses come at once or again', async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const presses = await Promise.all(
      Array.from({ length: 5 }, () => api<OpenMeetingResponse>(s.url, 'POST', `/api/series/${series.id}/meetings`, { after: 1 }, series.tokens.facilitator)),
    );
    expect(presses.map((p) => p.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(presses.map((p) => p.body.meeting.boardId)).size).toBe(1);
    const again = await api<OpenMeetingResponse>(s.url, 'POST', `/api/series/${series.id}/meetings`, { after: 1 }, series.tokens.facilitator);
    expect(again.body).toMatchObject({ created: false, meeting: { seq: 2 } });
    const view = await api<SeriesResponse>(s.url, 'GET', `/api/series/${series.id}`, undefined, series.tokens.viewer);
    expect(view.body.meetings.map((m) => m.seq)).toEqual([1, 2]);
    const skip = await api(s.url, 'POST', `/api/series/${series.id}/meetings`, { after: 7 }, series.tokens.facilitator);
    expect(skip.status).toBe(404);
    expect(skip.body.error.reason).toBe('meeting_not_found');
  });
});

describe('series: bad input', () => {
  it.each([
    ['a cadence that is not a rule', { cadence: 'every thursday' }, 'cadence', /not a recurrence rule/],
    ['a cadence finer than a day', { cadence: 'FREQ=HOURLY' }, 'cadence', /DAILY, WEEKLY, MONTHLY or YEARLY/],
    ['a cadence that sets the hour', { cadence: 'FREQ=WEEKLY;BYHOUR=9' }, 'cadence', /start time is its own field/],
    ['a cadence that never happens', { cadence: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30' }, 'cadence', /no meeting on or after the first day/],
    ['a first day that does not exist', { firstDate: '2030-02-30' }, 'firstDate', /real date/],
    ['a first day out of range', { firstDate: '3030-01-01' }, 'firstDate', /2000–2100/],
    ['a start time past midnight', { startTime: '24:30' }, 'startTime', /HH:MM/],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'timezone', /time zone/],
    ['a meeting of a day and a half', { durationMinutes: 2160 }, 'durationMinutes', /720/],
    ['an unknown field', { colour: 'red' }, 'colour', /unknown field/],
  ])('refuses %s with a message naming the field', async (_name, patch, field, message) => {
    const s = await start();
    const body = { name: 'Ops', cadence: 'FREQ=WEEKLY;BYDAY=TH', firstDate: '2030-01-01', startTime: '10:00', ...patch };
    const res = await api(s.url, 'POST', '/api/series', body);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).toMatch(message);
  });

  it('answers 404 for an unknown series or meeting and 403 for a token of another series or too low a role', async () => {
    const s = await start();
    const a = await createSeries(s.url);
    const b = await createSeries(s.url, { name: 'Management' });
    expect((await api(s.url, 'GET', '/api/series/AAAAAAAAAAAAAAAA', undefined, a.tokens.viewer)).body.error.reason).toBe('series_not_found');
    expect((await api(s.url, 'GET', `/api/series/${b.id}`, undefined, a.tokens.facilitator)).status).toBe(403);
    expect((await api(s.url, 'GET', `/api/boards/${b.body.meetings[0].boardId}`, undefined, a.tokens.facilitator)).status).toBe(403);
    const low = await api(s.url, 'POST', `/api/series/${a.id}/meetings`, {}, a.tokens.participant);
    expect(low.status).toBe(403);
    expect(low.body.error.reason).toBe('role_too_low');
    expect((await api(s.url, 'PATCH', `/api/series/${a.id}/meetings/9`, { start: '11:00' }, a.tokens.facilitator)).status).toBe(404);
    expect((await api(s.url, 'PATCH', `/api/series/${a.id}/meetings/x`, { start: '11:00' }, a.tokens.facilitator)).status).toBe(404);
    expect((await api(s.url, 'PATCH', `/api/series/${a.id}`, {}, a.tokens.facilitator)).status).toBe(400);
  });
});

describe('series: meetings', () => {
  it('moving a meeting moves its board: relative dates in decisions count from the new day, and the old links keep working', async () => {
    const s = await start();
    const series = await createSeries(s.url, { template: undefined });
    const board = series.body.meetings[0].boardId;
    const moved = await api(s.url, 'PATCH', `/api/series/${series.id}/meetings/1`, { date: '2030-01-07', start: '14:30' }, series.tokens.facilitator);
    expect(moved.status).toBe(200);
    expect(moved.body.meeting).toMatchObject({ date: '2030-01-07', start: '14:30', startsAt: Date.UTC(2030, 0, 7, 13, 30) });
    const card = await api(s.url, 'POST', `/api/boards/${board}/cards`, { column: 'agenda', title: 'Plan', timebox: 10 }, series.tokens.participant);
    await api(s.url, 'POST', `/api/boards/${board}/cards/${card.body.card.id}/decisions`, { text: 'Ana sends the plan tomorrow' }, series.tokens.participant);
    const view = await api<BoardResponse>(s.url, 'GET', `/api/boards/${board}`, undefined, series.tokens.viewer);
    expect(view.body.meta).toMatchObject({ meetingDate: '2030-01-07', meetingStart: '14:30' });
    await waitFor(
      async () => (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems.length === 1,
      'item',
    );
    const [item] = (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems;
    // "tomorrow" is the day after the meeting's day, not after the day it was written.
    expect(item.due).toBe('2030-01-08');
    // The cadence is not moved by moving one meeting.
    const opened = await api<OpenMeetingResponse>(s.url, 'POST', `/api/series/${series.id}/meetings`, {}, series.tokens.facilitator);
    expect(opened.body.meeting).toMatchObject({ seq: 2, date: '2030-01-10', start: '10:00' });
  });

  it("a series' link opens every meeting, a meeting's link opens the series, and replacing a link closes both doors", async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const m2 = (await api<OpenMeetingResponse>(s.url, 'POST', `/api/series/${series.id}/meetings`, {}, series.tokens.facilitator)).body.meeting;
    expect((await api(s.url, 'GET', `/api/boards/${m2.boardId}`, undefined, series.tokens.participant)).body.role).toBe('participant');
    const rotated = await api(s.url, 'POST', `/api/series/${series.id}/links/rotate`, { role: 'participant' }, series.tokens.facilitator);
    const fresh = tokenOf(rotated.body.link);
    expect((await api(s.url, 'GET', `/api/boards/${m2.boardId}`, undefined, series.tokens.participant)).status).toBe(403);
    expect((await api(s.url, 'GET', `/api/series/${series.id}`, undefined, series.tokens.participant)).status).toBe(403);
    expect((await api(s.url, 'GET', `/api/boards/${series.body.meetings[0].boardId}`, undefined, fresh)).body.role).toBe('participant');
    // A board made outside a series is a series of one: its links open the series of the same id.
    const res = await api(s.url, 'POST', '/api/boards', { title: 'One-off' });
    const board = { id: res.body.id, token: tokenOf(res.body.links.viewer) };
    const own = await api<SeriesResponse>(s.url, 'GET', `/api/series/${board.id}`, undefined, board.token);
    expect(own.body).toMatchObject({ role: 'viewer', series: { id: board.id, name: 'One-off', cadence: null }, meetings: [{ seq: 1, boardId: board.id }] });
  });

  it('an opening a crash interrupted is finished when its board was written and undone when not, on restart', async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const dataDir = s.dataDir;
    // What a SIGKILL between the two writes leaves: the meeting row as 'opening', with or without its board.
    const opening = {
      seriesId: series.id,
      slot: null,
      start: '10:00',
      startsAt: 0,
      endsAt: 0,
      status: 'opening' as const,
      openedAt: 1,
      startedAt: null,
      endedAt: null,
      endedBy: null,
    };
    await s.stop();
    servers = [];
    const db = openSqliteStores(dataDir);
    const made = 'BoardWrittenAAAA';
    const doc = new Y.Doc();
    initBoard(doc, { title: 'made before the crash' });
    await db.boards.createBoard({ id: made, title: 'made before the crash', createdAt: 1, updatedAt: 1 }, Y.encodeStateAsUpdate(doc));
    expect(await db.series.reserveMeeting({ ...opening, seq: 2, boardId: made, date: '2030-01-10' })).toBe(true);
    await db.close();
    const again = await start({ dataDir });
    const view = await api<SeriesResponse>(again.url, 'GET', `/api/series/${series.id}`, undefined, series.tokens.viewer);
    expect(view.body.meetings.map((m) => [m.seq, m.boardId, m.status])).toEqual([
      [1, series.body.meetings[0].boardId, 'open'],
      [2, made, 'open'],
    ]);
    await again.stop();
    servers = [];
    const db2 = openSqliteStores(dataDir);
    expect(await db2.series.reserveMeeting({ ...opening, seq: 3, boardId: 'NeverWrittenAAAA', date: '2030-01-17' })).toBe(true);
    await db2.close();
    const third = await start({ dataDir });
    const after = await api<SeriesResponse>(third.url, 'GET', `/api/series/${series.id}`, undefined, series.tokens.viewer);
    expect(after.body.meetings.map((m) => m.seq)).toEqual([1, 2]);
    // Undone, so the next opening makes meeting 3 for real.
    const opened = await api<OpenMeetingResponse>(third.url, 'POST', `/api/series/${series.id}/meetings`, { after: 2 }, series.tokens.facilitator);
    expect(opened.body).toMatchObject({ created: true, meeting: { seq: 3, status: 'open' } });
    expect(opened.body.meeting.boardId).not.toBe('NeverWrittenAAAA');
  });
});
