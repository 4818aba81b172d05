/**
 * A whole meeting in German: a browser that prefers German creates a board, fills it, runs the meeting
 * through every phase, records decisions in German words and reads every page after it. On each page no
 * text of the English dictionary may show: a label left out of the German dictionary, or written into a
 * component past it, fails the test.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { en } from '../../client/lib/i18n/en.js';
import { de } from '../../client/lib/i18n/de.js';
import { openCard } from '../helpers/cards.js';
import { useE2E } from '../helpers/e2e.js';
import { joinMeeting } from '../helpers/meeting-client.js';

const e2e = useE2E({ stepTimeout: 15_000 });

/** English that German writes the same way and that may show on a German page. */
const ALLOWED = new Set(['Meshboard', 'Markdown', 'CSV', 'JSON', 'Live', 'Offline', 'Team', 'Check-in']);
/** What a wording's variable parts are replaced with, to find its fixed English fragments. */
const HOLE = '\u0007';

/**
 * The texts of the English dictionary a German page must not show: every English text (and every fixed
 * fragment of an English wording) that German does not write the same way, longer than three characters.
 * Compared with German as written, not with the dictionary the app uses, where a missing key is English.
 */
function englishTexts(): string[] {
  const german: unknown = de;
  const out = new Set<string>();
  const walk = (e: unknown, d: unknown): void => {
    if (typeof e === 'string') {
      if (e !== d) out.add(e);
    } else if (typeof e === 'function') {
      const fragments = (fn: unknown): string[] => {
        try {
          const text = (fn as (...a: unknown[]) => unknown)(...Array.from({ length: (fn as () => void).length }, () => HOLE));
          return typeof text === 'string' ? text.split(HOLE) : [];
        } catch {
          return [];
        }
      };
      const theirs = new Set(fragments(d).map((f) => f.trim()));
      for (const f of fragments(e)) if (!theirs.has(f.trim())) out.add(f);
    } else if (typeof e === 'object' && e !== null) {
      for (const [k, v] of Object.entries(e)) walk(v, (d as Record<string, unknown> | undefined)?.[k]);
    }
  };
  walk(en, german);
  return [...out].map((s) => s.trim()).filter((s) => s.length > 3 && /\p{L}{2}/u.test(s) && !ALLOWED.has(s));
}
const ENGLISH = englishTexts();

/** Whether `needle` is in `hay` as whole words (no letter right before or after it). */
function containsWords(hay: string, needle: string): boolean {
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
    const before = hay[i - 1] ?? ' ';
    const after = hay[i + needle.length] ?? ' ';
    if (!/\p{L}/u.test(before) && !/\p{L}/u.test(after)) return true;
  }
  return false;
}

/** What the test typed itself: not the app's words, so never checked. */
const typed: string[] = [];

/**
 * The page's visible text and its labels (aria-label, title, placeholder, alt), without what the test typed
 * and without the text of elements matching `stored` (text the server stored in English, see below). Text
 * is read from the document, not as rendered: `innerText` would give "OPEN REQUESTS" for an uppercased
 * heading, and the English "Open requests" would go unnoticed.
 */
async function pageText(page: Page, stored?: string): Promise<string> {
  const text = await page.evaluate((stored) => {
    const parts = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('script, style, template') || (stored && parent.closest(stored))) continue;
      if (parent.closest('option') || parent.checkVisibility()) parts.push(node.textContent ?? '');
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
        const v = el.getAttribute(attr);
        if (v) parts.push(v);
      }
    }
    return parts.join('\n');
  }, stored);
  return [...typed].sort((a, b) => b.length - a.length).reduce((t, s) => t.replaceAll(s, ' '), text);
}

/** Fails with every English dictionary text on the page. */
async function expectGerman(page: Page, where: string, stored?: string): Promise<void> {
  const text = await pageText(page, stored);
  const english = ENGLISH.filter((s) => containsWords(text, s));
  expect(english, `English on ${where}`).toEqual([]);
}

const type = async (field: Locator, value: string): Promise<void> => {
  typed.push(value);
  await field.fill(value);
};

const column = (page: Page, name: string): Locator => page.getByRole('region', { name: new RegExp(`^${name}`) });

describe('a meeting in German', () => {
  test('the English dictionary is long enough to catch an untranslated label', () => {
    expect(ENGLISH).toContain('Add agenda item');
    expect(ENGLISH).toContain('Start meeting');
    expect(ENGLISH).not.toContain('Agenda');
    expect(containsWords('Agendapunkt hinzufügen\nStart meeting', 'Start meeting')).toBe(true);
    expect(containsWords('Restart meetings', 'Start meeting')).toBe(false);
  });

  test('runs from the home page through every phase to the summary, history, audit trail and search without a word of English', async () => {
    const url = e2e.server().url;
    const page = await e2e.pageIn(await e2e.browser().newContext({ baseURL: url, viewport: { width: 1280, height: 900 }, locale: 'de-DE', timezoneId: 'UTC' }));
    typed.push('Jürgen', 'Sam');

    await page.goto('/');
    await page.getByRole('heading', { name: 'Board erstellen' }).waitFor();
    await expectGerman(page, 'the home page');
    await type(page.getByLabel('Titel des Boards'), 'Plattform-Abstimmung');
    await type(page.getByLabel('Zweck (optional)'), 'Das Release 4.2 freigeben');
    await page.getByRole('button', { name: 'Board erstellen' }).click();

    const join = page.getByRole('dialog', { name: 'Dem Board beitreten' });
    await join.getByLabel('Ihr Name').fill('Jürgen');
    await join.getByRole('button', { name: 'Beitreten' }).click();
    await join.waitFor({ state: 'detached' });
    const boardUrl = new URL(page.url());
    const [boardPath, token] = [boardUrl.pathname, boardUrl.searchParams.get('token')!];

    // Cards in every column, through the add forms.
    const agenda = column(page, 'Agenda');
    await agenda.getByRole('button', { name: 'Agendapunkt hinzufügen' }).click();
    let form = agenda.locator('form.card.add');
    await type(form.getByLabel('Thema', { exact: true }), 'Release-Bereitschaft');
    await form.getByLabel('Zeitrahmen (Min.)', { exact: true }).fill('15');
    await form.getByRole('button', { name: 'Hinzufügen', exact: true }).click();
    await form.waitFor({ state: 'detached' });

    const needs = column(page, 'Was ich von dir brauche');
    await needs.getByRole('button', { name: 'Anfrage hinzufügen' }).click();
    form = needs.locator('form.card.add');
    await form.getByLabel('Von', { exact: true }).fill('Jürgen');
    await form.getByLabel('An', { exact: true }).fill('Sam');
    await type(form.getByLabel('Was gebraucht wird', { exact: true }), 'Lasttest-Ergebnisse');
    await form.getByRole('button', { name: 'Hinzufügen', exact: true }).click();
    await form.waitFor({ state: 'detached' });

    const challenges = column(page, 'Herausforderungen');
    for (const problem of ['Instabile Tests', 'Langsame Builds']) {
      await challenges.getByRole('button', { name: 'Herausforderung hinzufügen' }).click();
      form = challenges.locator('form.card.add');
      await type(form.getByLabel('Problem', { exact: true }), problem);
      await form.getByRole('button', { name: 'Hinzufügen', exact: true }).click();
      await form.waitFor({ state: 'detached' });
    }
    await expectGerman(page, 'the board');

    // Sam takes a seat too, so the roster has someone to hand over to and the vote two voters.
    const sam = joinMeeting(url, { id: boardPath.split('/')[2] }, token, { name: 'Sam' });
    try {
      await page.getByRole('button', { name: 'Meeting starten' }).click();
      await page.getByLabel('Ihr Check-in').waitFor();
      await type(page.getByLabel('Ihr Check-in'), 'Ausgeschlafen und bereit');
      await page.getByRole('button', { name: 'Teilen', exact: true }).click();
      await page.getByText('Geteilt', { exact: true }).waitFor();
      await expectGerman(page, 'the check-in');

      await page.getByRole('button', { name: 'Weiter: Agenda' }).click();
      const item = agenda.getByRole('article', { name: 'Release-Bereitschaft' });
      await item.getByText('Aktuell', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Timer starten' }).first().click();
      await page.getByRole('button', { name: 'Timer anhalten' }).first().waitFor();

      // Decisions in German words: owners and due dates are read from them.
      const decisions = ['@Sam kümmert sich bis Monatsende um den Lasttest', 'Jürgen schreibt die Release-Notes bis Ende der Woche'];
      await openCard(item);
      for (const text of decisions) {
        const input = item.getByLabel('Entscheidung festhalten');
        await type(input, text);
        await input.press('Enter');
        await item.getByText(text).first().waitFor();
      }
      // Closed again, the card reads its decisions with their owners.
      await page.keyboard.press('Escape');
      await item.locator('.read').waitFor();
      await item.getByText('Sam', { exact: true }).first().waitFor();
      await expectGerman(page, 'the agenda phase with decisions');
      await e2e.shot(page, 'german-meeting-agenda-1280.png');
      await page.setViewportSize({ width: 390, height: 844 });
      await e2e.shot(page, 'german-meeting-agenda-390.png', true);
      await page.setViewportSize({ width: 1280, height: 900 });

      await page.getByRole('button', { name: 'Weiter: Anfragen' }).click();
      await page.getByRole('button', { name: 'Weiter: Herausforderungen' }).click();
      await challenges.getByRole('button', { name: 'Punktabstimmung starten' }).click();
      await challenges.getByRole('button', { name: 'Einen Punkt auf Langsame Builds setzen' }).click();
      await challenges
        .getByText(/von \d+ Punkten übrig/)
        .first()
        .waitFor();
      await expectGerman(page, 'the dot vote');
      await challenges.getByRole('button', { name: 'Ergebnis aufdecken' }).click();
      await challenges.getByRole('region', { name: 'Ergebnis der Punktabstimmung' }).waitFor();
      await expectGerman(page, 'the vote results');
      await challenges.getByRole('button', { name: 'Abstimmung beenden' }).click();

      await page.getByRole('button', { name: 'Weiter: Abschluss' }).click();
      await page.getByRole('region', { name: 'Abschluss' }).first().waitFor();
      await expectGerman(page, 'the wrap-up');
      await page.getByRole('button', { name: 'Meeting beenden' }).first().click();
      const end = page.getByRole('dialog', { name: 'Meeting beenden?' });
      await expectGerman(page, 'the end dialog');
      await end.getByRole('button', { name: 'Meeting beenden' }).click();
      await page.getByRole('region', { name: 'Ergebnis' }).first().waitFor();
      await expectGerman(page, 'the ended meeting');
    } finally {
      sam.close();
    }

    // The pages after the meeting.
    await page.goto(`${boardPath}/actions?token=${token}`);
    await page.getByRole('heading', { name: 'Aufgaben', level: 1 }).waitFor();
    await page.getByText('bis Monatsende').first().waitFor();
    await expectGerman(page, 'the action list');
    await e2e.shot(page, 'german-actions-1280.png', true);
    await page.setViewportSize({ width: 390, height: 844 });
    await e2e.shot(page, 'german-actions-390.png', true);
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.goto(`${boardPath}/summary?token=${token}`);
    await page.getByText(/^Zusammenfassung des Meetings · /).waitFor();
    await page.getByText('bis Ende der Woche').first().waitFor();
    await expectGerman(page, 'the summary');
    await e2e.shot(page, 'german-summary-1280.png', true);

    await page.goto(`${boardPath}/agenda?token=${token}`);
    await page.getByRole('button', { name: 'Drucken' }).first().waitFor();
    await expectGerman(page, 'the printed agenda');

    await page.goto(`${boardPath}/history?token=${token}`);
    await page.getByRole('heading', { name: 'Versionsverlauf' }).first().waitFor();
    await page.getByText('Meeting beendet').first().waitFor();
    await expectGerman(page, 'the version history');

    await page.goto(`${boardPath}/audit?token=${token}`);
    await page.getByRole('heading', { name: 'Änderungsprotokoll' }).first().waitFor();
    await page.getByRole('table').getByText('Entscheidung festgehalten').first().waitFor();
    // Known gap: the server stores each change's one-line summary as an English sentence ("moved …",
    // "recorded decision on …"); wording it in the reader's language needs the audit entries to carry their
    // parameters. Everything around the summaries is checked.
    await expectGerman(page, 'the audit trail', '.summary');

    await page.goto(`${boardPath}?token=${token}`);
    await page.getByRole('button', { name: 'Suchen' }).first().click();
    await page.getByLabel('Dieses Board durchsuchen').fill('Lasttest');
    await page
      .getByText(/\d+ Treffer/)
      .first()
      .waitFor();
    // The audit lines found carry the same stored English summaries as the audit trail.
    await expectGerman(page, 'the search', '[data-result-kind=audit] .text');
  }, 90_000);
});
