import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { Ack, BoardMetaEvent, ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js';
import { setMeta } from '../../shared/board-schema.js';
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
  const s: ClientSocket = ioClient(server.url, { transports: ['websocket'] });
  sockets.push(s);
  return s;
}
const watch = (s: ClientSocket, payload: unknown) =>
  new Promise<Ack<BoardMetaEvent>>((resolve) => s.emit('board:watch', payload as never, resolve));

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
