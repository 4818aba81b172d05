import { describe, expect, it } from 'vitest';
import { agendaClockTimes } from '../../shared/agenda-times.js';

describe('agendaClockTimes', () => {
  it('starts each item after the timeboxes of the items before it', () => {
    expect(agendaClockTimes('10:00', [10, 15, 5, 30])).toEqual(['10:00', '10:10', '10:25', '10:30']);
  });

  it('lets an item without a timebox take no time', () => {
    expect(agendaClockTimes('09:30', [null, 20, null, 10])).toEqual(['09:30', '09:30', '09:50', '09:50']);
  });

  it('carries over into the next hour and past midnight', () => {
    expect(agendaClockTimes('08:45', [75])).toEqual(['08:45']);
    expect(agendaClockTimes('08:45', [75, 5])).toEqual(['08:45', '10:00']);
    expect(agendaClockTimes('23:50', [15, 600, 1])).toEqual(['23:50', '00:05', '10:05']);
  });

  it('gives nothing for an empty agenda', () => {
    expect(agendaClockTimes('10:00', [])).toEqual([]);
  });

  it('refuses a start that is not HH:MM', () => {
    for (const bad of ['', '9:00', '24:00', '10:60', '10.00']) expect(() => agendaClockTimes(bad, [10])).toThrow(RangeError);
  });
});
