/**
 * Mail end to end, in Chromium on a 390 px phone: a person gives their address on their personal page and
 * confirms it from the mail (a real SMTP server started by the test receives it); a meeting ends; the owner's
 * mail arrives, and its link opens their personal page with the item. The unsubscribe page stops a kind of
 * mail with one press; the facilitator sees what was sent.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { api } from '../helpers/server.js';
import { connect, synced, waitFor } from '../helpers/yclient.js';
import { joinMeeting } from '../helpers/meeting-client.js';
import { createSeries } from '../helpers/series.js';
import { linkIn, startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { axeContext, seriousViolations, describeViolations } from '../helpers/axe.js';
import { addDecision, createCard } from '../../shared/board-schema.js';
import type { ConfigInput } from '../../server/config.js';

// The SMTP server starts first; the file's Meshboard server reads its URL from this object when it starts.
let smtp: TestSmtp;
const serverConfig: ConfigInput = { mailFrom: 'Meshboard <board@example.org>', notifySettleMs: 0, outboxRetryMs: [100] };
beforeAll(async () => {
  smtp = await startSmtp();
  serverConfig.smtpUrl = smtp.url;
});
afterAll(() => smtp.stop());
const e2e = useE2E({ server: serverConfig, stepTimeout: 15_000 });

const pathOf = (u: URL | string) => {
  const url = new URL(u);
  return url.pathname + url.search;
};

async function expectNoSeriousViolations(page: Page, where: string) {
  const violations = await seriousViolations(page);
  expect(violations, describeViolations(where, violations)).toEqual([]);
}

describe('mail', () => {
  it('on a phone: the address is given and confirmed; after the meeting the owner’s mail links to their items', async () => {
    const { url, wsUrl } = e2e.server();
    const series = await createSeries(url, { name: 'Warehouse weekly' });
    const boardId = series.body.meetings[0].boardId;
    const link = (await api(url, 'POST', `/api/series/${series.id}/people/links`, { name: 'Bo' }, series.tokens.facilitator)).body.link as string;

    // axe needs its script in the page: this context lets it past the page's Content Security Policy.
    const page = await e2e.pageIn(await axeContext(e2e.browser(), url, { viewport: PHONE, phone: true }));
    await page.goto(pathOf(link));
    const email = page.getByRole('region', { name: 'Email' });
    await email.getByLabel('Your email address').fill('bo@example.org');
    await email.getByRole('button', { name: 'Save address' }).click();
    await expect.poll(() => email.textContent()).toContain('We sent a confirmation to bo@example.org');
    await e2e.shot(page, 'email-address-phone.png', true);
    await expectNoSeriousViolations(page, 'personal page with the address');

    const [confirmation] = await smtp.waitFor((m) => m.to.includes('bo@example.org'), 'the confirmation');
    await page.goto(pathOf(linkIn(confirmation, '/email/confirm')));
    await page.getByText('Thank you: bo@example.org now gets the mails of “Warehouse weekly”.').waitFor();
    await e2e.shot(page, 'email-confirmed-phone.png');

    // The meeting: a decision for Bo, Ana facilitating, Bo seated; then it ends.
    const c = connect(wsUrl, { id: boardId, tokens: series.tokens });
    await synced(c);
    const item = createCard(c.doc, { column: 'agenda', title: 'Safety' });
    addDecision(c.doc, item, { text: 'Bo checks the fire exits', owners: 'Bo', due: '2030-01-12', decidedBy: 'Ana' });
    const ana = joinMeeting(url, { id: boardId }, series.tokens.facilitator, { name: 'Ana' });
    const bo = joinMeeting(url, { id: boardId }, series.tokens.participant, { name: 'Bo' });
    try {
      await ana.until(() => true, 'Ana seated');
      await bo.until((s) => s.roster.some((p) => p.name === 'Bo'), 'Bo seated');
      expect(await ana.send('meeting:advance', { phase: 'check-in' })).toMatchObject({ ok: true });
      await waitFor(
        async () => (await api(url, 'GET', `/api/series/${series.id}/actions`, undefined, series.tokens.viewer)).body.actionItems.length === 1,
        'the item',
      );
      expect(await ana.send('meeting:end')).toMatchObject({ ok: true });
    } finally {
      ana.close();
      bo.close();
      c.destroy();
    }

    const [mail] = await smtp.waitFor(
      (m) => m.to.includes('bo@example.org') && m.parsed.subject === 'Your action item from “Warehouse weekly — 2030-01-03”',
      'Bo’s action items',
    );
    expect(mail.parsed.attachments.map((a) => a.filename)).toEqual(['action-items.ics']);
    // Opened on the phone, in a browser that has never seen the series: the link alone opens Bo's page.
    const phone = await e2e.openPage(PHONE, true);
    await phone.goto(pathOf(linkIn(mail, `/s/${series.id}/me`)));
    const actions = phone.getByRole('region', { name: /My action items/ });
    await actions.getByText('Bo checks the fire exits').waitFor();
    await phone.getByRole('region', { name: 'Email' }).getByText('Mails go to bo@example.org.').waitFor();
    await e2e.shot(phone, 'email-link-personal-phone.png', true);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // The footer's link: a page that asks, then stops summaries for this address.
    const [summary] = await smtp.waitFor((m) => m.to.includes('bo@example.org') && String(m.parsed.subject).startsWith('Summary:'), 'the summary');
    await phone.goto(pathOf(linkIn(summary, '/email/unsubscribe')));
    await phone.getByRole('button', { name: 'Stop these mails' }).click();
    await phone.getByText('Done: you will not get mails of this kind any more.', { exact: false }).waitFor();
    const kinds = (await api(url, 'GET', `/api/series/${series.id}/me/email`, undefined, new URL(link).searchParams.get('token')!)).body.kinds;
    expect(kinds).toMatchObject({ summary: false, actions: true });

    // The facilitator sees what went out.
    const desk = await e2e.openPage(DESKTOP);
    await desk.goto(`/s/${series.id}?token=${series.tokens.facilitator}`);
    const outbox = desk.getByRole('region', { name: 'Messages sent' });
    await outbox.getByRole('button').first().click();
    await outbox.getByText('Your action item from “Warehouse weekly — 2030-01-03”').waitFor();
    await expect.poll(() => outbox.getByText('b•••@example.org').count()).toBeGreaterThan(2);
    await outbox.scrollIntoViewIfNeeded();
    await e2e.shot(desk, 'email-outbox-desktop.png', true);
  }, 90_000);
});
