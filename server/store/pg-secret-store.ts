import crypto from 'node:crypto';
import type { PgDatabase } from './pg-database.js';
import type { SecretStore } from './secret-store.js';

/** Server secrets in `server_secrets`. */
export class PgSecretStore implements SecretStore {
  constructor(private readonly db: PgDatabase) {}

  async secret(name: string): Promise<Buffer> {
    // DO NOTHING: when two instances race to create it, both then read the one that won.
    await this.db.run('INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING', [
      name,
      crypto.randomBytes(32),
      Date.now(),
    ]);
    return (await this.db.one<{ value: Buffer }>('SELECT value FROM server_secrets WHERE name = $1', [name]))!.value;
  }
}
