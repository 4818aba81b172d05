/**
 * Sends stored mail over SMTP (nodemailer): the outbox's deliverer for the `email` channel. Every attempt has
 * bounded connection, greeting and socket timeouts, so a server that is down or slow costs a retry, never a
 * stuck worker. A 5xx reply (a mailbox that does not exist, a refused sender) is final; anything else is retried.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailLang } from '../../shared/email.js';
import type { Config } from '../config.js';
import type { DeliveryResult, Deliverer } from '../outbox/outbox.js';
import type { OutboxRecord } from '../store/outbox-store.js';

/** A mail as the outbox stores it: rendered once, sent as is on every attempt. */
export interface MailPayload {
  to: string;
  subject: string;
  text: string;
  html: string;
  lang: EmailLang;
  headers: Record<string, string>;
  attachments?: { filename: string; content: string; contentType: string }[];
  /** An invitation: sent as the calendar part of the mail, so mail apps offer to add it. */
  icalEvent?: { method: 'REQUEST' | 'CANCEL'; filename: string; content: string };
}

export type SmtpConfig = Pick<Config, 'smtpUrl' | 'mailFrom' | 'smtpRequireTls' | 'smtpTlsRejectUnauthorized'>;

/** The sender as a name and an address (`Name <a@b>` or `a@b`), for the organizer of invitations. */
export function senderOf(from: string): { name: string; address: string } {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  return m ? { name: m[1].trim() || 'Meshboard', address: m[2].trim() } : { name: 'Meshboard', address: from.trim() };
}

/** The domain of the sender's address, for Message-IDs. */
export function senderDomain(from: string): string {
  const m = /@([^>\s]+)>?\s*$/.exec(from);
  return m ? m[1].toLowerCase() : 'meshboard.invalid';
}

export class SmtpMailer implements Deliverer {
  readonly #transport: Transporter;
  readonly #domain: string;

  constructor(private readonly config: SmtpConfig & { smtpUrl: string; mailFrom: string }) {
    const url = new URL(config.smtpUrl);
    const secure = url.protocol === 'smtps:';
    this.#transport = nodemailer.createTransport({
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      requireTLS: !secure && config.smtpRequireTls,
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      tls: { rejectUnauthorized: config.smtpTlsRejectUnauthorized },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    this.#domain = senderDomain(config.mailFrom);
  }

  async deliver(message: OutboxRecord): Promise<DeliveryResult> {
    const mail = message.payload as MailPayload;
    try {
      const info = await this.#transport.sendMail({
        from: this.config.mailFrom,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // The outbox id: a mail sent again after a crash mid-send carries the same id, which mail systems use to drop the repeat.
        messageId: `<${message.id}@${this.#domain}>`,
        headers: { ...mail.headers, 'Content-Language': mail.lang, 'Auto-Submitted': 'auto-generated' },
        attachments: mail.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
        icalEvent: mail.icalEvent,
      });
      return { ok: true, response: String(info.response ?? 'accepted') };
    } catch (err) {
      const e = err as { message?: string; responseCode?: number; code?: string };
      const code = e.responseCode;
      return { ok: false, error: e.message ?? String(err), permanent: (code !== undefined && code >= 500) || e.code === 'EENVELOPE' };
    }
  }

  close(): void {
    this.#transport.close();
  }
}
