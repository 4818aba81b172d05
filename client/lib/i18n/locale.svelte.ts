/**
 * The participant's language: chosen from the browser's languages, unless they picked one (remembered on
 * this device). `lang` selects the dictionary; `tag` is the BCP 47 tag for `Intl` (dates, lists, sorting),
 * so an `en-GB` browser keeps its day-month order even though the texts are the one English.
 */
export const LOCALES = ['en', 'de'] as const;
export type Lang = (typeof LOCALES)[number];
export type LangPreference = Lang | 'auto';

/** Each language's name in itself, for the language picker. */
export const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', de: 'Deutsch' };

const KEY = 'meshboard:locale';
const isLang = (v: unknown): v is Lang => typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
const primary = (tag: string): string => tag.toLowerCase().split('-')[0];

function browserTags(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : [];
}

function loadPreference(): LangPreference {
  try {
    const v = localStorage.getItem(KEY);
    return isLang(v) ? v : 'auto';
  } catch {
    return 'auto';
  }
}

/** The language `preference` resolves to with these browser languages (first supported one, else English). */
export function resolveLang(preference: LangPreference, tags: readonly string[] = browserTags()): Lang {
  if (preference !== 'auto') return preference;
  for (const tag of tags) {
    const p = primary(tag);
    if (isLang(p)) return p;
  }
  return 'en';
}

/** The `Intl` tag for `lang`: the browser's own variant of that language when it has one. */
export function intlTag(lang: Lang, tags: readonly string[] = browserTags()): string {
  return tags.find((tag) => primary(tag) === lang) ?? lang;
}

class LocaleState {
  /** What the participant chose; 'auto' follows the browser. */
  preference = $state<LangPreference>(loadPreference());
  lang = $derived<Lang>(resolveLang(this.preference));
  tag = $derived<string>(intlTag(this.lang));

  set(preference: LangPreference): void {
    this.preference = preference;
    try {
      if (preference === 'auto') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, preference);
    } catch {
      // The choice still holds for this visit.
    }
    syncDocumentLang();
  }
}

export const locale = new LocaleState();

/** `<html lang>` follows the language, so screen readers pronounce the page right. */
export function syncDocumentLang(): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale.lang;
}
