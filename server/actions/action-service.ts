/**
 * Keeps each board's action items in the database in step with its document.
 *
 * A registry extension (registered in the composition root): on load, a full reconcile (catches changes made
 * while the server was down or before this existed); then an `observeDeep` on `cards` collects the ids of the
 * cards that changed, and once those changes are stored (the registry's `stored` hook) only those cards are
 * extracted (pure: shared/decisions.ts) and diffed against their stored items — plus, when the board's known
 * names change, the cards with a decision that contains a name that came or went (no other decision can read
 * differently), and all cards when the meeting day moves. An item is written only once every change the
 * extraction read is stored, so an action item never exists without the decision it comes from. Whatever
 * path changed the document — browser, REST, a raw y-websocket client — goes through here. The extractor
 * never writes to the document, so nothing triggers itself.
 *
 * Items are never erased: a source that disappears cancels its item, and one that comes back (undo) brings
 * it back with the status it had. Status set by people lives here, not in the document.
 */
import * as Y from 'yjs';
import {
  addDecision,
  cardNames,
  changedCardIds,
  cardsMap,
  getCard,
  LIMITS,
  meetingDate,
  metaMap,
  readCard,
  readDecision,
  updateCard,
  updateDecision,
  type Decision,
} from '../../shared/board-schema.js';
import { mentionsAnyName, type ParseContext } from '../../shared/decisions.js';
import { decisionActionId, extractActions, type ActionItem, type ActionStatus, type ExtractedAction } from '../../shared/action-extraction.js';
import { effectiveStatus, toActionItem, type ActionRecord, type ActionStore } from '../store/action-store.js';
import {
  BoardGoneError,
  localOrigin,
  type Actor,
  type BoardAttachment,
  type BoardExtension,
  type BoardRegistry,
  type LoadedBoard,
} from '../sync/board-registry.js';
import type { Logger } from '../log.js';

const REST = localOrigin('rest');
/** Changes to a request's card made because its action item was marked done or reopened. */
const ACTION_LIST = localOrigin('action-list');

interface Tracked extends BoardAttachment {
  board: LoadedBoard;
  /** Card ids changed since the last run; null = everything (load, meeting date or names changed). */
  dirty: Set<string> | null;
  scheduled: boolean;
  /** Serialises this board's runs so two never interleave their read-diff-write. */
  chain: Promise<void>;
  /** Names each card contributes to the parser's participants, kept per card so a run costs what changed. */
  cardNames: Map<string, string[]>;
  /** Known names as of the last run, by lowercase: cards that contain one that came or went may read differently. */
  names: Map<string, string>;
  /** The last run's parse context, kept while the names and the day stay, so its name lookup is built once. */
  ctx: ParseContext | null;
  /** Set once the board left memory: a run still scheduled does nothing. */
  gone: boolean;
}

export type ActionsChangedListener = (boardId: string, items: ActionItem[]) => void;

export type SetStatusResult = { ok: true; item: ActionItem } | { ok: false; reason: 'not_found' | 'source_gone' };

/** Why a correction was refused beyond those of a status: a request needs one addressee, within a name's length. */
export type CorrectResult = SetStatusResult | { ok: false; reason: 'bad_owner'; message: string };

export class ActionService implements BoardExtension<Tracked> {
  readonly name = 'actions';
  readonly #listeners: ActionsChangedListener[] = [];
  #closed = false;
  #parsed = 0;

  constructor(
    private readonly store: ActionStore,
    private readonly registry: BoardRegistry,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  #tracked(boardId: string): Tracked | undefined {
    return this.registry.loaded(boardId)?.attachment(this);
  }

  /**
   * How many decisions have been read (parsed) since the service started: what extraction has cost. A change
   * costs the decisions it can affect, not the board's.
   */
  get decisionsParsed(): number {
    return this.#parsed;
  }

  /** Calls `fn` with the items that changed (created, edited, status), after they are stored. */
  onChanged(fn: ActionsChangedListener): void {
    this.#listeners.push(fn);
  }

  /** The board's action items from the database (the board need not be loaded). */
  async list(boardId: string): Promise<ActionItem[]> {
    // Loading the board reconciles it, so changes made while the server was down are in the answer.
    await this.registry.withBoard(boardId, () => this.settled(boardId));
    return (await this.store.list(boardId)).map(toActionItem);
  }

  /** Resolves once every change seen so far on this board is reflected in the database. */
  async settled(boardId: string): Promise<void> {
    const t = this.#tracked(boardId);
    if (!t) return;
    try {
      await this.registry.stored(t.board); // its `stored` hook schedules the run
    } catch (err) {
      if (err instanceof BoardGoneError) return;
      throw err;
    }
    if (!this.registry.owns(boardId)) return this.#settledElsewhere(t);
    if (hasWork(t)) this.#schedule(t);
    while (t.scheduled) await new Promise<void>((r) => setImmediate(r));
    await t.chain;
  }

  /**
   * Sets an item's status as people see it. Refused when its source is gone from the board. An accepted
   * request's item and its card agree both ways: marking the item done marks the card done, reopening it
   * reopens the card (accepted); the item then follows the card (see `#diff`).
   */
  async setStatus(boardId: string, id: string, status: ActionStatus): Promise<SetStatusResult> {
    await this.settled(boardId);
    let followCard = false;
    if (status === 'done' || status === 'open') {
      const rec = await this.store.get(boardId, id);
      if (rec?.kind === 'need' && rec.present) followCard = await this.#setRequestDone(boardId, rec.cardId, status === 'done');
    }
    const run = async (): Promise<SetStatusResult> => {
      const rec = await this.store.get(boardId, id);
      if (!rec) return { ok: false, reason: 'not_found' };
      if (!rec.present) return { ok: false, reason: 'source_gone' };
      const next: ActionRecord = { ...rec, personStatus: followCard ? null : status };
      next.status = effectiveStatus(next);
      if (next.status === rec.status && rec.personStatus === status) return { ok: true, item: toActionItem(rec) };
      next.updatedAt = this.now();
      await this.store.upsert([next]);
      this.#emit(boardId, [next]);
      return { ok: true, item: toActionItem(next) };
    };
    const t = this.#tracked(boardId);
    if (!t) return run();
    // Join the board's chain so a status change never interleaves with a reconcile of the same items.
    const result = t.chain.then(run);
    t.chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /**
   * Marks a request's card done, or back to accepted, through the live document, and resolves once that is
   * stored and its item reconciled. False when the card is no longer an accepted (or done) request.
   */
  async #setRequestDone(boardId: string, cardId: string, done: boolean): Promise<boolean> {
    const wrote = await this.registry.withBoard(boardId, async (board) => {
      const card = readCard(getCard(board.doc, cardId));
      if (card?.column !== 'needs' || (card.status !== 'accepted' && card.status !== 'done')) return false;
      const status = done ? 'done' : 'accepted';
      if (card.status !== status) {
        updateCard(board.doc, cardId, { status }, ACTION_LIST);
        await this.registry.persisted(board);
      }
      return true;
    });
    if (wrote) await this.settled(boardId);
    return wrote === true;
  }

  /**
   * Corrects an item's owner and/or due date where they come from: the decision's explicit owners and date
   * (`''` = what its text says), or a request's addressee and "by when". The board, the summary and the item
   * then agree, and the audit trail records the change under `actor`. Resolves once the change is stored and
   * the item re-extracted.
   */
  async correct(boardId: string, id: string, patch: { owners?: string; due?: string }, actor: Actor): Promise<CorrectResult> {
    await this.settled(boardId);
    const rec = await this.store.get(boardId, id);
    if (!rec) return { ok: false, reason: 'not_found' };
    if (!rec.present) return { ok: false, reason: 'source_gone' };
    if (rec.kind === 'need' && patch.owners !== undefined && (patch.owners === '' || patch.owners.length > LIMITS.name))
      return { ok: false, reason: 'bad_owner', message: `a request is addressed to one name of 1 to ${LIMITS.name} characters` };
    const origin = localOrigin('rest', actor);
    const wrote = await this.registry.withBoard(boardId, async (board) => {
      const ok =
        rec.kind === 'decision' && rec.decisionId
          ? updateDecision(board.doc, rec.cardId, rec.decisionId, { owners: patch.owners, due: patch.due }, origin)
          : updateCard(board.doc, rec.cardId, { addressee: patch.owners, byWhen: patch.due }, origin);
      if (ok) await this.registry.persisted(board);
      return ok;
    });
    if (!wrote) return { ok: false, reason: 'source_gone' };
    await this.settled(boardId);
    const after = await this.store.get(boardId, id);
    return after ? { ok: true, item: toActionItem(after) } : { ok: false, reason: 'not_found' };
  }

  /** Boards an item id exists on (ids are unique per board). */
  async boardsOf(id: string): Promise<string[]> {
    return (await this.store.findById(id)).map((r) => r.boardId);
  }

  /**
   * Records a decision on a card through the live document (as REST does) and resolves once it is stored
   * and its action item is in the database. Null when there is no such board or card.
   */
  async recordDecision(
    boardId: string,
    cardId: string,
    input: { text: string; owners?: string; due?: string; decidedBy: string },
  ): Promise<{ decision: Decision; actionItem: ActionItem | null } | null> {
    return this.registry.withBoard(boardId, async (board) => {
      const id = addDecision(board.doc, cardId, input, REST);
      if (!id) return null;
      const arr = getCard(board.doc, cardId)?.get('decisions');
      const decision = arr instanceof Y.Array ? readDecision(arr.toArray().find((d) => d instanceof Y.Map && d.get('id') === id)) : null;
      await this.registry.persisted(board);
      await this.settled(boardId);
      const rec = await this.store.get(boardId, decisionActionId(id));
      return decision ? { decision, actionItem: rec ? toActionItem(rec) : null } : null;
    });
  }

  /** Stops reacting to documents and waits for runs in flight (call before the registry and store close). */
  async close(): Promise<void> {
    this.#closed = true;
    const tracked = [...this.registry.boards()].map((b) => b.attachment(this)).filter((t) => t !== undefined);
    await Promise.all(tracked.map((t) => t.chain));
  }

  // ---- tracking ---------------------------------------------------------------------------------------------

  attach(board: LoadedBoard): Tracked {
    const cards = cardsMap(board.doc);
    const onCards = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
      if (t.dirty === null) return this.#schedule(t);
      for (const id of changedCardIds(events, cards)) t.dirty.add(id);
      // Nothing runs yet: the run waits until the change is stored (`stored` below).
    };
    const meta = metaMap(board.doc);
    const onMeta = (e: Y.YMapEvent<unknown>) => {
      if (e.keysChanged.has('meetingDate') || e.keysChanged.has('createdAt')) t.dirty = null;
    };
    cards.observeDeep(onCards);
    meta.observe(onMeta);
    const t: Tracked = {
      board,
      dirty: null,
      scheduled: false,
      chain: Promise.resolve(),
      cardNames: new Map(),
      names: new Map(),
      ctx: null,
      gone: false,
      stored: () => {
        if (hasWork(t)) this.#schedule(t);
      },
      ownerChanged: (owns) => {
        if (!owns) return;
        t.dirty = null;
        this.#schedule(t);
      },
      detach: () => {
        t.gone = true;
        cards.unobserveDeep(onCards);
        meta.unobserve(onMeta);
      },
    };
    // Loaded: the document is exactly what is stored, so the full reconcile may run at once.
    this.#schedule(t);
    return t;
  }

  #schedule(t: Tracked): void {
    if (t.scheduled || this.#closed) return;
    t.scheduled = true;
    // setImmediate: every change of this turn (one websocket frame may hold many) is handled in one run.
    setImmediate(() => {
      t.scheduled = false;
      if (this.#closed || t.gone) return;
      t.chain = t.chain.then(() => this.#run(t)).catch((err) => this.log.error('action items: reconcile failed', { board: t.board.id, err }));
    });
  }

  /**
   * Extracts the dirty cards (all when a full reconcile is due) and writes what differs. When the known names
   * change, the cards whose decisions contain a name that came or went are extracted too; a new meeting day
   * changes how every date reads, so then all are.
   */
  async #run(t: Tracked): Promise<void> {
    const doc = t.board.doc;
    if (t.gone) return;
    // Another instance owns the board and extracts its items; should this one take over, it reconciles in full.
    if (!this.registry.owns(t.board.id)) {
      t.dirty = null;
      return;
    }
    // What this run reads of the document includes every change applied so far; it writes only once they are stored.
    const mark = t.board.applied;
    const cards = cardsMap(doc);
    const dirty = t.dirty;
    t.dirty = new Set();
    let namesMoved = dirty === null;
    if (dirty === null) {
      t.cardNames.clear();
      for (const [id, entry] of cards) {
        const card = readCard(entry);
        if (card) t.cardNames.set(id, cardNames(card));
      }
    } else {
      for (const id of dirty) {
        const card = readCard(cards.get(id));
        const before = t.cardNames.get(id);
        const after = card ? cardNames(card) : undefined;
        if (!namesMoved && !sameNames(before, after)) namesMoved = true;
        if (after) t.cardNames.set(id, after);
        else t.cardNames.delete(id);
      }
    }
    // In document order, as `knownNames` reads them in the browser: the first spelling of a name wins alike.
    // Walked again only when some card's names changed: on a board of thousands it is most of a keystroke's cost.
    const names = namesMoved ? new Map<string, string>() : t.names;
    if (namesMoved) for (const id of cards.keys()) for (const n of t.cardNames.get(id) ?? []) if (!names.has(n.toLowerCase())) names.set(n.toLowerCase(), n);
    const day = meetingDate(doc);
    const changedNames = namesChanged(t.names, names);
    const sameContext = t.ctx !== null && t.ctx.meetingDate === day && changedNames.length === 0;
    const ctx: ParseContext = sameContext && t.ctx ? t.ctx : { meetingDate: day, participants: [...names.values()] };
    let cardIds: string[] | null = null;
    if (dirty !== null && day === t.ctx?.meetingDate) {
      const scope = new Set(dirty);
      if (changedNames.length > 0) for (const id of cardsMentioning(cards, changedNames)) scope.add(id);
      cardIds = [...scope];
    }
    t.names = names;
    t.ctx = ctx;
    const extracted = extractActions(doc, cardIds ?? undefined, ctx);
    for (const e of extracted) if (e.kind === 'decision') this.#parsed++;
    const stored = cardIds
      ? await this.store.listScope(
          t.board.id,
          cardIds,
          extracted.map((e) => e.id),
        )
      : await this.store.list(t.board.id);
    const changed = this.#diff(t.board.id, extracted, stored, cardIds);
    if (changed.length === 0) return;
    try {
      await this.registry.stored(t.board, mark);
    } catch (err) {
      if (err instanceof BoardGoneError) return; // deleted, or the server stops with the change unstored: nothing derived
      throw err;
    }
    await this.store.upsert(changed);
    this.#emit(t.board.id, changed);
  }

  /**
   * Another instance owns the board and writes its items: wait (within SETTLE_ELSEWHERE_MS) until the database
   * says what this instance's copy of the board says, so that a REST caller here reads what it just wrote.
   */
  async #settledElsewhere(t: Tracked): Promise<void> {
    const deadline = Date.now() + SETTLE_ELSEWHERE_MS;
    let applied = -1;
    let extracted: ExtractedAction[] = [];
    while (!t.gone && Date.now() < deadline) {
      if (this.registry.owns(t.board.id)) return this.settled(t.board.id);
      if (applied !== t.board.applied) {
        applied = t.board.applied;
        extracted = extractAll(t.board.doc);
      }
      if (this.#diff(t.board.id, extracted, await this.store.list(t.board.id), null).length === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The records to write: new and edited items, and cancellations of those whose source is gone. */
  #diff(boardId: string, extracted: ExtractedAction[], stored: ActionRecord[], cardIds: string[] | null): ActionRecord[] {
    const now = this.now();
    const byId = new Map(stored.map((r) => [r.id, r]));
    const seen = new Set<string>();
    const out: ActionRecord[] = [];
    for (const e of extracted) {
      if (seen.has(e.id)) continue; // a foreign client may duplicate a decision id; the first one counts
      seen.add(e.id);
      const prev = byId.get(e.id);
      // An accepted request's item follows its card: when the card's status moves (done, or reopened), that
      // is the latest word on it, over whatever status people set on the item before.
      const cardMoved = e.kind === 'need' && prev !== undefined && prev.boardStatus !== e.boardStatus;
      const next: ActionRecord = {
        ...e,
        boardId,
        present: true,
        personStatus: cardMoved ? null : (prev?.personStatus ?? null),
        status: 'open',
        createdAt: prev?.createdAt ?? now,
        updatedAt: now,
      };
      next.status = effectiveStatus(next);
      if (!prev || !sameContent(prev, next)) out.push(next);
    }
    const scope = cardIds ? new Set(cardIds) : null;
    for (const r of stored) {
      if (seen.has(r.id) || !r.present) continue;
      if (scope && !scope.has(r.cardId)) continue;
      const next: ActionRecord = { ...r, present: false, updatedAt: now };
      next.status = effectiveStatus(next);
      out.push(next);
    }
    return out;
  }

  #emit(boardId: string, records: ActionRecord[]): void {
    const items = records.map(toActionItem);
    for (const fn of this.#listeners) {
      try {
        fn(boardId, items);
      } catch (err) {
        this.log.error('action items: listener failed', { err });
      }
    }
  }
}

/** How long a REST call on an instance that does not own the board waits for the owner's items. */
const SETTLE_ELSEWHERE_MS = 5_000;

/** Every item of the board, read as a full reconcile reads it (names in document order, the meeting's day). */
function extractAll(doc: Y.Doc): ExtractedAction[] {
  const cards = cardsMap(doc);
  const names = new Map<string, string>();
  for (const [, entry] of cards) {
    const card = readCard(entry);
    if (card) for (const n of cardNames(card)) if (!names.has(n.toLowerCase())) names.set(n.toLowerCase(), n);
  }
  return extractActions(doc, undefined, { meetingDate: meetingDate(doc), participants: [...names.values()] });
}

/** Changes seen and not yet extracted. */
function hasWork(t: Tracked): boolean {
  return t.dirty === null || t.dirty.size > 0;
}

/** Names (as spelled either side) that one map has and the other has not, or spells differently. */
function namesChanged(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [key, name] of after) if (before.get(key) !== name) out.push(name);
  for (const [key, name] of before) if (after.get(key) !== name) out.push(name);
  return out;
}

/** The cards with a decision whose text or owners contain one of `names` (see `mentionsAnyName`). */
function cardsMentioning(cards: ReturnType<typeof cardsMap>, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const [id, entry] of cards) {
    const decisions = entry instanceof Y.Map ? entry.get('decisions') : null;
    if (!(decisions instanceof Y.Array)) continue;
    for (const d of decisions) {
      const decision = readDecision(d);
      if (decision && mentionsAnyName(decision, names)) {
        out.push(id);
        break;
      }
    }
  }
  return out;
}

const FIELDS = [
  'kind',
  'cardId',
  'column',
  'cardTitle',
  'decisionId',
  'text',
  'due',
  'dueText',
  'dueFlag',
  'decidedBy',
  'boardStatus',
  'present',
  'status',
] as const;

function sameContent(a: ActionRecord, b: ActionRecord): boolean {
  return FIELDS.every((f) => a[f] === b[f]) && a.owners.length === b.owners.length && a.owners.every((o, i) => o === b.owners[i]);
}

/** Whether a card names the same people, in the same order, as before (undefined: no such card). */
function sameNames(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
