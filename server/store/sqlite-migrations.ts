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
  {
    // Series (server/series/): a team's recurring meeting and its meetings, each with its own board. Every
    // board that exists becomes a series of one with the board's id, title and creation day, whose only
    // meeting is that board (ended if its meeting ended, running if it started). The board's role links keep
    // working: series access also accepts the tokens of the series' boards (server/auth/access.ts).
    // `series_meetings.board_id` has no foreign key: the row is written, as 'opening', before its board, so
    // that a carry-over interrupted between the two is finished or undone on restart, never done twice.
    name: '009-series',
    sql: `CREATE TABLE series (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            team TEXT NOT NULL DEFAULT '',
            cadence TEXT,
            first_date TEXT NOT NULL,
            start_time TEXT NOT NULL,
            timezone TEXT NOT NULL,
            duration INTEGER NOT NULL,
            template_id TEXT,
            people TEXT NOT NULL DEFAULT '[]',
            open_before INTEGER,
            flag_after INTEGER NOT NULL DEFAULT 3,
            grace INTEGER NOT NULL DEFAULT 30,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
          );
          CREATE TABLE series_meetings (
            series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            board_id TEXT NOT NULL UNIQUE,
            slot_date TEXT,
            slot_start TEXT,
            date TEXT NOT NULL,
            start TEXT NOT NULL,
            starts_at INTEGER NOT NULL,
            ends_at INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('opening', 'open', 'running', 'ended', 'missed')),
            opened_at INTEGER NOT NULL,
            started_at INTEGER,
            ended_at INTEGER,
            ended_by TEXT CHECK (ended_by IN ('facilitator', 'auto')),
            PRIMARY KEY (series_id, seq)
          );
          CREATE INDEX series_meetings_status ON series_meetings(status, ends_at);
          CREATE TABLE series_tokens (
            series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('viewer', 'participant', 'facilitator')),
            token_hash BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (series_id, role)
          );
          INSERT INTO series (id, name, team, cadence, first_date, start_time, timezone, duration, template_id, people,
                              open_before, flag_after, grace, created_at, updated_at)
            SELECT id, title, '', NULL, strftime('%Y-%m-%d', created_at / 1000, 'unixepoch'), '', 'UTC', 60, NULL, '[]',
                   NULL, 0, 30, created_at, updated_at
            FROM boards;
          INSERT INTO series_meetings (series_id, seq, board_id, slot_date, slot_start, date, start, starts_at, ends_at, status,
                                       opened_at, started_at, ended_at, ended_by)
            SELECT b.id, 1, b.id, NULL, NULL, strftime('%Y-%m-%d', b.created_at / 1000, 'unixepoch'), '',
                   (b.created_at / 86400000) * 86400000, (b.created_at / 86400000) * 86400000 + 3600000,
                   CASE json_extract(m.state, '$.state.phase') WHEN 'ended' THEN 'ended' WHEN 'lobby' THEN 'open' WHEN NULL THEN 'open'
                        ELSE CASE WHEN m.state IS NULL THEN 'open' ELSE 'running' END END,
                   b.created_at, json_extract(m.state, '$.state.startedAt'), json_extract(m.state, '$.state.endedAt'),
                   CASE json_extract(m.state, '$.state.phase') WHEN 'ended' THEN 'facilitator' END
            FROM boards b LEFT JOIN meetings m ON m.board_id = b.id;`,
  },
  {
    // Action items gain 'blocked' (an owner says so in the next meeting's review) and the time they were
    // done (the series report counts done on time / late). SQLite changes a CHECK only by copying the table.
    name: '010-action-blocked-and-done-at',
    sql: `CREATE TABLE action_items_next (
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
            person_status TEXT CHECK (person_status IN ('open', 'done', 'cancelled', 'blocked')),
            present INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled', 'blocked')),
            decided_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            done_at INTEGER,
            PRIMARY KEY (board_id, id)
          );
          INSERT INTO action_items_next
            SELECT board_id, id, kind, card_id, column_id, card_title, decision_id, text, owners, due, due_text, due_flag,
                   board_status, person_status, present, status, decided_by, created_at, updated_at,
                   CASE WHEN status = 'done' THEN updated_at END
            FROM action_items;
          DROP TABLE action_items;
          ALTER TABLE action_items_next RENAME TO action_items;
          CREATE INDEX action_items_card ON action_items(board_id, card_id);
          CREATE INDEX action_items_id ON action_items(id);`,
  },
  {
    // Personal links (one per person and series, keyed by the lower-cased name) and the drop-in link, both
    // stored as hashes; drop-in submissions wait as rows until the facilitator takes them or sets them aside.
    name: '011-series-people-and-dropin',
    sql: `CREATE TABLE series_people_tokens (
            series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
            name_key TEXT NOT NULL,
            name TEXT NOT NULL,
            token_hash BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (series_id, name_key)
          );
          CREATE TABLE series_dropin_tokens (
            series_id TEXT PRIMARY KEY REFERENCES series(id) ON DELETE CASCADE,
            token_hash BLOB NOT NULL,
            created_at INTEGER NOT NULL
          );
          CREATE TABLE series_dropins (
            id TEXT PRIMARY KEY,
            series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('request', 'win', 'loss', 'question')),
            text TEXT NOT NULL,
            name TEXT NOT NULL,
            addressee TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'taken', 'set_aside')),
            board_id TEXT,
            card_id TEXT,
            decided_at INTEGER
          );
          CREATE INDEX series_dropins_status ON series_dropins(series_id, status, created_at);`,
  },
  {
    // Requests between series and challenges escalated to another series (server/series/asks.ts). A card is
    // asked, or escalated, once: (from_series, from_card) is unique.
    name: '012-series-asks-and-escalations',
    sql: `CREATE TABLE series_asks (
            id TEXT PRIMARY KEY,
            from_series TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
            from_board TEXT NOT NULL,
            from_card TEXT NOT NULL,
            to_series TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
            asker TEXT NOT NULL,
            addressee TEXT NOT NULL,
            what TEXT NOT NULL,
            by_when TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'done')),
            reason TEXT NOT NULL DEFAULT '',
            created_at INTEGER NOT NULL,
            answered_at INTEGER,
            answer_seq INTEGER,
            placed_board TEXT,
            shown_status TEXT CHECK (shown_status IN ('open', 'accepted', 'declined', 'done')),
            shown_board TEXT,
            UNIQUE (from_series, from_card)
          );
          CREATE INDEX series_asks_to ON series_asks(to_series, created_at);
          CREATE INDEX series_asks_from ON series_asks(from_series, created_at);
          CREATE INDEX series_asks_placed ON series_asks(placed_board);
          CREATE INDEX series_asks_shown ON series_asks(shown_board);
          CREATE TABLE series_escalations (
            id TEXT PRIMARY KEY,
            from_series TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
            from_board TEXT NOT NULL,
            from_card TEXT NOT NULL,
            to_series TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
            problem TEXT NOT NULL,
            proposals TEXT NOT NULL,
            history TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            placed_board TEXT,
            UNIQUE (from_series, from_card)
          );
          CREATE INDEX series_escalations_to ON series_escalations(to_series, created_at);
          CREATE INDEX series_escalations_from ON series_escalations(from_series, created_at);
          CREATE INDEX series_escalations_placed ON series_escalations(placed_board);`,
  },
  {
    // Reaching people outside the meeting: every mail and webhook call is stored here before it is sent.
    name: '013-outbox-contacts-webhooks-feeds',
    sql: `CREATE TABLE outbox (
            id TEXT PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
            series_id TEXT REFERENCES series(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT,
            response TEXT,
            created_at INTEGER NOT NULL,
            sent_at INTEGER
          );
          CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
          CREATE INDEX outbox_series ON outbox(series_id, created_at);
          CREATE INDEX outbox_recipient ON outbox(recipient);
          CREATE TABLE email_contacts (
            series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
            name_key TEXT NOT NULL,
            name TEXT NOT NULL,
            address TEXT NOT NULL,
            lang TEXT NOT NULL,
            confirmed_at INTEGER,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (series_id, name_key)
          );
          CREATE INDEX email_contacts_address ON email_contacts(address);
          CREATE TABLE email_unsubscribes (
            address_hash BLOB NOT NULL,
            kind TEXT NOT NULL,
            at INTEGER NOT NULL,
            PRIMARY KEY (address_hash, kind)
          );
          CREATE TABLE series_webhooks (
            id TEXT PRIMARY KEY,
            series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            format TEXT NOT NULL,
            events TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_at INTEGER NOT NULL
          );
          CREATE INDEX series_webhooks_series ON series_webhooks(series_id);
          CREATE TABLE calendar_feeds (
            series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
            name_key TEXT NOT NULL,
            generation INTEGER NOT NULL,
            PRIMARY KEY (series_id, name_key)
          );
          ALTER TABLE series ADD COLUMN reminder_days INTEGER DEFAULT 1;
          ALTER TABLE series ADD COLUMN overdue_digest INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    // Each meeting's RFC 5545 SEQUENCE: bumped when a feed or an invitation is written for a meeting whose
    // time or status differs from the last one written (server/calendar/calendar-service.ts).
    name: '015-calendar-sequences',
    sql: `CREATE TABLE calendar_sequences (
            series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            fingerprint TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            PRIMARY KEY (series_id, seq)
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
