/**
 * Board operations for the REST API and other server code. Reads and writes go to the same live Y.Doc the
 * websocket clients edit (through the registry), with the shared schema's accessors: one way in, one way
 * out, no second copy of the board.
 */
import * as Y from 'yjs';
import { createCard, getCard, initBoard, readBoard, readCard, setMeta, type BoardView, type Card } from '../../shared/board-schema.js';
import type { CreateBoardBody, CreateCardBody, UpdateBoardBody } from '../../shared/api-schemas.js';
import { randomId } from '../../shared/ids.js';
import type { Store } from '../store/store.js';
import type { TokenStore } from '../auth/tokens.js';
import type { Role } from '../../shared/roles.js';
import { localOrigin, type BoardRegistry } from '../sync/board-registry.js';

const REST = localOrigin('rest');

export class BoardService {
  readonly #onDeleted: Array<(id: string) => void> = [];

  constructor(
    private readonly store: Store,
    private readonly registry: BoardRegistry,
    private readonly tokens: TokenStore,
  ) {}

  /** Creates a board and returns, once only, the tokens of its role links. */
  async create(body: CreateBoardBody): Promise<{ id: string; title: string; purpose: string; tokens: Record<Role, string> }> {
    const id = randomId();
    const now = Date.now();
    const doc = new Y.Doc();
    initBoard(doc, { title: body.title, purpose: body.purpose ?? '', createdAt: now });
    await this.store.createBoard({ id, title: body.title, createdAt: now, updatedAt: now }, Y.encodeStateAsUpdate(doc));
    doc.destroy();
    let tokens: Record<Role, string>;
    try {
      tokens = await this.tokens.issue(id);
    } catch (err) {
      await this.store.deleteBoard(id); // a board nobody can open is worse than none
      throw err;
    }
    return { id, title: body.title, purpose: body.purpose ?? '', tokens };
  }

  /** The board as JSON, from the live document; null when there is no such board. */
  view(id: string): Promise<BoardView | null> {
    return this.registry.withBoard(id, (board) => readBoard(board.doc));
  }

  /** Adds a card; it reaches every connected client once stored. Null when there is no such board. */
  addCard(id: string, body: CreateCardBody, createdBy = ''): Promise<Card | null> {
    return this.registry.withBoard(id, async (board) => {
      const cardId = createCard(board.doc, body, { createdBy, origin: REST });
      const card = readCard(getCard(board.doc, cardId)) as Card;
      // Answer 201 only once the card is durably stored.
      await this.registry.persisted();
      return card;
    });
  }

  update(id: string, body: UpdateBoardBody): Promise<BoardView['meta'] | null> {
    return this.registry.withBoard(id, async (board) => {
      setMeta(board.doc, body, REST);
      await this.registry.persisted();
      return readBoard(board.doc).meta;
    });
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
