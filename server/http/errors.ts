import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { describeZodError } from '../../shared/api-schemas.js';
import { ErrorCode, type ApiError } from '../../shared/errors.js';
import type { Logger } from '../log.js';

export function sendError(res: Response, status: number, error: ApiError): void {
  res.status(status).json({ error });
}

/** Validates `req.body` with `schema`; on failure answers 400 naming the field, else stores the parsed body. */
export function validateBody<S extends z.ZodType>(schema: S): RequestHandler {
  return (req, res, next) => {
    if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      return sendError(res, 400, { code: ErrorCode.BadRequest, message: 'the body must be a JSON object (Content-Type: application/json)' });
    }
    const parsed = schema.safeParse(req.body);
    if (!parsed.success) return sendError(res, 400, { code: ErrorCode.BadRequest, ...describeZodError(parsed.error) });
    res.locals.body = parsed.data;
    next();
  };
}

/** The one place errors become responses: known client errors say what is wrong; 5xx hide internals. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed') return sendError(res, 400, { code: ErrorCode.BadRequest, message: 'the body is not valid JSON' });
    if (type === 'entity.too.large') return sendError(res, 413, { code: ErrorCode.PayloadTooLarge, message: 'the body is too large' });
    if ((err as Error).name === 'StoreUnavailableError') {
      res.setHeader('Retry-After', '5');
      return sendError(res, 503, { code: ErrorCode.Unavailable, message: (err as Error).message });
    }
    // A board's versions are full of ones saved by hand (store/version-store.ts).
    if ((err as Error).name === 'VersionQuotaError') return sendError(res, 409, { code: ErrorCode.QuotaExceeded, message: (err as Error).message });
    // A version that cannot be restored; nothing was changed (history/restore-writer.ts).
    if ((err as Error).name === 'RestoreError') return sendError(res, 422, { code: ErrorCode.BadRequest, message: (err as Error).message });
    const status = (err as { status?: number }).status;
    if (status === 404) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'not found' });
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendError(res, status, { code: ErrorCode.BadRequest, message: 'bad request' });
    }
    // req.log (pino-http) carries the request id, so this line and the request's own line can be matched.
    (req.log ?? log.pino).error({ method: req.method, path: req.path, err }, 'request failed');
    sendError(res, 500, { code: ErrorCode.Internal, message: 'something went wrong on the server; nothing you sent was lost' });
  };
}
