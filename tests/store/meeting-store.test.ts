/** The meeting store contract: every MeetingStore implementation passes this suite (engines.ts). */
import { describe, expect, it } from 'vitest';
import type { VoteRecord } from '../../server/store/meeting-store.js';
import { addBoard, ENGINES, storesOn } from './engines.js';

const round = (id: string, revealedAt: number): VoteRecord => ({
  id,
  boardId: 'b',
  dotsPerPerson: 3,
  openedAt: revealedAt - 5,
  revealedAt,
  voters: 4,
  results: [
    { cardId: 'c1', dots: 7 },
    { cardId: 'c2', dots: 5 },
  ],
});

describe.each(ENGINES)('$name meeting store', (engine) => {
  const open = storesOn(engine);

  it('keeps the last saved meeting state of a board across a reopen', async () => {
    const { stores, reopen } = await open();
    await addBoard(stores, 'b');
    expect(await stores.meetings.loadMeeting('b')).toBeNull();
    await stores.meetings.saveMeeting('b', { phase: 'discuss', item: 1 });
    await stores.meetings.saveMeeting('b', { phase: 'decide', item: 2, votes: [1, 2] });
    const again = await reopen();
    expect(await again.meetings.loadMeeting('b')).toEqual({ phase: 'decide', item: 2, votes: [1, 2] });
  });

  it('lists vote rounds in the order they were revealed', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    await stores.meetings.recordVote(round('r2', 200));
    await stores.meetings.recordVote(round('r1', 100));
    expect(await stores.meetings.listVotes('b')).toEqual([round('r1', 100), round('r2', 200)]);
    expect(await stores.meetings.listVotes('other')).toEqual([]);
  });

  it('rounds revealed at the same moment are listed in the order they were recorded', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    for (const id of ['r3', 'r1', 'r2']) await stores.meetings.recordVote(round(id, 100));
    expect((await stores.meetings.listVotes('b')).map((r) => r.id)).toEqual(['r3', 'r1', 'r2']);
  });

  it('meeting state and votes go with their board', async () => {
    const { stores } = await open();
    await addBoard(stores, 'b');
    await stores.meetings.saveMeeting('b', { phase: 'discuss' });
    await stores.meetings.recordVote(round('r1', 100));
    await stores.boards.deleteBoard('b');
    expect(await stores.meetings.loadMeeting('b')).toBeNull();
    expect(await stores.meetings.listVotes('b')).toEqual([]);
  });
});
