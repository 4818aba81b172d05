/**
 * Hostile clients on the network level: presence floods, connection churn, and slow-loris handshakes.
 * In each case the server stays up, the offender is cut off, and well-behaved clients are not disturbed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import * as Y from 'yjs';
import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { createCard, listCards } from '../../shared/board-schema.js';
import { CloseCode } from '../../shared/errors.js';
import { api, createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

let server: TestServer;
let board: TestBoard;
let a: YClient;
let b: YClient;

beforeAll(async () => {
  server = await startServer({ config: { headersTimeoutMs: 500 } });
  board = await createBoard(server.url);
  a = connect(server.wsUrl, board);
  b = connect(server.wsUrl, board);
  await Promise.all([synced(a), synced(b)]);
});
afterAll(async () => {
  a.destroy();
  b.destroy();
  await server.stop();
});

async function stillWorks(title: string): Promise<void> {
  createCard(a.doc, { column: 'agenda', title });
  await waitFor(() => listCards(b.doc, 'agenda').some((c) => c.title === title), `"${title}" reaches b`);
}

function openRaw(): Promise<WebSocket> {
  const ws = new WebSocket(`${server.wsUrl}/yjs/${board.id}?token=${board.tokens.participant}`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('abuse', () => {
  it('a presence flood is cut off, and the others keep their presence and edits', async () => {
    const ws = await openRaw();
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, r) => resolve({ code, reason: r.toString() })));
    const fake = new Awareness(new Y.Doc());
    for (let i = 0; i < 2000 && ws.readyState === WebSocket.OPEN; i++) {
      fake.setLocalState({ user: { name: `Flood ${i}`, color: '#b42318' } });
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, encodeAwarenessUpdate(fake, [fake.clientID]));
      ws.send(encoding.toUint8Array(e));
    }
    expect(await closed).toEqual({ code: CloseCode.InvalidMessage, reason: 'too many presence updates' });
    a.provider.awareness.setLocalStateField('user', { name: 'Ana', color: '#175cd3' });
    await waitFor(
      () => [...b.provider.awareness.getStates().values()].some((s) => (s.user as { name?: string } | undefined)?.name === 'Ana'),
      "Ana's presence still reaches b",
    );
    // The flooder's presence went with its connection.
    await waitFor(() => ![...b.provider.awareness.getStates().values()].some((s) => String((s.user as { name?: string })?.name).startsWith('Flood')), 'flooder gone');
    await stillWorks('after the presence flood');
  }, 30_000);

  it('a thousand connections opened and dropped leave nothing behind', async () => {
    const baseline = server.app.sync.connectionCount;
    for (let batch = 0; batch < 10; batch++) {
      const sockets = await Promise.all(Array.from({ length: 100 }, () => openRaw()));
      await Promise.all(
        sockets.map((ws, i) => {
          const gone = new Promise<void>((resolve) => ws.once('close', () => resolve()));
          if (i % 2) ws.terminate(); // half drop dead, half say goodbye
          else ws.close();
          return gone;
        }),
      );
    }
    await waitFor(() => server.app.sync.connectionCount === baseline, 'connection count back to baseline');
    expect(server.app.registry.loaded(board.id)!.peers.size).toBe(2);
    await stillWorks('after the churn');
  }, 60_000);

  it('a slow-loris handshake is cut off while others connect normally', async () => {
    const socket = net.connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(`GET /yjs/${board.id}?token=${board.tokens.participant} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n`);
    socket.resume(); // read what the server answers (a 408), so its hang-up is seen
    // ...and never finish the headers. Meanwhile a normal client connects and works.
    const c = connect(server.wsUrl, board, board.tokens.viewer);
    try {
      await synced(c);
      await ended;
      expect(socket.destroyed).toBe(true);
      expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
    } finally {
      c.destroy();
    }
  }, 30_000);
});
