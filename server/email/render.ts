/**
 * Turns a mail's content into its plain-text and HTML parts and its headers. Every value is the user's
 * text: HTML-escaped in the HTML part, never markup; links are ours, built from the server's public URL.
 */
import type { EmailKind, EmailLang } from '../../shared/email.js';
import type { MailPayload } from './mailer.js';
import { MAIL_TEXTS } from './texts.js';

export interface MailSection {
  heading?: string;
  /** One line per entry. */
  items: string[];
  /** Shown when there are no items. */
  empty?: string;
}

export interface MailContent {
  to: string;
  lang: EmailLang;
  /**
   * The kind's unsubscribe links: a page that asks (the footer; a GET never unsubscribes, since mail scanners
   * follow links) and the one-click POST URL of the List-Unsubscribe header. A confirmation has none.
   */
  unsubscribe: { page: string; oneClick: string } | null;
  kind: EmailKind | 'confirm';
  seriesName: string;
  /** For List-Id: mails of one series group together in mail apps. */
  listId: string;
  subject: string;
  greeting: string;
  paragraphs: string[];
  sections?: MailSection[];
  button?: { label: string; url: string };
  after?: string[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** Header values must stay on one line. */
const oneLine = (s: string): string => s.replace(/[\r\n\t]+/g, ' ').trim();

export function renderMail(c: MailContent): Pick<MailPayload, 'to' | 'subject' | 'text' | 'html' | 'lang' | 'headers'> {
  const t = MAIL_TEXTS[c.lang];
  const subject = oneLine(c.subject).slice(0, 250);
  const text: string[] = [c.greeting, '', ...c.paragraphs.flatMap((p) => [p, ''])];
  for (const s of c.sections ?? []) {
    if (s.heading) text.push(s.heading, '-'.repeat(Math.min(40, s.heading.length)));
    if (s.items.length === 0 && s.empty) text.push(s.empty);
    for (const item of s.items) text.push(`- ${item}`);
    text.push('');
  }
  if (c.button) text.push(`${c.button.label}: ${c.button.url}`, '');
  for (const p of c.after ?? []) text.push(p, '');
  text.push('-- ', t.footer(c.seriesName));
  if (c.unsubscribe && c.kind !== 'confirm') text.push(`${t.unsubscribe(c.kind)}: ${c.unsubscribe.page}`);

  const e = escapeHtml;
  const html: string[] = [
    `<!doctype html><html lang="${c.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(subject)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f4f5f7;">',
    '<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1d2330;">',
    '<div style="background:#ffffff;border-radius:8px;padding:24px;">',
    `<p style="margin:0 0 16px;">${e(c.greeting)}</p>`,
    ...c.paragraphs.map((p) => `<p style="margin:0 0 16px;">${e(p)}</p>`),
  ];
  for (const s of c.sections ?? []) {
    if (s.heading) html.push(`<h2 style="font-size:17px;margin:20px 0 8px;">${e(s.heading)}</h2>`);
    if (s.items.length === 0 && s.empty) html.push(`<p style="margin:0 0 16px;color:#555d6e;">${e(s.empty)}</p>`);
    if (s.items.length)
      html.push(`<ul style="margin:0 0 16px;padding-left:20px;">${s.items.map((i) => `<li style="margin:0 0 6px;">${e(i)}</li>`).join('')}</ul>`);
  }
  if (c.button) {
    html.push(
      `<p style="margin:24px 0;"><a href="${e(c.button.url)}" style="display:inline-block;background:#2456c7;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600;">${e(c.button.label)}</a></p>`,
    );
  }
  for (const p of c.after ?? []) html.push(`<p style="margin:0 0 16px;color:#555d6e;">${e(p)}</p>`);
  html.push('</div>', `<p style="font-size:13px;color:#555d6e;margin:16px 8px 0;">${e(t.footer(c.seriesName))}`);
  if (c.unsubscribe && c.kind !== 'confirm') html.push(`<br><a href="${e(c.unsubscribe.page)}" style="color:#555d6e;">${e(t.unsubscribe(c.kind))}</a>`);
  html.push('</p></div></body></html>');

  const headers: Record<string, string> = { 'List-Id': `<${c.listId}>` };
  if (c.unsubscribe && c.kind !== 'confirm') {
    // RFC 8058: a POST to this URL unsubscribes at once, without a page; mail providers offer it as a button.
    headers['List-Unsubscribe'] = `<${c.unsubscribe.oneClick}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return { to: c.to, subject, text: text.join('\n'), html: html.join(''), lang: c.lang, headers };
}
