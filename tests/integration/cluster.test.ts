/**
 * Several instances serving the same boards (REDIS_URL), on SQLite (one data directory) and on PostgreSQL:
 * clients spread over the instances converge, what each stores is stored once, once-only work (action items,
 * announcements) happens once, a board's owner can go away, and Redis can restart under them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { io as ioClient, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import type { ActionItem } from '../../shared/action-extraction.js';
import { createCard, readBoard } from '../../shared/board-schema.js';
import type { Ack, ActionsChangedEvent, ClientToServerEvents, ServerToClientEvents } from '../../shared/socket-events.js';
import { startCluster, type Engine, type TestCluster } from '../helpers/cluster.js';
import { addCard, addDecision, api, createBoard, startServer, type TestBoard } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ENGINES: Engine[] = ['sqlite', 'postgres'];

describe.each(ENGINES)('several instances on %s', (engine) => {
  let cluster: TestCluster | null = null;
  const clients: YClient[] = [];
  const sockets: ClientSocket[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const s of sockets.splice(0)) s.disconnect();
    await cluster?.stop();
    cluster = null;
  });

  const titles = (doc: Y.Doc) =>
    readBoard(doc)
      .columns.agenda.map((c) => c.title)
      .sort();
  const join = async (url: string, board: TestBoard) => {
    const c = connect(url, board);
    clients.push(c);
    await synced(c);
    return c;
  };
  const actions = async (url: string, board: TestBoard) =>
    (await api<{ actionItems: ActionItem[] }>(url, 'GET', `/api/boards/${board.id}/actions`, undefined, board.tokens.viewer)).body.actionItems;

  it('clients spread over three instances converge, and every edit is stored once', async () => {
    cluster = await startCluster(3, { engine });
    const [a, b, c] = cluster.servers;
    const board = await createBoard(a.url);
    const ys = [await join(a.wsUrl, board), await join(b.wsUrl, board), await join(c.wsUrl, board)];
    ys.forEach((y, i) => {
      for (let k = 0; k < 5; k++) createCard(y.doc, { column: 'agenda', title: `from ${i} #${k}` });
    });
    const expected = ys.flatMap((_, i) => Array.from({ length: 5 }, (_, k) => `from ${i} #${k}`)).sort();
    for (const y of ys) await waitFor(() => titles(y.doc).length === 15, 'every client has every card');
    for (const y of ys) expect(titles(y.doc)).toEqual(expected);

    // Stored once: each card's update is in the log once (by the instance its client is on), not once per instance.
    const stores = await cluster.openStores();
    try {
      await waitFor(async () => (await stores.boards.logLength(board.id)) >= 15, 'all stored');
      expect(await stores.boards.logLength(board.id)).toBe(15);
    } finally {
      await stores.close();
    }
    // And a single server started afterwards on the same store reads the same board.
    const config = cluster.config;
    const dataDir = cluster.dataDir;
    await cluster.stop();
    cluster = null;
    const alone = await startServer({ dataDir, config: { ...config, redisUrl: undefined } });
    try {
      const y = connect(alone.wsUrl, board);
      clients.push(y);
      await synced(y);
      expect(titles(y.doc)).toEqual(expected);
    } finally {
      await alone.stop();
    }
  });

  it('a decision made through A is one action item, heard live through B and listed alike through C', async () => {
    cluster = await startCluster(3, { engine });
    const [a, b, c] = cluster.servers;
    const board = await createBoard(a.url);
    // Everyone holds the board, so each instance could extract; only its owner may.
    for (const s of cluster.servers) await join(s.wsUrl, board);
    const watcher: ClientSocket = ioClient(b.url, { transports: ['websocket'] });
    sockets.push(watcher);
    const heard: ActionsChangedEvent[] = [];
    watcher.on('actions:changed', (e) => heard.push(e));
    const ack = await new Promise<Ack<ActionItem[]>>((r) => watcher.emit('actions:watch', { boardId: board.id, token: board.tokens.viewer }, r));
    expect(ack).toEqual({ ok: true, data: [] });

    const cardId = await addCard(a.url, board, { column: 'challenges', problem: 'Invoices go out late' });
    const itemId = await addDecision(a.url, board, cardId, { text: 'Ana fixes the invoice run', owner: 'Ana', due: '2030-03-01' });
    await waitFor(() => heard.some((e) => e.items.some((i) => i.id === itemId)), 'B hears the new item');
    for (const s of [a, b, c]) {
      const items = await actions(s.url, board);
      expect(items.map((i) => [i.id, i.owners, i.due])).toEqual([[itemId, ['Ana'], '2030-03-01']]);
    }
    // Extracted by one instance, the board's owner: the others hold the board but never parse its decisions.
    expect(cluster.servers.filter((s) => s.app.actions.decisionsParsed > 0)).toHaveLength(1);
    expect(heard.filter((e) => e.items.some((i) => i.id === itemId))).toHaveLength(1);
  });
});
