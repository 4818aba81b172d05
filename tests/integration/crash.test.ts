/**
 * Durability under a process crash: many clients edit one board, the server is killed with SIGKILL at a
 * seeded random moment and restarted on the same data directory. Whatever any client had received from
 * the server before the kill must be there after the restart, and the clients must converge again with
 * the edits they made while it was down.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { api, createBoard, tempDataDir } from '../helpers/server.js';
import { freePort, startChildServer, type ChildServer } from '../helpers/child-server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

const CLIENTS = 20;
/** Several kill moments, reproducible: each seed picks how many writes happen before the kill. */
const SEEDS = [1, 7, 42];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Each client appends its own entries `c<i>:<n>` to one shared array, so the origin of each entry is known. */
const entries = (doc: Y.Doc): string[] => doc.getArray<string>('crash-test').toArray();

let server: ChildServer | null = null;
let clients: YClient[] = [];
afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  if (server && server.proc.exitCode === null && server.proc.signalCode === null) {
    server.proc.kill('SIGKILL');
    await server.exited;
  }
  server = null;
});

describe('crash safety', () => {
  it.each(SEEDS)(
    'after SIGKILL (seed %i) nothing any client had received is lost, and offline edits merge',
    async (seed) => {
      const random = mulberry32(seed);
      const dataDir = tempDataDir();
      const port = await freePort();
      server = await startChildServer(dataDir, port);
      const board = await createBoard(server.url);
      clients = Array.from({ length: CLIENTS }, () => connect(server!.wsUrl, board));
      await Promise.all(clients.map(synced));

      const killAfter = 100 + Math.floor(random() * 300);
      let written = 0;
      let killed = false;
      const writeOne = () => {
        const i = Math.floor(random() * CLIENTS);
        clients[i].doc.getArray<string>('crash-test').push([`c${i}:${written++}`]);
      };
      // Writes paced over ~1 ms turns so that at the kill some are relayed, some in flight, some unsent.
      await new Promise<void>((resolve) => {
        const tick = () => {
          if (killed) return resolve();
          for (let k = 0; k < 1 + Math.floor(random() * 4); k++) writeOne();
          if (written >= killAfter) {
            server!.proc.kill('SIGKILL');
            killed = true;
          }
          setTimeout(tick, 1);
        };
        tick();
      });
      await server.exited;

      // What each client had received from others by the kill (its own writes do not count: it made them).
      const received = new Set<string>();
      clients.forEach((c, i) => {
        for (const e of entries(c.doc)) if (!e.startsWith(`c${i}:`)) received.add(e);
      });
      expect(received.size).toBeGreaterThan(0);

      // Edits made while the server is down.
      const offline = clients.slice(0, 3).map((c, i) => {
        const e = `offline-${i}`;
        c.doc.getArray<string>('crash-test').push([e]);
        return e;
      });

      server = await startChildServer(dataDir, port);
      const fresh = await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
      expect(fresh.status).toBe(200);
      const probe = connect(server.wsUrl, board, board.tokens.viewer);
      clients.push(probe);
      await synced(probe);
      const afterRestart = new Set(entries(probe.doc));
      const lost = [...received].filter((e) => !afterRestart.has(e));
      expect(lost).toEqual([]);

      // The providers reconnect by themselves; everyone converges, offline edits included.
      await waitFor(
        () => {
          const first = JSON.stringify([...entries(clients[0].doc)].sort());
          return clients.every((c) => JSON.stringify([...entries(c.doc)].sort()) === first);
        },
        'all clients converge after the restart',
        30_000,
      );
      const final = new Set(entries(clients[0].doc));
      for (const e of offline) expect(final.has(e)).toBe(true);
      expect(final.size).toBe(written + offline.length);
    },
    60_000,
  );

  it('SIGTERM saves every board and exits cleanly within seconds', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    server = await startChildServer(dataDir, port);
    const board = await createBoard(server.url);
    const c = connect(server.wsUrl, board);
    clients.push(c);
    await synced(c);
    for (let i = 0; i < 50; i++) c.doc.getArray<string>('crash-test').push([`e${i}`]);
    await waitFor(async () => {
      const res = await api(server!.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
      return res.status === 200;
    }, 'server answers');
    server.proc.kill('SIGTERM');
    const { code } = await server.exited;
    expect(code).toBe(0);
    expect(server.output()).toContain('saving boards and stopping');

    server = await startChildServer(dataDir, port);
    const again = connect(server.wsUrl, board, board.tokens.viewer);
    clients.push(again);
    await synced(again);
    // The first client's provider reconnects to the new process and would resend anything missing; the
    // fresh viewer must already see all 50 from storage.
    await waitFor(() => entries(again.doc).length === 50, 'all 50 entries stored');
  }, 60_000);
});
