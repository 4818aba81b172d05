/**
 * Board backup and restore from the command line, on the data directory (`DATA_DIR`, default ./data).
 * Safe while the server runs on the same directory (SQLite WAL; the backup uses SQLite's online backup).
 *
 *   npm run board -- export <boardId> > board.json     one board, its versions and action items
 *   npm run board -- import < board.json               a NEW board from an export; prints its links
 *   npm run board -- import board.json                 (same, from a file)
 *   npm run board -- backup <file>                     the whole database, consistent, to a new file
 *
 * Exit codes: 0 done, 1 failed, 2 wrong usage or invalid input.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { configFromEnv, type Config } from '../config.js';
import { createLogger } from '../log.js';
import { openStores, type OpenedStores } from '../store/open-stores.js';
import { describeDatabaseUrl } from '../store/pg-database.js';
import { DATABASE_FILE } from '../store/sqlite-database.js';
import { BoardRegistry } from '../sync/board-registry.js';
import { BoardService } from '../boards/board-service.js';
import { exportBoard, importBoard, ImportError, parseExportText, type TransferDeps } from '../history/board-transfer.js';
import { roleLinks } from '../../shared/urls.js';
import { isBoardId } from '../../shared/ids.js';

const USAGE = `usage:
  npm run board -- export <boardId> > board.json
  npm run board -- import [board.json] < board.json
  npm run board -- backup <file>
Uses DATA_DIR (default ./data); links use PUBLIC_URL, else http://localhost:PORT.`;

class UsageError extends Error {}

function dbFile(dataDir: string): string {
  const file = path.join(dataDir, DATABASE_FILE);
  if (!fs.existsSync(file)) throw new UsageError(`no Meshboard database in ${path.resolve(dataDir)} (set DATA_DIR)`);
  return file;
}

async function open(config: Config): Promise<{ stores: OpenedStores; transfer: TransferDeps; close(): Promise<void> }> {
  // With DATABASE_URL the boards are in PostgreSQL; else in the SQLite file, which must exist already.
  if (!config.databaseUrl) dbFile(config.dataDir);
  const stores = await openStores(config);
  const store = stores.boards;
  const registry = new BoardRegistry(store, { unloadGraceMs: 0, compactEvery: 500 }, createLogger('silent'));
  const boards = new BoardService(store, registry, stores.tokens);
  const transfer: TransferDeps = {
    store,
    boards,
    versions: stores.versions,
    limits: { maxBytes: config.maxBoardBytes, maxItems: config.maxBoardItems },
    actions: stores.actions,
    // Snapshot + log, as the server would load it: everything stored, including what was appended a moment ago.
    state: async (id) => {
      const stored = await store.loadDocument(id);
      const doc = new Y.Doc();
      try {
        if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
        for (const u of stored.updates) Y.applyUpdate(doc, u);
        return Y.encodeStateAsUpdate(doc);
      } finally {
        doc.destroy();
      }
    },
  };
  return { stores, transfer, close: () => stores.close() };
}

async function readInput(file: string | undefined): Promise<string> {
  if (file) return fs.readFileSync(file, 'utf8');
  if (process.stdin.isTTY) throw new UsageError('give the export on standard input (import < board.json) or as a file name');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(argv: string[]): Promise<number> {
  const config = configFromEnv();
  const [command, arg, ...rest] = argv;
  if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  switch (command) {
    case 'export': {
      if (!arg || !isBoardId(arg)) throw new UsageError('export needs a board id');
      const db = await open(config);
      try {
        const file = await exportBoard(db.transfer, arg);
        if (!file) {
          process.stderr.write(`no board ${arg} in ${config.databaseUrl ? `PostgreSQL at ${describeDatabaseUrl(config.databaseUrl)}` : path.resolve(config.dataDir)}\n`);
          return 1;
        }
        await write(process.stdout, `${JSON.stringify(file)}\n`);
        process.stderr.write(`exported "${file.board.title}" (${file.versions.length} versions, ${file.actionItems.length} action items)\n`);
        return 0;
      } finally {
        await db.close();
      }
    }
    case 'import': {
      const text = await readInput(arg);
      const parsed = parseExportText(text);
      const db = await open(config);
      try {
        const created = await importBoard(db.transfer, parsed);
        const base = (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
        const links = roleLinks(base, created.id, created.tokens);
        const out = [
          `imported "${created.title}" as a new board ${created.id}`,
          `facilitator: ${links.facilitator}`,
          `participant: ${links.participant}`,
          `viewer:      ${links.viewer}`,
          'These links are shown once: keep them.',
        ];
        await write(process.stdout, `${out.join('\n')}\n`);
        return 0;
      } finally {
        await db.close();
      }
    }
    case 'backup': {
      if (!arg) throw new UsageError('backup needs a file to write');
      if (fs.existsSync(arg)) throw new UsageError(`${arg} exists; give a new file name`);
      const db = await open(config);
      try {
        if (db.stores.engine !== 'sqlite') throw new UsageError('the boards are in PostgreSQL (DATABASE_URL): back them up with pg_dump (docs/deployment.md)');
        // SQLite's online backup: a consistent copy while the server keeps writing.
        await db.stores.database.backup(arg);
        process.stderr.write(`backed up ${dbFile(config.dataDir)} to ${arg}\n`);
        return 0;
      } finally {
        await db.close();
      }
    }
    default:
      throw new UsageError(command ? `unknown command: ${command}` : 'no command given');
  }
}

const write = (stream: NodeJS.WritableStream, text: string) =>
  new Promise<void>((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (err instanceof ImportError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
