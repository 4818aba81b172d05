/**
 * Who you are in a meeting is issued by the server and bound to the socket: an id copied from the roster, a
 * forged seat key or a seat of another board gets you a seat of your own, never someone else's; and leading
 * needs the token's role as well as the seat. The roster is bounded.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createCard } from '../../shared/board-schema.js';
import type { MeetingClientEvents, MeetingServerEvents, MeetingState, Seat } from '../../shared/meeting.js';
import { createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';
import { joinMeeting, refusedJoin, type MeetingClient } from '../helpers/meeting-client.js';

let server: TestServer;
let clients: MeetingClient[] = [];
let raw: Socket[] = [];
let ys: YClient[] = [];

beforeEach(async () => {
  server = await startServer({ config: { meetingMaxPeople: 4 } });
});
afterEach(async () => {
  for (const c of clients) c.close();
  for (const s of raw) s.disconnect();
  for (const y of ys) y.destroy();
  clients = [];
  raw = [];
  ys = [];
  await server.stop();
});

const join = (board: TestBoard, role: 'facilitator' | 'participant' | 'viewer', name: string, seat?: Seat) => {
  const c = joinMeeting(server.url, board, board.tokens[role], { name, seat });
  clients.push(c);
  return c;
};

/** A meeting client as an attacker writes it: any handshake fields, raw events. */
function rawJoin(board: TestBoard, token: string, auth: Record<string, unknown>) {
  const socket: Socket<MeetingServerEvents, MeetingClientEvents> = ioClient(`${server.url}/meeting`, {
    transports: ['websocket'],
    reconnection: false,
    auth: { boardId: board.id, token, name: 'Mallory', color: '#b42318', ...auth },
  });
  raw.push(socket as Socket);
  const votes: unknown[] = [];
  const seats: Seat[] = [];
  let state: MeetingState | null = null;
  socket.on('vote:mine', (v) => votes.push(v));
  socket.on('meeting:seat', (s) => seats.push(s));
  socket.on('meeting:state', (s) => (state = s));
  return {
    socket,
    votes,
    seats,
    state: () => state,
    send: (name: string, payload: unknown = {}) =>
      new Promise<{ ok: boolean; error?: { code: string }; data?: any }>((resolve) => (socket.emit as (...a: unknown[]) => void)(name, payload, resolve)),
  };
}

async function boardWithChallenges(): Promise<{ board: TestBoard; challenge: string }> {
  const board = await createBoard(server.url);
  const y = connect(server.wsUrl, board);
  ys.push(y);
  await synced(y);
  const challenge = createCard(y.doc, { column: 'challenges', problem: 'Releases slip' });
  createCard(y.doc, { column: 'agenda', title: 'Wins', timebox: 5 });
  await server.app.registry.persisted();
  return { board, challenge };
}

describe('meeting identity is issued by the server', () => {
  it('a viewer who copies the facilitator’s id from the roster gets a seat of its own and cannot lead', async () => {
    const { board } = await boardWithChallenges();
    const fac = join(board, 'facilitator', 'Fay');
    await fac.until((s) => s.facilitatorId === fac.id, 'Fay leads');
    const mallory = rawJoin(board, board.tokens.viewer, { participantId: fac.id });
    await waitFor(() => mallory.seats.length === 1, 'Mallory is given a seat');
    expect(mallory.seats[0].id).not.toBe(fac.id);
    // Not with a made-up key either.
    const forger = rawJoin(board, board.tokens.viewer, { seat: { id: fac.id, key: 'A'.repeat(43) } });
    await waitFor(() => forger.seats.length === 1, 'the forger is given a seat');
    expect(forger.seats[0].id).not.toBe(fac.id);

    for (const m of [mallory, forger]) {
      expect(await m.send('meeting:end')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await m.send('vote:open', { dots: 3 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await m.send('hidden:reveal', { column: 'challenges' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    const s = await fac.until((st) => st.roster.length === 3, 'three on the roster');
    expect(s.facilitatorId).toBe(fac.id);
    expect(s.phase).toBe('lobby');
    expect(s.roster.filter((r) => r.id === fac.id)).toHaveLength(1);
  });

  it('nobody receives another person’s secret ballot by joining with their id', async () => {
    const { board, challenge } = await boardWithChallenges();
    const fac = join(board, 'facilitator', 'Fay');
    const ana = join(board, 'participant', 'Ana');
    await fac.until((s) => s.roster.length === 2, 'both present');
    expect((await fac.send('vote:open', { dots: 3 })).ok).toBe(true);
    expect((await ana.send('vote:cast', { cardId: challenge, delta: 1 })).ok).toBe(true);

    const spy = rawJoin(board, board.tokens.viewer, { participantId: ana.id });
    const peer = rawJoin(board, board.tokens.participant, { participantId: ana.id });
    await waitFor(() => spy.state() !== null && peer.state() !== null, 'both joined');
    // A ballot of Ana's would arrive right after the join; a cast by Ana reaches Ana alone.
    expect((await ana.send('vote:cast', { cardId: challenge, delta: 1 })).ok).toBe(true);
    await ana.until((s) => s.vote?.voters === 1, 'Ana counted once');
    // The participant has a ballot of its own (empty); nobody sees Ana's dots.
    expect(spy.votes).toEqual([]);
    expect(peer.votes.every((v) => Object.keys((v as { dots: object }).dots).length === 0)).toBe(true);
    expect(peer.votes.length).toBeGreaterThan(0);
  });

  it('a participant reusing another’s id can neither read nor delete their hidden cards', async () => {
    const { board } = await boardWithChallenges();
    const fac = join(board, 'facilitator', 'Fay');
    const ana = join(board, 'participant', 'Ana');
    await fac.until((s) => s.roster.length === 2, 'both present');
    expect((await fac.send('hidden:set', { column: 'challenges', on: true })).ok).toBe(true);
    const added = await ana.send('draft:add', { card: { column: 'challenges', problem: 'My secret worry' } });
    expect(added.ok).toBe(true);
    const draftId = added.ok ? added.data.id : '';

    const thief = rawJoin(board, board.tokens.participant, { participantId: ana.id });
    await waitFor(() => thief.state() !== null, 'thief joined');
    expect(await thief.send('draft:list')).toEqual({ ok: true, data: [] });
    expect(await thief.send('draft:delete', { id: draftId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const mine = await ana.send('draft:list');
    expect(mine.ok && mine.data.map((d) => d.card)).toEqual([{ column: 'challenges', problem: 'My secret worry' }]);
  });

  it('a seat comes back with its key, but leading also needs the token’s role; a seat of one board is nothing on another', async () => {
    const { board } = await boardWithChallenges();
    const fac = join(board, 'facilitator', 'Fay');
    await fac.until((s) => s.facilitatorId === fac.id, 'Fay leads');
    const seat = fac.seat();
    fac.close();

    // The same seat through the viewer link: the same person on the roster, without the facilitator's rights.
    const asViewer = join(board, 'viewer', 'Fay', seat);
    const s = await asViewer.until((st) => st.roster.some((r) => r.id === seat.id && r.online), 'Fay back as a viewer');
    expect(asViewer.id).toBe(seat.id);
    expect(s.facilitatorId).toBe(seat.id);
    expect(await asViewer.send('meeting:advance', { phase: 'check-in' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await asViewer.send('meeting:end')).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // Back through the facilitator link: leading again.
    asViewer.close();
    const again = join(board, 'facilitator', 'Fay', seat);
    await again.until((st) => st.roster.some((r) => r.id === seat.id && r.online && r.role === 'facilitator'), 'Fay back');
    expect((await again.send('meeting:advance', { phase: 'check-in' })).ok).toBe(true);

    const other = await createBoard(server.url, 'Another board');
    const elsewhere = join(other, 'facilitator', 'Fay', seat);
    await elsewhere.until((st) => st.roster.length === 1, 'joined the other board');
    expect(elsewhere.id).not.toBe(seat.id);
  });
});

describe('the roster is bounded', () => {
  it('past the limit the longest-gone make room, and a join is refused only when everyone is present', async () => {
    const { board } = await boardWithChallenges();
    const fac = join(board, 'facilitator', 'Fay');
    await fac.until((s) => s.roster.length === 1, 'Fay');
    const ana = join(board, 'participant', 'Ana');
    await fac.until((s) => s.roster.length === 2, 'Ana');
    const ben = join(board, 'viewer', 'Ben');
    await fac.until((s) => s.roster.length === 3, 'Ben');
    const cal = join(board, 'viewer', 'Cal');
    await fac.until((s) => s.roster.length === 4, 'Cal');

    const dan = joinMeeting(server.url, board, board.tokens.viewer, { name: 'Dan' });
    clients.push(dan);
    expect(await refusedJoin(dan)).toMatchObject({ code: 'meeting_full' });

    const anaSeat = ana.seat();
    ana.close();
    await fac.until((s) => s.roster.find((r) => r.id === anaSeat.id)?.online === false, 'Ana gone');
    const eve = join(board, 'viewer', 'Eve');
    const s = await fac.until((st) => st.roster.some((r) => r.name === 'Eve'), 'Eve takes the room Ana left');
    expect(s.roster.map((r) => r.name).sort()).toEqual(['Ben', 'Cal', 'Eve', 'Fay']);
    expect(eve.id).not.toBe(anaSeat.id);
    void ben;
    void cal;
  });

  it('attendees are the people who took a seat, not names anyone writes into presence', async () => {
    const { board } = await boardWithChallenges();
    const fac = join(board, 'facilitator', 'Fay');
    await fac.until((s) => s.roster.length === 1, 'Fay');
    // A presence state naming someone who never came.
    const y = connect(server.wsUrl, board, board.tokens.viewer);
    ys.push(y);
    await synced(y);
    y.provider.awareness.setLocalStateField('user', { name: 'Ghost', color: '#175cd3' });
    await waitFor(
      () => [...(server.app.registry.loaded(board.id)?.awareness.getStates().values() ?? [])].some((st) => st.user?.name === 'Ghost'),
      'presence arrived',
    );
    const summary = await server.app.summaries.summary(board.id);
    expect(summary!.attendees).toContain('Fay');
    expect(summary!.attendees).not.toContain('Ghost');
  });
});
