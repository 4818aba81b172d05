/**
 * Property-based fuzzing of every entry point (fast-check). Each property sends hostile input to a real
 * server and then checks the invariants: the server still answers, a well-behaved client on the same board
 * still syncs, and what was stored is intact. MESHBOARD_FUZZ_RUNS raises the case count (default 60).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ICAL from 'ical.js';
import { parse as parseCsv } from 'csv-parse/sync';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { io as ioClient } from 'socket.io-client';
import { createCard, listCards } from '../../shared/board-schema.js';
import { CloseCode } from '../../shared/errors.js';
import { Commands } from '../../shared/meeting.js';
import { PresenceState } from '../../shared/presence.js';
import { MAX_STATE_BYTES } from '../../server/sync/presence-gate.js';
import { api, createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';
import { joinMeeting } from '../helpers/meeting-client.js';
import { awarenessFrame, syncFrame } from '../helpers/frames.js';

const RUNS = Number(process.env.MESHBOARD_FUZZ_RUNS ?? 60);

let server: TestServer;
let board: TestBoard;
let witness: YClient;

beforeAll(async () => {
  server = await startServer();
  board = await createBoard(server.url);
  witness = connect(server.wsUrl, board);
  await synced(witness);
  createCard(witness.doc, { column: 'agenda', title: 'Before the fuzz', timebox: 5 });
  await server.app.registry.persisted();
});
afterAll(async () => {
  witness.destroy();
  await server.stop();
});

/** The board still works: a new card from the witness reaches a fresh client, and nothing earlier is lost. */
async function boardStillWorks(): Promise<void> {
  const marker = `marker-${Math.random()}`;
  createCard(witness.doc, { column: 'agenda', title: marker });
  const probe = connect(server.wsUrl, board, board.tokens.viewer);
  try {
    await synced(probe);
    await waitFor(() => listCards(probe.doc, 'agenda').some((c) => c.title === marker), 'marker reaches a fresh client');
    expect(listCards(probe.doc, 'agenda').some((c) => c.title === 'Before the fuzz')).toBe(true);
  } finally {
    probe.destroy();
  }
  expect((await api(server.url, 'GET', '/api/health')).status).toBe(200);
}

/** Sends frames on one raw socket and resolves when the server has closed it or has had time to answer. */
function sendRaw(frames: Uint8Array[]): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.wsUrl}/yjs/${board.id}?token=${board.tokens.participant}`);
    ws.on('error', () => resolve());
    ws.on('close', () => resolve());
    ws.on('open', () => {
      for (const f of frames) ws.send(f);
      // A query-awareness frame last: its answer (or the close) tells us every frame before it was handled.
      ws.send(new Uint8Array([3]));
      ws.on('message', (d: Buffer) => d[0] === 1 && ws.close());
      setTimeout(() => ws.close(), 2000).unref();
    });
  });
}

/** Sends frames on one raw socket; resolves with the close code when the server closes it, null when it answered instead. */
function sendRawUntilClosed(frames: Uint8Array[]): Promise<number | null> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.wsUrl}/yjs/${board.id}?token=${board.tokens.participant}`);
    let answered = false;
    ws.on('error', () => resolve(null));
    ws.on('close', (code) => resolve(answered ? null : code));
    ws.on('open', () => {
      for (const f of frames) ws.send(f);
      // A sync step 1 last: its answer (sync step 2, sent once what came before is stored) or the close tells us
      // every frame before it was handled.
      ws.send(syncFrame(0, new Uint8Array([0])));
      ws.on('message', (d: Buffer) => {
        if (d[0] !== 0 || d[1] !== 1) return;
        answered = true;
        ws.close();
      });
    });
  });
}

/** A real update (a card added to a throwaway doc), to mutate. */
function realUpdate(): Uint8Array {
  const d = new Y.Doc();
  let update: Uint8Array = new Uint8Array();
  d.on('update', (u: Uint8Array) => (update = u));
  createCard(d, { column: 'challenges', problem: 'fuzzed', proposals: ['a', 'b'] });
  return update;
}

describe('fuzzing the y-websocket endpoint', () => {
  it('random frames never take the server down or disturb others', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { minLength: 1, maxLength: 4 }), async (frames) => {
        await sendRaw(frames);
      }),
      { numRuns: RUNS },
    );
    await boardStillWorks();
  }, 120_000);

  it('well-framed sync messages carrying mutated Yjs updates are refused or applied, never corrupting the board', async () => {
    const base = realUpdate();
    const mutated = fc
      .tuple(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat(base.length))
      .map(([edits, cut]) => {
        const u = base.slice(0, Math.max(1, cut));
        for (const [i, v] of edits) if (i < u.length) u[i] = v;
        return u;
      });
    await fc.assert(
      fc.asyncProperty(mutated, fc.constantFrom(1, 2), async (update, step) => {
        await sendRaw([syncFrame(step, update)]);
      }),
      { numRuns: RUNS },
    );
    await boardStillWorks();
    // What is stored still loads.
    const stored = await server.app.store.loadDocument(board.id);
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
    expect(listCards(doc, 'agenda').some((c) => c.title === 'Before the fuzz')).toBe(true);
  }, 120_000);

  it('document shapes past the bounds (deep nesting, many tiny items, long texts, odd values) are refused or applied, and the board stays readable, restorable and exportable', async () => {
    // A card of the fuzz's own, so that what it may legitimately change is not the witness's.
    const target = createCard(witness.doc, { column: 'challenges', problem: 'Fuzz target' });
    await server.app.registry.persisted();
    const metaOf = (d: Y.Doc) => d.getMap('meta');
    const someCard = (d: Y.Doc) => d.getMap<Y.Map<unknown>>('cards').get(target)!;
    const op = fc.oneof(
      fc.integer({ min: 1, max: 40 }).map((depth) =>
        Object.assign(
          (d: Y.Doc) => {
            let m = new Y.Map<unknown>();
            someCard(d).set('nest', m);
            for (let i = 0; i < depth; i++) {
              const inner = new Y.Map<unknown>();
              m.set('x', inner);
              m = inner;
            }
          },
          { [fc.toStringMethod]: () => `nest ${depth}` },
        ),
      ),
      fc.integer({ min: 1, max: 2500 }).map((n) =>
        Object.assign(
          (d: Y.Doc) => {
            const arr = new Y.Array<number>();
            metaOf(d).set('tiny', arr);
            for (let i = 0; i < n; i++) arr.insert(i % 2 ? 0 : arr.length, [i]);
          },
          { [fc.toStringMethod]: () => `tiny ${n}` },
        ),
      ),
      fc.tuple(fc.constantFrom('title', 'notes', 'what', 'problem', 'text', 'other'), fc.integer({ min: 0, max: 25_000 })).map(([key, len]) =>
        Object.assign(
          (d: Y.Doc) => {
            someCard(d).set(key, new Y.Text('by' + ' '.repeat(Math.max(0, len - 12)) + '. tomorrow'));
          },
          { [fc.toStringMethod]: () => `text ${key} ${len}` },
        ),
      ),
      fc
        .tuple(
          fc.constantFrom('createdAt', 'timebox', 'owner', 'column', 'order', 'other'),
          fc.oneof(fc.double(), fc.string({ maxLength: 12_000 }), fc.jsonValue({ maxDepth: 12 }), fc.constant(1e16), fc.constant(-1)),
        )
        .map(([key, value]) =>
          Object.assign(
            (d: Y.Doc) => {
              const on = key === 'createdAt' ? metaOf(d) : someCard(d);
              on.set(key, value);
            },
            { [fc.toStringMethod]: () => `value ${key} ${String(value).slice(0, 30)}` },
          ),
        ),
    );
    const closes: number[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 3 }), async (ops) => {
        const d = new Y.Doc();
        Y.applyUpdate(d, Y.encodeStateAsUpdate(witness.doc));
        const sv = Y.encodeStateVector(d);
        d.transact(() => {
          for (const apply of ops) apply(d);
        });
        const code = await sendRawUntilClosed([syncFrame(2, Y.encodeStateAsUpdate(d, sv))]);
        d.destroy();
        if (code !== null) closes.push(code);
        expect([null, CloseCode.InvalidContent, CloseCode.BoardFull]).toContain(code);
      }),
      { numRuns: RUNS },
    );
    await boardStillWorks();
    for (const path of ['', '/summary', '/actions.csv', '/actions.ics', '/search?q=fuzz']) {
      expect([path, (await api(server.url, 'GET', `/api/boards/${board.id}${path}`, undefined, board.tokens.viewer)).status]).toEqual([path, 200]);
    }
    const v = await api(server.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'After the shapes' }, board.tokens.participant);
    expect(v.status).toBe(201);
    expect((await api(server.url, 'POST', `/api/boards/${board.id}/versions/${v.body.id}/restore`, {}, board.tokens.facilitator)).status).toBe(200);
    expect((await api(server.url, 'GET', `/api/boards/${board.id}/export`, undefined, board.tokens.facilitator)).status).toBe(200);
  }, 180_000);

  it('awareness frames of any shape (thousands of ids, ids of others, huge or odd states) never put a foreign or invalid state in presence', async () => {
    const me = { user: { name: 'Witness', color: '#175cd3' }, editing: null };
    witness.provider.awareness.setLocalState(me);
    const witnessId = witness.doc.clientID;
    const presence = () => server.app.registry.loaded(board.id)!.awareness.getStates();
    await waitFor(() => presence().has(witnessId), "the witness's presence is on the server");
    const valid = fc.record({ user: fc.record({ name: fc.string({ maxLength: 40 }), color: fc.constantFrom('#b42318', '#027a48') }) });
    const state = fc.oneof(
      valid.map((v) => JSON.stringify(v)),
      valid.map((v) => JSON.stringify({ ...v, pad: 'x'.repeat(MAX_STATE_BYTES) })),
      fc.json(),
      fc.string(),
      fc.constant('null'),
    );
    const id = fc.oneof(fc.constant(witnessId), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
    const entries = fc.oneof(
      fc.array(fc.tuple(id, fc.nat(), state), { maxLength: 12 }),
      fc.integer({ min: 5, max: 2000 }).map((n) => Array.from({ length: n }, (_, i): [number, number, string] => [1000 + i, 1, JSON.stringify(me)])),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(entries, { minLength: 1, maxLength: 3 }), async (frames) => {
        await sendRaw(frames.map(awarenessFrame));
        for (const s of presence().values()) {
          expect(PresenceState.safeParse(s).success).toBe(true);
          expect(JSON.stringify(s).length).toBeLessThanOrEqual(MAX_STATE_BYTES);
        }
        expect(presence().get(witnessId)).toEqual(me);
      }),
      { numRuns: RUNS },
    );
    // Each raw connection took its presence with it; the witness's was never touched.
    await waitFor(() => presence().size === 1, 'only the witness is left in presence');
    expect(presence().get(witnessId)).toEqual(me);
    await boardStillWorks();
  }, 120_000);

  it('hostile board ids and paths in the websocket URL are refused without loading anything', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.constantFrom('..%2F..%2Fetc%2Fpasswd', '%00', '%E0%A4%A', 'a'.repeat(5000))), async (id) => {
        await new Promise<void>((resolve) => {
          const ws = new WebSocket(`${server.wsUrl}/yjs/${encodeURIComponent(id)}?token=x`);
          ws.on('error', () => resolve());
          ws.on('close', () => resolve());
        });
      }),
      { numRuns: RUNS },
    );
    expect(server.app.registry.loadedCount).toBeLessThanOrEqual(1);
    await boardStillWorks();
  }, 120_000);
});

describe('fuzzing the REST API', () => {
  it('bodies of every shape get a 2xx or a 4xx with a JSON error, never a 5xx', async () => {
    const targets: Array<[string, string, string | undefined]> = [
      ['POST', '/api/boards', undefined],
      ['POST', `/api/boards/${board.id}/cards`, board.tokens.participant],
      ['PATCH', `/api/boards/${board.id}`, board.tokens.participant],
      ['POST', `/api/boards/${board.id}/links/rotate`, board.tokens.participant],
      ['POST', `/api/boards/${board.id}/cards/nope/decisions`, board.tokens.participant],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.oneof(
          fc.anything(),
          fc.json().map((j) => ({ raw: j })),
        ),
        async ([method, path, token], body) => {
          const payload = typeof body === 'object' && body !== null && 'raw' in body ? (body as { raw: string }).raw : JSON.stringify(body ?? null);
          const res = await api(server.url, method, path, payload, token);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(res.body.error.message).toEqual(expect.any(String));
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('decision text of any shape (bare CR, formulas, calendar lines) stays one CSV row and one VTODO, read back whole', async () => {
    const piece = fc.oneof(
      fc.constantFrom('\r', '\n', '\r\n', '=cmd|', '+', '-', '@', '\t', ',', ';', '"', '\\', 'BEGIN:VTODO', 'END:VCALENDAR', '# ', '🚀', '👨‍👩‍👧'),
      fc.string({ maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { minLength: 1, maxLength: 12 }).map((p) => `x${p.join('')}`),
        async (text) => {
          // A board of its own per case, so a counterexample stands alone.
          const exportsBoard = await createBoard(server.url);
          const card = (
            await api(server.url, 'POST', `/api/boards/${exportsBoard.id}/cards`, { column: 'agenda', title: 'Exports' }, exportsBoard.tokens.participant)
          ).body.card.id;
          const res = await api(server.url, 'POST', `/api/boards/${exportsBoard.id}/cards/${card}/decisions`, { text }, exportsBoard.tokens.participant);
          expect(res.status).toBe(201);
          const stored: string = res.body.actionItem.text;
          const csv = await api<string>(server.url, 'GET', `/api/boards/${exportsBoard.id}/actions.csv`, undefined, exportsBoard.tokens.viewer);
          const rows = parseCsv(csv.body, { record_delimiter: ['\r\n', '\r', '\n'], relax_column_count: true }) as string[][];
          expect(rows).toHaveLength(2);
          const last = rows[1][2];
          expect(last.replace(/^'/, '')).toBe(stored.replace(/\r\n?/g, '\n'));
          expect(last).not.toMatch(/^[=+\-@\t\r]/);
          const ics = await api<string>(server.url, 'GET', `/api/boards/${exportsBoard.id}/actions.ics`, undefined, exportsBoard.tokens.viewer);
          const calendar = new ICAL.Component(ICAL.parse(ics.body));
          // One to-do for the item; events: the meeting itself, and the item's due day when the text gave one.
          const todos = calendar.getAllSubcomponents('vtodo');
          expect(todos).toHaveLength(1);
          const events = res.body.actionItem.due ? 2 : 1;
          expect(calendar.getAllSubcomponents('vevent')).toHaveLength(events);
          expect(calendar.getAllSubcomponents()).toHaveLength(1 + events);
          expect(todos[0].getFirstPropertyValue('summary')).toBe(stored.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, ''));
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('an import with timestamps of any number is refused with a 400, or makes a board whose every export answers', async () => {
    const source = await createBoard(server.url);
    const card = (await api(server.url, 'POST', `/api/boards/${source.id}/cards`, { column: 'agenda', title: 'Import' }, source.tokens.participant)).body.card
      .id;
    await api(server.url, 'POST', `/api/boards/${source.id}/cards/${card}/decisions`, { text: 'Priya ships it' }, source.tokens.participant);
    const file = (await api(server.url, 'GET', `/api/boards/${source.id}/export`, undefined, source.tokens.facilitator)).body;
    const time = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -1, 1e20, 8.64e15, 8.64e15 + 1, 253402300799999, 253402300800000, 1.5));
    await fc.assert(
      fc.asyncProperty(time, time, async (createdAt, updatedAt) => {
        const res = await api(server.url, 'POST', '/api/boards/import', { ...file, actionItems: [{ ...file.actionItems[0], createdAt, updatedAt }] });
        expect([201, 400]).toContain(res.status);
        if (res.status === 400) {
          expect(res.body.error.field).toMatch(/^actionItems\.0\.(createdAt|updatedAt)$/);
          return;
        }
        const viewer = new URL(res.body.links.viewer).searchParams.get('token')!;
        for (const format of ['csv', 'ics', 'md', 'json']) {
          expect((await api(server.url, 'GET', `/api/boards/${res.body.id}/actions.${format}`, undefined, viewer)).status).toBe(200);
        }
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('hostile ids in URLs are 404s or 401s, never files or errors', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.constantFrom('..', '../../etc/passwd', '%2e%2e%2f', '\u0000')), async (id) => {
        const res = await fetch(`${server.url}/api/boards/${encodeURIComponent(id)}`);
        expect([400, 401, 403, 404]).toContain(res.status);
        expect(res.headers.get('content-type')).toMatch(/json/);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});

describe('fuzzing the meeting channel', () => {
  it('every command with any payload is acknowledged, and the meeting still works', async () => {
    const fac = joinMeeting(server.url, board, board.tokens.facilitator, { name: 'Fuzz' });
    try {
      await fac.until((s) => s.roster.length >= 1, 'joined');
      const names = Object.keys(Commands) as Array<keyof typeof Commands>;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...names.filter((n) => n !== 'meeting:end')), fc.anything(), async (name, payload) => {
          const ack = await fac.send(name, payload as never);
          expect(typeof ack.ok).toBe('boolean');
          if (!ack.ok) expect(ack.error.message).toEqual(expect.any(String));
        }),
        // Stay under the rate limit: this is about payloads, not floods (tested elsewhere).
        { numRuns: Math.min(RUNS, 25) },
      );
      expect(await fac.send('time:sync')).toMatchObject({ ok: true });
    } finally {
      fac.close();
    }
  }, 120_000);

  it('malformed socket.io handshakes and packets are refused without harm', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (auth) => {
        const s = ioClient(`${server.url}/meeting`, { transports: ['websocket'], reconnection: false, auth: auth as never });
        await new Promise<void>((resolve) => {
          s.once('connect_error', () => resolve());
          s.once('connect', () => resolve());
          // A handshake that is not even an object is dropped by socket.io's own parser: the transport closes.
          s.io.once('close', () => resolve());
        });
        s.disconnect();
      }),
      { numRuns: Math.min(RUNS, 30) },
    );
    // Raw garbage on the engine.io websocket.
    await new Promise<void>((resolve) => {
      const ws = new WebSocket(`${server.wsUrl}/socket.io/?EIO=4&transport=websocket`);
      ws.on('open', () => {
        for (const junk of ['40/meeting,{"boardId":', '42["meeting:advance"', '4', 'xyz', '2probe']) ws.send(junk);
        ws.close();
      });
      ws.on('close', () => resolve());
      ws.on('error', () => resolve());
    });
    await boardStillWorks();
  }, 120_000);
});
