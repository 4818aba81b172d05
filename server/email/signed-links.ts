/**
 * Tokens in the links of a mail: confirming an address, turning a kind of mail off, and opening the person's
 * own page. Each is its claims signed with a server secret (HMAC-SHA256), so nothing per mail is stored and
 * nobody can make one for another address. They expire; whether they still grant anything is decided when
 * they are used (an address removed since opens nothing).
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { EMAIL_KINDS } from '../../shared/email.js';

const Claims = z.discriminatedUnion('p', [
  /** Confirm `a` as the address of person `n` in series `s`. */
  z.object({ p: z.literal('confirm'), s: z.string(), n: z.string(), a: z.string(), e: z.number() }),
  /** Turn mail of kind `k` off for address `a`. */
  z.object({ p: z.literal('unsub'), a: z.string(), k: z.enum(EMAIL_KINDS), e: z.number() }),
  /** Open person `n`'s page of series `s`, while `a` is still their confirmed address. */
  z.object({ p: z.literal('me'), s: z.string(), n: z.string(), a: z.string(), e: z.number() }),
]);
export type LinkClaims = z.infer<typeof Claims>;
/** Claims without their expiry (distributive, so each kind keeps its own fields). */
export type NewLinkClaims = LinkClaims extends infer C ? (C extends LinkClaims ? Omit<C, 'e'> : never) : never;

/** A mail link token: `m1.<claims>.<signature>`, both base64url. */
const PREFIX = 'm1.';
const DAY = 86_400_000;
export const LINK_LIFETIME_MS = { confirm: 7 * DAY, unsub: 365 * DAY, me: 60 * DAY } as const;

export class SignedLinks {
  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  make(claims: NewLinkClaims): string {
    const full = { ...claims, e: this.now() + LINK_LIFETIME_MS[claims.p] };
    const body = Buffer.from(JSON.stringify(full)).toString('base64url');
    return `${PREFIX}${body}.${this.#sign(body)}`;
  }

  /** The claims of a genuine, unexpired token, or null. */
  read(token: string): LinkClaims | null {
    if (!token.startsWith(PREFIX) || token.length > 2000) return null;
    const [body, sig] = token.slice(PREFIX.length).split('.');
    if (!body || !sig) return null;
    const expected = Buffer.from(this.#sign(body));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const claims = Claims.safeParse(parsed);
    if (!claims.success || claims.data.e < this.now()) return null;
    return claims.data;
  }

  #sign(body: string): string {
    return crypto.createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
