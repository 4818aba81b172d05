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
  {
    name: '004-meetings',
    sql: `CREATE TABLE meetings (
            board_id TEXT PRIMARY KEY REFERENCES boards(id) ON DELETE CASCADE,
            state TEXT NOT NULL,
            updated_at INTEGER NOT NULL
          );
          CREATE TABLE vote_rounds (
            id TEXT PRIMARY KEY,
            board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
            dots_per_person INTEGER NOT NULL,
            opened_at INTEGER NOT NULL,
            revealed_at INTEGER NOT NULL,
            voters INTEGER NOT NULL,
            results TEXT NOT NULL
          );
          CREATE TABLE board_versions (
            id TEXT PRIMARY KEY,
            board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            data BLOB NOT NULL
          );
          CREATE INDEX board_versions_board ON board_versions(board_id, created_at);`,
  },
  {
    // Action items extracted from decisions and accepted requests (server/actions/). `present` = the
    // source is on the board; `person_status` = open/done/cancelled as set by people, NULL if never set.
    name: '002-action-items',
    sql: `CREATE TABLE action_items (
            board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('decision', 'need')),
            card_id TEXT NOT NULL,
            column_id TEXT NOT NULL,
            card_title TEXT NOT NULL,
            decision_id TEXT,
            text TEXT NOT NULL,
            owners TEXT NOT NULL,
            due TEXT,
            due_text TEXT NOT NULL,
            due_flag TEXT CHECK (due_flag IN ('unparseable', 'past')),
            board_status TEXT NOT NULL CHECK (board_status IN ('open', 'done')),
            person_status TEXT CHECK (person_status IN ('open', 'done', 'cancelled')),
            present INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
            decided_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (board_id, id)
          );
          CREATE INDEX action_items_card ON action_items(board_id, card_id);
          CREATE INDEX action_items_id ON action_items(id);`,
  },
  {
    name: '002-board-attendees-and-webhooks',
    sql: `CREATE TABLE board_attendees (
            board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            PRIMARY KEY (board_id, name)
          );
          CREATE TABLE board_webhooks (
            board_id TEXT PRIMARY KEY REFERENCES boards(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            updated_at INTEGER NOT NULL
          );`,
  },
  {
    // Named versions (server/history/): who saved each one; 'server' for automatic ones.
    name: '005-history',
    sql: `ALTER TABLE board_versions ADD COLUMN created_by TEXT NOT NULL DEFAULT 'server';`,
  },
  {
    // Audit trail (server/history/audit-service.ts): one row per change people made, typing coalesced.
    name: '005-audit-log',
    sql: `CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            role TEXT NOT NULL,
            action TEXT NOT NULL,
            card_id TEXT,
            field TEXT,
            summary TEXT NOT NULL
          );
          CREATE INDEX audit_log_board_at ON audit_log(board_id, at, id);`,
  },
  {
    // A team's own board templates (server/templates/): the board's structure as validated JSON. Not tied
    // to the board it was saved from: deleting that board keeps the template.
    name: '006-templates',
    sql: `CREATE TABLE board_templates (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            data TEXT NOT NULL,
            source_board_id TEXT,
            created_at INTEGER NOT NULL
          );
          CREATE INDEX board_templates_created ON board_templates(created_at);`,
  },
  {
    // Saved templates are listed by id or by source board, from these columns, without parsing `data`.
    // Rows saved before are filled in from their JSON; a row whose JSON is unreadable keeps title '' and
    // is never listed (it could not start a board either). Later, a series will be one more scope column.
    name: '007-template-scope',
    sql: `ALTER TABLE board_templates ADD COLUMN description TEXT NOT NULL DEFAULT '';
          ALTER TABLE board_templates ADD COLUMN title TEXT NOT NULL DEFAULT '';
          ALTER TABLE board_templates ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
          ALTER TABLE board_templates ADD COLUMN agenda_count INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE board_templates ADD COLUMN needs_count INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE board_templates ADD COLUMN challenges_count INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE board_templates ADD COLUMN minutes INTEGER NOT NULL DEFAULT 0;
          UPDATE board_templates SET
            description = COALESCE(json_extract(data, '$.description'), ''),
            title = COALESCE(json_extract(data, '$.title'), ''),
            purpose = COALESCE(json_extract(data, '$.purpose'), ''),
            agenda_count = COALESCE(json_array_length(data, '$.cards.agenda'), 0),
            needs_count = COALESCE(json_array_length(data, '$.cards.needs'), 0),
            challenges_count = COALESCE(json_array_length(data, '$.cards.challenges'), 0),
            minutes = (SELECT COALESCE(SUM(json_extract(data, fullkey || '.timebox')), 0) FROM json_each(data, '$.cards.agenda'))
          WHERE json_valid(data);
          CREATE INDEX board_templates_source ON board_templates(source_board_id, created_at);`,
  },
  {
    // Keys the server derives credentials from (meeting seats): made once, kept with the data they protect.
    name: '008-server-secrets',
    sql: `CREATE TABLE server_secrets (
            name TEXT PRIMARY KEY,
            value BLOB NOT NULL,
            created_at INTEGER NOT NULL
          );`,
  },
];

export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set(
    db
      .prepare<[], { name: string }>('SELECT name FROM schema_migrations')
      .all()
      .map((r) => r.name),
  );
  const record = db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)');
  for (const m of migrations) {
    if (applied.has(m.name)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.name, Date.now());
    })();
  }
}
