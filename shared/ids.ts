/**
 * Identifiers for boards, cards and proposals. Random, URL-safe, and long enough that a board id is not
 * guessable by walking the id space (16 chars of a 58-letter alphabet ≈ 93 bits).
 */
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export function randomId(length = 16): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  let out = '';
  // 58 does not divide 256; the slight bias is irrelevant for identifiers.
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

export const BOARD_ID_PATTERN = /^[A-Za-z0-9_-]{6,64}$/;
export const isBoardId = (s: string): boolean => BOARD_ID_PATTERN.test(s);
