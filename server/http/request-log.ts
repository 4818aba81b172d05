import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../log.js';

/** An incoming `X-Request-Id` is kept only if it is a short token: it goes into every log line of the request. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Every request gets an id, from a proxy's `X-Request-Id` or made here, echoed in the response's `X-Request-Id`. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** A link's token is the key to a board: never write it to a log. */
export const redactUrl = (url: string | undefined): string | undefined => url?.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');

/**
 * Express middleware logging one line per finished request (`reqId`, method, URL without tokens, status,
 * `responseTime` in ms) and giving handlers `req.log`, a child logger carrying `reqId`. Request headers are
 * left out on purpose: they hold tokens. Health checks are not logged (probes would drown the rest).
 */
export function requestLogger(log: Logger) {
  return pinoHttp({
    logger: log.pino,
    genReqId: requestId,
    // req.log binds only `reqId`; the request itself is described once, on its completion line.
    quietReqLogger: true,
    autoLogging: { ignore: (req) => req.url === '/api/health' },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    // A 5xx answered on purpose (503 when the disk is full) has no error; pino-http makes one up, stack and all.
    // The error handler logs a real one itself.
    customErrorObject: (_req, _res, err, val: Record<string, unknown>) => {
      if (!/^failed with status code \d+$/.test(err.message)) return val;
      const { err: _made, ...rest } = val;
      return rest;
    },
    serializers: {
      req: (req: { method: string; url: string; remoteAddress?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
