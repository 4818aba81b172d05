/**
 * The live meeting board, end to end: the real server (serving the built client) and two real browsers.
 * Screenshots land in dist/screenshots/ for a human look at the layout on a desktop and on a phone.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { api, createBoard } from '../helpers/server.js';
import { cardMenu, openCard } from '../helpers/cards.js';

const e2e = useE2E();
const { openPage, join, shot } = e2e;

async function createBoardFromHome(page: Page, title: string, purpose: string): Promise<string> {
  await page.goto('/');
  await page.getByLabel('Board title').fill(title);
  await page.getByLabel('Purpose (optional)').fill(purpose);
  await page.getByRole('button', { name: 'Create board' }).click();
  await page.waitForURL(/\/b\/[A-Za-z0-9_-]+\?token=[A-Za-z0-9_-]+$/);
  return page.url();
}

/** The facilitator's "Copy invite link": puts the teammates' (participant) link on the clipboard. */
async function copyInviteLink(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Copy invite link' }).click();
  await page.getByRole('button', { name: 'Link copied' }).waitFor();
  return page.evaluate(() => navigator.clipboard.readText());
}

const tokenOf = (link: string) => new URL(link).searchParams.get('token');

const column = (page: Page, name: string): Locator => page.getByRole('region', { name: new RegExp(`^${name}`) });
/** The first agenda card, opened for editing (cards read as text until opened). */
async function openFirstAgendaCard(page: Page): Promise<void> {
  const card = column(page, 'Agenda').getByRole('article').first();
  await card.waitFor();
  await openCard(card);
}

async function addAgendaItem(page: Page, item: { title: string; owner?: string; timebox?: number }): Promise<void> {
  const agenda = column(page, 'Agenda');
  await agenda.getByRole('button', { name: 'Add agenda item' }).click();
  await agenda.locator('form').getByLabel('Topic', { exact: true }).fill(item.title);
  if (item.owner) await agenda.locator('form').getByLabel('Owner', { exact: true }).fill(item.owner);
  if (item.timebox) await agenda.locator('form').getByLabel('Timebox (min)', { exact: true }).fill(String(item.timebox));
  await agenda.locator('form').getByRole('button', { name: 'Add', exact: true }).click();
  await agenda.locator('form').waitFor({ state: 'detached' });
}

/** The value of a bound text field, polled until `predicate` holds (no fixed sleeps). */
async function waitForValue(field: Locator, predicate: (v: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  let last = '';
  while (Date.now() < deadline) {
    last = await field.inputValue();
    if (predicate(last)) return last;
    await field.page().waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

const sortedChars = (s: string) => [...s].sort().join('');
const isSubsequence = (needle: string, hay: string) => {
  let i = 0;
  for (const ch of hay) if (ch === needle[i]) i++;
  return i === needle.length;
};

describe('the live meeting board', () => {
  test('a board created on the home page is shared by link, and two people see each other, their cards and their typing live', async () => {
    const a = await openPage(DESKTOP);
    await a.goto('/');
    await a.getByRole('heading', { level: 1 }).waitFor();
    await shot(a, 'home-1280x800.png');

    const boardUrl = await createBoardFromHome(a, 'Weekly cross-team sync', 'Unblock each other before the release');
    await join(a, 'Ana Lopez');
    await expect(a.getByLabel('Board title').inputValue()).resolves.toBe('Weekly cross-team sync');

    // The share button puts the teammates' link on the clipboard: same board, not the facilitator's own token.
    const shared = await copyInviteLink(a);
    expect(new URL(shared).pathname).toBe(new URL(boardUrl).pathname);
    expect(tokenOf(shared)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenOf(shared)).not.toBe(tokenOf(boardUrl));

    const b = await openPage(PHONE, true);
    await b.goto(shared);
    await b.getByRole('dialog', { name: 'Join the board' }).waitFor();
    await shot(b, 'join-390x844.png');
    await join(b, 'Ben');

    // Each sees the other in the header.
    await a.getByRole('img', { name: 'Ben' }).waitFor();
    await b.getByRole('img', { name: 'Ana Lopez' }).waitFor();

    await addAgendaItem(a, { title: 'Roadmap check-in', owner: 'Ana', timebox: 10 });
    // The new card reads as text in B's browser; both open it to type into it.
    await column(b, 'Agenda').getByRole('heading', { name: 'Roadmap check-in' }).waitFor();
    await openFirstAgendaCard(a);
    await openFirstAgendaCard(b);
    const titleA = column(a, 'Agenda').getByLabel('Topic', { exact: true });
    const titleB = column(b, 'Agenda').getByLabel('Topic', { exact: true });
    await b.getByRole('tab', { name: /Agenda\s*1/ }).waitFor();

    // Both type into the same field at the same time.
    await titleA.click();
    await titleA.press('End');
    await titleB.click();
    await titleB.press('End');
    // Ben's focus shows on Ana's screen as "Ben is editing".
    await column(a, 'Agenda').getByText('Ben is editing').waitFor();
    const typedA = ' alpha one';
    const typedB = ' BRAVO TWO';
    await Promise.all([titleA.pressSequentially(typedA, { delay: 25 }), titleB.pressSequentially(typedB, { delay: 25 })]);

    const expected = sortedChars('Roadmap check-in' + typedA + typedB);
    const finalA = await waitForValue(titleA, (v) => sortedChars(v) === expected, "both people's characters in A");
    const finalB = await waitForValue(titleB, (v) => v === finalA, 'B to converge on the same text as A');
    expect(finalB).toBe(finalA);
    // The caret stayed put while the other person typed: each person's letters are still in their order.
    expect(isSubsequence('Roadmap check-in' + typedA, finalA)).toBe(true);
    expect(isSubsequence('Roadmap check-in' + typedB, finalA)).toBe(true);

    // Everything is still there after a reload.
    await b.reload();
    await column(b, 'Agenda').getByRole('heading', { name: finalA, exact: true }).waitFor();
    await openFirstAgendaCard(b);
    await waitForValue(column(b, 'Agenda').getByLabel('Topic', { exact: true }), (v) => v === finalA, 'the title after a reload');
    await expect(column(b, 'Agenda').getByLabel('Owner', { exact: true }).inputValue()).resolves.toBe('Ana');
    // The name was remembered: no dialog on the second visit.
    expect(await b.getByRole('dialog').count()).toBe(0);
  });

  test('undo takes back only my own changes, not what a teammate typed', async () => {
    const a = await openPage(DESKTOP);
    await createBoardFromHome(a, 'Undo check', '');
    await join(a, 'Ana');
    await addAgendaItem(a, { title: 'Budget' });

    const b = await openPage(DESKTOP);
    await b.goto(await copyInviteLink(a));
    await join(b, 'Ben');
    await openFirstAgendaCard(a);
    await openFirstAgendaCard(b);

    const notesA = column(a, 'Agenda').getByLabel('Notes', { exact: true });
    const notesB = column(b, 'Agenda').getByLabel('Notes', { exact: true });
    // One edit, one undo step: typed key by key, a slow machine can split it into several (Yjs groups by time).
    await notesA.fill('Ana wrote this.');
    await waitForValue(notesB, (v) => v === 'Ana wrote this.', "Ana's notes in B");
    await notesB.click();
    await notesB.press('End');
    await notesB.pressSequentially(' Ben added this.');
    await waitForValue(notesA, (v) => v === 'Ana wrote this. Ben added this.', "Ben's notes in A");

    // Ana undoes with the keyboard: her text goes, Ben's stays, in both browsers.
    await notesA.press('Control+z');
    await waitForValue(notesA, (v) => v === ' Ben added this.', 'the undo in A');
    await waitForValue(notesB, (v) => v === ' Ben added this.', 'the undo in B');
    // Redo (the header button) brings her text back, again for both.
    await a.getByRole('button', { name: 'Redo' }).click();
    await waitForValue(notesB, (v) => v === 'Ana wrote this. Ben added this.', 'the redo in B');
  });

  test('a word composed with an input method arrives whole, without losing what a teammate typed meanwhile', async () => {
    const a = await openPage(DESKTOP);
    await createBoardFromHome(a, 'IME check', '');
    await join(a, 'Ana');
    await addAgendaItem(a, { title: 'Plan' });
    const b = await openPage(DESKTOP);
    await b.goto(await copyInviteLink(a));
    await join(b, 'Ben');
    await openFirstAgendaCard(a);
    await openFirstAgendaCard(b);
    const titleA = column(a, 'Agenda').getByLabel('Topic', { exact: true });
    const titleB = column(b, 'Agenda').getByLabel('Topic', { exact: true });
    await waitForValue(titleB, (v) => v === 'Plan', 'the card in B');

    await titleA.click();
    await titleA.press('End');
    const ime = await a.context().newCDPSession(a);
    await ime.send('Input.imeSetComposition', { text: ' ni', selectionStart: 3, selectionEnd: 3 });
    await ime.send('Input.imeSetComposition', { text: ' nihao', selectionStart: 6, selectionEnd: 6 });
    // Ben edits the same field while Ana's composition is still open.
    await titleB.click();
    await titleB.press('Home');
    await titleB.pressSequentially('Q3 ');
    await waitForValue(titleA, (v) => v.includes(' nihao'), 'the composition to stay on screen');
    // The half-composed word is Ana's alone until she commits it.
    expect(await titleB.inputValue()).toBe('Q3 Plan');
    await ime.send('Input.insertText', { text: ' 你好' });

    await waitForValue(titleA, (v) => v === 'Q3 Plan 你好', "the committed word and Ben's edit in A");
    await waitForValue(titleB, (v) => v === 'Q3 Plan 你好', 'the same text in B');
  });

  test('edits made while offline stay on the board and merge when the connection is back', async () => {
    const a = await openPage(DESKTOP);
    await createBoardFromHome(a, 'Offline check', '');
    await join(a, 'Ana');
    await addAgendaItem(a, { title: 'Travel budget' });
    const b = await openPage(DESKTOP);
    await b.goto(await copyInviteLink(a));
    await join(b, 'Ben');
    const status = (page: Page) => page.getByRole('status').filter({ hasText: /Live|Offline|Connecting|Reconnecting/ });
    await status(a).getByText('Live').waitFor();
    await openFirstAgendaCard(a);
    await openFirstAgendaCard(b);

    await a.context().setOffline(true);
    await status(a).getByText('Offline').waitFor();
    const notesA = column(a, 'Agenda').getByLabel('Notes', { exact: true });
    const notesB = column(b, 'Agenda').getByLabel('Notes', { exact: true });
    await notesA.click();
    await notesA.pressSequentially('offline note');
    await notesB.click();
    await notesB.pressSequentially('online note ');
    // Really apart: neither has seen the other's text yet, and Ana's screen says her changes are not synced.
    expect(await notesA.inputValue()).toBe('offline note');
    expect(await notesB.inputValue()).toBe('online note ');
    await status(a).getByText('Unsynced changes').waitFor();

    await a.context().setOffline(false);
    await status(a).getByText('Live').waitFor();
    const merged = await waitForValue(notesA, (v) => v.includes('offline note') && v.includes('online note'), 'the merge in A');
    await waitForValue(notesB, (v) => v === merged, 'the merge in B');
    // Chrome reports the dropped socket as an error while offline; that is the situation under test.
    e2e.dropErrors(/ERR_INTERNET_DISCONNECTED|WebSocket/);
  });

  test('an unknown board, or a board link without its token, shows a clear message and a way home', async () => {
    const page = await openPage(DESKTOP);
    await page.goto('/b/NoSuchBoard123?token=' + 'x'.repeat(43));
    await page.getByRole('heading', { name: 'This board does not exist' }).waitFor();
    await page.getByRole('link', { name: 'Go to the home page' }).click();
    await page.getByRole('button', { name: 'Create board' }).waitFor();

    const board = await createBoard(e2e.server().url);
    await page.goto(`/b/${board.id}`);
    await page.getByRole('heading', { name: 'This board needs its full link' }).waitFor();
    await page.goto(`/b/${board.id}?token=${'y'.repeat(43)}`);
    await page.getByRole('heading', { name: 'This link no longer works' }).waitFor();
    // Chrome logs the refused API calls (404, 403) as console errors; here they are the point of the test.
    const expected = /Failed to load resource: .*status of (404|403)/;
    e2e.dropErrors(expected);
  });

  test('a board deleted while it is open tells the people on it', async () => {
    const a = await openPage(DESKTOP);
    const url = await createBoardFromHome(a, 'Short-lived', '');
    await join(a, 'Ana');
    await a.getByRole('button', { name: 'Copy invite link' }).waitFor();
    const id = new URL(url).pathname.split('/b/')[1];
    expect((await api(e2e.server().url, 'DELETE', `/api/boards/${id}`, undefined, tokenOf(url)!)).status).toBe(204);
    await a.getByRole('heading', { name: 'This board was deleted' }).waitFor();
  });

  test('the view-only link shows the live board but offers no way to change it', async () => {
    const a = await openPage(DESKTOP);
    await createBoardFromHome(a, 'Viewer check', '');
    await join(a, 'Ana');
    await addAgendaItem(a, { title: 'Quarterly numbers' });
    await a.getByRole('button', { name: 'More sharing options' }).click();
    const viewerLink = await a.getByRole('textbox', { name: 'View only' }).inputValue();
    await shot(a, 'share-panel-1280x800.png');

    const v = await openPage(PHONE, true);
    await v.goto(viewerLink);
    await join(v, 'Vera');
    await v.getByText('View only', { exact: true }).waitFor();
    // The card reads as text: no field, no button, nothing that opens it.
    await column(v, 'Agenda').getByRole('heading', { name: 'Quarterly numbers', exact: true }).waitFor();
    expect(await column(v, 'Agenda').locator('input, textarea, select, button').count()).toBe(0);
    await column(v, 'Agenda').getByRole('heading', { name: 'Quarterly numbers', exact: true }).click();
    expect(await column(v, 'Agenda').getByRole('textbox').count()).toBe(0);
    expect(await v.getByRole('button', { name: 'Add agenda item' }).count()).toBe(0);
    // Still live: the facilitator's typing reaches the viewer.
    await openFirstAgendaCard(a);
    const titleA = column(a, 'Agenda').getByLabel('Topic', { exact: true });
    await titleA.click();
    await titleA.press('End');
    await titleA.pressSequentially(' (draft)');
    await column(v, 'Agenda').getByRole('heading', { name: 'Quarterly numbers (draft)', exact: true }).waitFor();
  });

  test('a populated board reads well on a desktop and on a phone', async () => {
    const a = await openPage(DESKTOP);
    const url = await createBoardFromHome(a, 'Weekly cross-team sync', 'Unblock each other before the 4.2 release');
    await join(a, 'Ana Lopez');
    const id = new URL(url).pathname.split('/b/')[1];
    const token = tokenOf(url)!;

    // Most content through the REST API (same document), one of each through the forms.
    const cards = [
      { column: 'agenda', title: 'Release 4.2 readiness', owner: 'Priya', timebox: 15, notes: 'Go/no-go on Thursday. QA sign-off pending for payments.' },
      { column: 'agenda', title: 'Incident review: checkout latency', owner: 'Marco', timebox: 10 },
      {
        column: 'needs',
        asker: 'Priya',
        addressee: 'Platform team',
        what: 'A staging environment with production-sized data by Wednesday',
        byWhen: '2026-12-02',
      },
      { column: 'needs', asker: 'Marco', addressee: 'Ana', what: 'Review of the rollback runbook', status: 'accepted' },
      {
        column: 'challenges',
        problem: 'Flaky end-to-end tests block merges two or three times a day',
        status: 'moving',
        proposals: ['Quarantine the five worst tests this week', 'Retry once in CI, but report every retry'],
      },
    ];
    for (const card of cards) expect((await api(e2e.server().url, 'POST', `/api/boards/${id}/cards`, card, token)).status).toBe(201);
    await addAgendaItem(a, { title: 'Hiring plan for Q1', owner: 'Ana', timebox: 5 });

    const needs = column(a, 'What I need from you');
    await needs.getByRole('button', { name: 'Add a request' }).click();
    await needs.locator('form').getByLabel('To', { exact: true }).fill('Design');
    await needs.locator('form').getByLabel('What is needed', { exact: true }).fill('Final icons for the onboarding flow');
    await needs.locator('form').getByRole('button', { name: 'Add', exact: true }).click();
    await needs.getByRole('article').nth(2).waitFor();
    // The asker defaults to me.
    await expect(needs.getByRole('article').nth(2).getAttribute('aria-label')).resolves.toBe('Ana Lopez → Design');

    const challenges = column(a, 'Challenges');
    await challenges.getByRole('button', { name: 'Add a challenge' }).click();
    await challenges.locator('form').getByLabel('Problem', { exact: true }).fill('Two teams own the same notification service');
    await challenges.locator('form').getByRole('button', { name: 'Add', exact: true }).click();
    const second = challenges.getByRole('article').nth(1);
    await openCard(second);
    await second.getByLabel('New proposal or comment').fill('Split ownership by channel: email vs push');
    await second.getByRole('button', { name: 'Add proposal' }).click();
    await second.getByRole('textbox', { name: 'Proposal 1' }).waitFor();

    // Reorder: drag the second agenda item to the top with the mouse, then back down with the buttons.
    // (Both cards are in view first: a drag that has to scroll the page starts from the wrong place.)
    const agenda = column(a, 'Agenda');
    const topics = () => agenda.getByRole('article').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    // (The first card goes near the top, below the sticky meeting bar, so the second is in view too.)
    await agenda
      .getByRole('article')
      .first()
      .evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 120));
    await agenda
      .getByRole('article')
      .nth(1)
      .locator('.grip')
      .dragTo(agenda.getByRole('article').first(), { targetPosition: { x: 40, y: 5 } });
    await a.waitForFunction(() => document.querySelector('[data-column=agenda] article')?.getAttribute('aria-label') === 'Incident review: checkout latency');
    const incident = agenda.getByRole('article', { name: 'Incident review: checkout latency' });
    await (await cardMenu(incident)).getByRole('button', { name: 'Move down: Incident review: checkout latency' }).click();
    expect(await topics()).toEqual(['Release 4.2 readiness', 'Incident review: checkout latency', 'Hiring plan for Q1']);

    await (await cardMenu(column(a, 'Agenda').getByRole('article').first())).getByRole('button', { name: 'Make current' }).click();
    await a.getByRole('region', { name: 'Now on' }).waitFor();
    // A calm screenshot: no focus ring, no hover, scrolled to the top.
    await a.mouse.move(0, 0);
    await a.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      window.scrollTo(0, 0);
    });
    await shot(a, 'board-1280x800.png');
    await shot(a, 'board-1280-full.png', true);

    const b = await openPage(PHONE, true);
    await b.goto(await copyInviteLink(a));
    await join(b, 'Ben');
    await column(b, 'Agenda').getByRole('article').nth(2).waitFor();
    await shot(b, 'board-390x844-agenda.png');
    await b.getByRole('tab', { name: /Needs/ }).click();
    await column(b, 'What I need from you').getByRole('article').first().waitFor();
    await shot(b, 'board-390x844-needs.png');
    await b.getByRole('tab', { name: /Challenges/ }).click();
    await column(b, 'Challenges').getByRole('article').first().waitFor();
    await shot(b, 'board-390x844-challenges.png');

    const home = await openPage(PHONE, true);
    await home.goto('/');
    await home.getByRole('heading', { level: 1 }).waitFor();
    await shot(home, 'home-390x844.png');
  });
});
