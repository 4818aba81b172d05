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

/**
 * Makes `doc`'s board (the `meta` and `cards` roots) equal to `target`'s, in one transaction with `origin`.
 * Returns whether anything had to change.
 */
export function restoreInto(doc: Y.Doc, target: Y.Doc, origin: unknown): boolean {
  let changed = false;
  const mark = () => {
    changed = true;
  };
  doc.transact(() => {
    for (const root of [Root.meta, Root.cards]) reconcileMap(doc.getMap(root), target.getMap(root), mark);
  }, origin);
  return changed;
}

/** A Yjs document holding `update` (an encoded state), for reading an old version. */
export function docFromState(update: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
}

function reconcileMap(cur: Y.Map<unknown>, old: Y.Map<unknown>, mark: () => void): void {
  for (const key of [...cur.keys()]) {
    if (!old.has(key)) {
      cur.delete(key);
      mark();
    }
  }
  for (const [key, ov] of old.entries()) {
    const cv = cur.get(key);
    if (ov instanceof Y.Text) {
      if (cv instanceof Y.Text) {
        if (cv.toString() !== ov.toString()) {
          applyTextDiff(cv, ov.toString());
          mark();
        }
      } else {
        cur.set(key, cloneValue(ov));
        mark();
      }
    } else if (ov instanceof Y.Map) {
      if (cv instanceof Y.Map) reconcileMap(cv, ov, mark);
      else {
        cur.set(key, cloneValue(ov));
        mark();
      }
    } else if (ov instanceof Y.Array) {
      if (cv instanceof Y.Array) reconcileArray(cv, ov, mark);
      else {
        cur.set(key, cloneValue(ov));
        mark();
      }
    } else if (ov instanceof Y.AbstractType) {
      // A shared type this schema never writes (e.g. XML): carried over only when absent.
      if (!(cv instanceof Y.AbstractType)) {
        cur.set(key, cloneValue(ov));
        mark();
      }
    } else if (!jsonEqual(cv, ov)) {
      cur.set(key, cloneValue(ov));
      mark();
    }
  }
}

/** The id of an array element that is a map with a string `id` (decisions, proposals), else null. */
const idOf = (v: unknown): string | null => (v instanceof Y.Map && typeof v.get('id') === 'string' ? (v.get('id') as string) : null);

/**
 * Arrays of id'd maps are matched by id, so a decision edited since keeps its identity (and its action
 * item); elements that differ in order, or arrays of anything else, are rewritten whole.
 */
function reconcileArray(cur: Y.Array<unknown>, old: Y.Array<unknown>, mark: () => void): void {
  const oldItems = old.toArray();
  const oldIds = oldItems.map(idOf);
  const keyed = oldIds.every((id) => id !== null) && new Set(oldIds).size === oldIds.length;
  const curIds = cur.toArray().map(idOf);
  if (keyed && curIds.every((id) => id !== null) && new Set(curIds).size === curIds.length) {
    const wanted = new Set(oldIds as string[]);
    for (let i = curIds.length - 1; i >= 0; i--) {
      if (!wanted.has(curIds[i]!)) {
        cur.delete(i, 1);
        mark();
      }
    }
    const kept = cur.toArray().map(idOf) as string[];
    const keptSet = new Set(kept);
    const oldOrderOfKept = (oldIds as string[]).filter((id) => keptSet.has(id));
    if (kept.every((id, i) => id === oldOrderOfKept[i])) {
      // Same relative order: insert the missing ones where they were, update the rest in place.
      oldItems.forEach((ov, i) => {
        const cv = cur.get(i);
        if (idOf(cv) === oldIds[i]) reconcileMap(cv as Y.Map<unknown>, ov as Y.Map<unknown>, mark);
        else {
          cur.insert(i, [cloneValue(ov)]);
          mark();
        }
      });
      return;
    }
  } else if (cur.length === old.length && cur.toArray().every((cv, i) => sameValue(cv, oldItems[i]))) {
    return;
  }
  if (cur.length) cur.delete(0, cur.length);
  cur.insert(0, oldItems.map(cloneValue));
  mark();
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
