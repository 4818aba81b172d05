import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { Ack, ActionsChangedEvent, BoardMetaEvent, BoardRevokedEvent, ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js';
import type { ActionItem } from '../../shared/action-extraction.js';
import { addDecision, createCard, setMeta } from '../../shared/board-schema.js';
import { CloseCode } from '../../shared/errors.js';
import { api, createBoard, startServer, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let server: TestServer;
let sockets: ClientSocket[] = [];
let ydocs: YClient[] = [];

beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  for (const s of sockets) s.disconnect();
  for (const c of ydocs) c.destroy();
  sockets = [];
  ydocs = [];
  await server.stop();
});

function socket(): ClientSocket {
  const s: ClientSocket = ioClient(server.url, { transports: ['websocket'], reconnection: false });
  sockets.push(s);
  return s;
}
const watch = (s: ClientSocket, payload: unknown) => new Promise<Ack<BoardMetaEvent>>((resolve) => s.emit('board:watch', payload as never, resolve));
const watchActions = (s: ClientSocket, payload: unknown) => new Promise<Ack<ActionItem[]>>((resolve) => s.emit('actions:watch', payload as never, resolve));
const unwatch = (s: ClientSocket, boardId: string) => new Promise<Ack>((resolve) => s.emit('board:unwatch', { boardId }, resolve));
const connected = (s: ClientSocket) => waitFor(() => s.connected, 'socket connected');

describe('board events over socket.io, on the same port as y-websocket', () => {
  it('a watcher hears renames made in the shared document, while y-websocket clients stay connected', async () => {
    const board = await createBoard(server.url, 'Weekly');
    const boardId = board.id;
    const y = connect(server.wsUrl, board);
    ydocs.push(y);
    await synced(y);
    const s = socket();
    expect(await watch(s, { boardId, token: board.tokens.viewer })).toEqual({ ok: true, data: { boardId, title: 'Weekly', purpose: 'Unblock each other' } });
    const heard: BoardMetaEvent[] = [];
    s.on('board:renamed', (e) => heard.push(e));
    setMeta(y.doc, { title: 'Weekly cross-team sync' });
    await waitFor(() => heard.length === 1, 'rename event');
    expect(heard[0]).toEqual({ boardId, title: 'Weekly cross-team sync', purpose: 'Unblock each other' });
    expect(y.provider.wsconnected).toBe(true);
  });

  it('deleting a board tells its watchers and closes its websockets with a reason', async () => {
    const board = await createBoard(server.url);
    const boardId = board.id;
    const y = connect(server.wsUrl, board);
    ydocs.push(y);
    await synced(y);
    const closeCodes: number[] = [];
    y.provider.on('connection-close', (e: CloseEvent | null) => e && closeCodes.push(e.code));
    const s = socket();
    await watch(s, { boardId, token: board.tokens.participant });
    const deleted = new Promise<{ boardId: string }>((resolve) => s.once('board:deleted', resolve));
    expect((await api(server.url, 'DELETE', `/api/boards/${boardId}`, undefined, board.tokens.facilitator)).status).toBe(204);
    expect(await deleted).toEqual({ boardId });
    await waitFor(() => closeCodes.includes(CloseCode.BoardDeleted), 'websocket closed as deleted');
  });

  it('refuses a bad or unknown board id with an error ack and stays up', async () => {
    const s = socket();
    expect(await watch(s, { evil: true })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await watch(s, 'nosuchboard1')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await watch(s, { boardId: 'nosuchboard1', token: 'x' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    s.emit('board:watch', 'no-ack-given' as never, undefined as never);
    const board = await createBoard(server.url);
    expect(await watch(s, { boardId: board.id, token: 'wrong' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await watch(s, { boardId: board.id, token: board.tokens.viewer })).toMatchObject({ ok: true });
  });
});

describe('replacing a link cuts off the socket.io watchers that came in with it', () => {
  it('an old-link watcher hears board:revoked and no further action items, while watchers with other links keep hearing them', async () => {
    const board = await createBoard(server.url);
    const boardId = board.id;
    const y = connect(server.wsUrl, board, board.tokens.facilitator);
    ydocs.push(y);
    await synced(y);
    const card = createCard(y.doc, { column: 'agenda', title: 'Launch' });

    const old = socket();
    const facilitator = socket();
    const viewer = socket();
    const both = socket(); // watched with the participant link and with the viewer link
    expect(await watchActions(old, { boardId, token: board.tokens.participant })).toMatchObject({ ok: true });
    expect(await watchActions(facilitator, { boardId, token: board.tokens.facilitator })).toMatchObject({ ok: true });
    expect(await watch(viewer, { boardId, token: board.tokens.viewer })).toMatchObject({ ok: true });
    expect(await watch(both, { boardId, token: board.tokens.participant })).toMatchObject({ ok: true });
    expect(await watch(both, { boardId, token: board.tokens.viewer })).toMatchObject({ ok: true });
    const revoked = new Map<ClientSocket, BoardRevokedEvent[]>();
    for (const s of [old, facilitator, viewer, both]) {
      revoked.set(s, []);
      s.on('board:revoked', (e) => revoked.get(s)!.push(e));
    }

    const res = await api(server.url, 'POST', `/api/boards/${boardId}/links/rotate`, { role: 'participant' }, board.tokens.facilitator);
    expect(res.status).toBe(200);
    await waitFor(() => revoked.get(old)!.length === 1, 'the old-link watcher is told');
    expect(revoked.get(old)).toEqual([{ boardId, reason: expect.stringMatching(/replaced/) }]);

    const heard = new Map<ClientSocket, ActionsChangedEvent[]>();
    for (const s of [old, facilitator, viewer, both]) {
      heard.set(s, []);
      s.on('actions:changed', (e) => heard.get(s)!.push(e));
    }
    addDecision(y.doc, card, { text: '@Sam drafts the memo', decidedBy: 'Ana' });
    const memo = (s: ClientSocket) => heard.get(s)!.some((e) => e.items.some((i) => i.owners.includes('Sam')));
    await waitFor(() => memo(facilitator) && memo(viewer) && memo(both), 'the other watchers hear the decision');
    // One round trip on the old socket: whatever the server sent it before this ack has arrived by now.
    expect(await unwatch(old, boardId)).toEqual({ ok: true, data: null });
    expect(heard.get(old)).toEqual([]);
    expect(old.connected).toBe(true); // it may go on watching other boards
    for (const s of [facilitator, viewer, both]) expect(revoked.get(s)).toEqual([]);
    expect(await watchActions(old, { boardId, token: board.tokens.participant })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const fresh = new URL(res.body.link).searchParams.get('token')!;
    expect(await watchActions(old, { boardId, token: fresh })).toMatchObject({ ok: true });
  });
});

describe('limits on the default namespace', () => {
  it('a socket flooding actions:watch gets rate_limited acks and is disconnected, while another client and /api/health keep answering', async () => {
    const board = await createBoard(server.url);
    const payload = { boardId: board.id, token: board.tokens.viewer };
    const calm = socket();
    const flood = socket();
    await Promise.all([connected(calm), connected(flood)]);
    const codes: string[] = [];
    // Acks still owed when the server hangs up never come: collect what arrives, do not wait for all.
    for (let i = 0; i < 300; i++) flood.emit('actions:watch', payload, (r) => codes.push(r.ok ? 'ok' : r.error.code));
    const [watched, health] = await Promise.all([watchActions(calm, payload), api(server.url, 'GET', '/api/health')]);
    expect(watched).toEqual({ ok: true, data: [] });
    expect(health.status).toBe(200);
    await waitFor(() => !flood.connected, 'the flooder is disconnected');
    expect(codes).toContain('rate_limited');
    expect(codes.every((c) => c === 'ok' || c === 'rate_limited')).toBe(true);
    // Far fewer were answered than were sent: the rest were never handled.
    expect(codes.length).toBeLessThan(100);
    expect(calm.connected).toBe(true);
    expect(await watch(calm, payload)).toMatchObject({ ok: true });
  });

  it('a second watch sent before the first is answered is refused; once answered, the next one is served', async () => {
    const board = await createBoard(server.url);
    const payload = { boardId: board.id, token: board.tokens.viewer };
    const s = socket();
    await connected(s);
    const acks = await Promise.all([watchActions(s, payload), watch(s, payload), watchActions(s, payload)]);
    expect(acks[0]).toEqual({ ok: true, data: [] });
    expect(acks.slice(1)).toEqual([
      { ok: false, error: { code: 'rate_limited', reason: 'one_watch_at_a_time', message: expect.stringMatching(/one watch at a time/) } },
      { ok: false, error: { code: 'rate_limited', reason: 'one_watch_at_a_time', message: expect.stringMatching(/one watch at a time/) } },
    ]);
    expect(await watch(s, payload)).toMatchObject({ ok: true });
    expect(await unwatch(s, board.id)).toEqual({ ok: true, data: null });
  });
});
