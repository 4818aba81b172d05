/**
 * The live state of one open board: the Y.Doc, its y-websocket provider, presence (awareness) and the
 * undo manager, which components read through getters. Components never touch Yjs directly for writes:
 * they call the methods here, which go through the accessors of shared/board-schema.ts with this tab's
 * origin, so the undo manager tracks exactly my own changes.
 */
import * as Y from 'yjs';
import { SYNC_PATH } from '../../shared/urls.js';
import { WebsocketProvider } from 'y-websocket';
import {
  addDecision,
  addProposal,
  cardsMap,
  cardText,
  createCard,
  deleteCard,
  deleteDecision,
  deleteProposal,
  decisionText,
  metaMap,
  moveCard,
  proposalText,
  readMeta,
  setCurrentAgenda,
  setMeta,
  setMeetingDate,
  setMeetingStart,
  updateCard,
  updateDecision,
  type BoardMeta,
  type BoardView,
  type CardPatch,
  type DecisionPatch,
  type NewCard,
} from '../../shared/board-schema.js';
import type { ParseContext } from '../../shared/decisions.js';
import { BoardIndex, type Columns } from './board-index.js';
import { CloseCode, PERMANENT_CLOSE_CODES } from '../../shared/errors.js';
import { PresenceState } from '../../shared/presence.js';
import { canEdit as roleCanEdit, type Role } from '../../shared/roles.js';
import { fetchBoard } from './api.js';
import { forgetLocalCopy, loadPending, openLocalCopy, rememberedRole, rememberRole, savePending } from './local-copy.js';
import type { Identity } from './identity.js';
import { compareNames } from './dates.js';
import { isSyncStep2, syncStep1Frame } from './sync-frames.js';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';
/** Why the board cannot be shown; null while it can. */
export type ClosedReason = 'not-found' | 'deleted' | 'no-token' | 'forbidden' | 'refused' | null;

const CLOSE_REASONS: Record<number, Exclude<ClosedReason, null>> = {
  [CloseCode.BoardNotFound]: 'not-found',
  [CloseCode.BoardDeleted]: 'deleted',
  [CloseCode.Unauthorized]: 'no-token',
  [CloseCode.Forbidden]: 'forbidden',
  // The server refused a change this device holds (the board is full, or the change breaks its bounds):
  // sending it again would be refused again.
  [CloseCode.BoardFull]: 'refused',
  [CloseCode.InvalidContent]: 'refused',
};

export interface Peer {
  clientId: number;
  name: string;
  color: string;
  editing: string | null;
  isSelf: boolean;
}

/** `ws(s)://host/yjs` (SYNC_PATH) for the page's own origin; the provider appends `/<boardId>`. */
export const syncBase = (loc: Location = location): string => `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}${SYNC_PATH}`;

export class BoardModel {
  readonly boardId: string;
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  readonly undoManager: Y.UndoManager;
  /** Origin of every write made in this tab; the undo manager tracks only this. */
  readonly origin = Symbol('local');

  /** The cards, kept up to date card by card from the document's events (see board-index.ts). */
  readonly #index = new BoardIndex(this.doc);
  #meta = $state.raw<BoardMeta>(readMeta(this.doc));
  /** The board's title, purpose, date and current item; new only when one of them changed. */
  get meta() {
    return this.#meta;
  }
  #columns = $state.raw<Columns>(this.#index.columns);
  /** Each column's cards in order; a column's array is new only when one of its cards changed. */
  get columns() {
    return this.#columns;
  }
  #names = $state.raw<string[]>(this.#index.names);
  #view = $derived<BoardView>({ meta: this.#meta, columns: this.#columns });
  /** Meta and columns together, for readers that want both. */
  get view() {
    return this.#view;
  }
  #peers = $state.raw<Peer[]>([]);
  get peers() {
    return this.#peers;
  }
  #status = $state<ConnectionStatus>('connecting');
  get status() {
    return this.#status;
  }
  #synced = $state(false);
  /** Whether the first sync with the server completed on the current connection. */
  get synced() {
    return this.#synced;
  }
  #loaded = $state(false);
  /** Whether a first sync ever completed: the board's content is here and the loading screen can go. */
  get loaded() {
    return this.#loaded;
  }
  #unsynced = $state(false);
  /** Local edits made while not connected and synced; cleared when a sync round completes. */
  get unsynced() {
    return this.#unsynced;
  }
  #pending = $state(0);
  /**
   * How many of my changes (undo steps: a burst of typing is one) the server has not confirmed; they are
   * in the local copy, and the count survives a reload. 0 with `unsynced` = some, count unknown.
   */
  get pending() {
    return this.#pending;
  }
  #online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  get online() {
    return this.#online;
  }
  #everConnected = $state(false);
  /** Whether we have ever been connected (to tell "connecting" from "reconnecting"). */
  get everConnected() {
    return this.#everConnected;
  }
  #closed = $state<ClosedReason>(null);
  get closed() {
    return this.#closed;
  }
  #refusedReason = $state('');
  /** The server's reason when it refused a change of this device (`closed === 'refused'`). */
  get refusedReason() {
    return this.#refusedReason;
  }
  #role = $state<Role | null>(null);
  /** What my link lets me do; null until the server said. Viewers' updates are dropped by the server. */
  get role() {
    return this.#role;
  }
  #roleKnown = $state(false);
  /** Whether the server answered the role question: until then, do not hand out links. */
  get roleKnown() {
    return this.#roleKnown;
  }
  #canEdit = $derived(this.#role === null || roleCanEdit(this.#role));
  /** Until the role is known, assume editing is allowed: a participant link is the common case. */
  get canEdit() {
    return this.#canEdit;
  }
  #canUndo = $state(false);
  get canUndo() {
    return this.#canUndo;
  }
  #canRedo = $state(false);
  get canRedo() {
    return this.#canRedo;
  }
  #parseContext = $derived<ParseContext>({ meetingDate: this.#meta.meetingDate, participants: this.#names });
  /** Meeting day and known names for `parseDecision`, as the server reads them from the same document. */
  get parseContext() {
    return this.#parseContext;
  }

  #identity = $state.raw<Identity | null>(null);
  /** My name and colour; null until the name dialog is answered (I am then invisible to others). */
  get identity() {
    return this.#identity;
  }
  /** The board's copy on this device (IndexedDB); null where there is none. */
  readonly local: ReturnType<typeof openLocalCopy>;
  #roleFromServer = false;
  #cleanup: Array<() => void> = [];
  #destroyed = false;
  #loadingRole = false;

  /** The role secret from the board's link; sent with every request and the sync socket. */
  readonly token: string;

  /** `identity` null: connect and show the board, but stay invisible to others until `setIdentity`. */
  constructor(boardId: string, token: string, identity: Identity | null, opts: { url?: string } = {}) {
    this.boardId = boardId;
    this.token = token;
    this.#identity = identity;
    this.undoManager = new Y.UndoManager([cardsMap(this.doc), metaMap(this.doc)], {
      trackedOrigins: new Set([this.origin]),
      // Keystrokes within half a second undo together, like a word in a text editor.
      captureTimeout: 500,
    });
    this.provider = new WebsocketProvider(opts.url ?? syncBase(), boardId, this.doc, {
      // Close codes are ours to interpret (see onClose); keep reconnecting for everything else.
      shouldReconnect: (event) => !PERMANENT_CLOSE_CODES.has(event.code),
      params: { token },
    });
    this.provider.awareness.setLocalState(identity ? ({ user: identity, editing: null } satisfies PresenceState) : null);
    // The local copy: the board shows from it before (or without) the server; offline edits wait in it.
    this.local = openLocalCopy(boardId, this.doc);
    this.#pending = loadPending(boardId);
    this.#unsynced = this.#pending > 0;
    this.#wire();
    void this.#loadRole();
  }

  /** Asks the server what this link may do; a bad link closes the board with a clear reason. */
  async #loadRole(): Promise<void> {
    if (this.#loadingRole) return;
    this.#loadingRole = true;
    const res = await fetchBoard(this.boardId, this.token);
    this.#loadingRole = false;
    if (this.#destroyed) return;
    if (res.ok) {
      this.#role = res.data.role;
      this.#roleKnown = this.#roleFromServer = true;
      rememberRole(this.boardId, this.token, res.data.role);
    } else if (res.status === 404) this.#close('not-found');
    else if (res.status === 401) this.#close('no-token');
    else if (res.status === 403) this.#close('forbidden');
    else {
      // Offline or 5xx: not a verdict on the link. Use what it granted last time on this device, and ask
      // again after the next sync (see onSync).
      const remembered = rememberedRole(this.boardId, this.token);
      if (remembered && this.#role === null) {
        this.#role = remembered;
        this.#roleKnown = true;
      }
    }
  }

  /** Whether the server has everything I changed: connected, synced, and the browser says online. */
  get #live(): boolean {
    return this.#online && this.#status === 'connected' && this.#synced;
  }

  #setPending(n: number): void {
    this.#pending = n;
    savePending(this.boardId, n);
  }

  #wire(): void {
    const { doc, provider, undoManager } = this;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types its events by the base type
    const onCards = (events: Array<Y.YEvent<any>>) => {
      const change = this.#index.apply(events);
      if (change.columns.length) this.#columns = this.#index.columns;
      if (change.names) this.#names = this.#index.names;
    };
    const cards = cardsMap(doc);
    cards.observeDeep(onCards);
    this.#cleanup.push(() => cards.unobserveDeep(onCards));
    // The meeting day comes from the meta map; nothing in it is nested.
    const onMeta = () => (this.#meta = readMeta(doc));
    metaMap(doc).observe(onMeta);
    this.#cleanup.push(() => metaMap(doc).unobserve(onMeta));
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      // The socket can look connected for a while after the network went away; the browser knows sooner.
      // What the local copy loads is not a new change: it counted when it was made.
      if (origin !== provider && origin !== this.local && !this.#live) this.#unsynced = true;
    };
    doc.on('update', onUpdate);
    this.#cleanup.push(() => doc.off('update', onUpdate));

    const onStatus = ({ status }: { status: ConnectionStatus }) => {
      this.#status = status;
      if (status === 'connected') this.#everConnected = true;
      else this.#synced = false;
    };
    const onSync = (isSynced: boolean) => {
      this.#synced = isSynced;
      if (isSynced) {
        this.#loaded = true;
        if (!this.#roleFromServer) void this.#loadRole();
        // On (re)connect the provider has sent what the server lacks, in reply to the server's step 1;
        // the changes count as sent once the server says it has stored them.
        if (this.#unsynced || this.#pending) this.#confirmStored();
      }
    };
    // The local copy is read: a board seen on this device before can show now, server or not.
    const onLocalLoaded = () => {
      if (metaMap(doc).has('createdAt')) this.#loaded = true;
    };
    this.local?.on('synced', onLocalLoaded);
    this.#cleanup.push(() => this.local?.off('synced', onLocalLoaded));
    const onClose = (event: CloseEvent | null) => {
      const reason = event ? CLOSE_REASONS[event.code] : undefined;
      if (reason === 'refused') this.#refusedReason = event?.reason ?? '';
      if (reason) this.#close(reason);
    };
    provider.on('status', onStatus);
    provider.on('sync', onSync);
    provider.on('connection-close', onClose);
    this.#cleanup.push(() => {
      provider.off('status', onStatus);
      provider.off('sync', onSync);
      provider.off('connection-close', onClose);
    });

    const onAwareness = () => this.#readPeers();
    provider.awareness.on('change', onAwareness);
    this.#cleanup.push(() => provider.awareness.off('change', onAwareness));
    this.#readPeers();

    const onStack = () => {
      this.#canUndo = undoManager.canUndo();
      this.#canRedo = undoManager.canRedo();
    };
    // A new undo step (an edit, an undo or a redo; typing within the capture timeout merges) is one change.
    const onChange = () => {
      if (!this.#live) this.#setPending(this.#pending + 1);
    };
    undoManager.on('stack-item-added', onChange);
    this.#cleanup.push(() => undoManager.off('stack-item-added', onChange));
    for (const e of ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const) undoManager.on(e, onStack);
    this.#cleanup.push(() => {
      for (const e of ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const) undoManager.off(e, onStack);
    });

    const onOnline = () => {
      this.#online = navigator.onLine;
      // Edits made offline may have gone into a socket that was already dead; a fresh sync round
      // (the provider resends what the server lacks) makes sure they arrive.
      if (this.#online && this.#unsynced && this.#status === 'connected') {
        provider.disconnect();
        provider.connect();
      }
    };
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOnline);
    this.#cleanup.push(() => {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOnline);
    });
  }

  /**
   * Asks the server, on the current socket, for everything it has stored; its answer comes only after the
   * changes this device sent before the question are stored (see sync-frames.ts), so then nothing waits.
   */
  #confirmStored(): void {
    const ws = this.provider.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const onMessage = (e: MessageEvent) => {
      if (!(e.data instanceof ArrayBuffer) || !isSyncStep2(new Uint8Array(e.data))) return;
      ws.removeEventListener('message', onMessage);
      if (this.provider.ws !== ws || !this.#live) return;
      this.#unsynced = false;
      if (this.#pending) this.#setPending(0);
    };
    ws.addEventListener('message', onMessage);
    ws.send(syncStep1Frame(this.doc));
  }

  #readPeers(): void {
    const self = this.provider.awareness.clientID;
    const peers: Peer[] = [];
    for (const [clientId, state] of this.provider.awareness.getStates()) {
      // Awareness comes from anyone on the board; show only well-formed states.
      const parsed = PresenceState.safeParse(state);
      if (!parsed.success) continue;
      const { user, editing } = parsed.data;
      peers.push({ clientId, name: user.name, color: user.color, editing: editing ?? null, isSelf: clientId === self });
    }
    // Me first, then by name, so the header does not reshuffle as people come and go.
    peers.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || compareNames(a.name, b.name) || a.clientId - b.clientId);
    this.#peers = peers;
  }

  #close(reason: Exclude<ClosedReason, null>): void {
    if (this.#destroyed) return;
    this.#closed = reason;
    this.provider.disconnect();
    // Nothing left to sync to: drop this device's copy too.
    if (reason === 'deleted' || reason === 'not-found') void forgetLocalCopy(this.boardId, this.local);
  }

  // ---- presence -----------------------------------------------------------------------------------------

  setIdentity(identity: Identity): void {
    this.#identity = identity;
    const editing = this.provider.awareness.getLocalState()?.editing ?? null;
    this.provider.awareness.setLocalState({ user: identity, editing } satisfies PresenceState);
  }

  /** Card whose field has focus in this tab (null when none); others see my colour on it. */
  setEditing(cardId: string | null): void {
    const state = this.provider.awareness.getLocalState();
    // No state yet = not joined (no name): nothing to show to others.
    if (state && (state.editing ?? null) !== cardId) this.provider.awareness.setLocalStateField('editing', cardId);
  }

  /** Other people currently editing `cardId`. */
  editorsOf(cardId: string): Peer[] {
    return this.#peers.filter((p) => !p.isSelf && p.editing === cardId);
  }

  /**
   * Throws away this device's changes the server has not taken (the local copy), so that the board opens
   * again as the server has it. For a change the server refused; the caller reloads the page after.
   */
  async discardLocalChanges(): Promise<void> {
    savePending(this.boardId, 0);
    await this.local?.clearData().catch(() => undefined);
  }

  /** The board was deleted (told by the server over socket.io). */
  markDeleted(): void {
    this.#close('deleted');
  }

  /** This link was replaced by a new one (told over socket.io; `/yjs` closes with 4403 for the same). */
  markRevoked(): void {
    this.#close('forbidden');
  }

  // ---- reads for text bindings --------------------------------------------------------------------------

  text(cardId: string, field: string): Y.Text | undefined {
    return cardText(this.doc, cardId, field);
  }

  proposalText(cardId: string, proposalId: string): Y.Text | undefined {
    return proposalText(this.doc, cardId, proposalId);
  }

  decisionText(cardId: string, decisionId: string): Y.Text | undefined {
    return decisionText(this.doc, cardId, decisionId);
  }

  // ---- writes -----------------------------------------------------------------------------------------

  addCard(card: NewCard): string {
    // A new card is its own step (for undo, and in the count of changes not yet synced).
    this.undoManager.stopCapturing();
    return createCard(this.doc, card, { createdBy: this.#identity?.name ?? '', origin: this.origin });
  }

  update(cardId: string, patch: CardPatch): void {
    updateCard(this.doc, cardId, patch, this.origin);
  }

  move(cardId: string, index: number): void {
    moveCard(this.doc, cardId, index, this.origin);
  }

  remove(cardId: string): void {
    deleteCard(this.doc, cardId, this.origin);
  }

  /**
   * Deletes a card as an undo step of its own and returns what takes back exactly that deletion — even
   * after later changes of mine — with its texts, decisions (so their action items reopen) and place.
   * The returned function is false when there is nothing left to take back (already undone, or gone).
   */
  removeUndoably(cardId: string): () => boolean {
    this.undoManager.stopCapturing();
    if (!deleteCard(this.doc, cardId, this.origin)) return () => false;
    const item = this.undoManager.undoStack.at(-1);
    this.undoManager.stopCapturing();
    return () => {
      const stack = this.undoManager.undoStack;
      const at = item ? stack.indexOf(item) : -1;
      if (at < 0) return false;
      // Brought to the top, so that one undo takes back this deletion alone.
      stack.splice(at, 1);
      stack.push(item!);
      this.undoManager.undo();
      return true;
    };
  }

  setCurrent(cardId: string | null): void {
    setCurrentAgenda(this.doc, cardId, this.origin);
  }

  setMeta(patch: { title?: string; purpose?: string }): void {
    setMeta(this.doc, patch, this.origin);
  }

  /**
   * Sets when a board outside a series meets: its day (`YYYY-MM-DD`; '' = the day it was made) and start
   * (`HH:MM`; '' = none), in one change. A series meeting moves through its series instead.
   */
  setMeetingWhen(date: string, start: string): void {
    this.doc.transact(() => {
      setMeetingDate(this.doc, date, this.origin);
      setMeetingStart(this.doc, start, this.origin);
    }, this.origin);
  }

  addProposal(cardId: string, text: string): string | null {
    return addProposal(this.doc, cardId, text, this.#identity?.name ?? '', this.origin);
  }

  deleteProposal(cardId: string, proposalId: string): void {
    deleteProposal(this.doc, cardId, proposalId, this.origin);
  }

  /** Records a decision as me; the server turns it into an action item. */
  addDecision(cardId: string, text: string): string | null {
    return addDecision(this.doc, cardId, { text, decidedBy: this.#identity?.name ?? '' }, this.origin);
  }

  /** Sets a decision's explicit owners (comma-separated) or due date (`YYYY-MM-DD`); '' = read from the text. */
  updateDecision(cardId: string, decisionId: string, patch: DecisionPatch): void {
    updateDecision(this.doc, cardId, decisionId, patch, this.origin);
  }

  deleteDecision(cardId: string, decisionId: string): void {
    deleteDecision(this.doc, cardId, decisionId, this.origin);
  }

  undo(): void {
    this.undoManager.undo();
  }

  redo(): void {
    this.undoManager.redo();
  }

  destroy(): void {
    this.#destroyed = true;
    for (const fn of this.#cleanup.splice(0)) fn();
    this.provider.awareness.setLocalState(null);
    this.provider.destroy();
    void this.local?.destroy();
    this.undoManager.destroy();
    this.doc.destroy();
  }
}
