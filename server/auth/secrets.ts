/**
 * Secret keys of this server, made on first use and kept in its database (so credentials derived from them
 * survive a restart, and every instance sharing the database derives the same ones).
 */
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';

export interface SecretStore {
  /** The 32-byte secret called `name`, created at random the first time it is asked for. */
  secret(name: string): Buffer;
}

export class SqliteSecretStore implements SecretStore {
  readonly #get;
  readonly #insert;

  constructor(db: Database.Database) {
    this.#get = db.prepare<[string], { value: Buffer }>('SELECT value FROM server_secrets WHERE name = ?');
    // OR IGNORE: when two processes race to create it, both then read the one that won.
    this.#insert = db.prepare('INSERT OR IGNORE INTO server_secrets (name, value, created_at) VALUES (?, ?, ?)');
  }

  secret(name: string): Buffer {
    const found = this.#get.get(name);
    if (found) return found.value;
    this.#insert.run(name, crypto.randomBytes(32), Date.now());
    return this.#get.get(name)!.value;
  }
}
