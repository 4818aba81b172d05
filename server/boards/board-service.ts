/**
 * Board operations for the REST API and other server code. Reads and writes go to the same live Y.Doc the
 * websocket clients edit (through the registry), with the shared schema's accessors: one way in, one way
 * out, no second copy of the board.
 */
import * as Y from 'yjs';
import {
  createCard,
  createCards,
  getCard,
  initBoard,
  readBoard,
  readCard,
  setMeetingDate,
  setMeetingStart,
  setMeta,
  type BoardView,
  type Card,
} from '../../shared/board-schema.js';
import type { CreateBoardBody, CreateCardBody, UpdateBoardBody } from '../../shared/api-schemas.js';
import { randomId } from '../../shared/ids.js';
import { templateCards, type BoardTemplate } from '../../shared/templates.js';
import type { Store } from '../store/store.js';
import type { TokenStore } from '../store/token-store.js';
import type { Role } from '../../shared/roles.js';
import { localOrigin, type BoardRegistry } from '../sync/board-registry.js';

const REST = localOrigin('rest');
/** The REST origin with the caller's role, so the audit trail can say who (by role) made the change. */
const restAs = (role?: Role) => (role ? localOrigin('rest', { name: 'rest', role }) : REST);

/** A board made outside a series, as its series of one is filed: `meetingDate` when it was set at creation. */
export interface CreatedBoard {
  id: string;
  title: string;
  createdAt: number;
  meetingDate?: string;
}

export class BoardService {
  readonly #onDeleted: Array<(id: string) => void> = [];
  #onCreated: (board: CreatedBoard) => Promise<void> = async () => {};

  constructor(
    private readonly store: Store,
    private readonly registry: BoardRegistry,
    private readonly tokens: TokenStore,
  ) {}

  /**
   * Creates a board and returns, once only, the tokens of its role links. With a `template`, the board
   * starts with its cards, and with its purpose unless the body gives one.
   */
  async create(
    body: Omit<CreateBoardBody, 'template'>,
    template?: Pick<BoardTemplate, 'purpose' | 'cards'>,
  ): Promise<{ id: string; title: string; purpose: string; tokens: Record<Role, string> }> {
    const id = randomId();
    const now = Date.now();
    const doc = new Y.Doc();
    const purpose = body.purpose ?? template?.purpose ?? '';
    initBoard(doc, { title: body.title, purpose, createdAt: now });
    if (body.meetingDate) setMeetingDate(doc, body.meetingDate);
    if (body.meetingStart) setMeetingStart(doc, body.meetingStart);
    if (template) createCards(doc, templateCards(template), { now });
    await this.store.createBoard({ id, title: body.title, createdAt: now, updatedAt: now }, Y.encodeStateAsUpdate(doc));
    doc.destroy();
    let tokens: Record<Role, string>;
    try {
      tokens = await this.tokens.issue(id);
      await this.#onCreated({ id, title: body.title, createdAt: now, meetingDate: body.meetingDate || undefined });
    } catch (err) {
      await this.store.deleteBoard(id); // a board nobody can open is worse than none
      throw err;
    }
    return { id, title: body.title, purpose, tokens };
  }

  /**
   * Creates a new board from a document state (a version's copy, an imported file) and returns, once only,
   * its role tokens. The new board has its own id and links; `title`, when given, replaces the document's.
   */
  async createFromSnapshot(
    snapshot: Uint8Array,
    /** `inSeries`: the caller files the board in a series itself (else it becomes a series of one). */
    opts: { title?: string; createdAt?: number; id?: string; inSeries?: boolean } = {},
  ): Promise<{ id: string; title: string; purpose: string; tokens: Record<Role, string> }> {
    const id = opts.id ?? randomId();
    const now = Date.now();
    const doc = new Y.Doc();
    try {
      Y.applyUpdate(doc, snapshot);
      if (opts.title !== undefined) setMeta(doc, { title: opts.title });
      const { title, purpose } = readBoard(doc).meta;
      await this.store.createBoard({ id, title, createdAt: opts.createdAt ?? now, updatedAt: now }, Y.encodeStateAsUpdate(doc));
      let tokens: Record<Role, string>;
      try {
        tokens = await this.tokens.issue(id);
        if (!opts.inSeries) await this.#onCreated({ id, title, createdAt: opts.createdAt ?? now });
      } catch (err) {
        await this.store.deleteBoard(id);
        throw err;
      }
      return { id, title, purpose, tokens };
    } finally {
      doc.destroy();
    }
  }

  /** The board as JSON, from the live document; null when there is no such board. */
  view(id: string): Promise<BoardView | null> {
    return this.registry.withBoard(id, (board) => readBoard(board.doc));
  }

  /** Adds a card; it reaches every connected client once stored. Null when there is no such board. */
  addCard(id: string, body: CreateCardBody, createdBy = '', role?: Role): Promise<Card | null> {
    return this.registry.withBoard(id, async (board) => {
      const cardId = createCard(board.doc, body, { createdBy, origin: restAs(role) });
      const card = readCard(getCard(board.doc, cardId)) as Card;
      // Answer 201 only once the card is durably stored.
      await this.registry.persisted(board);
      return card;
    });
  }

  update(id: string, body: UpdateBoardBody, role?: Role): Promise<BoardView['meta'] | null> {
    return this.registry.withBoard(id, async (board) => {
      setMeta(board.doc, body, restAs(role));
      await this.registry.persisted(board);
      return readBoard(board.doc).meta;
    });
  }

  /** Files each new board (made outside a series) in a series of its own, before the board is handed out. */
  onCreated(fn: (board: CreatedBoard) => Promise<void>): void {
    this.#onCreated = fn;
  }

  /** Calls `fn` after a board is deleted (to close its connections and tell its watchers). */
  onDeleted(fn: (id: string) => void): void {
    this.#onDeleted.push(fn);
  }

  /** Deletes the board, its document and its history. */
  async delete(id: string): Promise<boolean> {
    if (!(await this.store.getBoard(id))) return false;
    for (const fn of this.#onDeleted) fn(id);
    this.registry.forget(id);
    return this.store.deleteBoard(id);
  }
}
