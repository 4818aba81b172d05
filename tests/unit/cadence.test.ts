import { describe, expect, it } from 'vitest';
import { checkCadence, describeCadence, instantSlot, nextSlot, slotInstant, upcomingSlots } from '../../shared/cadence.js';

const first = { date: '2026-12-01', start: '10:00' }; // a Tuesday

describe('cadence', () => {
  it.each([
    ['weekly on Thursday', 'FREQ=WEEKLY;BYDAY=TH', ['2026-12-03', '2026-12-10', '2026-12-17']],
    ['every two weeks on Thursday', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TH', ['2026-12-03', '2026-12-17', '2026-12-31']],
    ['monthly on the first Monday', 'FREQ=MONTHLY;BYDAY=1MO', ['2026-12-07', '2027-01-04', '2027-02-01']],
    ['every weekday', 'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR', ['2026-12-01', '2026-12-02', '2026-12-03']],
  ])('%s', (_name, rule, days) => {
    expect(checkCadence(rule)).toEqual({ ok: true, rule: expect.any(String) });
    expect(upcomingSlots(rule, first, 3)).toEqual(days.map((date) => ({ date, start: '10:00' })));
  });

  it('gives the slot after a given one, and none past the last year or the rule’s end', () => {
    expect(nextSlot('FREQ=WEEKLY;BYDAY=TH', first, { date: '2026-12-03', start: '10:00' })).toEqual({ date: '2026-12-10', start: '10:00' });
    expect(nextSlot('FREQ=WEEKLY;BYDAY=TH;COUNT=1', first, { date: '2026-12-03', start: '10:00' })).toBeNull();
    expect(nextSlot('FREQ=YEARLY', { date: '2100-06-01', start: '10:00' }, { date: '2100-06-01', start: '10:00' })).toBeNull();
    expect(nextSlot(null, first)).toEqual(first);
    expect(nextSlot(null, first, first)).toBeNull();
  });

  it('refuses rules that are not meetings, with a reason', () => {
    expect(checkCadence('')).toMatchObject({ ok: false });
    expect(checkCadence('FREQ=MINUTELY')).toMatchObject({ ok: false, message: /DAILY, WEEKLY/ });
    expect(checkCadence('FREQ=WEEKLY;INTERVAL=99')).toMatchObject({ ok: false, message: /INTERVAL/ });
    expect(checkCadence('DTSTART:20260101T000000Z\nRRULE:FREQ=WEEKLY')).toMatchObject({ ok: false, message: /DTSTART/ });
    expect(checkCadence('RRULE:FREQ=WEEKLY;BYDAY=TH')).toEqual({ ok: true, rule: 'FREQ=WEEKLY;BYDAY=TH' });
    expect(describeCadence('FREQ=MONTHLY;BYDAY=1MO')).toBe('every month on the 1st Monday');
  });

  it('keeps the wall-clock time across daylight saving and turns it into the right instant', () => {
    // 10:00 in Berlin is 09:00 UTC in winter and 08:00 UTC in summer.
    expect(slotInstant({ date: '2026-12-03', start: '10:00' }, 'Europe/Berlin')).toBe(Date.UTC(2026, 11, 3, 9));
    expect(slotInstant({ date: '2026-07-02', start: '10:00' }, 'Europe/Berlin')).toBe(Date.UTC(2026, 6, 2, 8));
    // New York switches on 2026-03-08: 10:00 that day is 14:00 UTC, the day before 15:00 UTC.
    expect(slotInstant({ date: '2026-03-07', start: '10:00' }, 'America/New_York')).toBe(Date.UTC(2026, 2, 7, 15));
    expect(slotInstant({ date: '2026-03-08', start: '10:00' }, 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 14));
    // A time the spring-forward skips is read with the offset before the change.
    expect(slotInstant({ date: '2026-03-29', start: '02:30' }, 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(instantSlot(Date.UTC(2026, 11, 3, 9), 'Europe/Berlin')).toEqual({ date: '2026-12-03', start: '10:00' });
    expect(instantSlot(Date.UTC(2026, 11, 3, 23, 30), 'Asia/Tokyo')).toEqual({ date: '2026-12-04', start: '08:30' });
  });
});
