/**
 * The outbox across a crash: a mail stored and not yet sent when the server is killed with SIGKILL is sent
 * after the restart, once. The real server runs in a child process; the first attempt is held open by a
 * mail server that accepts the connection and never answers, so the kill lands between storing and sending.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { api, tempDataDir } from '../helpers/server.js';
import { freePort, startChildServer, type ChildServer } from '../helpers/child-server.js';
import { createSeries } from '../helpers/series.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { waitFor } from '../helpers/yclient.js';
import type { OutboxList } from '../../shared/email.js';
import type { PersonLinkResponse } from '../../shared/series-people.js';

let children: ChildServer[] = [];
let smtp: TestSmtp | null = null;
let silent: net.Server | null = null;
afterEach(async () => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  children = [];
  await smtp?.stop();
  smtp = null;
  silent?.close();
  silent = null;
});

describe('the outbox across a crash', () => {
  it('a mail stored but not sent when the server is killed is sent once after the restart', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    const smtpPort = await freePort();
    // A mail server that takes the connection and never greets: the attempt hangs, unsent.
    const held: net.Socket[] = [];
    silent = net.createServer((socket) => held.push(socket));
    await new Promise<void>((r) => silent!.listen(smtpPort, '127.0.0.1', () => r()));
    const env = { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_FROM: 'board@example.org', NOTIFY_SETTLE_MS: '0', OUTBOX_RETRY_MS: '200,200' };
    const first = await startChildServer(dataDir, port, env);
    children.push(first);

    const series = await createSeries(first.url);
    const link = await api<PersonLinkResponse>(first.url, 'POST', `/api/series/${series.id}/people/links`, { name: 'Ana' }, series.tokens.facilitator);
    const ana = new URL(link.body.link).searchParams.get('token')!;
    expect((await api(first.url, 'PUT', `/api/series/${series.id}/me/email`, { address: 'ana@example.org', lang: 'en' }, ana)).status).toBe(200);
    await waitFor(() => held.length > 0, 'the first attempt under way');

    first.proc.kill('SIGKILL');
    await first.exited;
    for (const s of held) s.destroy();
    await new Promise<void>((r) => silent!.close(() => r()));
    silent = null;
    smtp = await startSmtp(smtpPort);

    const second = await startChildServer(dataDir, port, env);
    children.push(second);
    const [mail] = await smtp.waitFor((m) => m.to.includes('ana@example.org'), 'the confirmation after the restart');
    expect(mail.parsed.subject).toBe('Confirm your address for “Ops weekly”');
    await waitFor(
      async () =>
        (await api<OutboxList>(second.url, 'GET', `/api/series/${series.id}/outbox`, undefined, series.tokens.facilitator)).body.entries[0]?.status === 'sent',
      'marked sent',
    );
    const log = await api<OutboxList>(second.url, 'GET', `/api/series/${series.id}/outbox`, undefined, series.tokens.facilitator);
    expect(log.body.entries).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);
    // The same Message-ID on every attempt: a receiver can drop a repeat after a crash mid-send.
    expect(mail.parsed.messageId).toMatch(/^<msg_[A-Za-z0-9]+@example\.org>$/);
  }, 60_000);
});
