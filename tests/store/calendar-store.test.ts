/** The calendar store contract: every CalendarStore implementation passes this suite (engines.ts). */
import { describe, expect, it } from 'vitest';
import { addSeries, ENGINES, storesOn } from './engines.js';

describe.each(ENGINES)('$name calendar store', (engine) => {
  const open = storesOn(engine);

  it('notes a feed at generation 0 once, and a bump gives it a new generation, per series and name', async () => {
    const { stores, reopen } = await open();
    await addSeries(stores, 'series-a');
    await addSeries(stores, 'series-b');
    expect(await stores.calendar.feeds('series-a')).toEqual(new Map());
    expect(await stores.calendar.ensure('series-a', '')).toBe(0);
    expect(await stores.calendar.ensure('series-a', '')).toBe(0);
    expect(await stores.calendar.bump('series-a', '')).toBe(1);
    expect(await stores.calendar.bump('series-a', '')).toBe(2);
    expect(await stores.calendar.ensure('series-a', '')).toBe(2);
    // A feed bumped before it was ever read starts at 1.
    expect(await stores.calendar.bump('series-a', 'ana')).toBe(1);
    expect(await stores.calendar.ensure('series-a', 'bo')).toBe(0);
    expect(await stores.calendar.ensure('series-b', 'ana')).toBe(0);
    const again = await reopen();
    expect(await again.calendar.feeds('series-a')).toEqual(
      new Map([
        ['', 2],
        ['ana', 1],
        ['bo', 0],
      ]),
    );
    expect(await again.calendar.feeds('series-b')).toEqual(new Map([['ana', 0]]));
  });

  it("keeps a meeting's sequence while its fingerprint stays, and counts one up for each change", async () => {
    const { stores, reopen } = await open();
    await addSeries(stores, 'series-a');
    await addSeries(stores, 'series-b');
    expect(await stores.calendar.sequence('series-a', 1, 'mon 09:00')).toBe(0);
    expect(await stores.calendar.sequence('series-a', 1, 'mon 09:00')).toBe(0);
    expect(await stores.calendar.sequence('series-a', 1, 'tue 10:00')).toBe(1);
    expect(await stores.calendar.sequence('series-a', 1, 'tue 10:00')).toBe(1);
    expect(await stores.calendar.sequence('series-a', 2, 'mon 09:00')).toBe(0);
    expect(await stores.calendar.sequence('series-b', 1, 'other')).toBe(0);
    const again = await reopen();
    // Back to an earlier fingerprint is a change too.
    expect(await again.calendar.sequence('series-a', 1, 'mon 09:00')).toBe(2);
    expect(await again.calendar.sequence('series-a', 2, 'mon 09:00')).toBe(0);
  });

  it('two instances seeing one change at once count it once, and two bumps at once give two generations', async () => {
    const { stores, openAgain } = await open();
    const other = await openAgain();
    await addSeries(stores, 'series-a');
    for (let seq = 1; seq <= 10; seq++) {
      expect(await Promise.all([stores.calendar.sequence('series-a', seq, 'first'), other.calendar.sequence('series-a', seq, 'first')])).toEqual([0, 0]);
      expect(await Promise.all([stores.calendar.sequence('series-a', seq, 'moved'), other.calendar.sequence('series-a', seq, 'moved')])).toEqual([1, 1]);
      const name = `person-${seq}`;
      expect(await Promise.all([stores.calendar.ensure('series-a', name), other.calendar.ensure('series-a', name)])).toEqual([0, 0]);
      expect((await Promise.all([stores.calendar.bump('series-a', name), other.calendar.bump('series-a', name)])).sort()).toEqual([1, 2]);
    }
    expect(await stores.calendar.sequence('series-a', 10, 'moved')).toBe(1);
  });
});
