/**
 * The meeting flows, end to end: follow mode follows the phase, the wrap-up reads the decisions back, the
 * end shows the way on, the timer counts overtime, moving on offers "done?", sorting by dots, and the
 * speaker yields the floor. A real server (with a clock the test moves) and real browsers: the facilitator
 * on a desktop, a participant on a phone, a viewer. Screenshots land in dist/screenshots/.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { api, createBoard, type TestBoard, addCard as addCardOver, addDecision as addDecisionOver } from '../helpers/server.js';
import { waitFor } from '../helpers/yclient.js';

const clock = new FakeClock(Date.now());
// The summary webhook of the "way on" test posts to a receiver on loopback.
const e2e = useE2E({ stepTimeout: 10_000, deps: { clock }, server: { webhookAllowHosts: '127.0.0.1' } });

async function open(link: string, name: string, size: { width: number; height: number } = DESKTOP, phone = false): Promise<Page> {
  const page = await e2e.openPage(size, phone);
  await page.goto(link);
  await e2e.join(page, name);
  return page;
}

const column = (page: Page, name: string): Locator => page.getByRole('region', { name: new RegExp(`^${name}`) });
/** The meeting bar that is on screen (the desktop bar, or the phone's bottom bar). */
const bar = (page: Page): Locator => page.locator('section[aria-label="Meeting"]:visible').first();
const tab = (page: Page, name: string): Locator => page.getByRole('tab', { name: new RegExp(`^${name}`) });
/** The ids of the challenges in the order this page shows them. */
const challengeOrder = (page: Page) =>
  page.locator('[data-column=challenges] article[data-card-id]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.cardId));

/** Whether the element is within the page's viewport (at least partly). */
const onScreen = (l: Locator) =>
  l.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight && r.height > 0;
  });

/** A calm screenshot: no hover, no focus ring. */
async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await e2e.shot(page, name, fullPage);
}

const addCard = (board: TestBoard, body: Record<string, unknown>) => addCardOver(e2e.server().url, board, body);
const addDecision = (board: TestBoard, cardId: string, text: string) => addDecisionOver(e2e.server().url, board, cardId, text);
const phase = async (fac: Page, name: string) => fac.getByRole('button', { name: `Go to ${name}` }).click();

describe('the meeting flows', () => {
  test('followers are taken to each phase: a phone switches to the Needs and Challenges tabs, a dot vote comes into view, a detached follower stays put; after the end no "Now on" banner is left', async () => {
    const board = await createBoard(e2e.server().url, 'Platform sync', 'Agree what ships next');
    await addCard(board, { column: 'agenda', title: 'Release train', timebox: 10 });
    await addCard(board, { column: 'needs', what: 'Review of the API change', asker: 'Pat', addressee: 'Fay' });
    for (let i = 1; i <= 6; i++) await addCard(board, { column: 'challenges', problem: `Challenge number ${i}` });

    const fac = await open(board.links.facilitator, 'Fay');
    const par = await open(board.links.participant, 'Pat', PHONE, true);
    const vic = await open(board.links.viewer, 'Vic');
    await fac.getByRole('button', { name: 'Start meeting' }).click();
    await bar(par).getByText('Check-in', { exact: true }).waitFor();
    await shot(par, 'flow-follow-checkin-390x844.png');

    await phase(fac, 'Agenda');
    await bar(par).getByRole('button', { name: 'Release train' }).waitFor();
    await tab(par, 'Agenda').and(par.locator('[aria-selected=true]')).waitFor();

    await phase(fac, 'Needs');
    await tab(par, 'Needs').and(par.locator('[aria-selected=true]')).waitFor();
    expect(await onScreen(column(par, 'What I need'))).toBe(true);
    await shot(par, 'flow-follow-needs-390x844.png');
    await shot(vic, 'flow-follow-needs-1280x800.png');

    await phase(fac, 'Challenges');
    await tab(par, 'Challenges').and(par.locator('[aria-selected=true]')).waitFor();
    await shot(par, 'flow-follow-challenges-390x844.png');

    // The participant looks at the agenda on their own; a dot vote starting brings them back to it.
    await tab(par, 'Agenda').click();
    await par.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await column(fac, 'Challenges').getByRole('button', { name: 'Start dot vote' }).click();
    await tab(par, 'Challenges').and(par.locator('[aria-selected=true]')).waitFor();
    const vote = par.getByRole('region', { name: 'Dot vote open' });
    await vote.waitFor();
    await par.waitForFunction(() => {
      const r = document.querySelector('[data-follow=vote]')?.getBoundingClientRect();
      return !!r && r.top >= 0 && r.bottom <= window.innerHeight;
    });
    expect(await onScreen(vic.getByRole('region', { name: 'Dot vote open' }))).toBe(true);
    await shot(par, 'flow-follow-vote-390x844.png');
    await shot(vic, 'flow-follow-vote-1280x800.png');

    // Detached: the phase moves on without them; re-attaching goes where the meeting is.
    await bar(par).getByRole('button', { name: 'Following facilitator' }).click();
    await bar(par)
      .getByRole('button', { name: /Detached/ })
      .waitFor();
    await column(fac, 'Challenges').getByRole('button', { name: 'End vote' }).click();
    await phase(fac, 'Needs');
    await bar(par).getByText('Needs', { exact: true }).waitFor();
    expect(await tab(par, 'Challenges').getAttribute('aria-selected')).toBe('true');
    await bar(par)
      .getByRole('button', { name: /Detached/ })
      .click();
    await tab(par, 'Needs').and(par.locator('[aria-selected=true]')).waitFor();

    await phase(fac, 'Wrap-up');
    await par.getByRole('region', { name: 'Wrap-up' }).waitFor();
    expect(await onScreen(par.getByRole('region', { name: 'Wrap-up' }))).toBe(true);

    // The end: the item the meeting was on is no longer "now" anywhere.
    await fac.getByRole('button', { name: 'End meeting' }).click();
    await fac.getByRole('dialog', { name: 'End the meeting?' }).getByRole('button', { name: 'End meeting' }).click();
    for (const page of [fac, par, vic]) {
      await page.getByRole('region', { name: 'Outcome' }).waitFor();
      expect(await page.getByRole('region', { name: 'Now on' }).count()).toBe(0);
    }
  }, 90_000);

  test('the wrap-up reads back every decision with its owner and date; an item with no owner or an unread date is fixed right there', async () => {
    const board = await createBoard(e2e.server().url, 'Launch review', 'Decide the launch plan');
    const item = await addCard(board, { column: 'agenda', title: 'Launch plan', timebox: 15 });
    await addDecision(board, item, '@Priya ships the FAQ page by 2026-12-04');
    await addDecision(board, item, 'Publish the release notes');
    await addDecision(board, item, '@Sam calls the supplier by the Q3 offsite');

    const fac = await open(board.links.facilitator, 'Fay');
    const par = await open(board.links.participant, 'Pat', PHONE, true);
    const vic = await open(board.links.viewer, 'Vic');
    await fac.getByRole('button', { name: 'Start meeting' }).click();
    await phase(fac, 'Wrap-up');

    const readback = (page: Page) => page.getByRole('region', { name: /^Decisions \d+ decisions?$/ });
    const row = (page: Page, text: string) => readback(page).getByRole('listitem').filter({ hasText: text });
    await readback(par).getByText('2 action items need attention').waitFor();
    expect(await readback(par).getByRole('listitem').count()).toBe(3);
    await row(par, 'ships the FAQ page').getByText('Priya', { exact: true }).waitFor();
    await row(par, 'ships the FAQ page').getByText(/Dec 4/).waitFor();
    await row(par, 'Publish the release notes').getByText('No owner').waitFor();
    await row(par, 'calls the supplier').getByText('Date not understood: “by the Q3 offsite”').waitFor();
    // The viewer sees the same warnings, with nothing to change them with.
    await readback(vic).getByText('2 action items need attention').waitFor();
    expect(await readback(vic).locator('input').count()).toBe(0);
    await shot(par, 'flow-wrapup-warnings-390x844.png', true);

    // The participant names an owner; the facilitator picks the date.
    const owner = par.getByLabel('Owner of “Publish the release notes”');
    await owner.fill('Lee');
    await owner.press('Enter');
    await row(fac, 'Publish the release notes').getByText('Lee', { exact: true }).waitFor();
    await readback(fac).getByText('1 action item needs attention').waitFor();
    await fac.getByLabel('Due date of “@Sam calls the supplier by the Q3 offsite”').fill('2026-12-11');
    await readback(par).getByText('Every action item has an owner, and every date was understood.').waitFor();
    await row(par, 'calls the supplier')
      .getByText(/Dec 11/)
      .waitFor();
    await fac.evaluate(() => window.scrollTo(0, 0));
    await shot(fac, 'flow-wrapup-fixed-1280x800.png', true);
    await shot(par, 'flow-wrapup-fixed-390x844.png', true);

    // The server's action items say the same: the fixes went through the decisions themselves.
    await waitFor(async () => {
      const items = (await api(e2e.server().url, 'GET', `/api/boards/${board.id}/actions`, undefined, board.tokens.viewer)).body.actionItems as {
        text: string;
        owners: string[];
        due: string | null;
      }[];
      const notes = items.find((i) => i.text === 'Publish the release notes');
      const supplier = items.find((i) => i.text.includes('calls the supplier'));
      return notes?.owners.join() === 'Lee' && supplier?.due === '2026-12-11';
    }, 'the action items carry the fixes');
  }, 90_000);

  test('ending the meeting shows the way on: the action list, the summary, printing it, and for the facilitator sending it', async () => {
    const posts: string[] = [];
    const hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        posts.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      const board = await createBoard(e2e.server().url, 'Ops weekly', 'Keep the lights on');
      const item = await addCard(board, { column: 'agenda', title: 'Incidents', timebox: 10 });
      await addDecision(board, item, '@Sam writes the postmortem by 2026-12-04');
      const fac = await open(board.links.facilitator, 'Fay');
      const par = await open(board.links.participant, 'Pat', PHONE, true);
      const vic = await open(board.links.viewer, 'Vic');
      await fac.getByRole('button', { name: 'Start meeting' }).click();
      await fac.getByRole('button', { name: 'End meeting' }).click();
      await fac.getByRole('dialog', { name: 'End the meeting?' }).getByRole('button', { name: 'End meeting' }).click();

      const wayOn = (page: Page) => page.getByRole('region', { name: 'What happens next' });
      for (const page of [fac, par, vic]) {
        for (const name of ['Action list', 'Summary', 'Print the summary']) await wayOn(page).getByRole('link', { name, exact: true }).waitFor();
      }
      // Sending is the facilitator's: without a webhook, the way to set one up.
      await wayOn(fac).getByRole('link', { name: 'Set up sending to chat' }).waitFor();
      for (const page of [par, vic]) expect(await wayOn(page).getByRole('button').count()).toBe(0);
      await shot(fac, 'flow-end-1280x800.png');
      await shot(par, 'flow-end-390x844.png');

      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      expect((await api(e2e.server().url, 'PUT', `/api/boards/${board.id}/webhook`, { url }, board.tokens.facilitator)).status).toBe(200);
      await fac.reload();
      await wayOn(fac).getByRole('button', { name: 'Send the summary to chat' }).click();
      await wayOn(fac).getByText('Summary is on its way.').waitFor();
      await waitFor(() => posts.length === 1, 'the summary posted');
      expect(JSON.parse(posts[0]).text).toContain('Ops weekly');

      // The participant's way on: the action list, and the summary straight to the print dialog.
      await wayOn(par).getByRole('link', { name: 'Action list' }).click();
      await par.waitForURL(/\/actions\?token=/);
      await par.getByText('writes the postmortem').first().waitFor();
      await par.goBack();
      // Printing is recorded instead of opening the browser's dialog.
      await par.evaluate(() => (window.print = () => ((window as unknown as { printed: number }).printed = 1)));
      await wayOn(par).getByRole('link', { name: 'Print the summary' }).click();
      await par.waitForURL(/\/summary\?token=.*&print=1/);
      await par.waitForFunction(() => (window as unknown as { printed?: number }).printed === 1);
    } finally {
      hook.close();
    }
  }, 90_000);

  test('the timer counts the time over, distinct and announced once; moving on offers the facilitator to mark the item done and starts the next timebox', async () => {
    const board = await createBoard(e2e.server().url, 'Design crit', 'Pick a direction');
    const first = await addCard(board, { column: 'agenda', title: 'Navigation', timebox: 5 });
    await addCard(board, { column: 'agenda', title: 'Colours', timebox: 10 });
    const fac = await open(board.links.facilitator, 'Fay');
    const par = await open(board.links.participant, 'Pat', PHONE, true);
    await fac.getByRole('button', { name: 'Start meeting' }).click();
    await phase(fac, 'Agenda');
    await fac.getByRole('button', { name: 'Start timer' }).click();
    await fac.getByRole('button', { name: 'Pause timer' }).waitFor();

    clock.advance(5 * 60_000 + 130_000);
    for (const page of [fac, par]) {
      const timer = bar(page).getByRole('timer');
      await timer.and(page.getByText(/^\+\d+:\d\d$/)).waitFor();
      expect(Number(await timer.getAttribute('data-overtime-ms'))).toBeGreaterThanOrEqual(130_000);
      expect(await timer.getAttribute('aria-label')).toMatch(/^\d+:\d\d over time$/);
      await bar(page).getByText('over', { exact: true }).waitFor();
    }
    // Said once, in the announcements; the overtime ticks on silently.
    const told = par.getByRole('status', { name: 'Meeting announcements' }).getByText('Time is up for “Navigation”. The timer now counts the time over.');
    await told.waitFor();
    const before = Number(await bar(par).getByRole('timer').getAttribute('data-overtime-ms'));
    await par.waitForFunction((ms) => Number(document.querySelector('[data-overtime-ms]:not([hidden])')?.getAttribute('data-overtime-ms')) > ms + 1000, before);
    expect(await told.count()).toBe(1);
    await shot(fac, 'flow-overtime-1280x800.png');
    await shot(par, 'flow-overtime-390x844.png');

    await fac.getByRole('button', { name: 'Next item' }).click();
    const offer = fac.getByRole('group', { name: 'Moved on. Is “Navigation” done?' });
    await offer.waitFor();
    // The next item's time runs at once, for everyone.
    await bar(par).getByRole('button', { name: 'Colours' }).waitFor();
    await bar(par)
      .getByRole('timer')
      .and(par.getByText(/^(10:00|9:\d\d)$/))
      .waitFor();
    await fac.getByRole('button', { name: 'Pause timer' }).waitFor();
    expect(await par.getByRole('group', { name: /Moved on/ }).count()).toBe(0);
    await shot(fac, 'flow-next-item-offer-1280x800.png');
    await offer.getByRole('button', { name: 'Mark done' }).click();
    await offer.waitFor({ state: 'detached' });
    await waitFor(async () => {
      const view = (await api(e2e.server().url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer)).body;
      return view.columns.agenda.find((c: { id: string; done: boolean }) => c.id === first)?.done === true;
    }, 'the item is done on the board');
  }, 90_000);

  test('after a dot vote the facilitator sorts the challenges for everyone; a participant sorts only their own view, and is told so', async () => {
    const board = await createBoard(e2e.server().url, 'Tech debt', 'Pick what to fix first');
    await addCard(board, { column: 'agenda', title: 'Triage', timebox: 20 });
    const ids: string[] = [];
    for (const problem of ['Flaky tests', 'Slow builds', 'Old docs']) ids.push(await addCard(board, { column: 'challenges', problem }));
    const [flaky, slow, docs] = ids;
    const fac = await open(board.links.facilitator, 'Fay');
    const par = await open(board.links.participant, 'Pat', PHONE, true);
    await fac.getByRole('button', { name: 'Start meeting' }).click();
    await phase(fac, 'Challenges');
    const facChallenges = column(fac, 'Challenges');
    await facChallenges.getByLabel('Dots each').fill('2');
    await facChallenges.getByRole('button', { name: 'Start dot vote' }).click();
    const parChallenges = column(par, 'Challenges');
    await parChallenges.getByRole('button', { name: 'Add a dot to Old docs' }).click();
    await parChallenges.getByText('1 of 2 dots left').waitFor();
    await parChallenges.getByRole('button', { name: 'Add a dot to Old docs' }).click();
    await parChallenges.getByText('0 of 2 dots left').waitFor();
    await facChallenges.getByRole('button', { name: 'Add a dot to Slow builds' }).click();
    await facChallenges.getByText('2 people have voted').waitFor();
    await facChallenges.getByRole('button', { name: 'Reveal results' }).click();

    // The participant's own view, said to be theirs alone; the board stays in its order for everyone else.
    const mine = parChallenges.getByRole('button', { name: 'Sort by dots (only for you)' });
    await mine.click();
    await par.waitForFunction((id) => document.querySelector('[data-column=challenges] article[data-card-id]')?.getAttribute('data-card-id') === id, docs);
    expect(await challengeOrder(par)).toEqual([docs, slow, flaky]);
    expect(await challengeOrder(fac)).toEqual([flaky, slow, docs]);
    expect(await parChallenges.getByRole('button', { name: 'Sort by dots for everyone' }).count()).toBe(0);
    await mine.click();
    await par.waitForFunction((id) => document.querySelector('[data-column=challenges] article[data-card-id]')?.getAttribute('data-card-id') === id, flaky);
    await shot(par, 'flow-sort-only-for-you-390x844.png');

    await facChallenges.getByRole('button', { name: 'Sort by dots for everyone' }).click();
    for (const page of [fac, par]) {
      await page.waitForFunction((id) => document.querySelector('[data-column=challenges] article[data-card-id]')?.getAttribute('data-card-id') === id, docs);
      expect(await challengeOrder(page)).toEqual([docs, slow, flaky]);
    }
    await par.getByText('Fay sorted the challenges by dots, for everyone.').waitFor();
    await shot(fac, 'flow-sorted-for-everyone-1280x800.png');
  }, 90_000);

  test('whoever has the floor yields it themself, and the next raised hand has it', async () => {
    const board = await createBoard(e2e.server().url, 'Standup', 'Share blockers');
    await addCard(board, { column: 'agenda', title: 'Blockers', timebox: 15 });
    const fac = await open(board.links.facilitator, 'Fay');
    const par = await open(board.links.participant, 'Pat', PHONE, true);
    const ana = await open(board.links.participant, 'Ana');
    const vic = await open(board.links.viewer, 'Vic');
    await fac.getByRole('button', { name: 'Start meeting' }).click();
    await phase(fac, 'Agenda');
    await bar(par).getByRole('button', { name: 'Raise hand' }).click();
    await bar(par).getByRole('button', { name: 'Lower hand' }).waitFor();
    await bar(ana).getByRole('button', { name: 'Raise hand' }).click();
    await bar(ana)
      .getByRole('button', { name: /Lower hand/ })
      .waitFor();
    await fac.getByRole('button', { name: 'Next speaker' }).click();

    const done = bar(par).getByRole('button', { name: 'Done speaking: give the floor to the next hand' });
    await done.waitFor();
    await shot(par, 'flow-yield-390x844.png');
    await done.click();
    await bar(par).getByText('Ana has the floor').waitFor();
    await bar(par).getByRole('button', { name: 'Raise hand' }).waitFor();
    await bar(ana)
      .getByRole('button', { name: /^Done speaking/ })
      .waitFor();
    await shot(ana, 'flow-yield-1280x800.png');
    expect(await vic.getByRole('button', { name: /Done speaking/ }).count()).toBe(0);
    await bar(ana)
      .getByRole('button', { name: /^Done speaking/ })
      .click();
    await bar(ana).getByRole('button', { name: 'Raise hand' }).waitFor();
    expect(await fac.getByText(/has the floor/).count()).toBe(0);
  }, 90_000);
});
