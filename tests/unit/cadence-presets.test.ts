import { describe, expect, it } from 'vitest';
import { checkCadence, upcomingSlots } from '../../shared/cadence.js';
import { cadenceInWords, choiceOf, ruleOf, weekdayOf, type CadenceChoice } from '../../client/lib/cadence-presets.js';
import { de } from '../../client/lib/i18n/de.js';
import { en } from '../../client/lib/i18n/en.js';

describe('cadence presets', () => {
  it('each preset is a rule the server accepts, and its normalised form reads back as the same preset', () => {
    for (const preset of ['weekly', 'biweekly', 'monthly'] as const) {
      const choice: CadenceChoice = { preset, weekday: 'TH', rule: '' };
      const checked = checkCadence(ruleOf(choice)!);
      expect(checked.ok).toBe(true);
      if (checked.ok) expect(choiceOf(checked.rule)).toEqual({ ...choice, rule: checked.rule });
    }
    expect(ruleOf({ preset: 'once', weekday: 'MO', rule: '' })).toBeNull();
    expect(choiceOf(null).preset).toBe('once');
  });

  it('monthly on the first Thursday lands on the first Thursday of each month', () => {
    const slots = upcomingSlots(ruleOf({ preset: 'monthly', weekday: 'TH', rule: '' }), { date: '2030-01-01', start: '10:00' }, 3);
    expect(slots.map((s) => s.date)).toEqual(['2030-01-03', '2030-02-07', '2030-03-07']);
  });

  it('any other rule is a custom one, kept as typed', () => {
    expect(choiceOf('FREQ=DAILY')).toEqual({ preset: 'custom', weekday: 'MO', rule: 'FREQ=DAILY' });
    expect(choiceOf('FREQ=WEEKLY;BYDAY=MO,TH').preset).toBe('custom');
  });

  it('the weekday of a date counts from Monday', () => {
    expect(weekdayOf('2030-01-03')).toBe('TH');
    expect(weekdayOf('2030-01-06')).toBe('SU');
    expect(weekdayOf('nonsense')).toBe('MO');
  });

  it('a preset is said in the reader’s language; another rule as the server words it', () => {
    // The German dictionary is typed as partial (missing keys fall back to English); these are all there.
    const deWords = de.series?.cadenceWords as typeof en.series.cadenceWords;
    const deDays = de.series?.weekdays as typeof en.series.weekdays;
    expect(cadenceInWords('FREQ=WEEKLY;BYDAY=TH', 'every week on Thursday', en.series.cadenceWords, en.series.weekdays)).toBe('Every week on Thursday');
    expect(cadenceInWords('FREQ=WEEKLY;BYDAY=TH', 'every week on Thursday', deWords, deDays)).toBe('Jede Woche am Donnerstag');
    expect(cadenceInWords('FREQ=MONTHLY;BYDAY=+1MO', 'x', deWords, deDays)).toBe('Monatlich am ersten Montag');
    expect(cadenceInWords(null, 'once', deWords, deDays)).toBe('Einmalig');
    expect(cadenceInWords('FREQ=DAILY', 'every day', deWords, deDays)).toBe('every day');
  });
});
