/**
 * Which instance owns each board (see `Ownership` in board-registry.ts): the holder of the board's lease. Every
 * instance that holds a board in memory wants its lease; the registry's extensions hear when this instance
 * takes a board over or gives it up.
 */
import type { BoardAttachment, BoardExtension, BoardRegistry, LoadedBoard, Ownership } from '../sync/board-registry.js';
import type { Leases } from './leases.js';

const PREFIX = 'board:';

export class BoardOwners implements Ownership, BoardExtension {
  readonly name = 'board-owners';
  #registry: BoardRegistry | null = null;

  constructor(private readonly leases: Leases) {
    leases.onChange((name, held) => {
      if (name.startsWith(PREFIX)) this.#registry?.ownershipChanged(name.slice(PREFIX.length), held);
    });
  }

  /** The registry this ownership is for (it is built with the ownership, so it comes second). */
  bind(registry: BoardRegistry): void {
    this.#registry = registry;
  }

  owns(boardId: string): boolean {
    return this.leases.holds(PREFIX + boardId);
  }

  attach(board: LoadedBoard): BoardAttachment {
    this.leases.want(PREFIX + board.id);
    return { detach: () => void this.leases.drop(PREFIX + board.id) };
  }
}
