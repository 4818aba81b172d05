/**
 * The meeting's flow through real socket.io clients: overtime, moving on to the next item, yielding the
 * floor, and sorting the challenges by dots for everyone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCard, listCards, readCard, getCard } from '../../shared/board-schema.js';
import { timerOvertime, type Announcement } from '../../shared/meeting.js';
import { createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { joinMeeting, type MeetingClient } from '../helpers/meeting-client.js';

let server: TestServer;
let clock: FakeClock;
let meetingClients: MeetingClient[] = [];
let yclients: YClient[] = [];

beforeEach(async () => {
  clock = new FakeClock();
  server = await startServer({ deps: { clock } });
});
afterEach(async () => {
  for (const c of meetingClients) c.close();
  for (const y of yclients) y.destroy();
  meetingClients = [];
  yclients = [];
  await server.stop();
});

const join = (board: TestBoard, role: 'facilitator' | 'participant' | 'viewer', name: string) => {
  const c = joinMeeting(server.url, board, board.tokens[role], { name });
  meetingClients.push(c);
  return c;
};
const ydoc = async (board: TestBoard) => {
  const y = connect(server.wsUrl, board);
  yclients.push(y);
  await synced(y);
  return y;
};

/** A board with three agenda items (5 min, none, 10 min) and a facilitator and a participant present. */
async function agendaMeeting() {
  const board = await createBoard(server.url);
  const y = await ydoc(board);
  const items = [
    createCard(y.doc, { column: 'agenda', title: 'Wins', timebox: 5 }),
    createCard(y.doc, { column: 'agenda', title: 'Hiring', timebox: 10 }),
    createCard(y.doc, { column: 'agenda', title: 'Open floor' }),
  ];
  await server.app.registry.persisted();
  const fac = join(board, 'facilitator', 'Fay');
  const par = join(board, 'participant', 'Pat');
  await par.until((s) => s.roster.length === 2, 'both present');
  expect((await fac.send('meeting:advance', { phase: 'agenda' })).ok).toBe(true);
  await par.until((s) => s.currentAgendaId === items[0], 'on the first item');
  return { board, y, items, fac, par };
}

describe('overtime', () => {
  it('an expired timer keeps the moment it reached zero, so everyone counts the same overtime from it', async () => {
    const { fac, par, items } = await agendaMeeting();
    const started = await fac.send('timer:start');
    expect(started).toMatchObject({ ok: true, data: { status: 'running', expiredAt: null } });
    const endsAt = started.ok ? started.data.endsAt! : 0;

    clock.advance(5 * 60_000 + 130_000);
    const s = await par.until((st) => st.timer.status === 'expired', 'expired for the participant');
    expect(s.timer).toMatchObject({ agendaId: items[0], status: 'expired', expiredAt: endsAt, remainingMs: 0 });
    expect(timerOvertime(s.timer, clock.now())).toBe(130_000);
    expect(fac.state()!.timer).toEqual(s.timer);

    // Adding time ends the overtime: the timer runs again, and nothing is over.
    expect(await fac.send('timer:extend', { minutes: 2 })).toMatchObject({ ok: true, data: { status: 'running', expiredAt: null } });
    const after = await par.until((st) => st.timer.status === 'running', 'running again');
    expect(timerOvertime(after.timer, clock.now())).toBe(0);
  });

  it('a timer that ran out while the server was down counts its overtime from when it ran out', async () => {
    const { board, fac, par } = await agendaMeeting();
    const started = await fac.send('timer:start');
    const endsAt = started.ok ? started.data.endsAt! : 0;
    fac.close();
    par.close();
    await server.stop();
    clock.advance(8 * 60_000);
    server = await startServer({ dataDir: server.dataDir, deps: { clock } });
    const back = join(board, 'participant', 'Pat');
    const s = await back.until((st) => st.timer.status === 'expired', 'expired on load');
    expect(s.timer.expiredAt).toBe(endsAt);
    expect(timerOvertime(s.timer, clock.now())).toBe(3 * 60_000);
  });
});

describe('moving on', () => {
  it("the next item's timebox starts when the facilitator moves to it; the item left behind stays as it was", async () => {
    const { y, fac, par, items } = await agendaMeeting();
    expect(await fac.send('meeting:next-item')).toMatchObject({
      ok: true,
      data: { currentAgendaId: items[1], timer: { agendaId: items[1], status: 'running', endsAt: clock.now() + 10 * 60_000 } },
    });
    await par.until((s) => s.timer.agendaId === items[1] && s.timer.status === 'running', 'the participant sees it running');
    expect(readCard(getCard(y.doc, items[0]))).toMatchObject({ done: false });

    // An item without a timebox has nothing to start: it waits, idle.
    expect(await fac.send('meeting:next-item')).toMatchObject({ ok: true, data: { currentAgendaId: items[2], timer: { status: 'idle', durationMs: 0 } } });
    expect(await par.send('meeting:next-item')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('yielding the floor', () => {
  it('the speaker yields the floor to the next raised hand; only the speaker or a leader may end a turn', async () => {
    const { board, fac, par } = await agendaMeeting();
    const ana = join(board, 'participant', 'Ana');
    const vic = join(board, 'viewer', 'Vic');
    await fac.until((s) => s.roster.length === 4, 'four present');
    expect(await par.send('queue:yield')).toMatchObject({ ok: false, error: { code: 'precondition_failed', reason: 'nobody_has_floor' } });

    await par.send('hand:raise');
    clock.advance(1000);
    await ana.send('hand:raise');
    clock.advance(1000);
    await vic.send('hand:raise');
    expect(await fac.send('queue:next')).toEqual({ ok: true, data: { speakerId: par.id } });

    // Someone else (here: next in the queue) cannot take the floor by ending another's turn.
    expect(await ana.send('queue:yield')).toMatchObject({ ok: false, error: { code: 'forbidden', reason: 'speaker_yields' } });
    expect(await par.send('queue:yield')).toEqual({ ok: true, data: { speakerId: ana.id } });
    const s = await vic.until((st) => st.speakerId === ana.id, 'Ana has the floor');
    expect(s.roster.find((r) => r.id === ana.id)!.handRaisedAt).toBeNull();

    // The facilitator may end a turn too; a viewer who has the floor may yield it.
    expect(await fac.send('queue:yield')).toEqual({ ok: true, data: { speakerId: vic.id } });
    expect(await vic.send('queue:yield')).toEqual({ ok: true, data: { speakerId: null } });
    await par.until((st) => st.speakerId === null, 'nobody has the floor');
    expect(await par.send('queue:yield', { extra: true } as never)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});

describe('sorting by dots', () => {
  it('the facilitator sorts the challenges by the revealed dots in the document, for everyone; nobody else may', async () => {
    const board = await createBoard(server.url);
    const y = await ydoc(board);
    const [flaky, slow, docs, late] = ['Flaky tests', 'Slow builds', 'Old docs', 'Added later'].map((problem) =>
      createCard(y.doc, { column: 'challenges', problem }),
    );
    await server.app.registry.persisted();
    const fac = join(board, 'facilitator', 'Fay');
    const ana = join(board, 'participant', 'Ana');
    const ben = join(board, 'participant', 'Ben');
    await fac.until((s) => s.roster.length === 3, 'all present');
    const announced = new Promise<Announcement>((resolve) => ben.socket.once('meeting:announce', resolve));

    expect(await fac.send('vote:sort')).toMatchObject({ ok: false, error: { code: 'precondition_failed', reason: 'no_vote_results' } });
    await fac.send('vote:open', { dots: 3 });
    for (const [who, card] of [
      [ana, docs],
      [ana, docs],
      [ben, docs],
      [ben, slow],
    ] as const)
      expect((await who.send('vote:cast', { cardId: card, delta: 1 })).ok).toBe(true);
    expect(await fac.send('vote:sort')).toMatchObject({ ok: false, error: { reason: 'no_vote_results' } });
    await fac.send('vote:reveal');
    expect(await ana.send('vote:sort')).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // Most dots first; equal dots (none here for flaky and late) keep the board's order.
    expect(await fac.send('vote:sort')).toEqual({ ok: true, data: { order: [docs, slow, flaky, late] } });
    await waitFor(() => listCards(y.doc, 'challenges')[0]?.id === docs, 'the participant document is sorted');
    expect(listCards(y.doc, 'challenges').map((c) => c.id)).toEqual([docs, slow, flaky, late]);
    expect(await announced).toMatchObject({ code: 'sorted_by_dots', params: { name: 'Fay' } });

    // The server's own write is stored like any other: a reload of the board keeps the order.
    await server.app.registry.persisted();
    const fresh = await ydoc(board);
    expect(listCards(fresh.doc, 'challenges').map((c) => c.id)).toEqual([docs, slow, flaky, late]);
  });
});
