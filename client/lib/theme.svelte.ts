/**
 * Light or dark: follows the system (`prefers-color-scheme`) unless the participant picked one, which is
 * remembered on this device. The resolved theme is written to `<html data-theme>`, where styles.css
 * switches its colour tokens; nothing else in the client chooses colours.
 */
export const THEMES = ['system', 'light', 'dark'] as const;
export type ThemePreference = (typeof THEMES)[number];

const KEY = 'meshboard:theme';
const isPreference = (v: unknown): v is ThemePreference => typeof v === 'string' && (THEMES as readonly string[]).includes(v);

function load(): ThemePreference {
  try {
    const v = localStorage.getItem(KEY);
    return isPreference(v) ? v : 'system';
  } catch {
    return 'system';
  }
}

const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

class ThemeState {
  #preference = $state<ThemePreference>(load());
  get preference() {
    return this.#preference;
  }
  /** The system's own choice, kept current as it changes (see `startTheme`). */
  #systemDark = $state(darkQuery?.matches ?? false);
  #resolved = $derived<'light' | 'dark'>(this.#preference === 'system' ? (this.#systemDark ? 'dark' : 'light') : this.#preference);
  get resolved() {
    return this.#resolved;
  }

  set(preference: ThemePreference): void {
    this.#preference = preference;
    try {
      if (preference === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, preference);
    } catch {
      // The choice still holds for this visit.
    }
    this.apply();
  }

  /** The system switched between light and dark. */
  systemChanged(dark: boolean): void {
    this.#systemDark = dark;
    this.apply();
  }

  /** Writes the resolved theme to the document (and the browser chrome's colour). */
  apply(): void {
    const root = document.documentElement;
    root.dataset.theme = this.#resolved;
    document.querySelector('meta[name="theme-color"]')?.setAttribute('content', this.#resolved === 'dark' ? '#0f1420' : '#1f2a44');
  }
}

export const theme = new ThemeState();

/** Applies the theme now and whenever the system setting changes. Call once, before mounting. */
export function startTheme(): void {
  theme.apply();
  darkQuery?.addEventListener('change', (e) => theme.systemChanged(e.matches));
}
