import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const CSP = {
  'default-src': "'self'",
  'connect-src': "'self' ws: wss:",
  'img-src': "'self' data: blob:",
  'style-src': "'self' 'unsafe-inline'",
  'frame-ancestors': "'none'",
  'base-uri': "'none'",
  'form-action': "'self'",
};

const directives = (csp: string | null) =>
  Object.fromEntries(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values.join(' ')]),
  );

describe('security headers', () => {
  test('the page, an API answer and an API error carry the same CSP, no referrer and nosniff', async () => {
    for (const p of ['/', '/api/health', '/api/boards/nope']) {
      const res = await fetch(server.url + p);
      expect(directives(res.headers.get('content-security-policy')), p).toEqual(CSP);
      expect(res.headers.get('referrer-policy'), p).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), p).toBe('DENY');
      expect(res.headers.get('x-powered-by'), p).toBeNull();
      // helmet's defaults that the page lives with (the e2e tests load it under them).
      expect(res.headers.get('cross-origin-opener-policy'), p).toBe('same-origin');
      expect(res.headers.get('cross-origin-resource-policy'), p).toBe('same-origin');
      expect(res.headers.get('cross-origin-embedder-policy'), p).toBeNull();
    }
  });
});

describe('request ids', () => {
  test('a sane incoming X-Request-Id is echoed; a missing or odd one is replaced by a fresh id', async () => {
    const kept = await fetch(server.url + '/api/health', { headers: { 'x-request-id': 'proxy-42.a' } });
    expect(kept.headers.get('x-request-id')).toBe('proxy-42.a');

    const made = (await api(server.url, 'GET', '/api/health')).headers.get('x-request-id');
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    const other = (await api(server.url, 'GET', '/api/health')).headers.get('x-request-id');
    expect(other).not.toBe(made);

    for (const odd of ['a'.repeat(65), 'has space', '<script>', '']) {
      const res = await fetch(server.url + '/api/health', { headers: { 'x-request-id': odd } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
