/**
 * "Subscribe in your calendar" in Chromium: on the series page a viewer sees the feed's URL and webcal link
 * (the same the API gives) and the facilitator makes a new one, which retires the old URL; on the personal
 * page a person copies their own feed's URL, which serves their calendar. No serious axe violation, light and
 * dark. Screenshots at 1280 and 390 px go to dist/screenshots/.
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import type { CalendarFeedResponse } from '../../shared/calendar.js';
import type { PersonLinkResponse } from '../../shared/series-people.js';
import { axeContext, describeViolations, seriousViolations } from '../helpers/axe.js';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { createSeries } from '../helpers/series.js';
import { api } from '../helpers/server.js';

const e2e = useE2E({ stepTimeout: 15_000 });

const status = async (url: string) => (await fetch(url)).status;

describe('subscribing to a calendar', () => {
  it('a viewer sees the series feed’s URL and webcal link; the facilitator’s new link retires the old URL', async () => {
    const { url } = e2e.server();
    const series = await createSeries(url, { name: 'Warehouse weekly' });
    const feed = (await api<CalendarFeedResponse>(url, 'GET', `/api/series/${series.id}/calendar`, undefined, series.tokens.viewer)).body;

    const viewer = await e2e.pageIn(await axeContext(e2e.browser(), url, { viewport: DESKTOP }));
    await viewer.goto(`/s/${series.id}?token=${series.tokens.viewer}`);
    const panel = viewer.getByRole('region', { name: 'Subscribe in your calendar' });
    await expect.poll(() => panel.getByLabel('Calendar feed URL').inputValue()).toBe(feed.url);
    expect(await panel.getByRole('link', { name: 'Open in your calendar app' }).getAttribute('href')).toBe(feed.webcal);
    expect(await panel.getByRole('button', { name: 'New link' }).count()).toBe(0);
    await panel.getByText('How to add it').click();
    await panel.getByText(/Google Calendar: Other calendars/).waitFor();
    expect(describeViolations('series page, light', await seriousViolations(viewer))).toBe('');
    await panel.scrollIntoViewIfNeeded();
    await e2e.shot(viewer, 'calendar-series-1280.png');

    const facilitator = await e2e.pageIn(await axeContext(e2e.browser(), url, { viewport: PHONE, phone: true, colorScheme: 'dark' }));
    facilitator.on('dialog', (d) => void d.accept());
    await facilitator.goto(`/s/${series.id}?token=${series.tokens.facilitator}`);
    const mine = facilitator.getByRole('region', { name: 'Subscribe in your calendar' });
    const input = mine.getByLabel('Calendar feed URL');
    await expect.poll(() => input.inputValue()).toBe(feed.url);
    await mine.getByRole('button', { name: 'New link' }).click();
    await mine.getByText('New link made: subscribe again with it.').waitFor();
    await expect.poll(() => input.inputValue()).not.toBe(feed.url);
    const replaced = await input.inputValue();
    expect(await status(feed.url)).toBe(404);
    expect(await status(replaced)).toBe(200);
    await expect.poll(() => facilitator.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(describeViolations('series page, dark phone', await seriousViolations(facilitator))).toBe('');
    await mine.scrollIntoViewIfNeeded();
    await e2e.shot(facilitator, 'calendar-series-dark-390.png');
  }, 90_000);

  it('on a phone, a person copies their own feed’s URL from the personal page, and it serves their calendar', async () => {
    const { url } = e2e.server();
    const series = await createSeries(url, { name: 'Warehouse weekly', people: ['Ana', 'Bo'] });
    const link = (await api<PersonLinkResponse>(url, 'POST', `/api/series/${series.id}/people/links`, { name: 'bo' }, series.tokens.facilitator)).body.link;
    const page = await e2e.pageIn(await axeContext(e2e.browser(), url, { viewport: PHONE, phone: true }));
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    await page.goto(new URL(link).pathname + new URL(link).search);
    const panel = page.getByRole('region', { name: 'Subscribe in your calendar' });
    const input = panel.getByLabel('Calendar feed URL');
    await expect.poll(() => input.inputValue()).toMatch(/\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    await panel.getByRole('button', { name: 'Copy' }).click();
    await panel.getByRole('button', { name: 'Copied' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await input.inputValue());
    expect(copied).not.toBe((await api<CalendarFeedResponse>(url, 'GET', `/api/series/${series.id}/calendar`, undefined, series.tokens.viewer)).body.url);

    const res = await fetch(copied);
    expect(res.status).toBe(200);
    const cal = new ICAL.Component(ICAL.parse(await res.text()));
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Warehouse weekly: Bo');
    expect(describeViolations('personal page', await seriousViolations(page))).toBe('');
    await panel.scrollIntoViewIfNeeded();
    await e2e.shot(page, 'calendar-personal-390.png', true);
  }, 90_000);
  it('speaks German to a German browser', async () => {
    const { url } = e2e.server();
    const series = await createSeries(url, { name: 'Lager wöchentlich' });
    const page = await e2e.pageIn(await axeContext(e2e.browser(), url, { viewport: DESKTOP, locale: 'de-DE' }));
    page.on('dialog', (d) => void d.accept());
    await page.goto(`/s/${series.id}?token=${series.tokens.facilitator}`);
    const panel = page.getByRole('region', { name: 'Im Kalender abonnieren' });
    await expect.poll(() => panel.getByLabel('Adresse des Kalender-Abos').inputValue()).toMatch(/\.ics$/);
    await panel.getByRole('link', { name: 'In der Kalender-App öffnen' }).waitFor();
    await panel.getByRole('button', { name: 'Neuer Link' }).click();
    await panel.getByText('Neuer Link erstellt: Abonnieren Sie den Kalender damit erneut.').waitFor();
    await panel.getByText('So fügen Sie es hinzu').click();
    await panel.scrollIntoViewIfNeeded();
    await e2e.shot(page, 'calendar-series-de-1280.png');
  }, 90_000);
});
