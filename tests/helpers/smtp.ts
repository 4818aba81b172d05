/**
 * A real SMTP server (the `smtp-server` package) on a free port, for tests: it receives what the Meshboard
 * server sends, parses each message (mailparser) and can refuse the next attempts with a temporary error.
 */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { waitFor } from './yclient.js';

export interface ReceivedMail {
  /** RCPT TO of the envelope. */
  to: string[];
  parsed: ParsedMail;
  raw: string;
}

export interface TestSmtp {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Answer the next `n` messages with `451 Try again later` (a server that is refusing, then accepts). */
  refuseNext(n: number): void;
  /** How many messages were refused so far. */
  refused(): number;
  /** Resolves with the received mails that match, once there are at least `count`. */
  waitFor(match: (m: ReceivedMail) => boolean, what: string, count?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

export async function startSmtp(port = 0): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  let refuse = 0;
  let refusedCount = 0;
  const server = new SMTPServer({
    // Plain SMTP on loopback: the test is about what is sent, not TLS.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refuse > 0) {
          refuse--;
          refusedCount++;
          const err = Object.assign(new Error('Try again later'), { responseCode: 451 });
          return callback(err);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            received.push({ to: session.envelope.rcptTo.map((r) => r.address), parsed, raw });
            callback();
          },
          (err) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${bound}`,
    port: bound,
    received,
    refuseNext: (n) => (refuse = n),
    refused: () => refusedCount,
    async waitFor(match, what, count = 1) {
      await waitFor(() => received.filter(match).length >= count, what, 15_000);
      return received.filter(match);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A link in a mail's plain-text part whose path starts with `pathPrefix`. */
export function linkIn(mail: ReceivedMail, pathPrefix: string): URL {
  const urls = (mail.parsed.text ?? '').match(/https?:\/\/\S+/g) ?? [];
  const found = urls.map((u) => new URL(u)).find((u) => u.pathname.startsWith(pathPrefix));
  if (!found) throw new Error(`no ${pathPrefix} link in the mail:\n${mail.parsed.text}`);
  return found;
}
