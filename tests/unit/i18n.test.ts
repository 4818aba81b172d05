import { describe, expect, it } from 'vitest';
import { en } from '../../client/lib/i18n/en.js';
import { de } from '../../client/lib/i18n/de.js';

/** Texts of more than a word that German rightly writes as English does: placeholders of names and links. */
const SAME_IN_GERMAN = new Set([
  'Ana, Sam, Lee',
  'Team (optional)',
  'https://…/s/…?token=…',
  'https://hooks.example.com/…',
  'Microsoft Teams',
  'Standard Webhooks (JSON)',
]);
const SAMPLE = 7;
/** The words of a text, without the sample arguments a wording was called with ("Meeting 7" is one word). */
const words = (text: string): string[] => text.replaceAll(String(SAMPLE), '').match(/\p{L}+(?:-\p{L}+)*/gu) ?? [];

type Leaf = { path: string; en: unknown; de: unknown };

/** Every leaf of the English dictionary beside the German value at the same path (undefined when missing). */
function leaves(e: unknown, d: unknown, path: string[] = []): Leaf[] {
  if (typeof e === 'object' && e !== null && !Array.isArray(e)) {
    const dObj = typeof d === 'object' && d !== null ? (d as Record<string, unknown>) : {};
    return Object.entries(e).flatMap(([k, v]) => leaves(v, dObj[k], [...path, k]));
  }
  if (Array.isArray(e)) return e.flatMap((v, i) => leaves(v, Array.isArray(d) ? d[i] : undefined, [...path, String(i)]));
  return [{ path: path.join('.'), en: e, de: d }];
}

/** What a wording says with sample arguments; undefined when it needs arguments of another shape. */
function sample(fn: (...args: unknown[]) => unknown): string | undefined {
  try {
    const out = fn(...Array.from({ length: fn.length }, () => SAMPLE));
    return typeof out === 'string' ? out : undefined;
  } catch {
    return undefined;
  }
}

const all = leaves(en, de);

describe('the German dictionary', () => {
  it('has every key of the English one, of the same kind', () => {
    const missing = all.filter((l) => l.de === undefined).map((l) => l.path);
    expect(missing).toEqual([]);
    const otherKind = all.filter((l) => l.de !== undefined && typeof l.de !== typeof l.en).map((l) => l.path);
    expect(otherKind).toEqual([]);
  });

  it('translates every text longer than a word', () => {
    const untranslated = all
      .map((l) => {
        const english = typeof l.en === 'function' ? sample(l.en as never) : l.en;
        const german = typeof l.de === 'function' ? sample(l.de as never) : l.de;
        return { path: l.path, english, german };
      })
      .filter(({ english, german }) => typeof english === 'string' && english === german && words(english).length > 1 && !SAME_IN_GERMAN.has(english))
      .map(({ path, english }) => `${path}: ${english}`);
    expect(untranslated).toEqual([]);
  });

  it('notices a missing key and an untranslated text', () => {
    const broken = leaves({ a: 'Save the board', b: { c: (n: number) => `${n} items` } }, { a: 'Save the board' });
    expect(broken.find((l) => l.path === 'b.c')?.de).toBeUndefined();
    expect(broken.find((l) => l.path === 'a')).toMatchObject({ en: 'Save the board', de: 'Save the board' });
  });
});
