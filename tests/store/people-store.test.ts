/** The people store contract: every PeopleStore implementation passes this suite (engines.ts). */
import { describe, expect, it } from 'vitest';
import type { DropinRecord } from '../../server/store/people-store.js';
import { addSeries, ENGINES, storesOn } from './engines.js';

const dropin = (id: string, seriesId: string, createdAt: number): DropinRecord => ({
  id,
  seriesId,
  kind: 'request',
  text: '<img src=x onerror=alert(1)>',
  name: '',
  addressee: 'Bo',
  createdAt,
  status: 'pending',
  boardId: null,
  cardId: null,
  decidedAt: null,
});

describe.each(ENGINES)('$name people store', (engine) => {
  const open = storesOn(engine);

  it('a new personal link replaces the same person’s old one (names case-insensitive) and works only in its series', async () => {
    const { stores, reopen } = await open();
    await addSeries(stores, 'series-a');
    await addSeries(stores, 'series-b');
    const first = await stores.people.rotatePersonToken('series-a', 'Ana');
    const bo = await stores.people.rotatePersonToken('series-a', 'Bo');
    expect(await stores.people.resolvePerson('series-a', first)).toBe('Ana');
    const second = await stores.people.rotatePersonToken('series-a', 'ana');
    expect(await stores.people.resolvePerson('series-a', first)).toBeNull();
    expect(await stores.people.resolvePerson('series-a', second)).toBe('ana');
    expect(await stores.people.resolvePerson('series-b', second)).toBeNull();
    expect(await stores.people.resolvePerson('series-a', 'not a token')).toBeNull();
    const again = await reopen();
    expect(await again.people.resolvePerson('series-a', bo)).toBe('Bo');
  });

  it('a new drop-in link replaces the old one', async () => {
    const { stores } = await open();
    await addSeries(stores, 'series-a');
    expect(await stores.people.isDropinToken('series-a', 'x'.repeat(43))).toBe(false);
    const old = await stores.people.rotateDropinToken('series-a');
    expect(await stores.people.isDropinToken('series-a', old)).toBe(true);
    const fresh = await stores.people.rotateDropinToken('series-a');
    expect(await stores.people.isDropinToken('series-a', old)).toBe(false);
    expect(await stores.people.isDropinToken('series-a', fresh)).toBe(true);
    expect(await stores.people.isDropinToken('series-b', fresh)).toBe(false);
  });

  it('submissions wait in order, keep their text as given, and are decided once', async () => {
    const { stores, reopen } = await open();
    await addSeries(stores, 'series-a');
    await stores.people.addDropin(dropin('d2', 'series-a', 20));
    await stores.people.addDropin(dropin('d1', 'series-a', 10));
    expect((await stores.people.listDropins('series-a', 'pending')).map((d) => d.id)).toEqual(['d1', 'd2']);
    expect(await stores.people.getDropin('series-b', 'd1')).toBeNull();
    expect(await stores.people.decideDropin('series-a', 'd1', { status: 'taken', boardId: 'board-1', cardId: 'card-1' }, 30)).toBe(true);
    expect(await stores.people.decideDropin('series-a', 'd1', { status: 'set_aside' }, 40)).toBe(false);
    expect(await stores.people.decideDropin('series-a', 'd2', { status: 'set_aside' }, 50)).toBe(true);
    const again = await reopen();
    expect(await again.people.listDropins('series-a', 'pending')).toEqual([]);
    expect(await again.people.getDropin('series-a', 'd1')).toEqual({
      ...dropin('d1', 'series-a', 10),
      status: 'taken',
      boardId: 'board-1',
      cardId: 'card-1',
      decidedAt: 30,
    });
    expect((await again.people.listDropins('series-a', 'set_aside')).map((d) => d.id)).toEqual(['d2']);
  });

  it('submissions made at the same moment wait in the order they came', async () => {
    const { stores } = await open();
    await addSeries(stores, 'series-a');
    for (const id of ['d3', 'd1', 'd2']) await stores.people.addDropin(dropin(id, 'series-a', 10));
    expect((await stores.people.listDropins('series-a', 'pending')).map((d) => d.id)).toEqual(['d3', 'd1', 'd2']);
  });

  it('of two instances deciding one submission at once, exactly one does', async () => {
    const { stores, openAgain } = await open();
    await addSeries(stores, 'series-a');
    await stores.people.addDropin(dropin('d1', 'series-a', 10));
    const other = await openAgain();
    const decided = await Promise.all([
      stores.people.decideDropin('series-a', 'd1', { status: 'taken', boardId: 'board-1', cardId: 'card-1' }, 20),
      other.people.decideDropin('series-a', 'd1', { status: 'set_aside' }, 20),
    ]);
    expect(decided.filter(Boolean)).toHaveLength(1);
    const stored = await other.people.getDropin('series-a', 'd1');
    expect(stored?.status).toBe(decided[0] ? 'taken' : 'set_aside');
  });
});
