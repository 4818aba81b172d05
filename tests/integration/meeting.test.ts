import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCard, listCards, setMeta, cardsMap, readMeta } from '../../shared/board-schema.js';
import { api, createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { joinMeeting, refusedJoin, type MeetingClient } from '../helpers/meeting-client.js';
import type { Seat } from '../../shared/meeting.js';

let server: TestServer;
let clock: FakeClock;
let meetingClients: MeetingClient[] = [];
let yclients: YClient[] = [];

beforeEach(async () => {
  clock = new FakeClock();
  // The webhook test's receiver listens on loopback, which webhooks may reach only when allowed.
  server = await startServer({ deps: { clock }, config: { facilitatorGraceMs: 30_000, webhookAllowHosts: '127.0.0.1' } });
});
afterEach(async () => {
  for (const c of meetingClients) c.close();
  for (const y of yclients) y.destroy();
  meetingClients = [];
  yclients = [];
  await server.stop();
});

const join = (board: TestBoard, role: 'facilitator' | 'participant' | 'viewer', name: string, seat?: Seat) => {
  const c = joinMeeting(server.url, board, board.tokens[role], { name, seat });
  meetingClients.push(c);
  return c;
};
const ydoc = async (board: TestBoard) => {
  const y = connect(server.wsUrl, board);
  yclients.push(y);
  await synced(y);
  return y;
};

/** A board ready to leave the lobby: a purpose and two timeboxed agenda items. */
async function readyBoard(): Promise<{ board: TestBoard; y: YClient; items: string[] }> {
  const board = await createBoard(server.url);
  const y = await ydoc(board);
  const items = [
    createCard(y.doc, { column: 'agenda', title: 'Wins and losses', timebox: 5 }),
    createCard(y.doc, { column: 'agenda', title: 'Hiring', timebox: 10 }),
  ];
  await server.app.registry.persisted();
  return { board, y, items };
}

describe('joining the meeting channel', () => {
  it('refuses a join without a token, with a wrong one, or for an unknown board', async () => {
    const board = await createBoard(server.url);
    const noToken = join(board, 'participant', 'Ana');
    noToken.socket.auth = { ...(noToken.socket.auth as object), token: '' };
    const wrong = joinMeeting(server.url, board, 'x'.repeat(43), { name: 'Eve' });
    const unknown = joinMeeting(server.url, { id: 'nosuchboard1' }, board.tokens.facilitator, { name: 'Eve' });
    const shapeless = joinMeeting(server.url, board, board.tokens.participant, { name: '' });
    meetingClients.push(wrong, unknown, shapeless);
    expect((await refusedJoin(wrong)).code).toBe('forbidden');
    expect((await refusedJoin(unknown)).code).toBe('not_found');
    expect((await refusedJoin(shapeless)).code).toBe('bad_request');
  });

  it('a late joiner gets the phase, timer and roster at once', async () => {
    const { board, items } = await readyBoard();
    const fac = join(board, 'facilitator', 'Fay');
    await fac.until((s) => s.roster.length === 1, 'facilitator on the roster');
    expect((await fac.send('meeting:advance', { phase: 'agenda' })).ok).toBe(true);
    expect((await fac.send('timer:start')).ok).toBe(true);
    clock.advance(60_000);
    const late = join(board, 'participant', 'Lee');
    const s = await late.until((st) => st.roster.some((r) => r.name === 'Lee'), 'late joiner state');
    expect(s).toMatchObject({ phase: 'agenda', currentAgendaId: items[0], facilitatorId: fac.id });
    expect(s.timer).toMatchObject({ agendaId: items[0], status: 'running', endsAt: clock.now() + 4 * 60_000 });
    expect(s.serverNow).toBe(clock.now());
  });
});

describe('phases', () => {
  it('the lobby cannot be left without a purpose and a timeboxed agenda item; the facilitator is told what is missing', async () => {
    const board = await createBoard(server.url, 'Weekly', '');
    const y = await ydoc(board);
    const fac = join(board, 'facilitator', 'Fay');
    await fac.until((s) => s.roster.length === 1, 'joined');
    const refused = await fac.send('meeting:advance', { phase: 'check-in' });
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'precondition_failed',
        reason: 'start_gate',
        params: { missing: ['a stated purpose', 'an agenda item with a timebox'] },
        message: 'Before the meeting can start it needs a stated purpose and an agenda item with a timebox.',
      },
    });
    setMeta(y.doc, { purpose: 'Unblock each other' });
    createCard(y.doc, { column: 'agenda', title: 'No timebox' });
    await server.app.registry.persisted();
    expect(await fac.send('meeting:advance', { phase: 'check-in' })).toMatchObject({ ok: false, error: { message: /agenda item with a timebox/ } });
    createCard(y.doc, { column: 'agenda', title: 'Timeboxed', timebox: 5 });
    await server.app.registry.persisted();
    expect(await fac.send('meeting:advance', { phase: 'check-in' })).toMatchObject({ ok: true, data: { phase: 'check-in' } });
  });

  it('the facilitator moves the phases and walks the agenda; everyone follows; participants cannot', async () => {
    const { board, y, items } = await readyBoard();
    const fac = join(board, 'facilitator', 'Fay');
    const par = join(board, 'participant', 'Pat');
    await par.until((s) => s.roster.length === 2, 'both present');
    expect(await par.send('meeting:advance', { phase: 'agenda' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await fac.send('meeting:advance', { phase: 'agenda' });
    await par.until((s) => s.phase === 'agenda' && s.currentAgendaId === items[0], 'participant follows to the first item');
    await waitFor(() => readMeta(y.doc).currentAgendaId === items[0], 'the board shows the current item');
    await fac.send('meeting:next-item');
    const s = await par.until((st) => st.currentAgendaId === items[1], 'next item');
    // Moving on starts the next item's timebox.
    expect(s.timer).toMatchObject({ agendaId: items[1], status: 'running', durationMs: 10 * 60_000, endsAt: clock.now() + 10 * 60_000 });
    expect(await fac.send('meeting:next-item')).toMatchObject({ ok: false, error: { code: 'precondition_failed' } });
  });

  it('ending stores a named version, freezes the phase and refuses later commands', async () => {
    const { board, y } = await readyBoard();
    const fac = join(board, 'facilitator', 'Fay');
    const par = join(board, 'participant', 'Pat');
    await par.until((s) => s.roster.length === 2, 'both present');
    await fac.send('meeting:advance', { phase: 'agenda' });
    expect(await fac.send('meeting:end')).toMatchObject({ ok: true, data: { phase: 'ended', endedAt: clock.now() } });
    await par.until((s) => s.phase === 'ended', 'participant sees the end');
    expect(await fac.send('meeting:advance', { phase: 'agenda' })).toMatchObject({ ok: false, error: { code: 'meeting_ended' } });
    expect(await par.send('hand:raise')).toMatchObject({ ok: false, error: { code: 'meeting_ended' } });
    // A later edit of the board does not reopen the meeting.
    createCard(y.doc, { column: 'agenda', title: 'After the meeting' });
    await server.app.registry.persisted();
    expect(fac.state()!.phase).toBe('ended');
    await waitFor(async () => (await server.app.history.list(board.id)).length === 2, 'versions saved');
    const versions = await server.app.history.list(board.id);
    expect(versions.map((v) => v.name).sort()).toEqual(['Meeting ended', 'Meeting started']);
  });

  it("ending the meeting posts the summary to the board's webhook", async () => {
    const { board } = await readyBoard();
    const bodies: Array<{ text: string; board: { id: string } }> = [];
    const hook = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        bodies.push(JSON.parse(data));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      expect((await api(server.url, 'PUT', `/api/boards/${board.id}/webhook`, { url }, board.tokens.facilitator)).status).toBe(200);
      const fac = join(board, 'facilitator', 'Fay');
      await fac.until((s) => s.roster.length === 1, 'joined');
      await fac.send('meeting:end');
      await waitFor(() => bodies.length === 1, 'summary posted');
      expect(bodies[0].board.id).toBe(board.id);
      expect(bodies[0].text).toContain('Weekly cross-team sync');
    } finally {
      hook.close();
    }
  });
});

describe('timer', () => {
  it('start, pause, extend and expiry are server-authoritative and the same for everyone', async () => {
    const { board, items } = await readyBoard();
    const fac = join(board, 'facilitator', 'Fay');
    const par = join(board, 'participant', 'Pat');
    await par.until((s) => s.roster.length === 2, 'both present');
    await fac.send('meeting:set-item', { agendaId: items[0] });
    const started = await fac.send('timer:start');
    expect(started).toEqual({
      ok: true,
      data: { agendaId: items[0], status: 'running', durationMs: 300_000, endsAt: clock.now() + 300_000, remainingMs: 300_000, expiredAt: null },
    });
    await par.until((s) => s.timer.status === 'running', 'participant sees it running');
    expect(par.state()!.timer).toEqual(fac.state()!.timer);

    clock.advance(120_000);
    expect(await fac.send('timer:pause')).toMatchObject({ ok: true, data: { status: 'paused', remainingMs: 180_000, endsAt: null } });
    clock.advance(600_000); // paused time does not count
    expect(await fac.send('timer:extend', { minutes: 2 })).toMatchObject({ ok: true, data: { remainingMs: 300_000, durationMs: 420_000 } });
    expect(await fac.send('timer:start')).toMatchObject({ ok: true, data: { endsAt: clock.now() + 300_000 } });
    expect(await par.send('timer:pause')).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const expired = new Promise<{ agendaId: string | null }>((resolve) => par.socket.once('timer:expired', resolve));
    clock.advance(300_000);
    expect(await expired).toEqual({ agendaId: items[0] });
    await par.until((s) => s.timer.status === 'expired', 'expired state');
    expect(await fac.send('timer:extend', { minutes: 5 })).toMatchObject({ ok: true, data: { status: 'running', endsAt: clock.now() + 300_000 } });
  });

  it('the timer survives a server restart', async () => {
    const { board, items } = await readyBoard();
    const fac = join(board, 'facilitator', 'Fay');
    await fac.until((s) => s.roster.length === 1, 'joined');
    await fac.send('meeting:set-item', { agendaId: items[1] });
    await fac.send('timer:start');
    const endsAt = clock.now() + 600_000;
    fac.close();
    await server.stop();
    server = await startServer({ dataDir: server.dataDir, deps: { clock } });
    const again = join(board, 'facilitator', 'Fay', fac.seat());
    const s = await again.until((st) => st.roster.some((r) => r.online), 'rejoined');
    expect(s.timer).toMatchObject({ agendaId: items[1], status: 'running', endsAt });
    expect(s.facilitatorId).toBe(fac.id);
  });
});

describe('roster and speaking queue', () => {
  it('hands go up in order, the facilitator gives the floor, and reconnecting keeps your place on the roster', async () => {
    const { board } = await readyBoard();
    const fac = join(board, 'facilitator', 'Fay');
    const a = join(board, 'participant', 'Ana');
    await a.until((s) => s.roster.length === 2, 'two present');
    const b = join(board, 'participant', 'Ben');
    await fac.until((s) => s.roster.length === 3, 'three present');
    await b.send('hand:raise');
    clock.advance(1000);
    await a.send('hand:raise');
    expect(await a.send('queue:next')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await a.send('hand:lower', { participantId: b.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await fac.send('queue:next')).toEqual({ ok: true, data: { speakerId: b.id } });
    const s = await a.until((st) => st.speakerId === b.id, 'speaker announced');
    expect(s.roster.find((r) => r.id === a.id)!.handRaisedAt).not.toBeNull();
    expect(s.roster.find((r) => r.id === b.id)!.handRaisedAt).toBeNull();

    b.close();
    await fac.until((st) => st.roster.find((r) => r.id === b.id)?.online === false, 'Ben shown offline');
    const back = join(board, 'participant', 'Ben', b.seat());
    const st = await back.until((x) => x.roster.find((r) => r.id === b.id)?.online === true, 'Ben back');
    expect(st.roster).toHaveLength(3);
  });

  it('the facilitator hands over; a dropped facilitator passes the role on after the grace period, announced', async () => {
    const { board } = await readyBoard();
    const fac = join(board, 'facilitator', 'Fay');
    await fac.until((s) => s.roster.length === 1, 'facilitator first');
    clock.advance(1000);
    const ana = join(board, 'participant', 'Ana');
    await fac.until((s) => s.roster.length === 2, 'Ana present');
    clock.advance(1000);
    const ben = join(board, 'participant', 'Ben');
    await fac.until((s) => s.roster.length === 3, 'Ben present');

    expect(await fac.send('meeting:handover', { participantId: ben.id })).toMatchObject({ ok: true, data: { facilitatorId: ben.id } });
    expect((await ben.send('meeting:advance', { phase: 'check-in' })).ok).toBe(true);
    expect(await fac.send('meeting:advance', { phase: 'agenda' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await fac.send('meeting:claim')).toMatchObject({ ok: true, data: { facilitatorId: fac.id } });
    expect(await ana.send('meeting:claim')).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const announced = new Promise<{ message: string }>((resolve) => ana.socket.on('meeting:announce', (a) => a.message.includes('dropped') && resolve(a)));
    fac.close();
    await ana.until((s) => s.roster.find((r) => r.id === fac.id)?.online === false, 'facilitator offline');
    clock.advance(29_000);
    expect(ana.state()!.facilitatorId).toBe(fac.id);
    clock.advance(2_000);
    expect((await announced).message).toBe('Fay dropped out; Ana is now facilitating.');
    await ben.until((s) => s.facilitatorId === ana.id, 'longest-present participant leads');
  });
});

describe('dot voting', () => {
  it('votes are secret until reveal, limited to N dots each, and the round is recorded with sorted results', async () => {
    const board = await createBoard(server.url);
    const y = await ydoc(board);
    const churn = createCard(y.doc, { column: 'challenges', problem: 'Churn' });
    const hiring = createCard(y.doc, { column: 'challenges', problem: 'Hiring' });
    await server.app.registry.persisted();
    const fac = join(board, 'facilitator', 'Fay');
    const ana = join(board, 'participant', 'Ana');
    const ben = join(board, 'participant', 'Ben');
    const vic = join(board, 'viewer', 'Vic');
    await fac.until((s) => s.roster.length === 4, 'all present');
    expect(await ana.send('vote:open', { dots: 2 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await fac.send('vote:open', { dots: 2 })).toMatchObject({
      ok: true,
      data: { status: 'open', dotsPerPerson: 2, cardIds: expect.arrayContaining([churn, hiring]) },
    });

    expect(await ana.send('vote:cast', { cardId: hiring, delta: 1 })).toMatchObject({ ok: true, data: { dots: { [hiring]: 1 }, remaining: 1 } });
    expect(await ana.send('vote:cast', { cardId: hiring, delta: 1 })).toMatchObject({ ok: true, data: { remaining: 0 } });
    expect(await ana.send('vote:cast', { cardId: churn, delta: 1 })).toMatchObject({ ok: false, error: { message: 'you have placed all 2 dots' } });
    expect(await ben.send('vote:cast', { cardId: churn, delta: -1 })).toMatchObject({ ok: false });
    expect(await ben.send('vote:cast', { cardId: churn, delta: 1 })).toMatchObject({ ok: true });
    expect(await ben.send('vote:cast', { cardId: 'not-in-round', delta: 1 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await vic.send('vote:cast', { cardId: churn, delta: 1 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const before = await ben.until((s) => s.vote?.voters === 2, 'two voters counted');
    expect(before.vote!.results).toBeNull();
    expect(JSON.stringify(before)).not.toContain(ana.id + '"'.repeat(0) + '":'); // no ballots by person in the state

    expect(await fac.send('vote:reveal')).toMatchObject({
      ok: true,
      data: {
        status: 'revealed',
        results: [
          { cardId: hiring, dots: 2 },
          { cardId: churn, dots: 1 },
        ],
      },
    });
    await vic.until((s) => s.vote?.status === 'revealed', 'viewer sees results');
    expect(await ana.send('vote:cast', { cardId: churn, delta: 1 })).toMatchObject({ ok: false, error: { message: 'no vote is open' } });
    const recorded = await server.app.meetingStore.listVotes(board.id);
    expect(recorded).toEqual([
      expect.objectContaining({
        dotsPerPerson: 2,
        voters: 2,
        results: [
          { cardId: hiring, dots: 2 },
          { cardId: churn, dots: 1 },
        ],
      }),
    ]);
  });
});

describe('hidden writing', () => {
  it("hidden cards are not in the shared document until the facilitator reveals them, then appear under their authors' names", async () => {
    const board = await createBoard(server.url);
    const y = await ydoc(board);
    const fac = join(board, 'facilitator', 'Fay');
    const ana = join(board, 'participant', 'Ana');
    await fac.until((s) => s.roster.length === 2, 'both present');
    expect(await ana.send('draft:add', { card: { column: 'challenges', problem: 'x' } })).toMatchObject({ ok: false, error: { code: 'precondition_failed' } });
    await fac.send('hidden:set', { column: 'challenges', on: true });
    expect(await ana.send('draft:add', { card: { column: 'challenges', problem: 'Our release notes are unreadable' } })).toMatchObject({ ok: true });
    expect(await ana.send('draft:add', { card: { column: 'challenges', problem: 7 } as never })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const s = await fac.until((st) => st.hidden.drafts.length === 1, 'draft counted');
    expect(s.hidden).toEqual({ columns: ['challenges'], drafts: [{ authorId: ana.id, name: 'Ana', column: 'challenges', count: 1 }] });
    expect(JSON.stringify(s)).not.toContain('unreadable');
    expect(await fac.send('draft:list')).toEqual({ ok: true, data: [] });
    expect(listCards(y.doc, 'challenges')).toEqual([]);

    expect(await fac.send('hidden:reveal', { column: 'challenges' })).toEqual({ ok: true, data: { revealed: 1 } });
    await waitFor(() => listCards(y.doc, 'challenges').length === 1, 'revealed card reaches the board');
    expect(listCards(y.doc, 'challenges')[0]).toMatchObject({ problem: 'Our release notes are unreadable', createdBy: 'Ana' });
    await fac.until((st) => st.hidden.columns.length === 0 && st.hidden.drafts.length === 0, 'hidden mode off');
  });
});

describe('bad input and abuse', () => {
  it('wrong payload shapes and commands without an ack are refused; the server stays up', async () => {
    const { board } = await readyBoard();
    const fac = join(board, 'facilitator', 'Fay');
    await fac.until((s) => s.roster.length === 1, 'joined');
    expect(await fac.send('meeting:advance', { phase: 'party' } as never)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await fac.send('timer:extend', { minutes: '5' } as never)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await fac.send('meeting:set-item', { agendaId: 'not-a-card' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    (fac.socket.emit as (...a: unknown[]) => void)('meeting:advance', { phase: 'agenda' }); // no ack
    (fac.socket.emit as (...a: unknown[]) => void)('no:such-event', 1, 2, 3);
    expect(await fac.send('time:sync')).toEqual({ ok: true, data: { serverNow: clock.now() } });
  });

  it('a client flooding commands is rate-limited and then disconnected; others are unaffected', async () => {
    const { board } = await readyBoard();
    const flood = join(board, 'participant', 'Flo');
    const calm = join(board, 'participant', 'Cal');
    await calm.until((s) => s.roster.length === 2, 'both present');
    const disconnected = new Promise<void>((resolve) => flood.socket.once('disconnect', () => resolve()));
    const codes: string[] = [];
    // Acks still owed when the server hangs up never come: collect what arrives, do not wait for all.
    for (let i = 0; i < 120; i++) void flood.send('hand:raise').then((r) => codes.push(r.ok ? 'ok' : r.error.code));
    await disconnected;
    expect(codes.filter((c) => c === 'ok').length).toBeGreaterThan(0);
    expect(codes).toContain('rate_limited');
    // The burst (30) plus what the bucket refills (15/s) while the packets arrive: far fewer than were sent.
    expect(codes.filter((c) => c === 'ok').length).toBeLessThanOrEqual(60);
    expect(flood.socket.connected).toBe(false);
    expect(await calm.send('hand:raise')).toEqual({ ok: true, data: null });
  });

  it('replacing the participant link disconnects meeting sockets that used it', async () => {
    const { board } = await readyBoard();
    const fac = join(board, 'facilitator', 'Fay');
    const par = join(board, 'participant', 'Pat');
    await fac.until((s) => s.roster.length === 2, 'both present');
    const gone = new Promise<void>((resolve) => par.socket.once('disconnect', () => resolve()));
    await api(server.url, 'POST', `/api/boards/${board.id}/links/rotate`, { role: 'participant' }, board.tokens.facilitator);
    await gone;
    await fac.until((s) => s.roster.find((r) => r.id === par.id)?.online === false, 'participant gone');
    expect(fac.socket.connected).toBe(true);
    const retry = join(board, 'participant', 'Pat', par.seat());
    expect((await refusedJoin(retry)).code).toBe('forbidden');
  });

  it('a command for a card of another board is refused', async () => {
    const { board } = await readyBoard();
    const other = await readyBoard();
    const fac = join(board, 'facilitator', 'Fay');
    await fac.until((s) => s.roster.length === 1, 'joined');
    expect(await fac.send('meeting:set-item', { agendaId: other.items[0] })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect([...cardsMap(other.y.doc).keys()]).toContain(other.items[0]);
  });
});
