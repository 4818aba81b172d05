/**
 * Series through the REST API of a real server: creating one, opening its meetings with what carries over
 * (exactly once, however often and however at once it is asked), moving a meeting, access by series and by
 * board links, and bad input.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { api, startServer, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor } from '../helpers/yclient.js';
import { addDecision, addProposal, createCard, updateCard, getCard, readBoard } from '../../shared/board-schema.js';
import type { CreateSeriesResponse, OpenMeetingResponse, SeriesResponse } from '../../shared/series.js';
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

export async function createSeries(base: string, body: Record<string, unknown> = {}) {
  const res = await api<CreateSeriesResponse>(base, 'POST', '/api/series', {
    name: 'Ops weekly',
    team: 'Operations',
    cadence: 'FREQ=WEEKLY;BYDAY=TH',
    firstDate: '2030-01-01',
    startTime: '10:00',
    timezone: 'Europe/Berlin',
    durationMinutes: 45,
    template: 'weekly-sync',
    ...body,
  });
  if (res.status !== 201) throw new Error(`could not create a series: ${res.status} ${JSON.stringify(res.body)}`);
  const tokens = { facilitator: tokenOf(res.body.links.facilitator), participant: tokenOf(res.body.links.participant), viewer: tokenOf(res.body.links.viewer) };
  return { id: res.body.series.id, body: res.body, tokens };
}

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
