/**
 * Seats on a meeting's roster. Who you are in a meeting is issued by the server, never taken from what the
 * client sends: a join without a valid seat gets a fresh one, and the seat's key (an HMAC of board and seat id
 * under a server secret) is sent to that socket alone. The id is public (it is on the roster); without the key
 * nobody can sit in another's seat — read their ballot or drafts, or lead as the facilitator.
 */
import crypto from 'node:crypto';
import { randomId } from '../../shared/ids.js';
import type { Seat } from '../../shared/meeting.js';

export class SeatIssuer {
  constructor(private readonly secret: Buffer) {}

  /** A new seat on `boardId`'s meeting. */
  issue(boardId: string): Seat {
    const id = randomId(16);
    return { id, key: this.#key(boardId, id) };
  }

  /** Whether `seat` was issued by this server for `boardId` (constant-time on the key). */
  verify(boardId: string, seat: Seat): boolean {
    const expected = Buffer.from(this.#key(boardId, seat.id));
    const given = Buffer.from(seat.key);
    return expected.length === given.length && crypto.timingSafeEqual(expected, given);
  }

  #key(boardId: string, seatId: string): string {
    return crypto.createHmac('sha256', this.secret).update(`meeting-seat\0${boardId}\0${seatId}`).digest('base64url');
  }
}
