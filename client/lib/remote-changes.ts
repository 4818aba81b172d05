/**
 * Turns other people's changes to the board into short sentences for screen readers ("Sam added an agenda
 * item"), coalesced: at most one announcement per `windowMs`, summarising everything in that window.
 *
 * Only transactions that arrived from the server count (origin = the provider): my own edits, my undo and
 * the first load of the board are never announced. The author of an added card is its `createdBy`; for a
 * move or a decision it is whoever's client wrote the new content, named by their presence (awareness);
 * a deletion carries no author in Yjs, so it is "Someone".
 */
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { cardsMap, changedCardIds, readCard, type ColumnId } from '../../shared/board-schema.js';
import { PresenceState } from '../../shared/presence.js';

export type ChangeKind = 'added' | 'moved' | 'removed' | 'decided';
export interface RemoteChange {
  kind: ChangeKind;
  /** Display name, or '' when it cannot be told. */
  who: string;
  column: ColumnId | null;
}

/** The words used; the active dictionary's `announce` section fits. */
export interface AnnounceWords {
  someone: string;
  sentence: (who: string, what: string) => string;
  added: (n: number, column: ColumnId | null) => string;
  moved: (n: number) => string;
  removed: (n: number) => string;
  decided: (n: number) => string;
  many: (people: number) => string;
}

const KINDS: ChangeKind[] = ['added', 'moved', 'decided', 'removed'];

/** One sentence for a burst of changes; '' for none. `list` joins phrases ("a, b and c") in the reader's language. */
export function summarise(changes: RemoteChange[], words: AnnounceWords, list: (items: string[]) => string): string {
  if (!changes.length) return '';
  const byWho = new Map<string, RemoteChange[]>();
  for (const c of changes) byWho.set(c.who, [...(byWho.get(c.who) ?? []), c]);
  if (byWho.size > 3) return words.many(byWho.size);
  const sentences: string[] = [];
  for (const [who, mine] of byWho) {
    const phrases: string[] = [];
    for (const kind of KINDS) {
      const of = mine.filter((c) => c.kind === kind);
      if (!of.length) continue;
      if (kind === 'added') {
        const columns = new Set(of.map((c) => c.column));
        phrases.push(words.added(of.length, columns.size === 1 ? of[0].column : null));
      } else phrases.push(words[kind](of.length));
    }
    sentences.push(words.sentence(who || words.someone, list(phrases)));
  }
  return list(sentences);
}

interface CardFacts {
  column: ColumnId;
  order: string;
  decisions: number;
  createdBy: string;
}

function factsOf(entry: unknown): CardFacts | null {
  const card = readCard(entry);
  return card && { column: card.column, order: card.order, decisions: card.decisions.length, createdBy: card.createdBy };
}

function facts(doc: Y.Doc): Map<string, CardFacts> {
  const out = new Map<string, CardFacts>();
  for (const [id, entry] of cardsMap(doc)) {
    const f = factsOf(entry);
    if (f) out.set(id, f);
  }
  return out;
}

/** Names of the clients whose clock advanced in `tr`: the authors of what it inserted. */
function authors(tr: Y.Transaction, awareness: Awareness): string[] {
  const names: string[] = [];
  for (const [client, clock] of tr.afterState) {
    if ((tr.beforeState.get(client) ?? 0) >= clock) continue;
    const parsed = PresenceState.safeParse(awareness.getStates().get(client));
    if (parsed.success) names.push(parsed.data.user.name);
  }
  return names;
}

/**
 * Watches `doc` for changes that came through `remoteOrigin` while `ready()` holds, and calls `announce`
 * with one sentence per window. Returns a function that stops watching.
 */
export function watchRemoteChanges(opts: {
  doc: Y.Doc;
  awareness: Awareness;
  remoteOrigin: unknown;
  ready: () => boolean;
  words: () => AnnounceWords;
  list: (items: string[]) => string;
  announce: (text: string) => void;
  windowMs?: number;
}): () => void {
  const { doc, awareness, remoteOrigin, windowMs = 2000 } = opts;
  const known = facts(doc);
  let pending: RemoteChange[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    timer = null;
    const text = summarise(pending, opts.words(), opts.list);
    pending = [];
    if (text) opts.announce(text);
  };

  // Only the cards a transaction touched are read again: on a board of thousands this runs per keystroke.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types its events by the base type
  const onCards = (events: Array<Y.YEvent<any>>, tr: Y.Transaction) => {
    const announce = !tr.local && tr.origin === remoteOrigin && opts.ready();
    const writer = announce ? (authors(tr, awareness)[0] ?? '') : '';
    const found: RemoteChange[] = [];
    for (const id of changedCardIds(events, cards)) {
      const was = known.get(id);
      const now = factsOf(cards.get(id));
      if (now) known.set(id, now);
      else known.delete(id);
      if (!announce) continue;
      if (!was && now) found.push({ kind: 'added', who: now.createdBy, column: now.column });
      else if (was && !now) found.push({ kind: 'removed', who: '', column: was.column });
      else if (was && now) {
        if (was.order !== now.order) found.push({ kind: 'moved', who: writer, column: now.column });
        if (now.decisions > was.decisions) found.push({ kind: 'decided', who: writer, column: now.column });
      }
    }
    if (!found.length) return;
    pending.push(...found);
    timer ??= setTimeout(flush, windowMs);
  };

  const cards = cardsMap(doc);
  cards.observeDeep(onCards);
  return () => {
    cards.unobserveDeep(onCards);
    if (timer) clearTimeout(timer);
  };
}
