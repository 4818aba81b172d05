/**
 * The one PostgreSQL database every store of a server stands on (DATABASE_URL): a connection pool, the
 * migrations, and transactions. A commit that returns is durable (PostgreSQL's own WAL flush), so there is no
 * group commit to wait for, unlike the SQLite file.
 *
 * Several instances share it: migrations run under an advisory lock, so the first instance to start applies
 * them and the others wait and find them done.
 */
import pg from 'pg';
import type { Logger } from '../log.js';
import { PG_MIGRATIONS } from './pg-migrations.js';

// BIGINT columns hold milliseconds and sequence numbers, all far below 2^53: read them as numbers, not strings.
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Something SQL runs on: the pool (one statement, its own transaction) or a transaction's client. */
export interface Queryable {
  /** Rows of one statement, with `$1…` parameters. */
  rows<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** The first row, or null. */
  one<R>(sql: string, params?: readonly unknown[]): Promise<R | null>;
  /** Rows changed by one statement. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** The URL's host and port (and database) for messages: never its password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const db = u.pathname.replace(/^\//, '');
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${db ? `/${decodeURIComponent(db)}` : ''}`;
  } catch {
    return 'an unreadable DATABASE_URL';
  }
}

/** PostgreSQL could not be reached or refused us when the server started. */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
}

/** How long a statement may wait for a connection before it fails (the pool is then cut off from the server). */
const CONNECT_TIMEOUT_MS = 5_000;
/** A statement running this long is cancelled: no request waits on the database for ever. */
const STATEMENT_TIMEOUT_MS = 30_000;
/** Arbitrary but fixed: the advisory lock the migrations run under. */
const MIGRATION_LOCK = 0x6d657368; // "mesh"

/**
 * PostgreSQL's text cannot hold U+0000, which SQLite stores and a client may type: every text parameter has it
 * replaced by U+FFFD, so such a text is stored (as SQLite would show it, near enough) instead of failing the
 * write and whatever depends on it.
 */
function textSafe(params: readonly unknown[]): unknown[] {
  const clean = (v: unknown): unknown => (typeof v === 'string' ? (v.includes('\0') ? v.replaceAll('\0', '\uFFFD') : v) : Array.isArray(v) ? v.map(clean) : v);
  return params.map(clean);
}

function queryable(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    rows: async <R>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, textSafe(params))).rows as R[],
    one: async <R>(sql: string, params: readonly unknown[] = []) => ((await client.query(sql, textSafe(params))).rows[0] as R | undefined) ?? null,
    run: async (sql: string, params: readonly unknown[] = []) => (await client.query(sql, textSafe(params))).rowCount ?? 0,
  };
}

export class PgDatabase implements Queryable {
  readonly #pool: pg.Pool;
  readonly #q: Queryable;
  /** Where it is, for messages (host, port and database; never the password). */
  readonly where: string;
  #closed = false;

  private constructor(pool: pg.Pool, where: string) {
    this.#pool = pool;
    this.#q = queryable(pool);
    this.where = where;
  }

  /**
   * Connects, checks the server answers, and brings the schema up to date. Fails with DatabaseUnreachableError
   * naming the host (never the password) when the database cannot be reached.
   */
  static async open(url: string, log?: Logger, opts: { max?: number } = {}): Promise<PgDatabase> {
    const where = describeDatabaseUrl(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.max ?? 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      types,
    });
    // A connection that breaks while idle (the server restarted) is reported here; without a listener it
    // would crash the process. The pool replaces it on the next query.
    let lastReport = 0;
    pool.on('error', (err) => {
      if (Date.now() - lastReport < 10_000) return;
      lastReport = Date.now();
      log?.error(`PostgreSQL at ${where}: a connection broke`, { err: err.message });
    });
    const db = new PgDatabase(pool, where);
    try {
      await db.one('SELECT 1');
    } catch (err) {
      await pool.end().catch(() => {});
      throw new DatabaseUnreachableError(`cannot reach PostgreSQL at ${where}: ${(err as Error).message}`, { cause: err });
    }
    try {
      await db.#migrate();
    } catch (err) {
      await pool.end().catch(() => {});
      throw new Error(`PostgreSQL at ${where}: the schema could not be brought up to date: ${(err as Error).message}`, { cause: err });
    }
    return db;
  }

  rows<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return this.#q.rows<R>(sql, params);
  }

  one<R>(sql: string, params?: readonly unknown[]): Promise<R | null> {
    return this.#q.one<R>(sql, params);
  }

  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.#q.run(sql, params);
  }

  /** Runs `fn` as one transaction on one connection: committed when it resolves, rolled back when it throws. */
  async transaction<R>(fn: (tx: Queryable) => Promise<R>): Promise<R> {
    const client = await this.#pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(queryable(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone: the server rolled back for us
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /** Every commit is durable when it returns: nothing to wait for. */
  durable(): Promise<void> {
    return Promise.resolve();
  }

  get open(): boolean {
    return !this.#closed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  /** Applies the migrations not applied yet, in order, each in its transaction, under an advisory lock. */
  async #migrate(): Promise<void> {
    await this.transaction(async (tx) => {
      await tx.run('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)');
      const done = new Set((await tx.rows<{ name: string }>('SELECT name FROM schema_migrations')).map((r) => r.name));
      for (const m of PG_MIGRATIONS) {
        if (done.has(m.name)) continue;
        await tx.run(m.sql);
        await tx.run('INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)', [m.name, Date.now()]);
      }
    });
  }
}
