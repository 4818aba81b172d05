/**
 * Binds an <input> or <textarea> to a Y.Text, as a Svelte attachment: `{@attach bindText(ytext, origin)}`.
 *
 * Local typing becomes the smallest splice on the Y.Text (so two people typing in one field merge
 * character by character); every other change of the Y.Text — a remote edit, an undo, another element bound
 * to the same text — is written back into the element with the caret shifted through the change's delta,
 * so the caret stays on the same character instead of jumping to the end. IME compositions are committed
 * whole when they end (see `composition` below).
 */
import * as Y from 'yjs';
import { applyTextDiff } from '../../shared/board-schema.js';

type TextElement = HTMLInputElement | HTMLTextAreaElement;
type Delta = Array<{ insert?: unknown; delete?: number; retain?: number }>;

/**
 * The single splice that turns `prev` into `next`, using the caret (`caret` = selectionEnd after the edit)
 * to decide where it happened: typing "a" into "aa" at the start must insert at 0, not at the end, or a
 * concurrent edit near the caret would land on the wrong side. Null when the caret cannot explain the edit.
 */
export function spliceAtCaret(prev: string, next: string, caret: number): { index: number; remove: number; insert: string } | null {
  const grow = next.length - prev.length;
  if (grow > 0) {
    // Insertion (or replacement of a selection by longer text) that ends at the caret.
    const start = caret - grow;
    if (start >= 0 && prev.slice(0, start) === next.slice(0, start) && prev.slice(start) === next.slice(caret)) {
      return { index: start, remove: 0, insert: next.slice(start, caret) };
    }
  } else if (grow < 0) {
    // Backspace / delete: the removed run starts at the caret.
    const removed = -grow;
    if (prev.slice(0, caret) === next.slice(0, caret) && prev.slice(caret + removed) === next.slice(caret)) {
      return { index: caret, remove: removed, insert: '' };
    }
  }
  return null;
}

/** Maps a caret index through a Y.Text delta (retain/insert/delete ops, in document order). */
export function shiftThroughDelta(pos: number, delta: Delta): number {
  let cursor = 0;
  let result = pos;
  for (const op of delta) {
    if (op.retain !== undefined) cursor += op.retain;
    else if (op.insert !== undefined) {
      const len = typeof op.insert === 'string' ? op.insert.length : 1;
      // Text inserted exactly at the caret goes after it: the other person's text appears to my right.
      if (cursor < result) result += len;
      cursor += len;
    } else if (op.delete !== undefined) {
      if (cursor < result) result -= Math.min(op.delete, result - cursor);
    }
    if (cursor > result) break;
  }
  return result;
}

/** How far around the selection a composition (IME, phone keyboards composing a whole word) may reach. */
const COMPOSITION_REACH = 64;

export function bindText(ytext: Y.Text | undefined, origin: unknown) {
  return (el: TextElement) => {
    if (!ytext) return;
    let applyingLocal = false;
    /**
     * While an IME composes, the element is left alone (rewriting it cancels the composition) and the
     * composed text is committed at compositionend. Remote edits may land meanwhile, so the element's text
     * then no longer matches the Y.Text; the positions around the selection are therefore pinned as Yjs
     * relative positions at compositionstart, which follow the text through those remote edits.
     */
    let composition: { base: string; from: number; anchors: Y.RelativePosition[] } | null = null;

    const render = () => {
      const value = ytext.toString();
      if (el.value !== value) el.value = value;
    };
    render();

    const transact = (fn: () => void) => {
      applyingLocal = true;
      try {
        if (ytext.doc) ytext.doc.transact(fn, origin);
        else fn();
      } finally {
        applyingLocal = false;
      }
    };

    const onInput = (event: Event) => {
      if (composition || (event as InputEvent).isComposing) return;
      const prev = ytext.toString();
      const next = el.value;
      if (prev === next) return;
      const splice = spliceAtCaret(prev, next, el.selectionEnd ?? next.length);
      transact(() => {
        if (!splice) return applyTextDiff(ytext, next, origin);
        if (splice.remove) ytext.delete(splice.index, splice.remove);
        if (splice.insert) ytext.insert(splice.index, splice.insert);
      });
    };

    const observer = (event: Y.YTextEvent) => {
      if (applyingLocal || composition) return;
      const focused = el.ownerDocument.activeElement === el;
      const start = el.selectionStart ?? 0;
      const end = el.selectionEnd ?? 0;
      const direction = el.selectionDirection ?? 'none';
      // Replacing the value scrolls a long textarea back to the top; keep the reader where they were.
      const scrollTop = el.scrollTop;
      render();
      el.scrollTop = scrollTop;
      if (focused) {
        const delta = event.delta as Delta;
        el.setSelectionRange(shiftThroughDelta(start, delta), shiftThroughDelta(end, delta), direction);
      }
    };

    const onCompositionStart = () => {
      const base = el.value;
      const from = Math.max(0, (el.selectionStart ?? 0) - COMPOSITION_REACH);
      const to = Math.min(base.length, (el.selectionEnd ?? base.length) + COMPOSITION_REACH);
      const anchors: Y.RelativePosition[] = [];
      for (let i = from; i <= to; i++) anchors.push(Y.createRelativePositionFromTypeIndex(ytext, i));
      composition = { base, from, anchors };
    };

    const onCompositionEnd = () => {
      const c = composition;
      composition = null;
      if (!c || !ytext.doc) return;
      const next = el.value;
      // The composed change, in the coordinates of the text as it was when the composition started.
      let start = 0;
      const max = Math.min(c.base.length, next.length);
      while (start < max && c.base.charCodeAt(start) === next.charCodeAt(start)) start++;
      let endOld = c.base.length;
      let endNew = next.length;
      while (endOld > start && endNew > start && c.base.charCodeAt(endOld - 1) === next.charCodeAt(endNew - 1)) {
        endOld--;
        endNew--;
      }
      const at = (i: number) => {
        const rel = c.anchors[i - c.from];
        return rel ? Y.createAbsolutePositionFromRelativePosition(rel, ytext.doc!)?.index : undefined;
      };
      const yStart = at(start);
      const yEnd = at(endOld);
      const inserted = next.slice(start, endNew);
      let caret: number | null = null;
      transact(() => {
        if (yStart === undefined || yEnd === undefined || yEnd < yStart) {
          // Outside the pinned window (very unusual): fall back to the minimal diff against the Y.Text.
          applyTextDiff(ytext, next, origin);
          return;
        }
        if (yEnd > yStart) ytext.delete(yStart, yEnd - yStart);
        if (inserted) ytext.insert(yStart, inserted);
        caret = yStart + inserted.length;
      });
      // Catch up with whatever arrived from others during the composition.
      if (el.value !== ytext.toString()) {
        const fallback = el.selectionEnd ?? 0;
        render();
        if (el.ownerDocument.activeElement === el) {
          const pos = Math.min(caret ?? fallback, el.value.length);
          el.setSelectionRange(pos, pos);
        }
      }
    };

    el.addEventListener('input', onInput);
    el.addEventListener('compositionstart', onCompositionStart);
    el.addEventListener('compositionend', onCompositionEnd);
    ytext.observe(observer);
    return () => {
      el.removeEventListener('input', onInput);
      el.removeEventListener('compositionstart', onCompositionStart);
      el.removeEventListener('compositionend', onCompositionEnd);
      ytext.unobserve(observer);
    };
  };
}
