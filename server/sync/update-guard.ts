/**
 * Checks a Yjs update against a board before it is applied, stored or relayed: the board's size (bytes as
 * stored, and items, since every item costs memory on every load) and the document's bounds (DOC_BOUNDS in
 * shared/board-schema.ts: text lengths, plain values, nesting, root names). One pass over the decoded update:
 * each new item's parent is found in the update itself or in the live document, so the cost is the update's,
 * not the board's.
 *
 * Items whose parent cannot be found yet (their dependencies arrive later, e.g. from another tab of the same
 * browser) are allowed while the board holds no other such items and they carry at most `otherText` of text.
 *
 * A request's answer (NEED_ANSWER_FIELDS of a card in the `needs` column: status, decline reason, who answered
 * and when) is its addressee's: a sync socket carries no seat, so it cannot show who it is, and only a
 * facilitator's may change or delete those fields on an existing card. Everyone else answers through the
 * meeting channel's `need:answer` (server/requests/request-answers.ts). A card created in the update brings
 * its own fields (adding a request, or undoing its deletion).
 */
import * as Y from 'yjs';
import { DOC_BOUNDS, NEED_ANSWER_FIELDS, cardsMap } from '../../shared/board-schema.js';

export interface BoardSize {
  /** Bytes as stored: the snapshot plus the log since. */
  bytes: number;
  /** Yjs items (structs) in the document, counted generously (merges are not subtracted). */
  items: number;
}

export interface SizeLimits {
  maxBytes: number;
  maxItems: number;
}

export type GuardVerdict = { ok: true; newItems: number } | { ok: false; kind: 'full' | 'invalid' | 'answer'; reason: string };

/** What the sender may change beyond the bounds every update keeps. */
export interface GuardRights {
  /** May change the answer of an existing request (a facilitator); false for everyone else. */
  answers: boolean;
}

const ANSWER_KEYS: ReadonlySet<string> = new Set(NEED_ANSWER_FIELDS);
const ANSWER_REFUSAL = 'only its addressee (through the meeting) or a facilitator answers a request';

/**
 * Where a new item sits: the type it goes into, the key that type sits under, and the item's own key when
 * the type is a map. `missing`: its parent is not known yet; `gone`: its parent was deleted (Yjs discards it).
 */
type Place =
  | {
      kind: 'found';
      /** An integrated type of the document, or the content type of an item in this update. */
      type: Y.AbstractType<any> | null;
      /** The key the type itself sits under in its parent (for a Y.Text: `notes`, `title`, …); the root's name at the root. */
      typeKey: string | null;
      /** The item's own key in a map type; null in a list or text. */
      sub: string | null;
      /** Nesting of `type` (a root type is 1). */
      depth: number;
    }
  | { kind: 'missing' }
  | { kind: 'gone' };

class Refused extends Error {
  constructor(
    readonly kind: 'full' | 'invalid' | 'answer',
    reason: string,
  ) {
    super(reason);
  }
}

const MISSING: Place = { kind: 'missing' };
const GONE: Place = { kind: 'gone' };

/**
 * Decides whether `update` may be applied to `doc`. Decodes it whole first: an update that does not decode
 * throws (the caller refuses it as malformed); a refusal on the board's bounds is a verdict, never a throw.
 */
export function checkUpdate(doc: Y.Doc, update: Uint8Array, size: BoardSize, limits: SizeLimits, rights: GuardRights = { answers: true }): GuardVerdict {
  if (size.bytes + update.length > limits.maxBytes) {
    return { ok: false, kind: 'full', reason: `this board is full (${humanSize(limits.maxBytes)} at most); this change cannot be stored` };
  }
  const { structs, ds } = Y.decodeUpdate(update);
  const store = doc.store;
  // New items of this update by client, in clock order (for resolving origins that point into them).
  const own = new Map<number, Y.Item[]>();
  const fresh: Y.Item[] = [];
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue;
    if (s.id.clock + s.length <= Y.getState(store, s.id.client)) continue; // already in the document
    fresh.push(s);
    let list = own.get(s.id.client);
    if (!list) own.set(s.id.client, (list = []));
    list.push(s);
  }
  if (size.items + fresh.length > limits.maxItems) {
    return { ok: false, kind: 'full', reason: `this board is full (${limits.maxItems.toLocaleString('en')} items at most); this change cannot be stored` };
  }
  try {
    const resolver = new Resolver(doc, own);
    const textGrowth = new Map<Y.AbstractType<any> | Y.Item, { limit: number; current: number; added: number; key: string }>();
    let unresolvedText = 0;
    const newRoots = new Set<string>();
    for (const item of fresh) {
      const place = resolver.placeOf(item);
      const content = item.content;
      if (content instanceof Y.ContentDoc) throw new Refused('invalid', 'sub-documents are not part of a board');
      if (place.kind === 'gone') continue; // its parent was deleted: Yjs drops it
      if (place.kind === 'missing') {
        // Dependencies not here yet: Yjs holds it until they come. Bounded, and one such batch at a time.
        if (store.pendingStructs !== null) throw new Refused('invalid', 'the update depends on changes the server never received');
        if (content instanceof Y.ContentString) unresolvedText += content.str.length;
        if (unresolvedText > DOC_BOUNDS.otherText) throw new Refused('invalid', 'the update depends on changes the server never received');
        continue;
      }
      const root = item.parent as unknown; // decoded, not integrated: a root's name, an id, or null
      if (typeof root === 'string' && !doc.share.has(root)) {
        // A top-level type the board does not have yet (a foreign client's or bot's own): a few, short-named.
        newRoots.add(root);
        if (root.length > 64 || doc.share.size + newRoots.size > DOC_BOUNDS.maxRoots) {
          throw new Refused('invalid', `a board holds at most ${DOC_BOUNDS.maxRoots} top-level types, with short names`);
        }
      }
      if (content instanceof Y.ContentString) {
        const target = place.type;
        const key = place.typeKey ?? '';
        const owner = target ?? item; // text of an unknown type still counts, per item
        let g = textGrowth.get(owner);
        if (!g) {
          const current = target instanceof Y.Text && target.doc === doc ? target.length : 0;
          g = { limit: DOC_BOUNDS.text[key] ?? DOC_BOUNDS.otherText, current, added: 0, key };
          textGrowth.set(owner, g);
        }
        g.added += content.str.length;
      } else if (content instanceof Y.ContentType) {
        if (place.depth + 1 > DOC_BOUNDS.typeDepth) throw new Refused('invalid', `shared types nest at most ${DOC_BOUNDS.typeDepth} deep`);
      } else if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) {
        if (!rights.answers && place.sub !== null && ANSWER_KEYS.has(place.sub) && isLiveRequest(doc, place.type)) throw new Refused('answer', ANSWER_REFUSAL);
        for (const v of content.getContent()) checkValue(place.sub, v);
      } else if (content instanceof Y.ContentEmbed) {
        checkValue(null, content.embed);
      } else if (content instanceof Y.ContentFormat) {
        checkValue(null, content.key);
        checkValue(null, content.value);
      } else if (content instanceof Y.ContentBinary) {
        if (content.content.length > DOC_BOUNDS.otherString) throw new Refused('invalid', 'binary values are limited in size');
      }
    }
    if (!rights.answers && deletesAnswer(doc, ds)) throw new Refused('answer', ANSWER_REFUSAL);
    if (textGrowth.size) subtractDeleted(doc, ds, textGrowth);
    for (const g of textGrowth.values()) {
      if (g.current + g.added > g.limit) {
        throw new Refused('invalid', `text${g.key ? ` "${short(g.key)}"` : ''} would be longer than ${g.limit.toLocaleString('en')} characters`);
      }
    }
  } catch (err) {
    if (err instanceof Refused) return { ok: false, kind: err.kind, reason: err.message };
    throw err;
  }
  return { ok: true, newItems: fresh.length };
}

/** Finds where items go, in the document or in the update itself, memoised per item. */
class Resolver {
  readonly #memo = new Map<Y.Item, Place>();

  constructor(
    private readonly doc: Y.Doc,
    private readonly own: Map<number, Y.Item[]>,
  ) {}

  /**
   * Where `item` goes. Iterative: an update may chain thousands of items (one per character, or one map in
   * another), so the chain is walked up to something known and then resolved back down, memoising each.
   */
  placeOf(item: Y.Item): Place {
    const chain: Array<{ item: Y.Item; via: 'child' | 'sibling' }> = [];
    let nesting = 0;
    let cur = item;
    let base: Place;
    for (;;) {
      const known = this.#memo.get(cur);
      if (known) {
        base = known;
        break;
      }
      const step = this.#step(cur);
      if ('place' in step) {
        base = step.place;
        this.#memo.set(cur, base);
        break;
      }
      chain.push({ item: cur, via: step.via });
      if (step.via === 'child' && ++nesting > DOC_BOUNDS.typeDepth) throw new Refused('invalid', `shared types nest at most ${DOC_BOUNDS.typeDepth} deep`);
      cur = step.next;
    }
    // Back down: each link's place from the one above it.
    let place = base;
    for (let i = chain.length - 1; i >= 0; i--) {
      const { item: link, via } = chain[i];
      const above = place;
      if (above.kind !== 'found') place = above;
      else if (via === 'sibling') place = above;
      else {
        // `link` sits in the type held by the item above (resolved as `above`, with `above.sub` its key).
        const holder = i + 1 < chain.length ? chain[i + 1].item : cur;
        place =
          holder.content instanceof Y.ContentType
            ? { kind: 'found', type: holder.content.type, typeKey: above.sub, sub: link.parentSub, depth: above.depth + 1 }
            : GONE;
      }
      this.#memo.set(link, place);
    }
    return place;
  }

  /** One step up from `item`: its place when the document (or its root) tells it, else the item of this update it hangs on. */
  #step(item: Y.Item): { place: Place } | { next: Y.Item; via: 'child' | 'sibling' } {
    const parent = item.parent as unknown;
    if (typeof parent === 'string') {
      // An entry of a root type.
      return { place: { kind: 'found', type: this.doc.share.get(parent) ?? null, typeKey: parent, sub: item.parentSub, depth: 1 } };
    }
    if (parent instanceof Y.ID) {
      const inDoc = this.#docStruct(parent);
      if (inDoc === 'gc') return { place: GONE };
      if (inDoc) {
        if (!(inDoc.content instanceof Y.ContentType)) return { place: GONE }; // deleted: its content went
        const type = inDoc.content.type;
        return { place: { kind: 'found', type, typeKey: inDoc.parentSub ?? null, sub: item.parentSub, depth: depthOf(type) } };
      }
      const inUpdate = this.#ownItem(parent);
      return inUpdate ? { next: inUpdate, via: 'child' } : { place: MISSING };
    }
    // No parent written: it is the origin's (or right origin's), and so is its key.
    const neighbour = item.origin ?? item.rightOrigin;
    if (!neighbour) return { place: MISSING };
    const inDoc = this.#docStruct(neighbour);
    if (inDoc === 'gc') return { place: GONE };
    if (inDoc) {
      const p = inDoc.parent;
      if (!(p instanceof Y.AbstractType)) return { place: GONE };
      const holder = p._item;
      const typeKey = holder ? (holder.parentSub ?? null) : rootKey(this.doc, p);
      return { place: { kind: 'found', type: p, typeKey, sub: inDoc.parentSub ?? null, depth: depthOf(p) } };
    }
    const inUpdate = this.#ownItem(neighbour);
    return inUpdate ? { next: inUpdate, via: 'sibling' } : { place: MISSING };
  }

  /** The document's struct holding `id`: an item, 'gc' when collected, null when the document lacks it. */
  #docStruct(id: Y.ID): Y.Item | 'gc' | null {
    const structs = this.doc.store.clients.get(id.client);
    if (!structs || Y.getState(this.doc.store, id.client) <= id.clock) return null;
    const s = structs[Y.findIndexSS(structs, id.clock)];
    return s instanceof Y.Item ? s : 'gc';
  }

  #ownItem(id: Y.ID): Y.Item | null {
    const list = this.own.get(id.client);
    if (!list) return null;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = list[mid];
      if (id.clock < s.id.clock) hi = mid - 1;
      else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
      else return s;
    }
    return null;
  }
}

/** Whether `type` is a request card already in the document (not one this update creates). */
function isLiveRequest(doc: Y.Doc, type: Y.AbstractType<any> | null): type is Y.Map<unknown> {
  return type instanceof Y.Map && type.doc === doc && type._item?.parent === cardsMap(doc) && !type._item.deleted && type.get('column') === 'needs';
}

/**
 * Whether the update deletes an answer field of a request that stays (deleting the whole card deletes its
 * fields too, which is no answer).
 */
function deletesAnswer(doc: Y.Doc, ds: ReturnType<typeof Y.decodeUpdate>['ds']): boolean {
  for (const [client, ranges] of ds.clients) {
    const structs = doc.store.clients.get(client);
    if (!structs) continue;
    const state = Y.getState(doc.store, client);
    for (const { clock, len } of ranges) {
      const end = Math.min(clock + len, state);
      for (let i = clock < end ? Y.findIndexSS(structs, clock) : structs.length; i < structs.length && structs[i].id.clock < end; i++) {
        const s = structs[i];
        if (!(s instanceof Y.Item) || s.deleted || s.parentSub === null || !ANSWER_KEYS.has(s.parentSub)) continue;
        const card = s.parent instanceof Y.AbstractType ? s.parent : null;
        if (isLiveRequest(doc, card) && card._item && !Y.isDeleted(ds, card._item.id)) return true;
      }
    }
  }
  return false;
}

/** Nesting of an integrated type (a root type is 1). */
function depthOf(type: Y.AbstractType<any>): number {
  let depth = 1;
  for (let item = type._item; item;) {
    depth++;
    const parent = item.parent;
    item = parent instanceof Y.AbstractType ? parent._item : null;
    if (depth > 1000) break; // a document stored before the bounds; deep enough to refuse more
  }
  return depth;
}

function rootKey(doc: Y.Doc, type: Y.AbstractType<any>): string | null {
  for (const [key, t] of doc.share) if (t === type) return key;
  return null;
}

/** Text the update deletes from the texts it also grows (a replacement is a delete and an insert). */
function subtractDeleted(doc: Y.Doc, ds: { clients: Map<number, Array<{ clock: number; len: number }>> }, growth: Map<unknown, { current: number }>): void {
  for (const [client, ranges] of ds.clients) {
    const structs = doc.store.clients.get(client);
    if (!structs) continue;
    const state = Y.getState(doc.store, client);
    for (const { clock, len } of ranges) {
      const end = Math.min(clock + len, state);
      if (clock >= end) continue;
      for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i].id.clock < end; i++) {
        const s = structs[i];
        if (!(s instanceof Y.Item) || s.deleted || !(s.content instanceof Y.ContentString)) continue;
        const g = growth.get(s.parent);
        if (!g) continue;
        const from = Math.max(clock, s.id.clock);
        const to = Math.min(end, s.id.clock + s.length);
        g.current -= Math.max(0, to - from);
      }
    }
  }
}

/** A plain value set under `key` (null in an array): bounded strings, sane numbers, bounded nesting. */
function checkValue(key: string | null, value: unknown, depth = 0): void {
  if (depth > DOC_BOUNDS.valueDepth) throw new Refused('invalid', `values nest at most ${DOC_BOUNDS.valueDepth} deep`);
  if (typeof value === 'string') {
    const max = (key !== null && depth === 0 ? DOC_BOUNDS.string[key] : undefined) ?? DOC_BOUNDS.otherString;
    if (value.length > max) throw new Refused('invalid', `${key ? `"${short(key)}"` : 'a value'} is longer than ${max.toLocaleString('en')} characters`);
  } else if (typeof value === 'number') {
    const range = key !== null && depth === 0 ? DOC_BOUNDS.number[key] : undefined;
    if (!Number.isFinite(value) || (range && (value < range[0] || value > range[1]))) {
      throw new Refused('invalid', `${key ? `"${short(key)}"` : 'a number'} is out of range`);
    }
  } else if (typeof value === 'bigint') {
    throw new Refused('invalid', 'big integers are not part of a board');
  } else if (value instanceof Uint8Array) {
    if (value.length > DOC_BOUNDS.otherString) throw new Refused('invalid', 'binary values are limited in size');
  } else if (Array.isArray(value)) {
    if (value.length > 1000) throw new Refused('invalid', 'lists hold at most 1,000 values');
    for (const v of value) checkValue(null, v, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length > 1000) throw new Refused('invalid', 'objects hold at most 1,000 keys');
    for (const [k, v] of entries) {
      checkValue(null, k, depth + 1);
      checkValue(null, v, depth + 1);
    }
  }
}

const short = (s: string): string => (s.length > 40 ? `${s.slice(0, 39)}…` : s);
const humanSize = (bytes: number): string => (bytes >= 1024 * 1024 ? `${Number((bytes / (1024 * 1024)).toFixed(1))} MB` : `${Math.round(bytes / 1024)} KB`);
