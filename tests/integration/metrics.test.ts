/**
 * `/metrics` from a real server: off without METRICS_TOKEN, refused without the token, and with it the
 * Prometheus text of what happened — real y-websocket edits appended and relayed with their latencies,
 * connections, boards in memory, the outbox, Node's event-loop delay.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { api, createBoard, startServer, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';
import { createSeries } from '../helpers/series.js';

const TOKEN = 'metrics-token-0123456789';
const servers: TestServer[] = [];
const clients: YClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.stop();
});

async function scrape(s: TestServer, token = TOKEN): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The value of a sample line (`name` with its labels as written), or null when absent. */
function sample(text: string, name: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : null;
}

describe('metrics', () => {
  it('are off without METRICS_TOKEN', async () => {
    const s = await startServer();
    servers.push(s);
    const res = await api(s.url, 'GET', '/metrics', undefined, TOKEN);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('METRICS_TOKEN');
  });

  it('answer only with the token, and count real edits appended and relayed, connections, boards and the outbox', async () => {
    const s = await startServer({ config: { metricsToken: TOKEN, smtpUrl: 'smtp://127.0.0.1:9', mailFrom: 'board@example.org', outboxRetryMs: [60_000] } });
    servers.push(s);
    expect((await fetch(`${s.url}/metrics`)).status).toBe(401);
    expect((await scrape(s, 'not-the-token-at-all')).status).toBe(401);

    const board = await createBoard(s.url);
    const a = connect(s.wsUrl, board);
    const b = connect(s.wsUrl, board);
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);
    for (let i = 0; i < 5; i++) a.doc.getMap('metrics-test').set(`k${i}`, i);
    await waitFor(() => b.doc.getMap('metrics-test').size === 5, 'the edits relayed');

    const { status, type, text } = await scrape(s);
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    expect(sample(text, 'meshboard_ws_connections')).toBe(2);
    expect(sample(text, 'meshboard_boards_loaded')).toBe(1);
    // Alone, this instance owns every board it holds and runs the clock.
    expect(sample(text, 'meshboard_boards_owned')).toBe(1);
    expect(sample(text, 'meshboard_clock_held')).toBe(1);
    expect(sample(text, 'meshboard_updates_appended_total')).toBeGreaterThanOrEqual(5);
    expect(sample(text, 'meshboard_updates_relayed_total')).toBeGreaterThanOrEqual(5);
    expect(sample(text, 'meshboard_relay_seconds_count')).toBeGreaterThanOrEqual(5);
    expect(sample(text, 'meshboard_append_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'meshboard_store_errors_total')).toBe(0);
    expect(sample(text, 'meshboard_process_nodejs_eventloop_lag_p99_seconds')).not.toBeNull();
    expect(text).toContain('# HELP meshboard_relay_seconds');

    // A mail the mail server (nothing listens on port 9) has not taken: waiting, one attempt failed.
    const series = await createSeries(s.url);
    const link = await api(s.url, 'POST', `/api/series/${series.id}/people/links`, { name: 'Ana' }, series.tokens.facilitator);
    const ana = new URL(link.body.link).searchParams.get('token')!;
    expect((await api(s.url, 'PUT', `/api/series/${series.id}/me/email`, { address: 'ana@example.org', lang: 'en' }, ana)).status).toBe(200);
    await waitFor(async () => (await s.app.outbox.list(series.id))[0]?.attempts === 1, 'the first attempt');
    const after = (await scrape(s)).text;
    expect(sample(after, 'meshboard_outbox_pending{channel="email"}')).toBe(1);
    expect(sample(after, 'meshboard_outbox_attempts_total{channel="email",outcome="retry"}')).toBe(1);
  });
});
