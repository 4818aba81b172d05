/**
 * The cadences a person picks from when making a series, as RRULEs (shared/cadence.ts reads them): weekly,
 * every two weeks and monthly on the first of a weekday, a single meeting, or a rule typed by hand. The
 * weekday is the first date's unless chosen otherwise.
 */
export const PRESETS = ['weekly', 'biweekly', 'monthly', 'once', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];

/** RRULE weekday codes, Monday first (as ISO weeks and most of Europe count). */
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface CadenceChoice {
  preset: Preset;
  weekday: Weekday;
  /** The typed rule, for `custom`. */
  rule: string;
}

/** The weekday of a `YYYY-MM-DD` day, or Monday for anything else. */
export function weekdayOf(date: string): Weekday {
  const d = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? 'MO' : WEEKDAYS[(d.getUTCDay() + 6) % 7];
}

/** The RRULE of a choice; null = one meeting only. */
export function ruleOf(c: CadenceChoice): string | null {
  switch (c.preset) {
    case 'weekly':
      return `FREQ=WEEKLY;BYDAY=${c.weekday}`;
    case 'biweekly':
      return `FREQ=WEEKLY;INTERVAL=2;BYDAY=${c.weekday}`;
    case 'monthly':
      return `FREQ=MONTHLY;BYDAY=+1${c.weekday}`;
    case 'once':
      return null;
    case 'custom':
      return c.rule;
  }
}

/** The choice that gives back `rule` (a series' stored, normalised rule): a preset when one matches. */
export function choiceOf(rule: string | null, fallbackDay: Weekday = 'MO'): CadenceChoice {
  if (rule === null) return { preset: 'once', weekday: fallbackDay, rule: '' };
  const parts = new Map(rule.split(';').map((p) => p.split('=') as [string, string]));
  const day = parts.get('BYDAY') ?? '';
  const keys = [...parts.keys()].sort().join(';');
  const plain = (WEEKDAYS as readonly string[]).includes(day) ? (day as Weekday) : null;
  const first = /^\+?1([A-Z]{2})$/.exec(day)?.[1];
  const firstDay = first && (WEEKDAYS as readonly string[]).includes(first) ? (first as Weekday) : null;
  if (parts.get('FREQ') === 'WEEKLY' && plain && keys === 'BYDAY;FREQ') return { preset: 'weekly', weekday: plain, rule };
  if (parts.get('FREQ') === 'WEEKLY' && plain && parts.get('INTERVAL') === '2' && keys === 'BYDAY;FREQ;INTERVAL')
    return { preset: 'biweekly', weekday: plain, rule };
  if (parts.get('FREQ') === 'MONTHLY' && firstDay && keys === 'BYDAY;FREQ') return { preset: 'monthly', weekday: firstDay, rule };
  return { preset: 'custom', weekday: fallbackDay, rule };
}

/** A cadence in the reader's words: a preset said in their language, any other rule as the server words it. */
export function cadenceInWords(
  rule: string | null,
  serverText: string,
  words: { once: string; weekly(day: string): string; biweekly(day: string): string; monthly(day: string): string },
  weekdays: Record<Weekday, string>,
): string {
  const c = choiceOf(rule);
  if (c.preset === 'once') return words.once;
  if (c.preset === 'custom') return serverText;
  return words[c.preset](weekdays[c.weekday]);
}
