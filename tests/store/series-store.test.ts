/** The series store contract: every SeriesStore implementation passes this suite (engines.ts). */
import { describe, expect, it } from 'vitest';
import { newToken } from '../../server/auth/tokens.js';
import type { MeetingRecord, SeriesRecord } from '../../server/store/series-store.js';
import { addBoard, addSeries, ENGINES, storesOn } from './engines.js';

const weekly = (id: string, over: Partial<SeriesRecord> = {}): SeriesRecord => ({
  id,
  name: `Weekly ${id}`,
  team: 'Platform',
  cadence: 'FREQ=WEEKLY;BYDAY=MO',
  firstDate: '2030-01-07',
  startTime: '09:30',
  timezone: 'Europe/Berlin',
  durationMinutes: 45,
  template: 'tpl-1',
  people: ['Ana', 'Bo'],
  settings: { openBeforeMinutes: 60, flagAfter: 2, graceMinutes: 15, reminderDaysBefore: null, overdueDigest: true },
  createdAt: 10,
  updatedAt: 10,
  ...over,
});

const meeting = (seriesId: string, seq: number, boardId: string, over: Partial<MeetingRecord> = {}): MeetingRecord => ({
  seriesId,
  seq,
  boardId,
  slot: { date: `2030-01-0${seq}`, start: '09:30' },
  date: `2030-01-0${seq}`,
  start: '09:30',
  startsAt: seq * 1000,
  endsAt: seq * 1000 + 500,
  status: 'open',
  openedAt: seq * 1000 - 100,
  startedAt: null,
  endedAt: null,
  endedBy: null,
  ...over,
});

describe.each(ENGINES)('$name series store', (engine) => {
  const open = storesOn(engine);

  it('keeps a series with every field as written, and an update changes all but its creation time', async () => {
    const { stores, reopen } = await open();
    const tokens = await stores.series.create(weekly('s1'));
    expect(new Set(Object.values(tokens)).size).toBe(3);
    expect(await stores.series.get('nope')).toBeNull();
    let again = await reopen();
    expect(await again.series.get('s1')).toEqual(weekly('s1'));

    const changed = weekly('s1', {
      name: 'Renamed',
      team: '',
      cadence: null,
      firstDate: '2030-02-01',
      startTime: '',
      timezone: 'UTC',
      durationMinutes: 30,
      template: null,
      people: [],
      settings: { openBeforeMinutes: null, flagAfter: 0, graceMinutes: 0, reminderDaysBefore: 0, overdueDigest: false },
      createdAt: 999,
      updatedAt: 20,
    });
    await again.series.update(changed);
    again = await reopen();
    expect(await again.series.get('s1')).toEqual({ ...changed, createdAt: 10 });
  });

  it('lists for opening by itself only the series with a cadence and a lead time', async () => {
    const { stores } = await open();
    await stores.series.create(weekly('auto-1'));
    await stores.series.create(weekly('by-hand', { settings: { ...weekly('x').settings, openBeforeMinutes: null } }));
    await stores.series.create(weekly('one-off', { cadence: null }));
    await stores.series.create(weekly('auto-2', { settings: { ...weekly('x').settings, openBeforeMinutes: 0 } }));
    const auto = await stores.series.withAutoOpen();
    expect(auto.map((s) => s.id).sort()).toEqual(['auto-1', 'auto-2']);
    expect(auto.find((s) => s.id === 'auto-2')?.settings.openBeforeMinutes).toBe(0);
  });

  it('reserves a meeting once per seq and once per board, and lists them by seq, by board and by state', async () => {
    const { stores, reopen } = await open();
    await addSeries(stores, 'b-series');
    await addSeries(stores, 'a-series');
    expect(await stores.series.reserveMeeting(meeting('b-series', 2, 'board-b2', { status: 'opening', slot: null }))).toBe(true);
    expect(await stores.series.reserveMeeting(meeting('b-series', 1, 'board-b1', { status: 'ended', endedAt: 1600, endedBy: 'auto' }))).toBe(true);
    expect(await stores.series.reserveMeeting(meeting('a-series', 1, 'board-a1', { status: 'running', startedAt: 1010 }))).toBe(true);
    // The same seq, or the same board, is taken.
    expect(await stores.series.reserveMeeting(meeting('b-series', 2, 'board-other'))).toBe(false);
    expect(await stores.series.reserveMeeting(meeting('a-series', 2, 'board-b1'))).toBe(false);

    const again = await reopen();
    expect((await again.series.meetings('b-series')).map((m) => m.seq)).toEqual([1, 2]);
    expect(await again.series.meetings('b-series')).toEqual([
      meeting('b-series', 1, 'board-b1', { status: 'ended', endedAt: 1600, endedBy: 'auto' }),
      meeting('b-series', 2, 'board-b2', { status: 'opening', slot: null }),
    ]);
    expect(await again.series.meetings('nope')).toEqual([]);
    expect(await again.series.meetingOfBoard('board-a1')).toEqual(meeting('a-series', 1, 'board-a1', { status: 'running', startedAt: 1010 }));
    expect(await again.series.meetingOfBoard('board-other')).toBeNull();
    const key = (m: MeetingRecord) => `${m.seriesId}#${m.seq}`;
    expect((await again.series.meetingsIn(['opening', 'running', 'ended'])).map(key)).toEqual(['a-series#1', 'b-series#1', 'b-series#2']);
    expect((await again.series.meetingsIn(['opening'])).map(key)).toEqual(['b-series#2']);
    expect(await again.series.meetingsIn(['missed'])).toEqual([]);
    expect(await again.series.meetingsIn([])).toEqual([]);
  });

  it('of two instances reserving the same meeting at once, exactly one gets it', async () => {
    const { stores, openAgain } = await open();
    const other = await openAgain();
    await addSeries(stores, 's');
    for (let seq = 1; seq <= 10; seq++) {
      const won = await Promise.all([
        stores.series.reserveMeeting(meeting('s', seq, `board-${seq}-a`)),
        other.series.reserveMeeting(meeting('s', seq, `board-${seq}-b`)),
      ]);
      expect(won.filter(Boolean)).toHaveLength(1);
    }
    expect((await stores.series.meetings('s')).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('patches only the meeting fields given, and nothing with an empty patch', async () => {
    const { stores } = await open();
    await addSeries(stores, 's');
    await stores.series.reserveMeeting(meeting('s', 1, 'b1', { status: 'running', startedAt: 1000 }));
    await stores.series.reserveMeeting(meeting('s', 2, 'b2'));
    await stores.series.updateMeeting('s', 1, {});
    await stores.series.updateMeeting('s', 1, {
      date: '2030-02-02',
      start: '10:00',
      startsAt: 5,
      endsAt: 6,
      status: 'ended',
      endedAt: 7,
      endedBy: 'facilitator',
    });
    expect(await stores.series.meetingOfBoard('b1')).toEqual(
      meeting('s', 1, 'b1', {
        date: '2030-02-02',
        start: '10:00',
        startsAt: 5,
        endsAt: 6,
        status: 'ended',
        startedAt: 1000,
        endedAt: 7,
        endedBy: 'facilitator',
      }),
    );
    // null clears a field; undefined leaves it.
    await stores.series.updateMeeting('s', 1, { startedAt: null, endedBy: undefined });
    expect(await stores.series.meetingOfBoard('b1')).toMatchObject({ startedAt: null, endedBy: 'facilitator', slot: { date: '2030-01-01', start: '09:30' } });
    expect(await stores.series.meetingOfBoard('b2')).toEqual(meeting('s', 2, 'b2'));
  });

  it('removes meetings, and the series with its last one, at once even from two instances', async () => {
    const { stores, openAgain } = await open();
    const other = await openAgain();
    await addSeries(stores, 'keep');
    await stores.series.reserveMeeting(meeting('keep', 1, 'k1'));
    await stores.series.reserveMeeting(meeting('keep', 2, 'k2'));
    await stores.series.removeMeeting('keep', 1);
    expect((await stores.series.meetings('keep')).map((m) => m.seq)).toEqual([2]);
    expect(await stores.series.get('keep')).not.toBeNull();
    await stores.series.removeMeeting('keep', 2);
    expect(await stores.series.get('keep')).toBeNull();

    for (let i = 0; i < 20; i++) {
      const id = `pair-${i}`;
      await addSeries(stores, id);
      await stores.series.reserveMeeting(meeting(id, 1, `${id}-1`));
      await stores.series.reserveMeeting(meeting(id, 2, `${id}-2`));
      await Promise.all([stores.series.removeMeeting(id, 1), other.series.removeMeeting(id, 2)]);
      expect(await stores.series.meetings(id)).toEqual([]);
      expect(await stores.series.get(id)).toBeNull();
    }
  });

  it('lists the boards of no series, oldest first', async () => {
    const { stores } = await open();
    await addSeries(stores, 's');
    for (const [id, createdAt] of [
      ['late', 300],
      ['in-series', 100],
      ['early', 200],
    ] as const) {
      await stores.boards.createBoard({ id, title: `Board ${id}`, createdAt, updatedAt: createdAt }, new Uint8Array([0, 0]));
    }
    await stores.series.reserveMeeting(meeting('s', 1, 'in-series'));
    expect(await stores.series.boardsWithoutSeries()).toEqual([
      { id: 'early', title: 'Board early', createdAt: 200 },
      { id: 'late', title: 'Board late', createdAt: 300 },
    ]);
  });

  it("opens a series with its own tokens and its meetings' board tokens, each with its role", async () => {
    const { stores, reopen } = await open();
    const tokens = await stores.series.create(weekly('s'));
    await stores.series.create(weekly('other'));
    await addBoard(stores, 'b1');
    await addBoard(stores, 'loose');
    await stores.series.reserveMeeting(meeting('s', 1, 'b1'));
    const board = await stores.tokens.issue('b1');
    const loose = await stores.tokens.issue('loose');
    const again = await reopen();
    for (const role of ['viewer', 'participant', 'facilitator'] as const) {
      expect(await again.series.resolveToken('s', tokens[role])).toBe(role);
      expect(await again.series.resolveToken('s', board[role])).toBe(role);
      expect(await again.series.resolveToken('other', tokens[role])).toBeNull();
      expect(await again.series.resolveToken('other', board[role])).toBeNull();
      expect(await again.series.resolveToken('s', loose[role])).toBeNull();
    }
    expect(await again.series.resolveToken('s', newToken())).toBeNull();
    expect(await again.series.resolveToken('s', 'not a token')).toBeNull();
  });

  it("rotating a role's token stops the old series link and that role's board links, leaving the other roles", async () => {
    const { stores, reopen } = await open();
    const tokens = await stores.series.create(weekly('s'));
    await stores.series.create(weekly('other'));
    await addBoard(stores, 'b1');
    await addBoard(stores, 'b-other');
    await stores.series.reserveMeeting(meeting('s', 1, 'b1'));
    await stores.series.reserveMeeting(meeting('other', 1, 'b-other'));
    const board = await stores.tokens.issue('b1');
    const boardOther = await stores.tokens.issue('b-other');
    const fresh = await stores.series.rotateToken('s', 'participant');
    const again = await reopen();
    expect(await again.series.resolveToken('s', fresh)).toBe('participant');
    expect(await again.series.resolveToken('s', tokens.participant)).toBeNull();
    expect(await again.series.resolveToken('s', board.participant)).toBeNull();
    expect(await again.tokens.resolve('b1', board.participant)).toBeNull();
    expect(await again.series.resolveToken('s', tokens.facilitator)).toBe('facilitator');
    expect(await again.series.resolveToken('s', board.viewer)).toBe('viewer');
    expect(await again.tokens.resolve('b1', board.facilitator)).toBe('facilitator');
    expect(await again.tokens.resolve('b-other', boardOther.participant)).toBe('participant');
  });
});
