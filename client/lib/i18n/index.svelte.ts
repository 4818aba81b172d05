/**
 * The reactive dictionary. Components import `t` from here, never a language's file: reading any key
 * (`t.home.title`) reads the current language, so markup re-renders when the language changes. Keys a
 * translation lacks fall back to English, so new English keys show at once in every language.
 */
import { en } from './en.js';
import { de } from './de.js';
import { locale, type Lang } from './locale.svelte.js';
import type { Dictionary, Translation } from './types.js';

export { locale, LOCALES, LANGUAGE_NAMES, syncDocumentLang, type Lang, type LangPreference } from './locale.svelte.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** English with `over` laid on top, key by key (arrays and functions are replaced whole). */
export function withFallback(base: Dictionary, over: Translation): Dictionary {
  const merge = (b: Record<string, unknown>, o: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...b };
    for (const [k, v] of Object.entries(o)) {
      if (v === undefined) continue;
      out[k] = isPlainObject(v) && isPlainObject(b[k]) ? merge(b[k] as Record<string, unknown>, v) : v;
    }
    return out;
  };
  return merge(base as unknown as Record<string, unknown>, over as Record<string, unknown>) as unknown as Dictionary;
}

const dictionaries: Record<Lang, Dictionary> = {
  en,
  de: withFallback(en, de),
};

/** The dictionary of `lang` (English for anything it does not translate). */
export const dictionary = (lang: Lang): Dictionary => dictionaries[lang];

/** The active dictionary; every property read tracks the current language. */
export const t: Dictionary = new Proxy({} as Dictionary, {
  get: (_, key) => (dictionaries[locale.lang] as unknown as Record<string | symbol, unknown>)[key],
  has: (_, key) => key in dictionaries[locale.lang],
  ownKeys: () => Reflect.ownKeys(dictionaries[locale.lang]),
  getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(dictionaries[locale.lang], key),
});
