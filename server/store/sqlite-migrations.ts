/**
 * SQLite schema migrations, by name. Each runs once, in list order, inside a transaction; applied names are
 * recorded in `schema_migrations`. Append new entries; never edit one that has shipped.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    name: '001-boards-and-update-log',
    sql: `CREATE TABLE boards (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
          );
          CREATE TABLE snapshots (
            board_id TEXT PRIMARY KEY REFERENCES boards(id) ON DELETE CASCADE,
            data BLOB NOT NULL,
            seq INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
          );
          CREATE TABLE updates (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
            data BLOB NOT NULL
          );
          CREATE INDEX updates_board_seq ON updates(board_id, seq);`,
  },
  {
    name: '003-board-tokens',
    sql: `CREATE TABLE board_tokens (
            board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('viewer', 'participant', 'facilitator')),
            token_hash BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (board_id, role)
          );`,
  },
];

export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set(db.prepare<[], { name: string }>('SELECT name FROM schema_migrations').all().map((r) => r.name));
  const record = db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)');
  for (const m of migrations) {
    if (applied.has(m.name)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.name, Date.now());
    })();
  }
}
