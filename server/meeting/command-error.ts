import type { ApiError, ErrorCode } from '../../shared/errors.js';
import type { Notice } from '../../shared/messages.js';

/** A refused meeting command: its code, its reason for the client to word, and the same in English, go back in the ack. */
export class CommandError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly notice: Notice,
    message: string,
  ) {
    super(message);
  }

  get error(): ApiError {
    return { code: this.code, message: this.message, ...this.notice } as ApiError;
  }
}
