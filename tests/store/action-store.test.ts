/** The action store contract: every ActionStore implementation passes this suite (engines.ts). */
import { describe, expect, it } from 'vitest';
import { MAX_ATTENDEES, type ActionRecord } from '../../server/store/action-store.js';
import { addBoard, ENGINES, storesOn } from './engines.js';

const item = (boardId: string, id: string, over: Partial<ActionRecord> = {}): ActionRecord => ({
  boardId,
  id,
  kind: 'decision',
  cardId: 'card-1',
  column: 'agenda',
  cardTitle: 'Budget',
  decisionId: id.replace('dec:', ''),
  text: 'Ship it',
  owners: ['Ana', 'Bo'],
  due: '2030-01-31',
  dueText: 'end of January',
  dueFlag: null,
  decidedBy: 'Ana',
  boardStatus: 'open',
  present: true,
  personStatus: null,
  status: 'open',
  createdAt: 10,
  updatedAt: 10,
  ...over,
});

describe.each(ENGINES)('$name action store', (engine) => {
  const open = storesOn(engine);

  it('lists a board’s items in creation order and reads them back field for field after reopening', async () => {
    const { stores, reopen } = await open();
    await addBoard(stores, 'b');
    const later = item('b', 'dec:2', { createdAt: 20, updatedAt: 20, owners: [], due: null, dueFlag: 'unparseable' });
    const first = item('b', 'dec:1');
    await stores.actions.upsert([later, first]);
    const again = await reopen();
    // Neither is done: the store's own done time is null.
    expect(await again.actions.list('b')).toEqual([first, later].map((i) => ({ ...i, doneAt: null })));
    expect(await again.actions.get('b', 'dec:2')).toEqual({ ...later, doneAt: null });
    expect(await again.actions.get('b', 'dec:3')).toBeNull();
  });

  it('keeps the time an item was first done while it stays done, and forgets it when reopened', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    await stores.actions.upsert([item('b', 'dec:1', { status: 'done', personStatus: 'done', updatedAt: 30 })]);
    await stores.actions.upsert([item('b', 'dec:1', { status: 'done', personStatus: 'done', text: 'edited', updatedAt: 40 })]);
    expect((await stores.actions.get('b', 'dec:1'))?.doneAt).toBe(30);
    await stores.actions.upsert([item('b', 'dec:1', { status: 'blocked', personStatus: 'blocked', updatedAt: 50 })]);
    expect((await stores.actions.get('b', 'dec:1'))?.doneAt).toBeNull();
    await stores.actions.upsert([item('b', 'dec:1', { status: 'done', personStatus: 'done', updatedAt: 60 })]);
    expect((await stores.actions.get('b', 'dec:1'))?.doneAt).toBe(60);
  });

  it('an upsert replaces the item with the same board and id, keeping its place', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    await stores.actions.upsert([item('b', 'dec:1'), item('b', 'dec:2', { createdAt: 20 })]);
    const changed = item('b', 'dec:1', { text: 'Ship it twice', personStatus: 'done', status: 'done', updatedAt: 30 });
    await stores.actions.upsert([changed]);
    expect((await stores.actions.list('b')).map((r) => [r.id, r.text, r.status])).toEqual([
      ['dec:1', 'Ship it twice', 'done'],
      ['dec:2', 'Ship it', 'open'],
    ]);
  });

  it('an upsert naming the same item twice keeps the later one', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    await stores.actions.upsert([item('b', 'dec:1', { text: 'first' }), item('b', 'dec:1', { text: 'second', updatedAt: 11 })]);
    expect((await stores.actions.list('b')).map((r) => [r.id, r.text])).toEqual([['dec:1', 'second']]);
  });

  it('finds items by card or id within a board, and by id across boards', async () => {
    const { stores } = await open();
    await addBoard(stores, 'a');
    await addBoard(stores, 'b');
    await stores.actions.upsert([
      item('a', 'dec:1', { cardId: 'c1' }),
      item('a', 'dec:2', { cardId: 'c2' }),
      item('a', 'need:c3', { kind: 'need', cardId: 'c3', decisionId: null }),
      item('b', 'dec:1', { cardId: 'c9' }),
    ]);
    const ids = (rs: ActionRecord[]) => rs.map((r) => `${r.boardId}/${r.id}`).sort();
    expect(ids(await stores.actions.listScope('a', ['c1'], ['need:c3']))).toEqual(['a/dec:1', 'a/need:c3']);
    expect(ids(await stores.actions.listScope('a', [], []))).toEqual([]);
    expect(ids(await stores.actions.findById('dec:1'))).toEqual(['a/dec:1', 'b/dec:1']);
  });

  it('keeps attendees in the order first seen, once each', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    await stores.actions.addAttendees('b', ['Bo', 'Ana'], 1);
    await stores.actions.addAttendees('b', ['Ana', 'Cy'], 2);
    expect(await stores.actions.attendees('b')).toEqual(['Ana', 'Bo', 'Cy']);
    expect(await stores.actions.attendees('other')).toEqual([]);
  });

  it('keeps at most MAX_ATTENDEES names per board, still refreshing the known ones', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    const names = Array.from({ length: MAX_ATTENDEES }, (_, i) => `Person ${i}`);
    await stores.actions.addAttendees('b', names, 1);
    await stores.actions.addAttendees('b', ['One too many', 'Person 7'], 2);
    const kept = await stores.actions.attendees('b');
    expect(kept).toHaveLength(MAX_ATTENDEES);
    expect(kept).not.toContain('One too many');
    expect(kept).toContain('Person 7');
  });

  it('two instances adding names at once never pass the bound together', async () => {
    const { stores, openAgain } = await open();
    await addBoard(stores, 'b');
    const other = await openAgain();
    await stores.actions.addAttendees(
      'b',
      Array.from({ length: MAX_ATTENDEES - 20 }, (_, i) => `Person ${i}`),
      1,
    );
    const newcomers = (who: string) => Array.from({ length: 20 }, (_, i) => `${who} ${i}`);
    await Promise.all([stores.actions.addAttendees('b', newcomers('Here'), 2), other.actions.addAttendees('b', newcomers('There'), 2)]);
    expect(await stores.actions.attendees('b')).toHaveLength(MAX_ATTENDEES);
  });

  it('sets, replaces and removes a board’s webhook', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    expect(await stores.actions.webhook('b')).toBeNull();
    await stores.actions.setWebhook('b', 'https://hooks.example.com/1', 1);
    await stores.actions.setWebhook('b', 'https://hooks.example.com/2', 2);
    expect(await stores.actions.webhook('b')).toBe('https://hooks.example.com/2');
    await stores.actions.setWebhook('b', null, 3);
    expect(await stores.actions.webhook('b')).toBeNull();
  });

  it('items, attendees and webhook go with their board', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    await stores.actions.upsert([item('b', 'dec:1')]);
    await stores.actions.addAttendees('b', ['Ana'], 1);
    await stores.actions.setWebhook('b', 'https://hooks.example.com/1', 1);
    await stores.boards.deleteBoard('b');
    expect(await stores.actions.list('b')).toEqual([]);
    expect(await stores.actions.attendees('b')).toEqual([]);
    expect(await stores.actions.webhook('b')).toBeNull();
  });
});
