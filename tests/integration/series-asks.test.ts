/**
 * Requests and escalations between two series on one real server: a request lands once on the other team's
 * meeting, its answer (given on that team's board through a y-websocket client) is recorded with the time to
 * answer and comes back to the asking team's next meeting; an accepted one is carried on, never twice; a
 * challenge escalated lands once with its proposals and history; bad input; an opening cut short by a crash.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { api, startServer, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';
import { joinMeeting } from '../helpers/meeting-client.js';
import { addProposal, createCard, updateCard } from '../../shared/board-schema.js';
import type { BoardResponse } from '../../shared/api-schemas.js';
import type { CreateSeriesResponse, OpenMeetingResponse, SeriesResponse } from '../../shared/series.js';
import type { CreateAskResponse, CreateEscalationResponse, SeriesAsksResponse } from '../../shared/series-asks.js';
import { openSqliteStores } from '../../server/store/sqlite-stores.js';

let servers: TestServer[] = [];
const clients: YClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
});
const start = async (opts: Parameters<typeof startServer>[0] = {}) => {
  const s = await startServer(opts);
  servers.push(s);
  return s;
};

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

async function createSeries(base: string, body: Record<string, unknown> = {}) {
  const res = await api<CreateSeriesResponse>(base, 'POST', '/api/series', {
    name: 'Ops weekly',
    cadence: 'FREQ=WEEKLY;BYDAY=TH',
    firstDate: '2030-01-01',
    startTime: '10:00',
    timezone: 'Europe/Berlin',
    template: 'weekly-sync',
    ...body,
  });
  if (res.status !== 201) throw new Error(`could not create a series: ${res.status} ${JSON.stringify(res.body)}`);
  const { links } = res.body;
  return {
    id: res.body.series.id,
    tokens: { facilitator: tokenOf(links.facilitator), participant: tokenOf(links.participant), viewer: tokenOf(links.viewer) },
  };
}
type Series = Awaited<ReturnType<typeof createSeries>>;

async function twoSeries(s: TestServer) {
  const a = await createSeries(s.url, { name: 'Support weekly', template: undefined });
  const b = await createSeries(s.url, { name: 'Management', firstDate: '2030-01-02' });
  return { a, b };
}

const latestBoard = async (s: TestServer, series: Series) => {
  const view = await api<SeriesResponse>(s.url, 'GET', `/api/series/${series.id}`, undefined, series.tokens.viewer);
  return view.body.meetings.at(-1)!;
};
const board = async (s: TestServer, series: Series, boardId: string) =>
  (await api<BoardResponse>(s.url, 'GET', `/api/boards/${boardId}`, undefined, series.tokens.viewer)).body;
const openNext = (s: TestServer, series: Series, after?: number) =>
  api<OpenMeetingResponse>(s.url, 'POST', `/api/series/${series.id}/meetings`, after === undefined ? {} : { after }, series.tokens.facilitator);
const asks = async (s: TestServer, series: Series) =>
  (await api<SeriesAsksResponse>(s.url, 'GET', `/api/series/${series.id}/asks`, undefined, series.tokens.viewer)).body;

async function edit(s: TestServer, series: Series, boardId: string): Promise<Y.Doc> {
  // The facilitator's link: it writes the requests' answers too (a participant's sync socket may not).
  const c = connect(s.wsUrl, { id: boardId, tokens: series.tokens }, series.tokens.facilitator);
  clients.push(c);
  await synced(c);
  return c.doc;
}

/** A request written on the series' latest meeting through y-websocket, once the server has it. */
async function writeRequest(s: TestServer, series: Series, what = 'Budget for a second on-call laptop') {
  const { boardId } = await latestBoard(s, series);
  const doc = await edit(s, series, boardId);
  const cardId = createCard(doc, { column: 'needs', asker: 'Ana', addressee: 'Mia', what, byWhen: '2030-02-01' });
  await waitFor(async () => (await board(s, series, boardId)).columns.needs.some((n) => n.id === cardId), 'the request is on the server');
  return { boardId, cardId, doc };
}

/** Starts the series' latest meeting (a facilitator moves on from the lobby), so new requests wait for the next. */
async function startLatest(s: TestServer, series: Series) {
  const { boardId } = await latestBoard(s, series);
  const m = joinMeeting(s.url, { id: boardId }, series.tokens.facilitator, { name: 'Mia' });
  await m.until(() => true, 'seated');
  expect((await m.send('meeting:advance', { phase: 'check-in' })).ok).toBe(true);
  await waitFor(async () => (await latestBoard(s, series)).status === 'running', 'the meeting runs');
  m.close();
}

const withAsk = (b: BoardResponse, askId: string) => b.columns.needs.filter((n) => n.askId === askId);
const sendAsk = (s: TestServer, from: Series, body: Record<string, unknown>, token = from.tokens.participant) =>
  api<CreateAskResponse & { error: { reason: string } }>(s.url, 'POST', `/api/series/${from.id}/asks`, body, token);

describe('requests between series', () => {
  it('lands once on the other team’s next meeting; its decline with a reason is recorded and shown in the asking team’s next meeting', async () => {
    const s = await start();
    const { a, b } = await twoSeries(s);
    await startLatest(s, b);
    const { boardId, cardId } = await writeRequest(s, a);

    const sent = await sendAsk(s, a, { boardId, cardId, toSeries: b.id, toToken: b.tokens.participant });
    expect(sent.status).toBe(201);
    expect(sent.body.ask).toMatchObject({ fromSeries: a.id, toSeries: b.id, toSeriesName: 'Management', status: 'open', answeredAt: null, placed: false });
    const askId = sent.body.ask.id;
    // The asking card now says where it went.
    expect((await board(s, a, boardId)).columns.needs.find((n) => n.id === cardId)).toMatchObject({ askId, team: 'Management' });

    // B's next meeting, opened by several presses at once, has the request once.
    const presses = await Promise.all([openNext(s, b, 1), openNext(s, b, 1), openNext(s, b, 1)]);
    expect(presses.map((p) => p.status).sort()).toEqual([200, 200, 201]);
    const bMeeting = presses[0].body.meeting.boardId;
    const landed = withAsk(await board(s, b, bMeeting), askId);
    expect(landed).toHaveLength(1);
    expect(landed[0]).toMatchObject({
      asker: 'Ana',
      addressee: 'Mia',
      what: 'Budget for a second on-call laptop',
      byWhen: '2030-02-01',
      status: 'open',
      team: 'Support weekly',
    });
    expect((await openNext(s, b, 1)).body.created).toBe(false);
    expect((await asks(s, b)).received).toMatchObject([{ id: askId, placed: true, status: 'open' }]);

    // B declines it, with a reason, on its board.
    const doc = await edit(s, b, bMeeting);
    updateCard(doc, landed[0].id, { status: 'declined', declineReason: 'No budget until April' });
    await waitFor(async () => (await asks(s, a)).made[0]?.status === 'declined', 'the answer is recorded');
    const made = (await asks(s, a)).made[0];
    expect(made).toMatchObject({ reason: 'No budget until April', answeredAt: expect.any(Number) });
    expect(made.answerMs).toBe(made.answeredAt! - made.createdAt);
    expect(made.answerMs).toBeGreaterThanOrEqual(0);

    // A's next meeting shows the answer on the carried request, once; the one after no longer carries it.
    const aNext = (await openNext(s, a)).body.meeting.boardId;
    const shown = withAsk(await board(s, a, aNext), askId);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ carriedFrom: cardId, status: 'declined', declineReason: 'No budget until April', team: 'Management' });
    const aAfter = (await openNext(s, a)).body.meeting.boardId;
    expect(withAsk(await board(s, a, aAfter), askId)).toEqual([]);
  });

  it('lands at once on an open meeting that has not started; accepted, it is carried on in later meetings, never twice', async () => {
    const s = await start();
    const { a, b } = await twoSeries(s);
    const { boardId, cardId } = await writeRequest(s, a);
    const sent = await sendAsk(s, a, { boardId, cardId, toSeries: b.id, toToken: b.tokens.participant });
    expect(sent.body.ask.placed).toBe(true);
    const askId = sent.body.ask.id;
    const first = await latestBoard(s, b);
    const landed = withAsk(await board(s, b, first.boardId), askId);
    expect(landed).toHaveLength(1);

    const doc = await edit(s, b, first.boardId);
    updateCard(doc, landed[0].id, { status: 'accepted' });
    await waitFor(async () => (await asks(s, b)).received[0]?.status === 'accepted', 'accepted is recorded');
    const answeredAt = (await asks(s, b)).received[0].answeredAt;

    for (let i = 0; i < 2; i++) {
      const next = (await openNext(s, b)).body.meeting.boardId;
      const cards = withAsk(await board(s, b, next), askId);
      expect(cards).toHaveLength(1);
      expect(cards[0]).toMatchObject({ status: 'accepted', carriedFrom: landed[0].id });
    }
    // The asking team's next meeting shows it accepted, still carried.
    const aNext = (await openNext(s, a)).body.meeting.boardId;
    expect(withAsk(await board(s, a, aNext), askId)).toMatchObject([{ status: 'accepted', carriedFrom: cardId }]);

    // Done in B's latest meeting: recorded; the first answer's time is kept.
    const latest = await latestBoard(s, b);
    const latestDoc = await edit(s, b, latest.boardId);
    updateCard(latestDoc, withAsk(await board(s, b, latest.boardId), askId)[0].id, { status: 'done' });
    await waitFor(async () => (await asks(s, a)).made[0]?.status === 'done', 'done is recorded');
    expect((await asks(s, a)).made[0].answeredAt).toBe(answeredAt);
    // An older meeting's copy does not undo it: set back there, the record stays done once that change is stored.
    updateCard(doc, landed[0].id, { status: 'open' });
    await waitFor(async () => (await board(s, b, first.boardId)).columns.needs.find((n) => n.id === landed[0].id)?.status === 'open', 'stored');
    await s.app.seriesAsks.settled(first.boardId);
    expect((await asks(s, a)).made[0].status).toBe('done');
  });

  it('refuses a series that does not exist (404), a token that does not reach it (403), its own series (400) and a second ask (409)', async () => {
    const s = await start();
    const { a, b } = await twoSeries(s);
    const { boardId, cardId } = await writeRequest(s, a);
    const body = { boardId, cardId, toSeries: b.id, toToken: b.tokens.participant };

    const missing = await sendAsk(s, a, { ...body, toSeries: 'NoSuchSeries1234' });
    expect([missing.status, missing.body.error.reason]).toEqual([404, 'series_not_found']);
    const wrong = await sendAsk(s, a, { ...body, toToken: a.tokens.participant });
    expect([wrong.status, wrong.body.error.reason]).toEqual([403, 'link_invalid']);
    const viewer = await sendAsk(s, a, { ...body, toToken: b.tokens.viewer });
    expect([viewer.status, viewer.body.error.reason]).toEqual([403, 'role_too_low']);
    const own = await sendAsk(s, a, { ...body, toSeries: a.id, toToken: a.tokens.participant });
    expect([own.status, own.body.error.reason]).toEqual([400, 'same_series']);
    const noCard = await sendAsk(s, a, { ...body, cardId: 'nosuchcard' });
    expect([noCard.status, noCard.body.error.reason]).toEqual([404, 'card_not_found']);
    const asViewer = await sendAsk(s, a, body, a.tokens.viewer);
    expect(asViewer.status).toBe(403);
    const otherBoard = await sendAsk(s, a, { ...body, boardId: (await latestBoard(s, b)).boardId });
    expect([otherBoard.status, otherBoard.body.error.reason]).toEqual([404, 'board_not_found']);

    // A meeting link of the other series reaches it too (its board id stands for the series).
    const viaBoard = await sendAsk(s, a, { ...body, toSeries: (await latestBoard(s, b)).boardId });
    expect(viaBoard.status).toBe(201);
    expect(viaBoard.body.ask.toSeries).toBe(b.id);
    const again = await sendAsk(s, a, body);
    expect([again.status, again.body.error.reason]).toEqual([409, 'already_asked']);
    expect((await asks(s, a)).made).toHaveLength(1);
  });

  it('an opening cut short after it noted the request is undone on restart, and the request lands once on the next opening', async () => {
    const s = await start();
    const { a, b } = await twoSeries(s);
    await startLatest(s, b);
    const { boardId, cardId } = await writeRequest(s, a);
    const askId = (await sendAsk(s, a, { boardId, cardId, toSeries: b.id, toToken: b.tokens.participant })).body.ask.id;
    const first = await latestBoard(s, b);
    clients.splice(0).forEach((c) => c.destroy());
    await s.stop();
    servers = [];

    // What a crash between reserving meeting 2 and writing its board leaves: an 'opening' row, the request noted on it.
    const stores = openSqliteStores(s.dataDir);
    const ghost = 'GhostBoard000001';
    expect(
      await stores.series.reserveMeeting({
        ...first,
        slot: null,
        seq: 2,
        boardId: ghost,
        status: 'opening',
        startedAt: null,
        date: '2030-01-09',
        startsAt: first.startsAt + 7 * 86_400_000,
      }),
    ).toBe(true);
    expect(await stores.asks.placeAsk(askId, ghost)).toBe(true);
    await stores.close();

    const again = await start({ dataDir: s.dataDir });
    expect((await asks(again, b)).received).toMatchObject([{ id: askId, placed: false }]);
    const [one, two] = await Promise.all([openNext(again, b, 1), openNext(again, b, 1)]);
    expect([one.body.meeting.seq, two.body.meeting.seq]).toEqual([2, 2]);
    expect(one.body.meeting.boardId).not.toBe(ghost);
    expect(withAsk(await board(again, b, one.body.meeting.boardId), askId)).toHaveLength(1);
  });
});

describe('escalating a challenge to another series', () => {
  it('lands once in the other series’ next meeting with its proposals and history; the source stops carrying it; twice is refused', async () => {
    const s = await start();
    const { a, b } = await twoSeries(s);
    await startLatest(s, b);
    const { boardId } = await latestBoard(s, a);
    const doc = await edit(s, a, boardId);
    const cardId = createCard(
      doc,
      { column: 'challenges', problem: 'Pager load is burning people out', proposals: ['Hire a second on-call'] },
      { createdBy: 'Ana' },
    );
    addProposal(doc, cardId, 'Follow-the-sun rotation', 'Sam');
    updateCard(doc, cardId, { status: 'moving' });
    await waitFor(async () => (await board(s, a, boardId)).columns.challenges[0]?.proposals.length === 2, 'the challenge is on the server');

    const body = { boardId, cardId, toSeries: b.id, toToken: b.tokens.participant };
    const asParticipant = await api(s.url, 'POST', `/api/series/${a.id}/escalations`, body, a.tokens.participant);
    expect([asParticipant.status, asParticipant.body.error.reason]).toEqual([403, 'role_too_low']);
    const missing = await api(s.url, 'POST', `/api/series/${a.id}/escalations`, { ...body, toSeries: 'NoSuchSeries1234' }, a.tokens.facilitator);
    expect(missing.status).toBe(404);
    const wrong = await api(s.url, 'POST', `/api/series/${a.id}/escalations`, { ...body, toToken: a.tokens.facilitator }, a.tokens.facilitator);
    expect(wrong.status).toBe(403);

    const esc = await api<CreateEscalationResponse>(s.url, 'POST', `/api/series/${a.id}/escalations`, body, a.tokens.facilitator);
    expect(esc.status).toBe(201);
    expect(esc.body.escalation).toMatchObject({ fromSeriesName: 'Support weekly', toSeriesName: 'Management', proposals: 2, placed: false });
    const twice = await api(s.url, 'POST', `/api/series/${a.id}/escalations`, body, a.tokens.facilitator);
    expect([twice.status, twice.body.error.reason]).toEqual([409, 'already_escalated']);
    expect((await board(s, a, boardId)).columns.challenges[0].escalatedTo).toBe('Management');

    const [one] = await Promise.all([openNext(s, b, 1), openNext(s, b, 1)]);
    const landed = (await board(s, b, one.body.meeting.boardId)).columns.challenges.filter((c) => c.escalatedFrom === 'Support weekly');
    expect(landed).toHaveLength(1);
    expect(landed[0]).toMatchObject({ problem: 'Pager load is burning people out', status: 'open' });
    expect(landed[0].proposals.map((p) => [p.text, p.author, p.carried])).toEqual([
      ['Hire a second on-call', 'Ana', true],
      ['Follow-the-sun rotation', 'Sam', true],
    ]);
    expect(landed[0].history).toMatchObject([{ seq: 1, proposals: ['Hire a second on-call', 'Follow-the-sun rotation'], from: 'open', to: 'moving' }]);
    expect((await asks(s, b)).escalatedHere).toMatchObject([{ placed: true }]);
    // B's meeting after carries it as its own challenge; A's next meeting no longer has it.
    const bAfter = (await openNext(s, b)).body.meeting.boardId;
    expect((await board(s, b, bAfter)).columns.challenges.filter((c) => c.escalatedFrom === 'Support weekly')).toHaveLength(1);
    const aNext = (await openNext(s, a)).body.meeting.boardId;
    expect((await board(s, a, aNext)).columns.challenges).toEqual([]);
  });
});
