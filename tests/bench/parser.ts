/**
 * S8: the decision parser (shared/decisions.ts) on normal and crafted decisions, in this process — no server:
 * what one `parseDecision` costs, which is what the action service, the summary and the browser's preview pay
 * per decision. The crafted shapes are the ones that were quadratic: "by", a run of spaces, ". tomorrow" at
 * the REST limit, at 40 KB (through Yjs, which has no limit) and at 1 MB; 2,000 known names.
 */
import { parseDecision } from '../../shared/decisions.js';
import { percentiles, type Percentiles } from './stats.js';

export interface ParserResult {
  shape: string;
  chars: number;
  names: number;
  /** The first parse with a new list of names: it builds the names' lookup. */
  firstMs: number;
  /** Later parses with the same list. */
  ms: Percentiles;
}

const MEETING = '2026-11-24';
const FIVE = ['Priya', 'Sam', 'Lee', 'Mary Ann', 'José'];
const MANY = Array.from({ length: 2000 }, (_, i) => `Person${i} Lastname${i}`);
const byThenSpaces = (chars: number) => `by${' '.repeat(chars - 12)}. tomorrow`;
const repeatTo = (unit: string, chars: number) => unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars);

const SHAPES: Array<{ shape: string; text: string; names: readonly string[] }> = [
  { shape: 'normal decision, 5 known names', text: 'Decision: Priya ships the FAQ page by next Friday', names: FIVE },
  { shape: 'normal decision, 2,000 known names', text: 'Person7 Lastname7 ships the FAQ page by next Friday', names: MANY },
  { shape: '"by" + spaces + ". tomorrow", 10,000 chars (REST limit)', text: byThenSpaces(10_000), names: FIVE },
  { shape: '"by" + spaces + ". tomorrow", 40 KB', text: byThenSpaces(40_000), names: FIVE },
  { shape: '"by" + spaces + ". tomorrow", 1 MB', text: byThenSpaces(1_000_000), names: FIVE },
  {
    shape: '40 KB of prose naming people, 2,000 known names',
    text: repeatTo('Person7 Lastname7 and Person8 Lastname8 ship it by Friday. ', 40_000),
    names: MANY,
  },
  { shape: 'dates only ("2026-12-01 " × 909), 10,000 chars', text: repeatTo('2026-12-01 ', 10_000), names: FIVE },
];

/** Parses each shape `samples` times (fewer for the megabyte, at most ~5 s each) and reports ms per parse. */
export function decisionParser(samples: number): ParserResult[] {
  // chrono compiles its patterns on first use: warm it, so the first shape is not charged for that.
  for (let i = 0; i < 20; i++) parseDecision({ text: 'Sam sends the slides by Friday, or tomorrow at 9:30' }, { meetingDate: MEETING, participants: FIVE });
  const out: ParserResult[] = [];
  for (const { shape, text, names } of SHAPES) {
    // A fresh array, as a board's context is after its names change: the first parse builds the lookup.
    const ctx = { meetingDate: MEETING, participants: [...names] };
    let t = performance.now();
    parseDecision({ text }, ctx);
    const firstMs = performance.now() - t;
    const times: number[] = [];
    const budget = performance.now() + 5000;
    for (let i = 0; i < samples && performance.now() < budget; i++) {
      t = performance.now();
      parseDecision({ text }, ctx);
      times.push(performance.now() - t);
    }
    out.push({ shape, chars: text.length, names: names.length, firstMs: Math.round(firstMs * 100) / 100, ms: percentiles(times) });
  }
  return out;
}
