import type { Notice } from './messages.js';

/** Error codes of the REST API (`{ error: { code, message, field? } }`) and socket.io acks. */
export const ErrorCode = {
  BadRequest: 'bad_request',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  /** A command that needs something first (e.g. leaving the lobby without a purpose). */
  PreconditionFailed: 'precondition_failed',
  /** The meeting has ended; meeting commands are refused. */
  MeetingEnded: 'meeting_ended',
  RateLimited: 'rate_limited',
  /** The meeting's roster is full of people who are present; nobody can be let go to make room. */
  MeetingFull: 'meeting_full',
  /** A per-board quota (versions, templates) is used up; the message says what to do. */
  QuotaExceeded: 'quota_exceeded',
  /** The server cannot store changes right now; nothing was lost, try again later. */
  Unavailable: 'unavailable',
  PayloadTooLarge: 'payload_too_large',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * A refusal. `code` says what kind; `reason` (with its `params`), when there is one, says exactly why, for
 * the client to word in the reader's language (shared/messages.ts); `message` is the same in English.
 */
export type ApiError = {
  code: ErrorCode;
  message: string;
  /** Dotted path of the offending field of a request body, when there is one. */
  field?: string;
} & (Notice | { reason?: undefined; params?: undefined });

/**
 * Close codes of the `/yjs/<board>` websocket. 4000–4999 are reserved for applications; the client
 * shows the reason and stops reconnecting for the permanent ones.
 */
export const CloseCode = {
  /** The frame was not a y-websocket message, or carried an update Yjs could not apply. */
  InvalidMessage: 4400,
  /** No token was given. */
  Unauthorized: 4401,
  /** The token is wrong or was replaced by a new link. */
  Forbidden: 4403,
  BoardNotFound: 4404,
  BoardDeleted: 4410,
  /** The board reached its size limit (bytes or items): the change was not stored. */
  BoardFull: 4413,
  /** The update would put into the board what a board may not hold (an over-long text, deep nesting, …). */
  InvalidContent: 4422,
  /** The frame exceeded the server's size limit (ws itself uses 1009 for this; kept for clarity). */
  TooLarge: 1009,
  ServerShuttingDown: 1001,
  /** The server cannot store changes right now (disk full, unwritable data dir); reconnect later. */
  TryAgainLater: 1013,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which reconnecting cannot help. */
export const PERMANENT_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.BoardNotFound,
  CloseCode.BoardDeleted,
  CloseCode.Unauthorized,
  CloseCode.Forbidden,
  // Sending the same change again would be refused again: the client must not loop.
  CloseCode.BoardFull,
  CloseCode.InvalidContent,
]);
