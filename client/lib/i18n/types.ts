/**
 * The shape of a dictionary. English (`./en.ts`) is the reference; its `as const` literal types are
 * widened here so another language can give any text of the same shape (same keys, same function
 * parameters).
 */
import type { Strings } from './en.js';

type Widen<T> = T extends string
  ? string
  : T extends (...args: infer A) => infer R
    ? (...args: A) => Widen<R>
    : T extends readonly (infer U)[]
      ? readonly Widen<U>[]
      : T extends object
        ? { [K in keyof T]: Widen<T[K]> }
        : T;

/** A complete dictionary: what `t` returns, whatever the language. */
export type Dictionary = Widen<Strings>;

type DeepPartial<T> = T extends string | ((...args: never[]) => unknown) | readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** A translation: any subset of the English keys; what is missing falls back to English. */
export type Translation = DeepPartial<Dictionary>;
