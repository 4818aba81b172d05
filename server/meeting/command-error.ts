import type { ErrorCode } from '../../shared/errors.js';

/** A refused meeting command: the code and message go back in the ack. */
export class CommandError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
