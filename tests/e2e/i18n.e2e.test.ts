/**
 * A second language proves the i18n mechanism: a browser that prefers German gets the German home page and
 * board, dates and names in German form, and a manual choice of English that is remembered.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { useE2E } from '../helpers/e2e.js';
import { api, createBoard } from '../helpers/server.js';
import { joinMeeting } from '../helpers/meeting-client.js';

const e2e = useE2E({ stepTimeout: 10_000 });

async function germanPage(): Promise<Page> {
  return e2e.pageIn(await e2e.browser().newContext({ baseURL: e2e.server().url, viewport: { width: 1280, height: 800 }, locale: 'de-DE', timezoneId: 'UTC' }));
}

const lang = (page: Page) => page.evaluate(() => document.documentElement.lang);

describe('a second language', () => {
  test('a German browser sees the home page, the board header, columns and cards in German, with German dates', async () => {
    const board = await createBoard(e2e.server().url, 'Plattform-Sync', 'Das Release freigeben');
    const card = await api(
      e2e.server().url,
      'POST',
      `/api/boards/${board.id}/cards`,
      { column: 'agenda', title: 'Budget', timebox: 10 },
      board.tokens.facilitator,
    );
    expect(card.status).toBe(201);
    const decided = await api(
      e2e.server().url,
      'POST',
      `/api/boards/${board.id}/cards/${card.body.card.id}/decisions`,
      { text: 'Ana drafts the budget by 2030-03-05' },
      board.tokens.facilitator,
    );
    expect(decided.status).toBe(201);

    const page = await germanPage();
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Das nächste teamübergreifende Meeting auf einem Live-Board' }).waitFor();
    await page.getByRole('heading', { name: 'Board erstellen' }).waitFor();
    await expect(page.getByRole('button', { name: 'Board erstellen' }).count()).resolves.toBe(1);
    await expect(lang(page)).resolves.toBe('de');

    await page.goto(`/b/${board.id}?token=${board.tokens.facilitator}`);
    const dialog = page.getByRole('dialog', { name: 'Dem Board beitreten' });
    await dialog.getByLabel('Ihr Name').fill('Jürgen Weiß');
    await dialog.getByRole('button', { name: 'Beitreten' }).click();
    await dialog.waitFor({ state: 'detached' });

    await expect(page.getByLabel('Titel des Boards').inputValue()).resolves.toBe('Plattform-Sync');
    await page.getByRole('region', { name: /^Was ich von dir brauche/ }).waitFor();
    await page.getByRole('region', { name: /^Herausforderungen/ }).waitFor();
    await page.getByRole('button', { name: 'Agendapunkt hinzufügen' }).waitFor();
    await page.getByRole('button', { name: 'Meeting starten' }).waitFor();
    // The card reads in German; opened, its fields are labelled in German.
    await page.getByRole('article', { name: 'Budget' }).getByText('10 Min.', { exact: true }).waitFor();
    await page.getByRole('article', { name: 'Budget' }).getByRole('heading', { name: 'Budget' }).click();
    await expect(page.getByRole('article', { name: 'Budget' }).getByLabel('Zeitrahmen (Min.)').inputValue()).resolves.toBe('10');
    await page.getByRole('article', { name: 'Budget' }).getByRole('button', { name: 'Schließen' }).click();

    // The decision's due day, formatted as a German reader writes it.
    const due = new Intl.DateTimeFormat('de-DE', { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' }).format(
      new Date('2030-03-05T00:00:00Z'),
    );
    expect(due).toMatch(/März/);
    await page.getByRole('article', { name: 'Budget' }).getByText(due).waitFor();

    // The home page's list of recent boards, with a German date and time.
    await page.goto('/');
    const opened = await page
      .getByText(/^Geöffnet /)
      .first()
      .textContent();
    expect(opened).toMatch(/^Geöffnet \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
  });

  test('choosing English overrides the browser language, is remembered, and "browser language" goes back to German', async () => {
    const page = await germanPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Board erstellen' }).waitFor();

    await page.getByRole('button', { name: 'Anzeigeeinstellungen' }).click();
    await page.getByLabel('Sprache').selectOption('en');
    await page.getByRole('heading', { name: 'Create a board' }).waitFor();
    await expect(lang(page)).resolves.toBe('en');

    await page.reload();
    await page.getByRole('heading', { name: 'Create a board' }).waitFor();
    await expect(lang(page)).resolves.toBe('en');

    await page.getByRole('button', { name: 'Display settings' }).click();
    await page.getByLabel('Language').selectOption('auto');
    await page.getByRole('heading', { name: 'Board erstellen' }).waitFor();
    await expect(lang(page)).resolves.toBe('de');
  });
  test('a meeting announcement reaches a German reader in German, worded from its code', async () => {
    const board = await createBoard(e2e.server().url, 'Plattform-Sync', 'Das Release freigeben');
    const page = await germanPage();
    await page.goto(`/b/${board.id}?token=${board.tokens.participant}`);
    const dialog = page.getByRole('dialog', { name: 'Dem Board beitreten' });
    await dialog.getByLabel('Ihr Name').fill('Jürgen');
    await dialog.getByRole('button', { name: 'Beitreten' }).click();
    await dialog.waitFor({ state: 'detached' });

    const fay = joinMeeting(e2e.server().url, board, board.tokens.facilitator, { name: 'Fay' });
    try {
      const state = await fay.until((s) => s.roster.some((r) => r.name === 'Jürgen' && r.online) && s.facilitatorId !== null, 'both in the meeting');
      const jurgen = state.roster.find((r) => r.name === 'Jürgen')!;
      expect(await fay.send('meeting:handover', { participantId: jurgen.id })).toMatchObject({ ok: true });
      await page.getByRole('status', { name: 'Durchsagen im Meeting' }).getByText('Fay hat das Meeting an Jürgen übergeben.').waitFor();
    } finally {
      fay.close();
    }
  });
});
