/**
 * How socket.io says no: an error ack (`{ ok: false, error }`) to an event, or a handshake refusal, whose
 * error reaches the client's `connect_error` as `data`. Both carry an `ApiError`: a code, the reason for
 * the client to word, and the same in English.
 */
import type { ApiError, ErrorCode } from '../../shared/errors.js';
import type { Notice } from '../../shared/messages.js';
import type { Ack } from '../../shared/socket-events.js';

/** The error of a refusal with a reason: `message` is the reason in English. */
export const apiError = (code: ErrorCode, notice: Notice, message: string): ApiError => ({ code, message, ...notice }) as ApiError;

export function fail(error: ApiError): Ack<never> {
  return { ok: false, error };
}

/** A middleware refusal: the client's `connect_error` carries `data` (the error). */
export function refusal(error: ApiError): Error & { data: ApiError } {
  return Object.assign(new Error(error.message), { data: error });
}
