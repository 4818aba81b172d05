/**
 * The series page's Webhooks section in Chromium: the facilitator adds a Slack webhook, sees its secret once,
 * sends a test that reaches a real receiver on 127.0.0.1, reads the delivery log and removes the webhook — at
 * 1280 px in light and 390 px in dark, in English and German, with axe at 0 serious findings. Screenshots go
 * to dist/screenshots/.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeContext, describeViolations, seriousViolations } from '../helpers/axe.js';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { createSeries } from '../helpers/series.js';
import { api } from '../helpers/server.js';
import { waitFor } from '../helpers/yclient.js';

const e2e = useE2E({ server: { webhookAllowHosts: ['127.0.0.1'], outboxRetryMs: [50, 50] }, stepTimeout: 15_000 });

const received: { body: string; headers: http.IncomingHttpHeaders }[] = [];
let rx: http.Server;
let hookUrl = '';
beforeAll(async () => {
  rx = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      received.push({ body: data, headers: req.headers });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(rx.address() as AddressInfo).port}/hooks/team-chat`;
});
afterAll(async () => {
  rx.closeAllConnections();
  await new Promise((r) => rx.close(r));
});

async function open(seriesId: string, token: string, opts: { viewport?: typeof DESKTOP | typeof PHONE; colorScheme?: 'light' | 'dark'; locale?: string } = {}) {
  const page = await e2e.pageIn(await axeContext(e2e.browser(), e2e.server().url, { ...opts, phone: opts.viewport === PHONE }));
  await page.goto(`/s/${seriesId}?token=${token}`);
  return page;
}

async function expectNoSeriousViolations(page: Page, where: string) {
  const violations = await seriousViolations(page);
  expect(violations, describeViolations(where, violations)).toEqual([]);
}

describe('series webhooks on the series page', () => {
  it('a facilitator adds a Slack webhook, keeps its secret, sends a test that arrives, reads the log and removes it', async () => {
    const series = await createSeries(e2e.server().url, { name: 'Platform weekly' });
    const page = await open(series.id, series.tokens.facilitator);
    const section = page.getByRole('region', { name: 'Webhooks' });
    await section.getByText('No webhooks yet.').waitFor();

    await section.getByLabel('Webhook URL').fill(hookUrl);
    await section.getByLabel('Format').selectOption('slack');
    await section.getByRole('checkbox', { name: 'Action item done' }).check();
    await section.getByRole('checkbox', { name: 'Request made' }).uncheck();
    await section.getByRole('button', { name: 'Add webhook' }).click();

    const secret = section.getByLabel('Signing secret of the new webhook');
    await secret.waitFor();
    expect(await secret.inputValue()).toMatch(/^whsec_/);
    await expect.poll(() => secret.evaluate((el) => el === document.activeElement)).toBe(true);
    await section.getByText('Shown only now.', { exact: false }).waitFor();
    const list = section.getByRole('list', { name: 'Webhooks of this series' });
    await list.getByText(hookUrl).waitFor();
    await list.getByText('Slack · Meeting ended, Action item created, Action item done').waitFor();
    await e2e.shot(page, 'webhooks-secret-1280.png', true);
    await section.getByRole('button', { name: 'Done' }).click();
    await secret.waitFor({ state: 'detached' });

    await section.getByRole('button', { name: `Send test to ${hookUrl}` }).click();
    await waitFor(() => received.length === 1, 'the test delivery at the receiver');
    expect(JSON.parse(received[0].body).text).toContain('Platform weekly');
    const log = section.getByRole('list', { name: `Delivery log of ${hookUrl}` });
    await log.getByText('Delivered').waitFor();
    await log.getByText('1 attempt').waitFor();
    await log.getByText('HTTP 200').waitFor();
    await expectNoSeriousViolations(page, 'webhooks, desktop, light');
    await e2e.shot(page, 'webhooks-log-1280.png', true);
    await page.emulateMedia({ colorScheme: 'dark' });
    await section.screenshot({ path: e2e.shotPath('webhooks-log-1280-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    await log.getByRole('button', { name: /^Resend “Test” of / }).click();
    await waitFor(() => received.length === 2, 'the resent delivery');
    expect(received[1].headers['webhook-id']).toBe(received[0].headers['webhook-id']);

    page.once('dialog', (d) => void d.accept());
    await section.getByRole('button', { name: `Remove the webhook ${hookUrl}` }).click();
    await section.getByText('No webhooks yet.').waitFor();
    expect((await api(e2e.server().url, 'GET', `/api/series/${series.id}/webhooks`, undefined, series.tokens.facilitator)).body.webhooks).toEqual([]);
  }, 90_000);

  it('says why a private address is refused, and leaves participants without the section', async () => {
    const series = await createSeries(e2e.server().url);
    const page = await open(series.id, series.tokens.facilitator);
    const section = page.getByRole('region', { name: 'Webhooks' });
    await section.getByLabel('Webhook URL').fill('http://10.0.0.8/hook');
    await section.getByRole('button', { name: 'Add webhook' }).click();
    await section
      .getByRole('alert')
      .getByText(/The webhook was not added: url 10\.0\.0\.8 is a private address/)

      .waitFor();
    // The refusal is the point: the browser logs the 400 it got.
    e2e.dropErrors(/status of 400/);

    const participant = await open(series.id, series.tokens.participant);
    await participant.getByRole('heading', { name: 'Meetings' }).waitFor();
    expect(await participant.getByRole('region', { name: 'Webhooks' }).count()).toBe(0);
  }, 90_000);

  it('on a phone in German and the dark theme, the section fits the screen and axe finds nothing serious', async () => {
    const series = await createSeries(e2e.server().url, { name: 'Lager wöchentlich' });
    await api(
      e2e.server().url,
      'POST',
      `/api/series/${series.id}/webhooks`,
      { url: hookUrl, format: 'teams', events: ['meeting.ended', 'action_item.overdue'] },
      series.tokens.facilitator,
    );
    const page = await open(series.id, series.tokens.facilitator, { viewport: PHONE, colorScheme: 'dark', locale: 'de-DE' });
    const section = page.getByRole('region', { name: 'Webhooks' });
    await section.getByText('Microsoft Teams · Meeting beendet, Aufgabe überfällig').waitFor();
    await section.getByRole('button', { name: `Test senden an ${hookUrl}` }).click();
    const log = section.getByRole('list', { name: `Zustellprotokoll von ${hookUrl}` });
    await log.getByText('Zugestellt').waitFor();
    await section.getByRole('heading', { name: 'Webhook hinzufügen' }).scrollIntoViewIfNeeded();
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await expectNoSeriousViolations(page, 'webhooks, phone, dark, German');
    await section.screenshot({ path: e2e.shotPath('webhooks-390-de-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await section.screenshot({ path: e2e.shotPath('webhooks-390-de-light.png') });
  }, 90_000);
});
