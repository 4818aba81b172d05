/**
 * `GET /metrics` for Prometheus. Off unless `METRICS_TOKEN` is set, and then only with that bearer token: the
 * figures say how busy the server is and how many boards it holds, which is nobody else's business (and a
 * reverse proxy on the same host makes "loopback only" mean "everyone").
 */
import crypto from 'node:crypto';
import express from 'express';
import { ErrorCode } from '../../shared/errors.js';
import type { Metrics } from '../metrics/metrics.js';
import { requestToken } from './access-guard.js';
import { sendError } from './errors.js';

const sameSecret = (a: string, b: string): boolean => {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
};

export function metricsRoute(metrics: Metrics | null, token: string | undefined): express.Router {
  const r = express.Router();
  r.get('/metrics', async (req, res) => {
    if (!token || !metrics) return sendError(res, 404, { code: ErrorCode.NotFound, message: 'metrics are off (set METRICS_TOKEN to turn them on)' });
    const given = requestToken(req);
    if (!given || !sameSecret(given, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendError(res, 401, { code: ErrorCode.Unauthorized, message: 'metrics need the METRICS_TOKEN as a bearer token' });
    }
    const { body, contentType } = await metrics.render();
    res.setHeader('Cache-Control', 'no-store');
    res.type(contentType).send(body);
  });
  return r;
}
