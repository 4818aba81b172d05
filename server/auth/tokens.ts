/**
 * Board access tokens: 256 random bits each, given out once in the role links and stored only as a
 * SHA-256 hash (server/store/token-store.ts). A presented token is hashed and compared to every role's hash
 * in constant time.
 */
import crypto from 'node:crypto';
import { roleAtLeast, type Role } from '../../shared/roles.js';

export const newToken = (): string => crypto.randomBytes(32).toString('base64url');

/** What the store keeps of a token. */
export const hashToken = (token: string): Buffer => crypto.createHash('sha256').update(token, 'utf8').digest();

/** Tokens are base64url of 32 bytes: 43 characters. Anything else is refused before hashing. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The stored rows whose hash is `token`'s, in their order: every row is compared, whatever matches, so timing
 * says nothing about which (if any) matched. None for a token of the wrong shape.
 */
export function rowsMatching<T extends { token_hash: Buffer }>(rows: readonly T[], token: string): T[] {
  if (!TOKEN_PATTERN.test(token)) return [];
  const presented = hashToken(token);
  const out: T[] = [];
  for (const row of rows) if (row.token_hash.length === presented.length && crypto.timingSafeEqual(row.token_hash, presented)) out.push(row);
  return out;
}

/** The highest role any row matching `token` grants (a series link and a board link of one role may both match). */
export function highestRoleMatching(rows: readonly { role: Role; token_hash: Buffer }[], token: string): Role | null {
  let found: Role | null = null;
  for (const row of rowsMatching(rows, token)) if (found === null || roleAtLeast(row.role, found)) found = row.role;
  return found;
}
