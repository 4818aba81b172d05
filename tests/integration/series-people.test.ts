/**
 * Personal links and the drop-in link of a series, through the REST API of a real server with real
 * y-websocket and socket.io clients: a person sees and answers their own items only, the answer reaches the
 * board's other clients, and the drop-in link writes submissions (rate-limited) and reads nothing else.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { api, startServer, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor } from '../helpers/yclient.js';
import { joinMeeting } from '../helpers/meeting-client.js';
import { addDecision, createCard, readBoard } from '../../shared/board-schema.js';
import type { CreateSeriesResponse, OpenMeetingResponse } from '../../shared/series.js';
import type { InboxResponse, MyItemsResponse, PersonLinkResponse, TakeDropinResponse } from '../../shared/series-people.js';

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

async function createSeries(base: string, name = 'Ops weekly') {
  const res = await api<CreateSeriesResponse>(base, 'POST', '/api/series', {
    name,
    team: 'Operations',
    cadence: 'FREQ=WEEKLY;BYDAY=TH',
    firstDate: '2030-01-01',
    startTime: '10:00',
    timezone: 'Europe/Berlin',
  });
  if (res.status !== 201) throw new Error(`could not create a series: ${res.status} ${JSON.stringify(res.body)}`);
  const tokens = { facilitator: tokenOf(res.body.links.facilitator), participant: tokenOf(res.body.links.participant), viewer: tokenOf(res.body.links.viewer) };
  return { id: res.body.series.id, boardId: res.body.meetings[0].boardId, tokens };
}

async function personalLink(base: string, seriesId: string, facilitator: string, name: string): Promise<string> {
  const res = await api<PersonLinkResponse>(base, 'POST', `/api/series/${seriesId}/people/links`, { name }, facilitator);
  expect(res.status).toBe(201);
  expect(res.body.name).toBe(name);
  expect(new URL(res.body.link).pathname).toBe(`/s/${seriesId}/me`);
  return tokenOf(res.body.link);
}

/** Meeting 1 with requests and decisions for Ana and Bo, then meeting 2 opened (the open requests carried). */
async function seriesWithItems(s: TestServer) {
  const series = await createSeries(s.url);
  const c = connect(s.wsUrl, { id: series.boardId, tokens: series.tokens });
  await synced(c);
  const churn = createCard(c.doc, { column: 'needs', asker: 'Ana', addressee: 'Bo', what: 'Churn numbers' });
  const notes = createCard(c.doc, { column: 'needs', asker: 'Bo', addressee: 'Ana', what: 'Release notes' });
  const item = createCard(c.doc, { column: 'agenda', title: 'Reports' });
  addDecision(c.doc, item, { text: 'Bo sends the weekly report by 2030-01-09', decidedBy: 'Ana' });
  addDecision(c.doc, item, { text: 'Ana books the room by 2030-01-09', decidedBy: 'Ana' });
  await waitFor(
    async () => (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems.length === 2,
    'items',
  );
  c.destroy();
  const opened = await api<OpenMeetingResponse>(s.url, 'POST', `/api/series/${series.id}/meetings`, { after: 1 }, series.tokens.facilitator);
  expect(opened.status).toBe(201);
  return { ...series, second: opened.body.meeting.boardId, churn, notes };
}

describe('personal links', () => {
  it('show a person their own requests once (on the latest meeting) and their action items, names case-insensitive', async () => {
    const s = await start();
    const series = await seriesWithItems(s);
    const bo = await personalLink(s.url, series.id, series.tokens.facilitator, 'bo');
    const mine = await api<MyItemsResponse>(s.url, 'GET', `/api/series/${series.id}/me`, undefined, bo);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ name: 'bo', seriesName: 'Ops weekly' });
    expect(mine.body.askedOfMe.map((r) => [r.what, r.asker, r.boardId, r.seq])).toEqual([['Churn numbers', 'Ana', series.second, 2]]);
    expect(mine.body.iAsked.map((r) => [r.what, r.addressee, r.boardId])).toEqual([['Release notes', 'Ana', series.second]]);
    expect(mine.body.myActions.map((a) => [a.text, a.status])).toEqual([['Bo sends the weekly report by 2030-01-09', 'open']]);
  });

  it('a decline with its reason is written to the board and reaches a y-websocket client; someone else’s request is refused', async () => {
    const s = await start();
    const series = await seriesWithItems(s);
    const watcher = connect(s.wsUrl, { id: series.second, tokens: series.tokens }, series.tokens.viewer);
    await synced(watcher);
    const bo = await personalLink(s.url, series.id, series.tokens.facilitator, 'Bo');
    const mine = (await api<MyItemsResponse>(s.url, 'GET', `/api/series/${series.id}/me`, undefined, bo)).body;
    const churn = mine.askedOfMe[0];

    const declined = await api(
      s.url,
      'POST',
      `/api/series/${series.id}/me/requests/${churn.cardId}`,
      { status: 'declined', reason: 'No data before March' },
      bo,
    );
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: 'declined', declineReason: 'No data before March' });
    await waitFor(() => {
      const card = readBoard(watcher.doc).columns.needs.find((n) => n.id === churn.cardId);
      return card?.status === 'declined' && card.declineReason === 'No data before March';
    }, 'the decline on the watching client');
    // The request is also answerable by its root id (the card it was carried from).
    expect((await api(s.url, 'POST', `/api/series/${series.id}/me/requests/${series.churn}`, { status: 'accepted' }, bo)).status).toBe(200);
    await waitFor(() => readBoard(watcher.doc).columns.needs.find((n) => n.id === churn.cardId)?.status === 'accepted', 'accepted');
    expect(readBoard(watcher.doc).columns.needs.find((n) => n.id === churn.cardId)?.declineReason).toBe('');

    const notMine = await api(s.url, 'POST', `/api/series/${series.id}/me/requests/${mine.iAsked[0].cardId}`, { status: 'accepted' }, bo);
    expect(notMine.status).toBe(403);
    expect(notMine.body.error.message).toBe('this request is addressed to Ana, not to you');
    expect((await api(s.url, 'POST', `/api/series/${series.id}/me/requests/nosuchcard`, { status: 'done' }, bo)).status).toBe(404);
    expect((await api(s.url, 'POST', `/api/series/${series.id}/me/requests/${churn.cardId}`, { status: 'open' }, bo)).status).toBe(400);
    watcher.destroy();
  });

  it('an owner marks their action item done across the series; another person’s item is refused', async () => {
    const s = await start();
    const series = await seriesWithItems(s);
    const bo = await personalLink(s.url, series.id, series.tokens.facilitator, 'Bo');
    const items = (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems as {
      id: string;
      owners: string[];
    }[];
    const mineId = items.find((i) => i.owners.includes('Bo'))!.id;
    const anasId = items.find((i) => i.owners.includes('Ana'))!.id;

    const done = await api(s.url, 'POST', `/api/series/${series.id}/me/actions/${mineId}`, { status: 'done' }, bo);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: mineId, status: 'done' });
    const after = (await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems as {
      id: string;
      status: string;
    }[];
    expect(after.find((i) => i.id === mineId)?.status).toBe('done');

    const theirs = await api(s.url, 'POST', `/api/series/${series.id}/me/actions/${anasId}`, { status: 'done' }, bo);
    expect(theirs.status).toBe(403);
    expect(theirs.body.error.message).toBe('this action item belongs to Ana, not to you');
    expect((await api(s.url, 'POST', `/api/series/${series.id}/me/actions/dec:nope`, { status: 'done' }, bo)).status).toBe(404);
  });

  it('opens nothing else: not another series, not the series or its boards, and not after a new link replaced it', async () => {
    const s = await start();
    const series = await seriesWithItems(s);
    const other = await createSeries(s.url, 'Other');
    const bo = await personalLink(s.url, series.id, series.tokens.facilitator, 'Bo');
    expect((await api(s.url, 'GET', `/api/series/${other.id}/me`, undefined, bo)).status).toBe(403);
    expect((await api(s.url, 'GET', `/api/series/${series.id}`, undefined, bo)).status).toBe(403);
    expect((await api(s.url, 'GET', `/api/boards/${series.second}`, undefined, bo)).status).toBe(403);
    expect((await api(s.url, 'GET', `/api/series/${series.id}/me`)).status).toBe(401);
    expect((await api(s.url, 'POST', `/api/series/${series.id}/people/links`, { name: 'Cy' }, bo)).status).toBe(403);
    expect((await api(s.url, 'POST', `/api/series/${series.id}/people/links`, { name: 'Cy' }, series.tokens.participant)).status).toBe(403);

    const fresh = await personalLink(s.url, series.id, series.tokens.facilitator, 'BO');
    expect((await api(s.url, 'GET', `/api/series/${series.id}/me`, undefined, bo)).status).toBe(403);
    expect((await api(s.url, 'GET', `/api/series/${series.id}/me`, undefined, fresh)).status).toBe(200);
  });

  it('a person seated in a meeting takes their own link under their roster name; a forged seat gets none', async () => {
    const s = await start();
    const series = await seriesWithItems(s);
    const other = await createSeries(s.url, 'Other');
    const m = joinMeeting(s.url, { id: series.second }, series.tokens.participant, { name: 'Bo' });
    await m.until((st) => st.roster.some((r) => r.name === 'Bo'), 'seated');
    const seat = m.seat();

    const taken = await api<PersonLinkResponse>(s.url, 'POST', `/api/series/${series.id}/people/me`, { boardId: series.second, seat });
    expect(taken.status).toBe(201);
    expect(taken.body.name).toBe('Bo');
    const mine = await api<MyItemsResponse>(s.url, 'GET', `/api/series/${series.id}/me`, undefined, tokenOf(taken.body.link));
    expect(mine.body.askedOfMe.map((r) => r.what)).toEqual(['Churn numbers']);

    const forged = { id: seat.id, key: `${seat.key.slice(0, -1)}${seat.key.endsWith('A') ? 'B' : 'A'}` };
    expect((await api(s.url, 'POST', `/api/series/${series.id}/people/me`, { boardId: series.second, seat: forged })).status).toBe(403);
    expect((await api(s.url, 'POST', `/api/series/${other.id}/people/me`, { boardId: series.second, seat })).status).toBe(404);
    expect((await api(s.url, 'POST', `/api/series/${series.id}/people/me`, { boardId: series.second, seat, name: 'Ana' })).status).toBe(400);
    m.close();

    const viewer = joinMeeting(s.url, { id: series.second }, series.tokens.viewer, { name: 'Vic' });
    await viewer.until((st) => st.roster.some((r) => r.name === 'Vic'), 'viewer seated');
    expect((await api(s.url, 'POST', `/api/series/${series.id}/people/me`, { boardId: series.second, seat: viewer.seat() })).status).toBe(403);
    viewer.close();
  });
});

describe('drop-in link', () => {
  it('hands in submissions, rate-limited per address, and reads nothing of the series but its name and team', async () => {
    const s = await start({ config: { dropinsPerHour: 3 } });
    const series = await createSeries(s.url);
    const made = await api(s.url, 'POST', `/api/series/${series.id}/dropin/link`, undefined, series.tokens.facilitator);
    expect(made.status).toBe(201);
    expect(new URL(made.body.link).pathname).toBe(`/s/${series.id}/drop`);
    const drop = tokenOf(made.body.link);

    const info = await api(s.url, 'GET', `/api/series/${series.id}/dropin?token=${drop}`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ seriesName: 'Ops weekly', team: 'Operations' });
    expect((await api(s.url, 'GET', `/api/series/${series.id}`, undefined, drop)).status).toBe(403);
    expect((await api(s.url, 'GET', `/api/boards/${series.boardId}`, undefined, drop)).status).toBe(403);
    expect((await api(s.url, 'GET', `/api/series/${series.id}/inbox`, undefined, drop)).status).toBe(403);
    expect((await api(s.url, 'GET', `/api/series/${series.id}/me`, undefined, drop)).status).toBe(403);
    expect((await api(s.url, 'GET', `/api/series/${series.id}/actions`, undefined, drop)).status).toBe(403);
    expect((await api(s.url, 'POST', `/api/series/${series.id}/dropin`, { kind: 'win', text: 'x' }, series.tokens.viewer)).status).toBe(403);

    expect((await api(s.url, 'POST', `/api/series/${series.id}/dropin`, { kind: 'rant', text: 'x' }, drop)).status).toBe(400);
    expect((await api(s.url, 'POST', `/api/series/${series.id}/dropin`, { kind: 'win', text: 'x'.repeat(2001) }, drop)).status).toBe(400);
    expect((await api(s.url, 'POST', `/api/series/${series.id}/dropin`, { kind: 'win', text: 'x', addressee: 'Bo' }, drop)).status).toBe(400);

    const hostile = "<img src=x onerror=alert(1)> =cmd|' /C calc'!A0";
    const sent = [
      { kind: 'request', text: hostile, addressee: 'Bo' },
      { kind: 'win', text: 'The night shift fixed the conveyor', name: 'Kim' },
      { kind: 'question', text: 'When is the canteen open?' },
    ];
    for (const body of sent) expect((await api(s.url, 'POST', `/api/series/${series.id}/dropin`, body, drop)).status).toBe(201);
    const limited = await api(s.url, 'POST', `/api/series/${series.id}/dropin`, { kind: 'loss', text: 'one more' }, drop);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const inbox = await api<InboxResponse>(s.url, 'GET', `/api/series/${series.id}/inbox`, undefined, series.tokens.facilitator);
    expect(inbox.body.items.map((i) => [i.kind, i.text, i.name, i.addressee, i.status])).toEqual([
      ['request', hostile, '', 'Bo', 'pending'],
      ['win', 'The night shift fixed the conveyor', 'Kim', '', 'pending'],
      ['question', 'When is the canteen open?', '', '', 'pending'],
    ]);

    // A replaced drop-in link stops working.
    await api(s.url, 'POST', `/api/series/${series.id}/dropin/link`, undefined, series.tokens.facilitator);
    expect((await api(s.url, 'GET', `/api/series/${series.id}/dropin?token=${drop}`)).status).toBe(403);
  });

  it('a series takes at most its hourly number of submissions from everyone; other series are not affected', async () => {
    const s = await start({ config: { dropinsPerHour: 100, dropinsPerSeriesPerHour: 2 } });
    const one = await createSeries(s.url, 'One');
    const two = await createSeries(s.url, 'Two');
    const link = async (id: string, token: string) => tokenOf((await api(s.url, 'POST', `/api/series/${id}/dropin/link`, undefined, token)).body.link);
    const [dropOne, dropTwo] = [await link(one.id, one.tokens.facilitator), await link(two.id, two.tokens.facilitator)];
    const submit = (id: string, token: string) => api(s.url, 'POST', `/api/series/${id}/dropin`, { kind: 'win', text: 'A win' }, token);
    expect([(await submit(one.id, dropOne)).status, (await submit(one.id, dropOne)).status, (await submit(one.id, dropOne)).status]).toEqual([201, 201, 429]);
    expect((await submit(two.id, dropTwo)).status).toBe(201);
  });

  it('a submission taken twice makes one card on the latest open meeting; set aside it leaves the inbox', async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const drop = tokenOf((await api(s.url, 'POST', `/api/series/${series.id}/dropin/link`, undefined, series.tokens.facilitator)).body.link);
    const submit = (body: object) => api(s.url, 'POST', `/api/series/${series.id}/dropin`, body, drop);
    const request = (await submit({ kind: 'request', text: '<b>Forklift</b> needs a check', addressee: 'Bo' })).body.id as string;
    const win = (await submit({ kind: 'win', text: 'Zero accidents in January', name: 'Kim' })).body.id as string;
    const question = (await submit({ kind: 'question', text: 'Who orders gloves?' })).body.id as string;
    const take = (id: string) => api<TakeDropinResponse>(s.url, 'POST', `/api/series/${series.id}/inbox/${id}/take`, undefined, series.tokens.facilitator);

    const [a, b] = await Promise.all([take(request), take(request)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect([a.body.created, b.body.created].sort()).toEqual([false, true]);
    expect(a.body.item).toMatchObject({ status: 'taken', boardId: series.boardId });
    const again = await take(request);
    expect(again.status).toBe(200);
    expect(again.body.item.cardId).toBe(a.body.item.cardId);
    expect((await take(win)).status).toBe(201);

    const board = await api(s.url, 'GET', `/api/boards/${series.boardId}`, undefined, series.tokens.viewer);
    const needs = board.body.columns.needs.filter((n: { what: string }) => n.what.includes('Forklift'));
    expect(needs).toHaveLength(1);
    expect(needs[0]).toMatchObject({ asker: 'Drop-in', addressee: 'Bo', what: '<b>Forklift</b> needs a check', status: 'open' });
    expect(board.body.columns.agenda.find((c: { title: string }) => c.title === 'Zero accidents in January')).toMatchObject({ tags: ['win'] });

    const aside = await api(s.url, 'POST', `/api/series/${series.id}/inbox/${question}/set-aside`, undefined, series.tokens.facilitator);
    expect(aside.status).toBe(200);
    expect(aside.body.item.status).toBe('set_aside');
    expect((await take(question)).status).toBe(409);
    expect((await take('nosuchitem')).status).toBe(404);
    expect((await api<InboxResponse>(s.url, 'GET', `/api/series/${series.id}/inbox`, undefined, series.tokens.facilitator)).body.items).toEqual([]);
  });

  it('a question taken onto a chosen board becomes an FAQ agenda item; a board of another series is refused', async () => {
    const s = await start();
    const series = await createSeries(s.url);
    const other = await createSeries(s.url, 'Other');
    const drop = tokenOf((await api(s.url, 'POST', `/api/series/${series.id}/dropin/link`, undefined, series.tokens.facilitator)).body.link);
    const id = (await api(s.url, 'POST', `/api/series/${series.id}/dropin`, { kind: 'question', text: 'Who orders gloves?' }, drop)).body.id;
    const path = `/api/series/${series.id}/inbox/${id}/take`;
    expect((await api(s.url, 'POST', path, { boardId: other.boardId }, series.tokens.facilitator)).status).toBe(404);
    expect((await api(s.url, 'POST', path, { boardId: series.boardId }, series.tokens.facilitator)).status).toBe(201);
    const board = await api(s.url, 'GET', `/api/boards/${series.boardId}`, undefined, series.tokens.viewer);
    expect(board.body.columns.agenda.find((c: { title: string }) => c.title === 'Who orders gloves?')).toMatchObject({ tags: ['faq'], notes: '' });
  });
});
