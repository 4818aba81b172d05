import crypto from 'node:crypto';
import type { SecretStore } from './secret-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Server secrets in `server_secrets`. */
export class SqliteSecretStore implements SecretStore {
  readonly #db: SqliteDatabase;
  readonly #get;
  readonly #insert;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#get = db.prepare<[string], { value: Buffer }>('SELECT value FROM server_secrets WHERE name = ?');
    // OR IGNORE: when two processes race to create it, both then read the one that won.
    this.#insert = db.prepare('INSERT OR IGNORE INTO server_secrets (name, value, created_at) VALUES (?, ?, ?)');
  }

  async secret(name: string): Promise<Buffer> {
    const found = this.#get.get(name);
    if (found) return found.value;
    this.#db.write(() => this.#insert.run(name, crypto.randomBytes(32), Date.now()));
    return this.#get.get(name)!.value;
  }
}
