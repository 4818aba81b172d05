/**
 * The one SQLite database every store of a server stands on: it opens the file, runs the migrations, and owns
 * transactions and the group commit. Every write of every store goes through `transaction` or `write`, so
 * every committed write reaches the disk within one group-commit interval — not only the board log's.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from './sqlite-migrations.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/** Longest time a committed write waits for its fsync (power-loss safety); target p99 ≤ 50 ms. */
const GROUP_COMMIT_MS = 10;

/**
 * Size of the write-ahead log from which it is checkpointed (SQLite's own default: 1,000 pages of 4 KiB). The
 * checkpoint runs on a worker (see wal-checkpointer.ts), never inside a commit on the event loop.
 */
export const CHECKPOINT_WAL_BYTES = 1000 * 4096;
/** A log this long means the worker's checkpoints cannot keep up (see `#maybeCheckpoint`). */
const STARVED_WAL_BYTES = 4 * CHECKPOINT_WAL_BYTES;
/** Once the log has reached that size, it is checkpointed again after this many commits. */
const CHECKPOINT_EVERY_COMMITS = 250;

/** The database file's name inside the data directory. */
export const DATABASE_FILE = 'meshboard.sqlite';

export class SqliteDatabase {
  /** Path of the database file; its write-ahead log is `${file}-wal`. */
  readonly file: string;
  readonly #db: Database.Database;
  readonly #walPath: string;
  #walFd: number | null = null;
  #syncTimer: NodeJS.Timeout | null = null;
  /** The fdatasync on the thread pool, while one runs. */
  #syncing: Promise<void> | null = null;
  /** Writes committed so far, and how many of them the last completed fdatasync covers. */
  #written = 0;
  #synced = 0;
  #syncedWalBytes = 0;
  #waiters: { upTo: number; resolve: () => void }[] = [];
  readonly #checkpointer: WalCheckpointer;
  readonly #pageSize: number;
  /** Commits and log size when the last checkpoint was asked for. */
  #checkpointAt = { written: 0, walBytes: 0 };

  /** Opens (creating if needed) the database in `dataDir` and brings its schema up to date. */
  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, DATABASE_FILE);
    this.#walPath = `${this.file}-wal`;
    this.#db = new Database(this.file);
    this.#db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit is written to the log file (so it survives a crash of this process) without
    // waiting for the disk. Power-loss durability comes from the group commit below, off the event loop.
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
    // The log's file keeps its size after a checkpoint restarts it, so its size says how full it is only when
    // it grows: past the size it had at the last checkpoint, or by commits counted since (see #maybeCheckpoint).
    this.#db.pragma('wal_autocheckpoint = 0');
    this.#pageSize = Number(this.#db.pragma('page_size', { simple: true }));
    this.#checkpointer = new WalCheckpointer(this.file, () => {
      if (this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${CHECKPOINT_WAL_BYTES / 4096}`);
    });
    migrate(this.#db);
    this.#groupCommit(); // a migration's writes are writes like any other
  }

  /**
   * A prepared statement. Reads may run anywhere; a statement that writes must run inside `transaction` or
   * `write`, or its change waits for someone else's group commit to reach the disk.
   */
  // `{}` as better-sqlite3 itself types named parameters.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  prepare<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    return this.#db.prepare<P, R>(sql);
  }

  /**
   * Wraps `fn` as one write transaction (nested calls become savepoints). Each call that commits schedules
   * the group commit; one that throws rolls back and schedules nothing.
   */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    const tx = this.#db.transaction(fn);
    return (...args: A): R => {
      const result = tx(...args);
      this.#groupCommit();
      return result;
    };
  }

  /**
   * Runs `fn` now as one write transaction that takes the write lock at its start (BEGIN IMMEDIATE): for a
   * read-then-write that another process on the same file must not slip into.
   */
  writeImmediate<R>(fn: () => R): R {
    const result = this.#db.transaction(fn).immediate();
    this.#groupCommit();
    return result;
  }

  /** Runs `fn` now as one write transaction (see `transaction`). */
  write<R>(fn: () => R): R {
    return this.transaction(fn)();
  }

  /** Runs `fn` in one read transaction, so it sees one state of the database; schedules no sync. */
  read<R>(fn: () => R): R {
    return this.#db.transaction(fn)();
  }

  /**
   * Resolves once an fdatasync covering every write committed before this call has completed (at once when
   * there is none to wait for). With `synchronous = NORMAL`, that is when those writes survive a power cut.
   */
  durable(): Promise<void> {
    const upTo = this.#written;
    if (this.#synced >= upTo || !this.#db.open) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ upTo, resolve }));
  }

  /**
   * Length of the write-ahead log when the last completed fdatasync started: the prefix of the log a power cut
   * cannot take away (while no checkpoint restarts the log from its beginning).
   */
  get syncedWalBytes(): number {
    return this.#syncedWalBytes;
  }

  /** SQLite's online backup to a new file: a consistent copy while writes go on. */
  async backup(destination: string): Promise<void> {
    await this.#db.backup(destination);
  }

  get open(): boolean {
    return this.#db.open;
  }

  /**
   * Group commit: at most every GROUP_COMMIT_MS, everything written to the WAL since the last time is flushed
   * to the disk with one fdatasync on libuv's thread pool, so the event loop never waits for the disk and
   * many transactions share one flush.
   */
  #groupCommit(): void {
    this.#written++;
    this.#scheduleSync();
  }

  #scheduleSync(): void {
    if (this.#syncTimer || this.#syncing) return;
    this.#syncTimer = setTimeout(() => this.#syncWal(), GROUP_COMMIT_MS);
    this.#syncTimer.unref();
  }

  #syncWal(): void {
    this.#syncTimer = null;
    if (this.#synced >= this.#written || !this.#db.open) return;
    const upTo = this.#written;
    let fd: number;
    let walBytes: number;
    try {
      fd = this.#walFd ??= fs.openSync(this.#walPath, 'r');
      // Commits are synchronous, so the log now holds whole transactions only, up to `upTo`.
      walBytes = fs.fstatSync(fd).size;
    } catch {
      this.#scheduleSync(); // try again with the next round
      return;
    }
    this.#syncing = new Promise((done) =>
      fs.fdatasync(fd, (err) => {
        this.#syncing = null;
        if (!err) {
          this.#covered(upTo, walBytes);
          this.#maybeCheckpoint(upTo, walBytes);
        }
        if (this.#synced < this.#written) this.#scheduleSync();
        done();
      }),
    );
  }

  /** Asks the worker to checkpoint once the log is large: only now, after the fdatasync, never in a commit. */
  #maybeCheckpoint(written: number, walBytes: number): void {
    if (walBytes < CHECKPOINT_WAL_BYTES || !this.#db.open) return;
    if (this.#checkpointer.frames * this.#pageSize >= STARVED_WAL_BYTES) {
      // Writes so constant that no checkpoint of the worker's ever found the log fully copied, so it never
      // restarted. One here, between commits, finishes the job (only the frames the worker left behind);
      // the price is one stall, rather than a log that grows without bound.
      this.#db.pragma('wal_checkpoint(PASSIVE)');
      this.#checkpointer.restarted();
      this.#checkpointAt = { written, walBytes };
      return;
    }
    const last = this.#checkpointAt;
    if (walBytes <= last.walBytes && written - last.written < CHECKPOINT_EVERY_COMMITS) return;
    this.#checkpointAt = { written, walBytes };
    this.#checkpointer.request();
  }

  #covered(upTo: number, walBytes: number): void {
    this.#synced = upTo;
    this.#syncedWalBytes = walBytes;
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const w of waiting) {
      if (w.upTo <= upTo) w.resolve();
      else this.#waiters.push(w);
    }
  }

  /** Flushes and closes; every store on this database is closed with it. */
  async close(): Promise<void> {
    if (this.#syncTimer) clearTimeout(this.#syncTimer);
    this.#syncTimer = null;
    // The descriptor must outlive a flush still running on the thread pool.
    await this.#syncing;
    // The worker's connection closes first, so the main one is the last and checkpoints everything below.
    await this.#checkpointer.close();
    if (this.#walFd !== null) {
      try {
        fs.fdatasyncSync(this.#walFd);
      } catch {
        // the close below syncs what matters
      }
      fs.closeSync(this.#walFd);
      this.#walFd = null;
    }
    // Closing checkpoints the WAL into the database file with a full sync: every write so far is durable.
    if (this.#db.open) this.#db.close();
    this.#covered(this.#written, 0);
  }
}
