/**
 * The audit store contract: every AuditStore implementation passes this suite (engines.ts).
 */
import { describe, expect, it } from 'vitest';
import type { NewAuditEntry } from '../../server/store/audit-store.js';
import { addBoard, ENGINES, storesOn } from './engines.js';

const line = (at: number, over: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
  at,
  actor: 'Ana',
  role: 'participant',
  action: 'card.edited',
  cardId: 'c1',
  field: 'title',
  summary: `edit at ${at}`,
  ...over,
});

describe.each(ENGINES)('$name audit store', (engine) => {
  const open = storesOn(engine);

  it('reads appended lines back newest first, with their fields and increasing ids, after reopening', async () => {
    const { stores, reopen } = await open();
    await addBoard(stores, 'b');
    await stores.audit.append('b', [line(1), line(2, { actor: 'Bo', role: 'facilitator', action: 'version.saved', cardId: null, field: null })]);
    await stores.audit.append('b', []);
    const again = await reopen();
    const page = await again.audit.query('b', { limit: 10 });
    expect(page.more).toBe(false);
    expect(page.entries).toEqual([
      { id: expect.any(Number), ...line(2, { actor: 'Bo', role: 'facilitator', action: 'version.saved', cardId: null, field: null }) },
      { id: expect.any(Number), ...line(1) },
    ]);
    expect(page.entries[0].id).toBeGreaterThan(page.entries[1].id);
    expect((await again.audit.query('other', { limit: 10 })).entries).toEqual([]);
  });

  it('filters by actor (any case), action, time range and summary text taken literally', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    await stores.audit.append('b', [
      line(1, { actor: 'Ana', summary: 'renamed to 100% done' }),
      line(2, { actor: 'Bo', action: 'card.created', summary: 'created x' }),
      line(3, { actor: 'ana', summary: 'renamed to 1000 done' }),
      line(4, { actor: 'Cy', action: 'card.deleted', summary: 'deleted y' }),
    ]);
    const ats = async (f: object) => (await stores.audit.query('b', { limit: 10, ...f })).entries.map((e) => e.at);
    expect(await ats({ actor: 'ANA' })).toEqual([3, 1]);
    expect(await ats({ action: 'card.created' })).toEqual([2]);
    expect(await ats({ from: 2, to: 3 })).toEqual([3, 2]);
    expect(await ats({ q: '0% DONE' })).toEqual([1]);
    expect(await ats({ actor: 'ana', q: 'renamed', to: 2 })).toEqual([1]);
  });

  it('pages through the trail with `before` and says when more follows', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    await stores.audit.append(
      'b',
      [1, 2, 3, 4, 5].map((at) => line(at)),
    );
    const first = await stores.audit.query('b', { limit: 2 });
    expect([first.entries.map((e) => e.at), first.more]).toEqual([[5, 4], true]);
    const second = await stores.audit.query('b', { limit: 2, before: first.entries[1].id });
    expect([second.entries.map((e) => e.at), second.more]).toEqual([[3, 2], true]);
    const last = await stores.audit.query('b', { limit: 2, before: second.entries[1].id });
    expect([last.entries.map((e) => e.at), last.more]).toEqual([[1], false]);
  });

  it('an append for a board that does not exist stores nothing, and lines go with their board', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    await expect(stores.audit.append('missing', [line(1)])).rejects.toThrow();
    await stores.audit.append('b', [line(1)]);
    await stores.boards.deleteBoard('b');
    expect((await stores.audit.query('b', { limit: 10 })).entries).toEqual([]);
  });
});
