/** The signed tokens in mails and the rendering of a mail: what an attacker could change, and user text. */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignedLinks, LINK_LIFETIME_MS } from '../../server/email/signed-links.js';
import { renderMail } from '../../server/email/render.js';
import { maskAddress } from '../../server/email/mail-service.js';
import { senderOf } from '../../server/email/mailer.js';
import { HOSTILE_TEXTS } from '../helpers/hostile-text.js';

const secret = crypto.randomBytes(32);

describe('signed mail links', () => {
  it('read back what they were made with, and nothing once altered, re-signed with another secret or expired', () => {
    let now = 1_000_000;
    const links = new SignedLinks(secret, () => now);
    const token = links.make({ p: 'unsub', a: 'ana@example.org', k: 'reminder' });
    expect(links.read(token)).toMatchObject({ p: 'unsub', a: 'ana@example.org', k: 'reminder' });

    const [, body, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, a: 'boss@example.org' })).toString('base64url');
    expect(links.read(`m1.${forged}.${sig}`)).toBeNull();
    expect(new SignedLinks(crypto.randomBytes(32), () => now).read(token)).toBeNull();
    expect(links.read(token.slice(0, -2))).toBeNull();
    expect(links.read('m1..')).toBeNull();
    expect(links.read('not a token')).toBeNull();

    now += LINK_LIFETIME_MS.unsub + 1;
    expect(links.read(token)).toBeNull();
  });

  it('a well-signed token with claims of the wrong shape is refused', () => {
    const body = Buffer.from(JSON.stringify({ p: 'unsub', a: 'x@example.org', k: 'everything', e: Date.now() + 1000 })).toString('base64url');
    const sig = crypto.createHmac('sha256', secret).update(body).digest('base64url');
    expect(new SignedLinks(secret).read(`m1.${body}.${sig}`)).toBeNull();
  });
});

describe('rendering a mail', () => {
  it.each(HOSTILE_TEXTS.map((t) => [t]))('keeps user text as text in both parts and the subject on one line: %j', (text) => {
    const mail = renderMail({
      to: 'ana@example.org',
      lang: 'en',
      kind: 'ask',
      seriesName: text,
      listId: 'abc.series.example.org',
      unsubscribe: { page: 'https://b.example.org/email/unsubscribe?token=t', oneClick: 'https://b.example.org/api/email/unsubscribe?token=t' },
      subject: `Re: ${text}`,
      greeting: 'Hello Ana,',
      paragraphs: [text],
      sections: [{ heading: text, items: [text] }],
      button: { label: 'Open', url: 'https://b.example.org/s/x/me?token=m1.a.b' },
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain(text.replace(/\r\n?/g, '\n').split('\n')[0]);
    // No tag of the user's survives in the HTML: every < they wrote is an entity.
    const userTags = (mail.html.match(/<[a-z!/][^>]*>/gi) ?? []).filter((tag) => !/^<\/?(!doctype|html|head|meta|title|body|div|p|h2|ul|li|a|br)\b/i.test(tag));
    expect(userTags).toEqual([]);
    expect(mail.headers).toEqual({
      'List-Id': '<abc.series.example.org>',
      'List-Unsubscribe': '<https://b.example.org/api/email/unsubscribe?token=t>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('a confirmation carries no unsubscribe header', () => {
    const mail = renderMail({
      to: 'a@example.org',
      lang: 'de',
      kind: 'confirm',
      seriesName: 'Ops',
      listId: 'x.series.example.org',
      unsubscribe: null,
      subject: 'Bitte bestätigen',
      greeting: 'Hallo,',
      paragraphs: [],
    });
    expect(Object.keys(mail.headers)).toEqual(['List-Id']);
    expect(mail.html).toContain('<html lang="de">');
  });
});

describe('addresses', () => {
  it('are shown in part to the facilitator, and a sender splits into name and address', () => {
    expect(maskAddress('ana.lopez@example.org')).toBe('a•••@example.org');
    expect(maskAddress('(removed)')).toBe('(removed)');
    expect(senderOf('Meshboard <board@example.org>')).toEqual({ name: 'Meshboard', address: 'board@example.org' });
    expect(senderOf('"Ops Board" <ops@example.org>')).toEqual({ name: 'Ops Board', address: 'ops@example.org' });
    expect(senderOf('board@example.org')).toEqual({ name: 'Meshboard', address: 'board@example.org' });
  });
});
