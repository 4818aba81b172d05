/**
 * The board log's contract: every Store implementation passes this suite (engines.ts lists them).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Store } from '../../server/store/store.js';
import type { Stores } from '../../server/store/stores.js';
import { cardsMap, createCard, initBoard, readBoard } from '../../shared/board-schema.js';
import { ENGINES } from './engines.js';

/** The board store of a fresh set; closing it closes the whole set. */
const boardsOf = (stores: Stores): Store =>
  new Proxy(stores.boards, {
    get: (target, key) => {
      if (key === 'close') return () => stores.close();
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
const engines = ENGINES.map(
  (e) =>
    [
      e.name,
      async () => {
        const { stores, reopen } = await e.open();
        return { store: boardsOf(stores), reopen: async () => boardsOf(await reopen()) };
      },
    ] as const,
);

const record = (id: string) => ({ id, title: 'T', createdAt: 1, updatedAt: 1 });
/** A stored snapshot and log as one document. */
const docOf = (stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }) => {
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u);
  return doc;
};
const load = async (store: Store, id: string) => {
  const stored = await store.loadDocument(id);
  return { doc: docOf(stored), stored };
};

describe.each(engines)('%s store', (_name, open) => {
  const toClose: Store[] = [];
  afterEach(async () => {
    for (const s of toClose.splice(0)) await s.close();
  });

  it('creates a board with its first snapshot and finds it again after reopening', async () => {
    const { store, reopen } = await open();
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Weekly', createdAt: 7 });
    await store.createBoard(record('board-1'), Y.encodeStateAsUpdate(doc));
    await store.close();
    const again = await reopen();
    toClose.push(again);
    expect(await again.getBoard('board-1')).toEqual(record('board-1'));
    expect(await again.getBoard('board-2')).toBeNull();
    expect(readBoard((await load(again, 'board-1')).doc).meta.title).toBe('Weekly');
  });

  it('appends updates in order with increasing sequence numbers and loads snapshot + log', async () => {
    const { store } = await open();
    toClose.push(store);
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Weekly' });
    await store.createBoard(record('b'), Y.encodeStateAsUpdate(doc));
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    createCard(doc, { column: 'agenda', title: 'One' });
    createCard(doc, { column: 'agenda', title: 'Two' });
    const seqs = await store.appendUpdates(updates.map((update) => ({ boardId: 'b', update })));
    expect(seqs[1]).toBeGreaterThan(seqs[0]);
    const { doc: loaded, stored } = await load(store, 'b');
    expect(stored.lastSeq).toBe(seqs[1]);
    expect(await store.logLength('b')).toBe(2);
    expect(readBoard(loaded)).toEqual(readBoard(doc));
  });

  it('compaction replaces the log prefix it covers and keeps later entries', async () => {
    const { store } = await open();
    toClose.push(store);
    const doc = new Y.Doc();
    await store.createBoard(record('b'), Y.encodeStateAsUpdate(doc));
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    createCard(doc, { column: 'agenda', title: 'One' });
    const [first] = await store.appendUpdates([{ boardId: 'b', update: updates[0] }]);
    const snapshot = Y.encodeStateAsUpdate(doc);
    createCard(doc, { column: 'agenda', title: 'Two' });
    await store.appendUpdates([{ boardId: 'b', update: updates[1] }]);
    await store.compact('b', snapshot, first);
    expect(await store.logLength('b')).toBe(1);
    const { doc: loaded } = await load(store, 'b');
    expect(cardsMap(loaded).size).toBe(2);
    expect(readBoard(loaded)).toEqual(readBoard(doc));
  });

  it('an append for a board that does not exist stores nothing of the batch', async () => {
    const { store } = await open();
    toClose.push(store);
    await store.createBoard(record('b'), Y.encodeStateAsUpdate(new Y.Doc()));
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    createCard(doc, { column: 'agenda', title: 'x' });
    await expect(
      store.appendUpdates([
        { boardId: 'b', update: updates[0] },
        { boardId: 'missing', update: updates[0] },
      ]),
    ).rejects.toThrow();
    expect(await store.logLength('b')).toBe(0);
  });

  it('deleting a board removes its document and log', async () => {
    const { store } = await open();
    toClose.push(store);
    await store.createBoard(record('b'), Y.encodeStateAsUpdate(new Y.Doc()));
    await store.appendUpdates([{ boardId: 'b', update: Y.encodeStateAsUpdate(new Y.Doc()) }]);
    expect(await store.deleteBoard('b')).toBe(true);
    expect(await store.deleteBoard('b')).toBe(false);
    expect(await store.getBoard('b')).toBeNull();
    expect(await store.loadDocument('b')).toEqual({ snapshot: null, updates: [], lastSeq: 0 });
  });

  it('renames a board row', async () => {
    const { store } = await open();
    toClose.push(store);
    await store.createBoard(record('b'), Y.encodeStateAsUpdate(new Y.Doc()));
    await store.renameBoard('b', 'Renamed', 5);
    expect(await store.getBoard('b')).toEqual({ id: 'b', title: 'Renamed', createdAt: 1, updatedAt: 5 });
  });

  it('compaction from what is stored merges the snapshot and the whole log, and loses nothing appended meanwhile', async () => {
    const { store } = await open();
    toClose.push(store);
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Weekly' });
    await store.createBoard(record('b'), Y.encodeStateAsUpdate(doc));
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 40; i++) createCard(doc, { column: 'agenda', title: `Card ${i}` });
    const merge = (stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }) => Y.encodeStateAsUpdate(docOf(stored));
    // Appends on several connections at once, with compactions between them: every card must survive.
    await Promise.all([
      ...updates.map((update) => store.appendUpdates([{ boardId: 'b', update }])),
      ...Array.from({ length: 6 }, () => store.compactStored('b', merge)),
    ]);
    const result = await store.compactStored('b', merge);
    expect(result?.bytes).toBeGreaterThan(0);
    expect(await store.logLength('b')).toBe(0);
    const { doc: loaded, stored } = await load(store, 'b');
    expect(stored.updates).toEqual([]);
    expect(cardsMap(loaded).size).toBe(40);
    expect(readBoard(loaded)).toEqual(readBoard(doc));
    expect(await store.compactStored('missing', merge)).toBeNull();
  });
});
