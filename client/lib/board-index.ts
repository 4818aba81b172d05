/**
 * The board's cards as the page shows them, kept up to date card by card from the Yjs events.
 *
 * Reading the whole board on every update (`readBoard`) costs time in proportion to the board: on a board
 * of thousands of cards each keystroke of anyone re-read and re-rendered all of them. Here an update re-reads
 * only the cards it touched; every other card keeps its object, so keyed rendering leaves it alone, and a
 * column's array is new only when something in that column changed.
 */
import type * as Y from 'yjs';
import {
  cardNames,
  cardsMap,
  changedCardIds,
  compareCards,
  insertionIndex,
  readCard,
  COLUMNS,
  type BoardView,
  type Card,
  type ColumnId,
} from '../../shared/board-schema.js';

export type Columns = BoardView['columns'];

/** What one batch of events changed, for the owner to publish only what is new. */
export interface IndexChange {
  columns: ColumnId[];
  names: boolean;
  ids: Set<string>;
}

/** Above this many cards in one batch (first load, a paste, an undo of many), re-sorting is cheaper than splicing. */
const BULK = 256;

const emptyColumns = (): Columns => ({ agenda: [], needs: [], challenges: [] });

export class BoardIndex {
  readonly #cards: Y.Map<Y.Map<unknown>>;
  /** Each card as last read, by its key in the cards map. */
  readonly #byKey = new Map<string, Card>();
  #columns: Columns = emptyColumns();
  #names: string[] = [];

  constructor(doc: Y.Doc) {
    this.#cards = cardsMap(doc);
    for (const [key, entry] of this.#cards) {
      const card = readCard(entry);
      if (card) this.#byKey.set(key, card);
    }
    this.#columns = { ...emptyColumns(), ...this.#sorted(COLUMNS) };
    this.#names = this.#readNames();
  }

  get columns(): Columns {
    return this.#columns;
  }

  /** `knownNames` of the document, from the cards already read. */
  get names(): string[] {
    return this.#names;
  }

  card(id: string): Card | undefined {
    return this.#byKey.get(id);
  }

  /** Applies one transaction's `observeDeep` events on the cards map. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types its events by the base type
  apply(events: ReadonlyArray<Y.YEvent<any>>): IndexChange {
    const ids = changedCardIds(events, this.#cards);
    const touched = new Set<ColumnId>();
    let names = false;
    const edits: Array<{ before: Card | undefined; after: Card | null }> = [];
    for (const id of ids) {
      const before = this.#byKey.get(id);
      const after = readCard(this.#cards.get(id));
      if (after) this.#byKey.set(id, after);
      else this.#byKey.delete(id);
      if (!before && !after) continue;
      edits.push({ before, after });
      if (before) touched.add(before.column);
      if (after) touched.add(after.column);
      if (!names && !sameNames(before, after)) names = true;
    }
    if (touched.size) {
      const columns = [...touched];
      if (edits.length > BULK) this.#columns = { ...this.#columns, ...this.#sorted(columns) };
      else this.#columns = { ...this.#columns, ...this.#spliced(columns, edits) };
    }
    if (names) this.#names = this.#readNames();
    return { columns: [...touched], names, ids };
  }

  #sorted(columns: readonly ColumnId[]): Partial<Columns> {
    const out: Partial<Record<ColumnId, Card[]>> = {};
    for (const c of columns) out[c] = [];
    for (const card of this.#byKey.values()) out[card.column]?.push(card);
    for (const c of columns) out[c]!.sort(compareCards);
    return out as Partial<Columns>;
  }

  /** Each edit replaces, removes or inserts one card by binary search in a copy of its column. */
  #spliced(columns: readonly ColumnId[], edits: ReadonlyArray<{ before: Card | undefined; after: Card | null }>): Partial<Columns> {
    const out: Partial<Record<ColumnId, Card[]>> = {};
    for (const c of columns) out[c] = [...this.#columns[c]];
    for (const { before, after } of edits) {
      if (before) {
        const list = out[before.column]!;
        const at = find(list, before);
        if (after && after.column === before.column && compareCards(after, before) === 0) {
          if (at >= 0) list[at] = after;
          continue;
        }
        if (at >= 0) list.splice(at, 1);
      }
      if (after) {
        const list = out[after.column]!;
        list.splice(insertionIndex(list, after), 0, after);
      }
    }
    return out as Partial<Columns>;
  }

  /** In the cards map's order, as `knownNames` reads them: the first spelling of a name wins alike. */
  #readNames(): string[] {
    const seen = new Map<string, string>();
    for (const key of this.#cards.keys()) {
      const card = this.#byKey.get(key);
      if (!card) continue;
      for (const n of cardNames(card)) {
        const k = n.toLowerCase();
        if (!seen.has(k)) seen.set(k, n);
      }
    }
    return [...seen.values()];
  }
}

/** Index of `card` (by order and id) in a sorted column, or -1. */
function find(list: readonly Card[], card: Card): number {
  const at = insertionIndex(list, card);
  return at < list.length && list[at].id === card.id && compareCards(list[at], card) === 0 ? at : list.indexOf(card);
}

function sameNames(a: Card | undefined, b: Card | null): boolean {
  if (!a || !b) return false;
  const x = cardNames(a);
  const y = cardNames(b);
  return x.length === y.length && x.every((n, i) => n === y[i]);
}
