/**
 * A whole board as one JSON file (format `meshboard-board`, version 1): its document, action items (with the
 * statuses people set) and named versions. Used by the CLI (`npm run board -- export|import`) and the REST
 * API. Import always makes a NEW board with a new id and fresh links; it never overwrites one.
 */
import * as Y from 'yjs';
import { readMeta } from '../../shared/board-schema.js';
import { BoardExport, EXPORT_FORMAT, EXPORT_VERSION, type ExportedActionItem } from '../../shared/history-schemas.js';
import { describeZodError } from '../../shared/api-schemas.js';
import type { Role } from '../../shared/roles.js';
import type { Store } from '../store/store.js';
import type { ActionStore } from '../store/action-store.js';
import type { BoardService } from '../boards/board-service.js';
import { VersionQuotaError, type VersionStore } from '../store/version-store.js';
import { checkUpdate, type SizeLimits } from '../sync/update-guard.js';

export interface TransferDeps {
  store: Store;
  boards: BoardService;
  versions: VersionStore;
  actions: ActionStore;
  /** The board's current document state: the live one when loaded, else from the store. */
  state(boardId: string): Promise<Uint8Array | null>;
  /** A board's size limits: an imported document (and each version) must fit them, and the document bounds. */
  limits?: SizeLimits;
}

/** Raised for a file that is not a valid export; the message says what is wrong, `field` where (`actionItems.0.createdAt`). */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const b64 = (u: Uint8Array): string => Buffer.from(u).toString('base64');

/** The board as an export object; null when there is no such board. */
export async function exportBoard(deps: TransferDeps, boardId: string): Promise<BoardExport | null> {
  const record = await deps.store.getBoard(boardId);
  if (!record) return null;
  const state = await deps.state(boardId);
  if (!state) return null;
  const actionItems: ExportedActionItem[] = (await deps.actions.list(boardId)).map(({ boardId: _b, ...r }) => r);
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    board: { id: record.id, title: record.title, createdAt: record.createdAt },
    document: b64(state),
    actionItems,
    versions: (await deps.versions.all(boardId)).map((v) => ({ name: v.name, createdAt: v.createdAt, by: v.by, document: b64(v.data) })),
    exportedAt: Date.now(),
  };
}

/**
 * Decodes a base64 Yjs state and checks it as the server checks every update (document bounds, board size)
 * and that it is whole (nothing in it waits for changes the file lacks); throws ImportError naming `where`.
 */
function decodeState(base64: string, where: string, limits: SizeLimits = NO_LIMITS): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
  const doc = new Y.Doc();
  try {
    let verdict: ReturnType<typeof checkUpdate>;
    try {
      verdict = checkUpdate(doc, bytes, { bytes: 0, items: 0 }, limits);
      Y.applyUpdate(doc, bytes);
    } catch {
      throw new ImportError(`${where}: not a Yjs document state`, where);
    }
    if (!verdict.ok) throw new ImportError(`${where}: ${verdict.reason}`, where);
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) throw new ImportError(`${where}: the document is incomplete`, where);
  } finally {
    doc.destroy();
  }
  return bytes;
}

const NO_LIMITS: SizeLimits = { maxBytes: Infinity, maxItems: Infinity };

/** Validates an export (parsed JSON); throws ImportError with the first problem. */
export function parseExport(input: unknown): BoardExport {
  const parsed = BoardExport.safeParse(input);
  if (!parsed.success) {
    const { message, field } = describeZodError(parsed.error);
    throw new ImportError(`not a valid board export: ${message}`, field);
  }
  return parsed.data;
}

/** Parses and validates an export file's text; throws ImportError. */
export function parseExportText(text: string): BoardExport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ImportError('not a valid board export: the file is not JSON');
  }
  return parseExport(json);
}

/**
 * Creates a new board from an export, with its versions and action items. Returns the new board's id,
 * title and role tokens (shown once).
 */
export async function importBoard(
  deps: TransferDeps,
  file: BoardExport,
  opts: { title?: string } = {},
): Promise<{ id: string; title: string; purpose: string; tokens: Record<Role, string> }> {
  const document = decodeState(file.document, 'document', deps.limits);
  const versions = file.versions.map((v, i) => ({ ...v, data: decodeState(v.document, `versions.${i}.document`, deps.limits) }));
  const probe = new Y.Doc();
  Y.applyUpdate(probe, document);
  const hasTitle = typeof probe.getMap('meta').get('title') === 'string';
  const title = opts.title ?? (hasTitle ? readMeta(probe).title : file.board.title || 'Imported board');
  probe.destroy();
  const created = await deps.boards.createFromSnapshot(document, { title, createdAt: file.board.createdAt });
  try {
    for (const v of versions) await deps.versions.save(created.id, { name: v.name, by: v.by ?? 'server', data: v.data, createdAt: v.createdAt });
    await deps.actions.upsert(file.actionItems.map((a) => ({ ...a, boardId: created.id })));
  } catch (err) {
    await deps.store.deleteBoard(created.id); // half an import is worse than none
    if (err instanceof VersionQuotaError) throw new ImportError(`versions: ${err.message}`, 'versions');
    throw err;
  }
  return created;
}
