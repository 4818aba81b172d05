import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DATE_WINDOW, findKnownNames, mentionsAnyName, parseDecision, splitOwners, type FoundName } from '../../shared/decisions.js';

/** A Tuesday. */
const MEETING = '2026-11-24';

// ---- a reference for finding known names: plain, slow, obviously right --------------------------------------

const WORD = /[\p{L}\p{N}_]/u;
const fold = (s: string) => s.toLowerCase().replaceAll('ς', 'σ');
/** The code point that ends just before `i` is a letter, digit or `_`. */
function wordBefore(text: string, i: number): boolean {
  if (i === 0) return false;
  const pair = i > 1 && /[\uDC00-\uDFFF]/.test(text[i - 1]) && /[\uD800-\uDBFF]/.test(text[i - 2]);
  return WORD.test(pair ? text.slice(i - 2, i) : text[i - 1]);
}
const wordAt = (text: string, i: number) => i < text.length && WORD.test(String.fromCodePoint(text.codePointAt(i)!));

/**
 * At every position, left to right: the longest name (first given, among equals) whose text is there, case
 * aside, with no letter, digit or `_` just before or just after it; then on after it.
 */
function referenceFind(text: string, participants: readonly string[]): FoundName[] {
  const names = participants.map((n) => n.trim()).filter((n) => n !== '');
  const longestFirst = [...names].sort((a, b) => b.length - a.length);
  const out: FoundName[] = [];
  for (let i = 0; i < text.length;) {
    const name = wordBefore(text, i) ? undefined : longestFirst.find((n) => fold(text.slice(i, i + n.length)) === fold(n) && !wordAt(text, i + n.length));
    if (name) {
      out.push({ name, index: i, end: i + name.length });
      i += name.length;
    } else {
      i += text.codePointAt(i)! > 0xffff ? 2 : 1;
    }
  }
  return out;
}

/** Few characters, so that random names and texts often meet: cases, accents, Greek sigma, a non-BMP letter, marks. */
const CHARS = ['a', 'A', 'b', 'B', 'é', 'É', 'σ', 'Σ', 'ς', '𝒜', '1', '_', ' ', ' ', '.', '-', "'", '@', ','];
const chunk = fc.array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 4 }).map((cs) => cs.join(''));
/** Names, some with spaces around them (trimmed away), some appearing in the text as typed. */
const names = fc.array(
  chunk.map((s) => (s.length % 3 === 0 ? ` ${s} ` : s)),
  { maxLength: 6 },
);
const texts = fc.array(chunk, { maxLength: 12 }).map((cs) => cs.join(''));

describe('known names are found by one pass over the text, as a plain search would find them', () => {
  it('agrees with the reference on random small texts and names', () => {
    fc.assert(
      fc.property(texts, names, fc.array(fc.nat(), { maxLength: 4 }), (base, ns, picks) => {
        // Put some of the names into the text, in other cases, so matches are common.
        const text = picks.reduce(
          (t, p) => (ns.length ? t + (p % 2 ? ' ' : '') + (p % 3 ? ns[p % ns.length].trim().toUpperCase() : ns[p % ns.length].trim()) : t),
          base,
        );
        expect(findKnownNames(text, ns)).toEqual(referenceFind(text, ns));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads an @mention as the longest known name that starts after the @, else as the board spells the word', () => {
    fc.assert(
      fc.property(texts, names, (rest, ns) => {
        const text = `@a${rest}`;
        // What follows the @ is read as if the text began there: the @ is no letter, digit or `_`.
        const known = referenceFind(text.slice(1), ns).find((f) => f.index === 0)?.name;
        const word = /^[\p{L}\p{N}][\p{L}\p{N}_.'-]*/u.exec(text.slice(1))![0].replace(/[.'-]+$/, '');
        const spelled = ns.map((n) => n.trim()).find((n) => n.toLowerCase() === word.toLowerCase());
        const owners = parseDecision({ text }, { meetingDate: MEETING, participants: ns }).owners;
        expect(owners[0]).toBe(known ?? spelled ?? word);
      }),
      { numRuns: 1000 },
    );
  });

  it('finds the longest name where several start, and each stretch of text once', () => {
    const people = ['Mary', 'Mary Ann', 'Ann Lee', 'Lee'];
    expect(findKnownNames('Mary Ann Lee and mary', people)).toEqual([
      { name: 'Mary Ann', index: 0, end: 8 },
      { name: 'Lee', index: 9, end: 12 },
      { name: 'Mary', index: 17, end: 21 },
    ]);
  });

  it('finds names that start or end with punctuation only where no word touches them', () => {
    const people = ['A.J.', '(Ana)'];
    expect(findKnownNames('A.J. and (Ana) agree; A.J.x and x(Ana) do not', people).map((f) => [f.name, f.index])).toEqual([
      ['A.J.', 0],
      ['(Ana)', 9],
    ]);
  });

  it('a decision that contains none of the changed names reads the same with or without them', () => {
    fc.assert(
      fc.property(texts, names, names, (text, known, changed) => {
        fc.pre(!mentionsAnyName({ text }, changed));
        const without = parseDecision({ text }, { meetingDate: MEETING, participants: known });
        const withThem = parseDecision({ text }, { meetingDate: MEETING, participants: [...known, ...changed] });
        expect(withThem).toEqual(without);
      }),
      { numRuns: 1000 },
    );
  });
});

// ---- crafted input: each of these took from seconds to an hour before ---------------------------------------

const ctx = { meetingDate: MEETING, participants: ['Priya', 'Sam', 'Lee', 'Mary Ann'] };
const MB = 1_000_000;

describe('parseDecision stays linear on crafted text of any length', () => {
  it('reads a 1 MB "by", spaces, ". tomorrow" without a due date beyond its date window', () => {
    const p = parseDecision({ text: 'by' + ' '.repeat(MB) + '. tomorrow' }, ctx);
    expect(p).toMatchObject({ due: null, dueText: '', dueFlag: null, owners: [] });
  });

  it('still reads the date of a long decision when it is within the first DATE_WINDOW characters', () => {
    const text = `Priya ships the FAQ by Friday. ${'More background. '.repeat(MB / 17)}`;
    expect(parseDecision({ text }, ctx)).toMatchObject({ owners: ['Priya'], due: '2026-11-27', dueText: 'by Friday' });
    const late = `${'x '.repeat(DATE_WINDOW)} Priya ships by Friday`;
    expect(parseDecision({ text: late }, ctx)).toMatchObject({ owners: ['Priya'], due: null, dueFlag: null });
  });

  it('reads a date after a long run of spaces, without the cue word when it is far before', () => {
    expect(parseDecision({ text: `Sam ships by${' '.repeat(500)}tomorrow` }, ctx)).toMatchObject({ owners: ['Sam'], due: '2026-11-25', dueText: 'tomorrow' });
  });

  it('parses a 1 MB decision against 2,000 known names, finding the ones it names', () => {
    const many = Array.from({ length: 2000 }, (_, i) => `Person${i} Lastname${i}`);
    const text = 'Person7 Lastname7 and Person1999 Lastname1999 ship it by Friday. ' + 'Person5 Lastname5 was consulted. '.repeat(MB / 33);
    const p = parseDecision({ text }, { meetingDate: MEETING, participants: many });
    expect(p).toMatchObject({ owners: ['Person7 Lastname7', 'Person1999 Lastname1999'], due: '2026-11-27' });
  });

  it('parses 1 MB of mentions, and of names between long gaps, each owner once', () => {
    const mentions = Array.from({ length: 100_000 }, (_, i) => `@u${i % 50_000}`).join(' ');
    const owners = parseDecision({ text: mentions }, ctx).owners;
    expect(owners).toHaveLength(50_000);
    expect(owners.slice(0, 2)).toEqual(['u0', 'u1']);
    expect(parseDecision({ text: `@a${'.'.repeat(MB)}b` }, ctx).owners).toEqual([`a${'.'.repeat(MB)}b`]);
    expect(parseDecision({ text: `Priya${' '.repeat(MB)}x Sam` }, ctx).owners).toEqual(['Priya']);
    expect(parseDecision({ text: 'Sam '.repeat(MB / 4) }, ctx).owners).toEqual(['Sam']);
  });

  it('parses 1 MB of cue words that are not dates, and an owners field of 100,000 names', () => {
    expect(parseDecision({ text: 'by email '.repeat(MB / 9) }, ctx)).toMatchObject({ due: null, dueFlag: null });
    const field = Array.from({ length: 100_000 }, (_, i) => `n${i % 30_000}`).join(', ');
    expect(splitOwners(field, ctx.participants)).toHaveLength(30_000);
  });
});
