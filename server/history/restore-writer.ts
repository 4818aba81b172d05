/**
 * Restoring an old state of a board as a new change on top of the current one.
 *
 * Our documents garbage-collect deleted content (gc: true), so Yjs snapshots cannot bring an old state
 * back. Instead the current document is compared with the old one and the difference is written as one
 * transaction: keys set or deleted, Y.Text changed with the smallest splice, missing cards, decisions and
 * proposals re-created, extra ones removed. The result is an ordinary update: relayed, stored, and itself
 * revertible by restoring the state from before it. Nothing is erased from history.
 *
 * The walk is generic over Y.Map / Y.Array / Y.Text, so fields this server does not know (written by a
 * newer or foreign client) are restored too.
 */
import * as Y from 'yjs';
import { Root, applyTextDiff } from '../../shared/board-schema.js';

/** Deepest nesting a restore walks; a document stored before the bounds may be deeper, and is refused whole. */
export const MAX_RESTORE_DEPTH = 32;

/** The version cannot be restored (it nests too deeply); nothing was changed. */
export class RestoreError extends Error {
  override readonly name = 'RestoreError';
}

type Op = () => void;

/**
 * Plans making `doc`'s board (the `meta` and `cards` roots) equal to `target`'s, reading only; `apply` then
 * writes it as one transaction with `origin`. A version that cannot be restored throws RestoreError here,
 * before anything was written: a restore is all or nothing.
 */
export function planRestore(doc: Y.Doc, target: Y.Doc): { changed: boolean; apply(origin: unknown): void } {
  const ops: Op[] = [];
  try {
    for (const root of [Root.meta, Root.cards]) planMap(doc.getMap(root), target.getMap(root), ops, 1);
  } catch (err) {
    if (err instanceof RangeError) throw new RestoreError('this version is too deeply nested to be restored'); // stack overflow
    throw err;
  }
  return {
    changed: ops.length > 0,
    apply(origin) {
      if (ops.length === 0) return;
      doc.transact(() => {
        for (const op of ops) op();
      }, origin);
    },
  };
}

/** Plans and applies a restore (see `planRestore`); returns whether anything had to change. */
export function restoreInto(doc: Y.Doc, target: Y.Doc, origin: unknown): boolean {
  const plan = planRestore(doc, target);
  plan.apply(origin);
  return plan.changed;
}

/** A Yjs document holding `update` (an encoded state), for reading an old version. */
export function docFromState(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
}

function tooDeep(depth: number): void {
  if (depth > MAX_RESTORE_DEPTH) throw new RestoreError(`this version nests deeper than ${MAX_RESTORE_DEPTH} levels and cannot be restored`);
}

function planMap(cur: Y.Map<unknown>, old: Y.Map<unknown>, ops: Op[], depth: number): void {
  tooDeep(depth);
  for (const key of cur.keys()) {
    if (!old.has(key)) ops.push(() => cur.delete(key));
  }
  for (const [key, ov] of old.entries()) {
    const cv = cur.get(key);
    if (ov instanceof Y.Text) {
      if (cv instanceof Y.Text) {
        const text = ov.toString();
        if (cv.toString() !== text) ops.push(() => applyTextDiff(cv, text));
      } else ops.push(replace(cur, key, ov, depth));
    } else if (ov instanceof Y.Map) {
      if (cv instanceof Y.Map) planMap(cv, ov, ops, depth + 1);
      else ops.push(replace(cur, key, ov, depth));
    } else if (ov instanceof Y.Array) {
      if (cv instanceof Y.Array) planArray(cv, ov, ops, depth + 1);
      else ops.push(replace(cur, key, ov, depth));
    } else if (ov instanceof Y.AbstractType) {
      // A shared type this schema never writes (e.g. XML): carried over only when absent.
      if (!(cv instanceof Y.AbstractType)) ops.push(replace(cur, key, ov, depth));
    } else if (!jsonEqual(cv, ov)) {
      ops.push(replace(cur, key, ov, depth));
    }
  }
}

/** An op setting `key` to a copy of `ov`; the copy's depth is checked now, so making it later cannot fail. */
function replace(cur: Y.Map<unknown>, key: string, ov: unknown, depth: number): Op {
  checkDepth(ov, depth + 1);
  return () => cur.set(key, cloneValue(ov));
}

/** The id of an array element that is a map with a string `id` (decisions, proposals), else null. */
const idOf = (v: unknown): string | null => (v instanceof Y.Map && typeof v.get('id') === 'string' ? (v.get('id') as string) : null);

/**
 * Arrays of id'd maps are matched by id, so a decision edited since keeps its identity (and its action
 * item); elements that differ in order, or arrays of anything else, are rewritten whole. The plan replays
 * on a list of the array's elements what the ops will do, so each op's index is right when it runs.
 */
function planArray(cur: Y.Array<unknown>, old: Y.Array<unknown>, ops: Op[], depth: number): void {
  tooDeep(depth);
  const oldItems = old.toArray();
  const oldIds = oldItems.map(idOf);
  const keyed = oldIds.every((id) => id !== null) && new Set(oldIds).size === oldIds.length;
  const curItems = cur.toArray();
  const curIds = curItems.map(idOf);
  if (keyed && curIds.every((id) => id !== null) && new Set(curIds).size === curIds.length) {
    const wanted = new Set(oldIds as string[]);
    const sim = [...curItems];
    const deletes: Op[] = [];
    for (let i = curIds.length - 1; i >= 0; i--) {
      if (!wanted.has(curIds[i]!)) {
        deletes.push(() => cur.delete(i, 1));
        sim.splice(i, 1);
      }
    }
    const kept = sim.map(idOf) as string[];
    const keptSet = new Set(kept);
    const oldOrderOfKept = (oldIds as string[]).filter((id) => keptSet.has(id));
    if (kept.every((id, i) => id === oldOrderOfKept[i])) {
      // Same relative order: insert the missing ones where they were, update the rest in place.
      ops.push(...deletes);
      oldItems.forEach((ov, i) => {
        const cv = sim[i];
        if (idOf(cv) === oldIds[i]) planMap(cv as Y.Map<unknown>, ov as Y.Map<unknown>, ops, depth + 1);
        else {
          checkDepth(ov, depth + 1);
          ops.push(() => cur.insert(i, [cloneValue(ov)]));
          sim.splice(i, 0, ov);
        }
      });
      return;
    }
  } else if (cur.length === old.length && curItems.every((cv, i) => sameValue(cv, oldItems[i]))) {
    return;
  }
  for (const ov of oldItems) checkDepth(ov, depth + 1);
  ops.push(() => {
    if (cur.length) cur.delete(0, cur.length);
    cur.insert(0, oldItems.map(cloneValue));
  });
}

/** Throws RestoreError when `v` nests deeper than a restore goes (so cloning it cannot overflow the stack). */
function checkDepth(v: unknown, depth: number): void {
  tooDeep(depth);
  if (v instanceof Y.Map) for (const x of v.values()) checkDepth(x, depth + 1);
  else if (v instanceof Y.Array) for (const x of v.toArray()) checkDepth(x, depth + 1);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Y.AbstractType || b instanceof Y.AbstractType) {
    return a instanceof Y.AbstractType && b instanceof Y.AbstractType && a.constructor === b.constructor && jsonEqual(a.toJSON(), b.toJSON());
  }
  return jsonEqual(a, b);
}

/** A fresh copy of a value of another document, ready to be inserted into this one. */
function cloneValue(v: unknown): unknown {
  if (v instanceof Y.Text) {
    const t = new Y.Text();
    t.applyDelta(v.toDelta());
    return t;
  }
  if (v instanceof Y.Map) {
    const m = new Y.Map<unknown>();
    for (const [k, x] of v.entries()) m.set(k, cloneValue(x));
    return m;
  }
  if (v instanceof Y.Array) {
    const a = new Y.Array<unknown>();
    a.insert(0, v.toArray().map(cloneValue));
    return a;
  }
  if (v instanceof Y.AbstractType) return (v as Y.AbstractType<unknown>).clone();
  if (v instanceof Uint8Array) return new Uint8Array(v);
  return v === undefined ? null : structuredClone(v);
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
