/**
 * Secret keys of this server, made on first use and kept in its database, so credentials derived from them
 * survive a restart and every instance sharing the database derives the same ones (SQLite implementation:
 * sqlite-secret-store.ts).
 */
export interface SecretStore {
  /** The 32-byte secret called `name`, created at random the first time it is asked for. */
  secret(name: string): Promise<Buffer>;
}
