/**
 * Board access tokens: 256 random bits each, given out once in the role links and stored only as a
 * SHA-256 hash (server/store/token-store.ts). A presented token is hashed and compared to every role's hash
 * in constant time.
 */
import crypto from 'node:crypto';

export const newToken = (): string => crypto.randomBytes(32).toString('base64url');

/** What the store keeps of a token. */
export const hashToken = (token: string): Buffer => crypto.createHash('sha256').update(token, 'utf8').digest();

/** Tokens are base64url of 32 bytes: 43 characters. Anything else is refused before hashing. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
