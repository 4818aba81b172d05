/**
 * How much room a card takes: compact (the default; notes cut to two lines, tight spacing) or comfortable.
 * Remembered on this device; written to `<html data-density>`, where the card styles read it.
 */
export const DENSITIES = ['compact', 'comfortable'] as const;
export type Density = (typeof DENSITIES)[number];

const KEY = 'meshboard:density';
const isDensity = (v: unknown): v is Density => typeof v === 'string' && (DENSITIES as readonly string[]).includes(v);

function load(): Density {
  try {
    const v = localStorage.getItem(KEY);
    return isDensity(v) ? v : 'compact';
  } catch {
    return 'compact';
  }
}

class DensityState {
  #value = $state<Density>(load());
  get value() {
    return this.#value;
  }

  set(value: Density): void {
    this.#value = value;
    try {
      if (value === 'compact') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, value);
    } catch {
      // The choice still holds for this visit.
    }
    this.apply();
  }

  apply(): void {
    document.documentElement.dataset.density = this.#value;
  }
}

export const density = new DensityState();
