/**
 * The PostgreSQL schema, as versioned migrations applied in order on start (see PgDatabase: each name is
 * recorded in `schema_migrations`, under an advisory lock so instances starting together apply it once).
 *
 * The first one is the whole schema the SQLite migrations (sqlite-migrations.ts) arrive at: PostgreSQL came
 * later and has no older databases to bring forward. A change to the schema from now on is a new entry here
 * and a new one there, and the store contract suite (tests/store/) runs on both.
 *
 * Types: milliseconds and counters are BIGINT (read back as numbers), documents and hashes BYTEA, JSON TEXT.
 */
export interface PgMigration {
  name: string;
  sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    name: '001-schema',
    sql: `
      CREATE TABLE boards (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE series (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        team TEXT NOT NULL DEFAULT '',
        cadence TEXT,
        first_date TEXT NOT NULL,
        start_time TEXT NOT NULL,
        timezone TEXT NOT NULL,
        duration BIGINT NOT NULL,
        template_id TEXT,
        people TEXT NOT NULL DEFAULT '[]',
        open_before BIGINT,
        flag_after BIGINT NOT NULL DEFAULT 3,
        grace BIGINT NOT NULL DEFAULT 30,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        reminder_days BIGINT DEFAULT 1,
        overdue_digest BOOLEAN NOT NULL DEFAULT FALSE
      );
      CREATE TABLE action_items (
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
        present BOOLEAN NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled', 'blocked')),
        decided_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        done_at BIGINT,
        -- insertion order, the tie-break SQLite's rowid gives; an upsert keeps it
        ord BIGINT GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (board_id, id)
      );
      CREATE TABLE audit_log (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
        at BIGINT NOT NULL,
        actor TEXT NOT NULL,
        role TEXT NOT NULL,
        action TEXT NOT NULL,
        card_id TEXT,
        field TEXT,
        summary TEXT NOT NULL
      );
      CREATE TABLE board_attendees (
        board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        first_seen BIGINT NOT NULL,
        last_seen BIGINT NOT NULL,
        PRIMARY KEY (board_id, name)
      );
      CREATE TABLE board_templates (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        data TEXT NOT NULL,
        source_board_id TEXT,
        created_at BIGINT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        purpose TEXT NOT NULL DEFAULT '',
        agenda_count BIGINT NOT NULL DEFAULT 0,
        needs_count BIGINT NOT NULL DEFAULT 0,
        challenges_count BIGINT NOT NULL DEFAULT 0,
        minutes BIGINT NOT NULL DEFAULT 0
      );
      CREATE TABLE board_tokens (
        board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'participant', 'facilitator')),
        token_hash BYTEA NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (board_id, role)
      );
      CREATE TABLE board_versions (
        id TEXT PRIMARY KEY,
        board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        data BYTEA NOT NULL,
        created_by TEXT NOT NULL DEFAULT 'server',
        -- Insertion order: breaks ties of versions saved in the same millisecond, as SQLite's rowid does.
        ord BIGINT GENERATED ALWAYS AS IDENTITY
      );
      CREATE TABLE board_webhooks (
        board_id TEXT PRIMARY KEY REFERENCES boards(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE calendar_feeds (
        series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        name_key TEXT NOT NULL,
        generation BIGINT NOT NULL,
        PRIMARY KEY (series_id, name_key)
      );
      CREATE TABLE calendar_sequences (
        series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        seq BIGINT NOT NULL,
        fingerprint TEXT NOT NULL,
        sequence BIGINT NOT NULL,
        PRIMARY KEY (series_id, seq)
      );
      CREATE TABLE email_contacts (
        series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        name_key TEXT NOT NULL,
        name TEXT NOT NULL,
        address TEXT NOT NULL,
        lang TEXT NOT NULL,
        confirmed_at BIGINT,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (series_id, name_key)
      );
      CREATE TABLE email_unsubscribes (
        address_hash BYTEA NOT NULL,
        kind TEXT NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (address_hash, kind)
      );
      CREATE TABLE meetings (
        board_id TEXT PRIMARY KEY REFERENCES boards(id) ON DELETE CASCADE,
        state TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
        series_id TEXT REFERENCES series(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        recipient TEXT NOT NULL,
        subject TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
        attempts BIGINT NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        last_error TEXT,
        response TEXT,
        created_at BIGINT NOT NULL,
        sent_at BIGINT,
        -- Insertion order (SQLite's rowid there): breaks ties of equal times in the due queue and the log.
        seq BIGINT GENERATED ALWAYS AS IDENTITY
      );
      CREATE TABLE series_asks (
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
        created_at BIGINT NOT NULL,
        answered_at BIGINT,
        answer_seq BIGINT,
        placed_board TEXT,
        shown_status TEXT CHECK (shown_status IN ('open', 'accepted', 'declined', 'done')),
        shown_board TEXT,
        UNIQUE (from_series, from_card)
      );
      CREATE TABLE series_dropin_tokens (
        series_id TEXT PRIMARY KEY REFERENCES series(id) ON DELETE CASCADE,
        token_hash BYTEA NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE series_dropins (
        id TEXT PRIMARY KEY,
        series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('request', 'win', 'loss', 'question')),
        text TEXT NOT NULL,
        name TEXT NOT NULL,
        addressee TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'taken', 'set_aside')),
        board_id TEXT,
        card_id TEXT,
        decided_at BIGINT,
        -- insertion order, the tie-break SQLite's rowid gives
        ord BIGINT GENERATED ALWAYS AS IDENTITY
      );
      CREATE TABLE series_escalations (
        id TEXT PRIMARY KEY,
        from_series TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        from_board TEXT NOT NULL,
        from_card TEXT NOT NULL,
        to_series TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        problem TEXT NOT NULL,
        proposals TEXT NOT NULL,
        history TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        placed_board TEXT,
        UNIQUE (from_series, from_card)
      );
      CREATE TABLE series_meetings (
        series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        seq BIGINT NOT NULL,
        board_id TEXT NOT NULL UNIQUE,
        slot_date TEXT,
        slot_start TEXT,
        date TEXT NOT NULL,
        start TEXT NOT NULL,
        starts_at BIGINT NOT NULL,
        ends_at BIGINT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('opening', 'open', 'running', 'ended', 'missed')),
        opened_at BIGINT NOT NULL,
        started_at BIGINT,
        ended_at BIGINT,
        ended_by TEXT CHECK (ended_by IN ('facilitator', 'auto')),
        PRIMARY KEY (series_id, seq)
      );
      CREATE TABLE series_people_tokens (
        series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        name_key TEXT NOT NULL,
        name TEXT NOT NULL,
        token_hash BYTEA NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (series_id, name_key)
      );
      CREATE TABLE series_tokens (
        series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'participant', 'facilitator')),
        token_hash BYTEA NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (series_id, role)
      );
      CREATE TABLE series_webhooks (
        id TEXT PRIMARY KEY,
        series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        format TEXT NOT NULL,
        events TEXT NOT NULL,
        secret TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        -- Insertion order (SQLite's rowid there): breaks ties of equal creation times in a series' list.
        seq BIGINT GENERATED ALWAYS AS IDENTITY
      );
      CREATE TABLE server_secrets (
        name TEXT PRIMARY KEY,
        value BYTEA NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE snapshots (
        board_id TEXT PRIMARY KEY REFERENCES boards(id) ON DELETE CASCADE,
        data BYTEA NOT NULL,
        seq BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE updates (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
        data BYTEA NOT NULL
      );
      CREATE TABLE vote_rounds (
        id TEXT PRIMARY KEY,
        board_id TEXT NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
        dots_per_person BIGINT NOT NULL,
        opened_at BIGINT NOT NULL,
        revealed_at BIGINT NOT NULL,
        voters BIGINT NOT NULL,
        results TEXT NOT NULL,
        -- insertion order, the tie-break SQLite's rowid gives
        ord BIGINT GENERATED ALWAYS AS IDENTITY
      );
      CREATE INDEX action_items_card ON action_items(board_id, card_id);
      CREATE INDEX action_items_id ON action_items(id);
      CREATE INDEX audit_log_board_at ON audit_log(board_id, at, id);
      CREATE INDEX board_templates_created ON board_templates(created_at);
      CREATE INDEX board_templates_source ON board_templates(source_board_id, created_at);
      CREATE INDEX board_versions_board ON board_versions(board_id, created_at);
      CREATE INDEX email_contacts_address ON email_contacts(address);
      CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
      CREATE INDEX outbox_recipient ON outbox(recipient);
      CREATE INDEX outbox_series ON outbox(series_id, created_at, seq);
      CREATE INDEX series_asks_from ON series_asks(from_series, created_at);
      CREATE INDEX series_asks_placed ON series_asks(placed_board);
      CREATE INDEX series_asks_shown ON series_asks(shown_board);
      CREATE INDEX series_asks_to ON series_asks(to_series, created_at);
      CREATE INDEX series_dropins_status ON series_dropins(series_id, status, created_at);
      CREATE INDEX series_escalations_from ON series_escalations(from_series, created_at);
      CREATE INDEX series_escalations_placed ON series_escalations(placed_board);
      CREATE INDEX series_escalations_to ON series_escalations(to_series, created_at);
      CREATE INDEX series_meetings_status ON series_meetings(status, ends_at);
      CREATE INDEX series_webhooks_series ON series_webhooks(series_id);
      CREATE INDEX updates_board_seq ON updates(board_id, seq);
    `,
  },
  {
    // An append in one round trip: the board's lock (see pg-store.ts) and the insert in one statement, whose
    // own transaction holds the lock until it commits. Four round trips (begin, lock, insert, commit) made
    // instances writing one board wait on each other.
    name: '002-append-function',
    sql: `
      CREATE FUNCTION meshboard_append(board_ids TEXT[], datas BYTEA[]) RETURNS SETOF BIGINT
      LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM pg_advisory_xact_lock(28002, k) FROM (SELECT DISTINCT hashtext(b) AS k FROM unnest(board_ids) AS b ORDER BY 1) AS l;
        RETURN QUERY INSERT INTO updates (board_id, data)
          SELECT b, d FROM unnest(board_ids, datas) WITH ORDINALITY AS e(b, d, ord) ORDER BY ord
          RETURNING seq;
      END
      $fn$;
    `,
  },
];
