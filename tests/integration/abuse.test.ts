/**
 * Hostile clients on the network level: presence floods, forged or oversized presence, connection churn,
 * and slow-loris handshakes. In each case the server stays up, the offender is cut off or ignored, and
 * well-behaved clients are not disturbed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import * as Y from 'yjs';
import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { createCard, listCards } from '../../shared/board-schema.js';
import { CloseCode } from '../../shared/errors.js';
import { api, createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';
import { awarenessFrame } from '../helpers/frames.js';

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

function openRaw(on: TestBoard = board, token = on.tokens.participant): Promise<WebSocket> {
  const ws = new WebSocket(`${server.wsUrl}/yjs/${on.id}?token=${token}`);
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
    await waitFor(
      () => ![...b.provider.awareness.getStates().values()].some((s) => String((s.user as { name?: string })?.name).startsWith('Flood')),
      'flooder gone',
    );
    await stillWorks('after the presence flood');
  }, 30_000);

  it('a thousand connections opened and dropped leave nothing behind', async () => {
    const baseline = server.app.sync.connectionCount;
    for (let batch = 0; batch < 10; batch++) {
      const sockets = await Promise.all(Array.from({ length: 100 }, () => openRaw()));
      await Promise.all(
        sockets.map((ws, i) => {
          const gone = new Promise<void>((resolve) => ws.once('close', () => resolve()));
          if (i % 2)
            ws.terminate(); // half drop dead, half say goodbye
          else ws.close();
          return gone;
        }),
      );
    }
    await waitFor(() => server.app.sync.connectionCount === baseline, 'connection count back to baseline');
    expect(server.app.sync.peerCount(board.id)).toBe(2);
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

const person = (name: string, extra: Record<string, unknown> = {}) => JSON.stringify({ user: { name, color: '#175cd3' }, ...extra });
const nameOf = (c: YClient, id: number) => (c.provider.awareness.getStates().get(id)?.user as { name?: string } | undefined)?.name;
/** Names of the people `c` sees, itself excluded. */
const namesSeenBy = (c: YClient) =>
  [...c.provider.awareness.getStates()].filter(([id]) => id !== c.doc.clientID).map(([, s]) => (s.user as { name?: string } | undefined)?.name);

describe('hostile presence', () => {
  const opened: Array<YClient | WebSocket> = [];
  const client = (on: TestBoard, token?: string) => {
    const c = connect(server.wsUrl, on, token);
    opened.push(c);
    return c;
  };
  const rawSocket = async (on: TestBoard) => {
    const ws = await openRaw(on);
    opened.push(ws);
    return ws;
  };
  afterEach(() => {
    for (const c of opened.splice(0))
      if (c instanceof WebSocket) c.terminate();
      else c.destroy();
  });

  it('a frame publishing 2,000 client ids adds no presence, and a connection takes at most four ids over its life', async () => {
    const own = await createBoard(server.url);
    const observer = client(own, own.tokens.viewer);
    await synced(observer);
    const ws = await rawSocket(own);
    const many = Array.from({ length: 2000 }, (_, i): [number, number, string] => [500_000 + i, 1, person(`Ghost ${i}`)]);
    ws.send(awarenessFrame(many));
    // One id per frame, four times: allowed; a fifth new id is not.
    for (let i = 1; i <= 5; i++) ws.send(awarenessFrame([[900_000 + i, 1, person(`Tab ${i}`)]]));
    // An update of an id it owns, after all the above: once the observer has it, the rest was handled.
    ws.send(awarenessFrame([[900_001, 2, person('Tab 1, renamed')]]));
    await waitFor(() => nameOf(observer, 900_001) === 'Tab 1, renamed', 'the last update reaches the observer');
    expect(namesSeenBy(observer).sort()).toEqual(['Tab 1, renamed', 'Tab 2', 'Tab 3', 'Tab 4']);
    const states = server.app.registry.loaded(own.id)!.awareness.getStates();
    expect([...states.keys()].sort()).toEqual([900_001, 900_002, 900_003, 900_004]);
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it("a second connection reusing someone's client id can neither change nor remove their presence", async () => {
    const own = await createBoard(server.url);
    const ana = client(own);
    const observer = client(own, own.tokens.viewer);
    await Promise.all([synced(ana), synced(observer)]);
    ana.provider.awareness.setLocalState({ user: { name: 'Ana', color: '#175cd3' }, editing: null });
    const id = ana.doc.clientID;
    await waitFor(() => nameOf(observer, id) === 'Ana', "Ana's presence reaches the observer");
    const clock = ana.provider.awareness.meta.get(id)!.clock;

    const ws = await rawSocket(own);
    ws.send(awarenessFrame([[id, clock + 5, person('Mallory')]]));
    ws.send(awarenessFrame([[id, clock + 10, 'null']]));
    ws.send(
      awarenessFrame([
        [id, clock + 10, 'null'],
        [777_001, 1, person('Mal')],
      ]),
    );
    await waitFor(() => nameOf(observer, 777_001) === 'Mal', 'the sender’s own presence shows');
    expect(nameOf(observer, id)).toBe('Ana');
    expect(server.app.registry.loaded(own.id)!.awareness.getStates().get(id)).toEqual({ user: { name: 'Ana', color: '#175cd3' }, editing: null });

    // Ana still owns her id: her own changes go through, and leaving removes her.
    ana.provider.awareness.setLocalStateField('editing', 'card-1');
    await waitFor(() => observer.provider.awareness.getStates().get(id)?.editing === 'card-1', "Ana's change reaches the observer");
    ana.provider.awareness.setLocalState(null);
    await waitFor(() => !observer.provider.awareness.getStates().has(id), "Ana's removal reaches the observer");
  });

  it('an oversized, malformed or schema-invalid state is not relayed, while a valid one from the same frame is', async () => {
    const own = await createBoard(server.url);
    const observer = client(own, own.tokens.viewer);
    await synced(observer);
    const ws = await rawSocket(own);
    ws.send(
      awarenessFrame([
        [600_001, 1, person('Huge', { pad: 'x'.repeat(200_000) })],
        [600_002, 1, JSON.stringify({ user: { name: 'Red', color: 'red' } })],
        [600_003, 1, '{"user": {"name": "Cut'],
        [600_004, 1, '[1,2,3]'],
        [600_005, 1, JSON.stringify({ user: { name: 'x'.repeat(5000), color: '#175cd3' } })],
        [600_006, 1, person('Valid')],
      ]),
    );
    await waitFor(() => nameOf(observer, 600_006) === 'Valid', 'the valid state reaches the observer');
    expect(namesSeenBy(observer)).toEqual(['Valid']);
    expect([...server.app.registry.loaded(own.id)!.awareness.getStates().keys()]).toEqual([600_006]);
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('a client id another client echoed after its owner left is free again once that echo of the removal arrives', async () => {
    const own = await createBoard(server.url);
    const observer = client(own, own.tokens.viewer);
    await synced(observer);
    const first = await rawSocket(own);
    first.send(awarenessFrame([[700_001, 1, person('Ana')]]));
    await waitFor(() => nameOf(observer, 700_001) === 'Ana', 'Ana shows');
    first.close();
    await waitFor(() => !observer.provider.awareness.getStates().has(700_001), 'Ana leaves');
    // Another client echoes Ana's last state and then her removal, both arriving after she left.
    const echoer = await rawSocket(own);
    echoer.send(awarenessFrame([[700_001, 1, person('Ana')]]));
    echoer.send(
      awarenessFrame([
        [700_001, 1, 'null'],
        [700_002, 1, person('Echo')],
      ]),
    );
    await waitFor(() => nameOf(observer, 700_002) === 'Echo', 'the echoes were handled');
    const back = await rawSocket(own);
    back.send(awarenessFrame([[700_001, 2, person('Ana, back')]]));
    await waitFor(() => nameOf(observer, 700_001) === 'Ana, back', 'Ana shows again under her id');
  });

  it("on a board of six, everyone's presence reaches everyone, though each client echoes the others' ids back", async () => {
    const own = await createBoard(server.url);
    const people = Array.from({ length: 6 }, (_, i) => client(own, i % 2 ? own.tokens.viewer : own.tokens.participant));
    await Promise.all(people.map(synced));
    people.forEach((p, i) => p.provider.awareness.setLocalState({ user: { name: `P${i}`, color: '#175cd3' }, editing: null }));
    const all = people.map((_, i) => `P${i}`);
    await waitFor(() => people.every((p, i) => namesSeenBy(p).sort().join() === all.filter((_, j) => j !== i).join()), 'everyone sees everyone else');
    // A tab that reconnects keeps its client id, which its old connection no longer holds.
    const id = people[0].doc.clientID;
    people[0].provider.disconnect();
    await waitFor(() => !people[1].provider.awareness.getStates().has(id), 'the others see it go');
    people[0].provider.connect();
    await synced(people[0]);
    people[0].provider.awareness.setLocalStateField('editing', 'card-9');
    await waitFor(() => people[1].provider.awareness.getStates().get(id)?.editing === 'card-9', 'it shows again after reconnecting');
  });
});
