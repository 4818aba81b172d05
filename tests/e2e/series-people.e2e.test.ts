/**
 * The personal page, the drop-in form and its poster in Chromium on a 390 px phone (and at 1280 px for the
 * screenshots): a person declines a request with a reason and marks an action item done; a drop-in note is
 * handed in and waits in the facilitator's inbox. Screenshots go to dist/screenshots/ (and SHOTS_PEOPLE).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { api } from '../helpers/server.js';
import { connect, synced, waitFor } from '../helpers/yclient.js';
import { addDecision, createCard, readBoard } from '../../shared/board-schema.js';
import type { CreateSeriesResponse } from '../../shared/series.js';

const e2e = useE2E({ stepTimeout: 15_000 });
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;
/** A second copy of the screenshots, for a reviewer outside the repository (set SHOTS_PEOPLE to a folder). */
const EXTRA_SHOTS = process.env.SHOTS_PEOPLE;

async function shot(page: Page, name: string) {
  await e2e.shot(page, name, true);
  if (EXTRA_SHOTS) {
    fs.mkdirSync(EXTRA_SHOTS, { recursive: true });
    fs.copyFileSync(e2e.shotPath(name), path.join(EXTRA_SHOTS, name));
  }
}

async function seriesWithItems() {
  const { url, wsUrl } = e2e.server();
  const res = await api<CreateSeriesResponse>(url, 'POST', '/api/series', {
    name: 'Warehouse weekly',
    team: 'Logistics',
    cadence: 'FREQ=WEEKLY;BYDAY=MO',
    firstDate: '2030-01-01',
    startTime: '07:30',
  });
  expect(res.status).toBe(201);
  const tokens = { facilitator: tokenOf(res.body.links.facilitator), participant: tokenOf(res.body.links.participant) };
  const boardId = res.body.meetings[0].boardId;
  const c = connect(wsUrl, { id: boardId, tokens });
  await synced(c);
  const churn = createCard(c.doc, { column: 'needs', asker: 'Ana', addressee: 'Bo', what: 'Pallet counts for January', byWhen: '2030-01-20' });
  createCard(c.doc, { column: 'needs', asker: 'Bo', addressee: 'Kim', what: 'A second forklift key' });
  const item = createCard(c.doc, { column: 'agenda', title: 'Safety' });
  addDecision(c.doc, item, { text: 'Bo checks the fire exits by 2030-01-12', decidedBy: 'Ana' });
  await waitFor(
    async () => (await api(url, 'GET', `/api/series/${res.body.series.id}/actions`, undefined, tokens.participant)).body.actionItems.length === 1,
    'item',
  );
  return { seriesId: res.body.series.id, boardId, tokens, churn, doc: c };
}

describe('series people pages', () => {
  it('on a phone, a person declines a request with a reason and marks their action item done', async () => {
    const { seriesId, tokens, churn, doc } = await seriesWithItems();
    const link = (await api(e2e.server().url, 'POST', `/api/series/${seriesId}/people/links`, { name: 'Bo' }, tokens.facilitator)).body.link as string;
    const page = await e2e.openPage(PHONE, true);
    await page.goto(new URL(link).pathname + new URL(link).search);
    await page.getByRole('heading', { name: 'My items', level: 1 }).waitFor();
    const asked = page.getByRole('region', { name: /Asked of me/ });
    await asked.getByText('Pallet counts for January').waitFor();
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'people-personal-390.png');

    await asked.getByRole('button', { name: 'Decline' }).click();
    await asked.getByLabel('Why do you decline?').fill('No counts until the inventory');
    await asked.getByRole('button', { name: 'Decline with this reason' }).click();
    await asked.getByText('Declined: No counts until the inventory').waitFor();
    await waitFor(() => {
      const card = readBoard(doc.doc).columns.needs.find((n) => n.id === churn);
      return card?.status === 'declined' && card.declineReason === 'No counts until the inventory';
    }, 'the decline on the board');

    const actions = page.getByRole('region', { name: /My action items/ });
    await actions.getByText('Bo checks the fire exits').waitFor();
    await actions.getByRole('button', { name: 'Done' }).click();
    await actions.getByRole('button', { name: 'Reopen' }).waitFor();
    const items = (await api(e2e.server().url, 'GET', `/api/series/${seriesId}/actions`, undefined, tokens.participant)).body.actionItems;
    expect(items[0].status).toBe('done');
    await shot(page, 'people-personal-390-answered.png');

    const wide = await e2e.openPage(DESKTOP);
    await wide.goto(new URL(link).pathname + new URL(link).search);
    await wide.getByText('Pallet counts for January').waitFor();
    await shot(wide, 'people-personal-1280.png');
    doc.destroy();
  }, 90_000);

  it('the drop-in form hands in a note from a phone, and the poster shows the link’s QR code', async () => {
    const { seriesId, tokens, doc } = await seriesWithItems();
    doc.destroy();
    const poster = await e2e.openPage(DESKTOP);
    await poster.goto(`/s/${seriesId}/poster?token=${tokens.facilitator}`);
    await poster.getByRole('button', { name: 'Create the drop-in link' }).click();
    const qr = poster.getByRole('img', { name: 'QR code of the drop-in link' });
    await qr.locator('svg').waitFor();
    await poster.getByRole('heading', { name: 'Warehouse weekly: have your say' }).waitFor();
    const dropLink = (await qr.getAttribute('data-qr-value'))!;
    expect(new URL(dropLink).pathname).toBe(`/s/${seriesId}/drop`);
    await shot(poster, 'people-poster-1280.png');
    const posterPhone = await e2e.openPage(PHONE, true);
    await posterPhone.goto(`/s/${seriesId}/poster?token=${tokens.facilitator}`);
    await posterPhone.getByRole('button', { name: 'Create the drop-in link' }).click();
    await posterPhone.getByRole('img', { name: 'QR code of the drop-in link' }).locator('svg').waitFor();
    await expect.poll(() => posterPhone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(posterPhone, 'people-poster-390.png');
    // The phone made a new link: the desktop poster's link is replaced.
    const current = (await posterPhone.getByRole('img', { name: 'QR code of the drop-in link' }).getAttribute('data-qr-value'))!;

    const page = await e2e.openPage(PHONE, true);
    await page.goto(new URL(current).pathname + new URL(current).search);
    await page.getByText('Warehouse weekly (Logistics)', { exact: false }).waitFor();
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.getByLabel('A question').check();
    await page.getByLabel('Your note').fill('Can the night shift get the <b>canteen</b> open?');
    await page.getByLabel('Your name (optional)').fill('Kim');
    await shot(page, 'people-dropin-390.png');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Thank you! Your note waits for the next meeting.').waitFor();
    await shot(page, 'people-dropin-390-sent.png');

    const inbox = await api(e2e.server().url, 'GET', `/api/series/${seriesId}/inbox`, undefined, tokens.facilitator);
    expect(inbox.body.items.map((i: { kind: string; text: string; name: string }) => [i.kind, i.text, i.name])).toEqual([
      ['question', 'Can the night shift get the <b>canteen</b> open?', 'Kim'],
    ]);

    const wide = await e2e.openPage(DESKTOP);
    await wide.goto(new URL(current).pathname + new URL(current).search);
    await wide.getByRole('button', { name: 'Send' }).waitFor();
    await shot(wide, 'people-dropin-1280.png');

    const box = await e2e.openPage(DESKTOP);
    await box.goto(`/s/${seriesId}/inbox?token=${tokens.facilitator}`);
    await box.getByText('Can the night shift get the <b>canteen</b> open?').waitFor();
    await shot(box, 'people-inbox-1280.png');
    await box.getByRole('button', { name: 'Take onto the board' }).click();
    await box.getByText('Nothing waiting.').waitFor();
  }, 90_000);
});
