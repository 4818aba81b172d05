/**
 * Running a meeting, end to end: the real server (serving the built client) and real browsers for the
 * facilitator, a participant (on a phone) and a viewer. Screenshots land in dist/screenshots/.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { api, createBoard } from '../helpers/server.js';

const e2e = useE2E({ stepTimeout: 10_000 });

async function open(link: string, name: string, size: { width: number; height: number } = DESKTOP, phone = false): Promise<Page> {
  const page = await e2e.openPage(size, phone);
  await page.goto(link);
  await e2e.join(page, name);
  return page;
}

const column = (page: Page, name: string): Locator => page.getByRole('region', { name: new RegExp(`^${name}`) });
/** The meeting bar that is on screen (the desktop bar, or the phone's bottom bar). */
const bar = (page: Page): Locator => page.getByRole('region', { name: 'Meeting', exact: true }).first();

async function addAgendaItem(page: Page, title: string, timebox?: number): Promise<void> {
  const agenda = column(page, 'Agenda');
  await agenda.getByRole('button', { name: 'Add agenda item' }).click();
  const form = agenda.locator('form.add');
  await form.getByLabel('Topic', { exact: true }).fill(title);
  if (timebox) await form.getByLabel('Timebox (min)', { exact: true }).fill(String(timebox));
  await form.getByRole('button', { name: 'Add', exact: true }).click();
  await form.waitFor({ state: 'detached' });
}

/** The countdown's remaining milliseconds as this page computes it. */
const remaining = (page: Page) =>
  page
    .locator('[role=timer]:visible')
    .first()
    .evaluate((el) => Number((el as HTMLElement).dataset.remainingMs));

/** A calm screenshot: no hover, no focus ring. */
async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await e2e.shot(page, name, fullPage);
}

describe('running a meeting', () => {
  test('the facilitator starts past the purpose gate and walks the agenda; everyone follows the item and its countdown; a raised hand reaches the queue; the viewer only watches', async () => {
    const board = await createBoard(e2e.server().url, 'Release sync', '');
    const fac = await open(board.links.facilitator, 'Fay Facilitator');

    // The purpose gate: Start is disabled, and the bar says what is missing.
    const start = fac.getByRole('button', { name: 'Start meeting' });
    await start.waitFor();
    expect(await start.isDisabled()).toBe(true);
    const gate = fac.locator('#start-gate');
    await gate.getByText('a purpose (under the title)').waitFor();
    await gate.getByText('an agenda item with a timebox').waitFor();

    await addAgendaItem(fac, 'Release readiness', 15);
    await addAgendaItem(fac, 'Incident review', 5);
    await gate.getByText('an agenda item with a timebox').waitFor({ state: 'detached' });
    expect(await start.isDisabled()).toBe(true);
    await fac.getByLabel('Board purpose').fill('Decide go or no-go for 4.2');
    await fac.getByLabel('Board purpose').press('Enter');
    await fac.getByRole('button', { name: 'Start meeting', disabled: false }).waitFor();
    await gate.getByText('a purpose (under the title)').waitFor({ state: 'detached' });

    const par = await open(board.links.participant, 'Pat', PHONE, true);
    const vic = await open(board.links.viewer, 'Vic');
    await bar(par).getByText('Waiting for the facilitator').waitFor();

    await start.click();
    await bar(par).getByText('Check-in', { exact: true }).waitFor();
    await par.getByLabel('Your check-in').fill('Slept well, keen to ship');
    await par.getByRole('button', { name: 'Share' }).click();
    await fac.getByText('Slept well, keen to ship').waitFor();

    await fac.getByRole('button', { name: 'Next: Agenda' }).click();
    await bar(fac)
      .getByRole('button', { name: /Release readiness/ })
      .waitFor();
    await fac.getByRole('button', { name: 'Next item' }).click();
    await bar(fac)
      .getByRole('button', { name: /Incident review/ })
      .waitFor();
    // Moving on starts the item's timebox.
    await fac.getByRole('button', { name: 'Pause timer' }).waitFor();

    // The participant sees the phase, the item (highlighted on the board) and the same countdown.
    await bar(par).getByText('Agenda', { exact: true }).waitFor();
    await bar(par).getByRole('button', { name: 'Incident review' }).waitFor();
    const current = column(par, 'Agenda').getByRole('article', { name: 'Incident review' });
    await current.getByText('Current', { exact: true }).waitFor();
    expect(await current.evaluate((el) => el.classList.contains('highlight'))).toBe(true);
    await par.waitForFunction(() => Number((document.querySelector('[role=timer]') as HTMLElement | null)?.dataset.remainingMs) > 0);
    const [a, b] = await Promise.all([remaining(fac), remaining(par)]);
    expect(a).toBeGreaterThan(4 * 60_000);
    expect(a).toBeLessThanOrEqual(5 * 60_000);
    expect(Math.abs(a - b)).toBeLessThan(1000);
    expect(await vic.getByRole('timer').first().innerText()).toMatch(/^[45]:\d\d$/);

    // A raised hand shows in the facilitator's queue.
    await bar(par).getByRole('button', { name: 'Raise hand' }).click();
    await bar(par).getByRole('button', { name: 'Lower hand' }).waitFor();
    const queue = bar(fac).getByRole('region', { name: 'Speaking queue' });
    await queue.getByText('Pat').waitFor();
    await fac.evaluate(() => window.scrollTo(0, 0));
    await shot(fac, 'meeting-facilitator-1280x800.png');
    await shot(par, 'meeting-participant-390x844.png');
    await queue.getByRole('button', { name: 'Next speaker' }).click();
    await bar(par).getByText('Pat has the floor').waitFor();
    // Their hand came down; with the floor, the hand button gives way to ending the turn themself.
    await bar(par)
      .getByRole('button', { name: /^Done speaking/ })
      .waitFor();

    // The viewer sees the meeting but has nothing to change it with.
    await bar(vic)
      .getByRole('button', { name: /Incident review/ })
      .waitFor();
    expect(await vic.locator('input:enabled:not([readonly]), textarea:enabled:not([readonly]), select:enabled').count()).toBe(0);
    for (const name of ['Raise hand', 'Start timer', 'Pause timer', 'Next item', 'Make current', 'Add agenda item', 'End meeting']) {
      expect(await vic.getByRole('button', { name }).count(), name).toBe(0);
    }
    await shot(vic, 'meeting-viewer-1280x800.png');

    // Ending asks first, then everyone sees the outcome beside the purpose.
    await fac.getByRole('button', { name: 'End meeting' }).click();
    const dialog = fac.getByRole('dialog', { name: 'End the meeting?' });
    await dialog.getByRole('button', { name: 'End meeting' }).click();
    await bar(par).getByText('Ended', { exact: true }).waitFor();
    await par.getByRole('region', { name: 'Outcome' }).getByText('Decide go or no-go for 4.2').waitFor();
  });

  test('in a dot vote nobody can place more than their dots, and the results appear only after the reveal', async () => {
    const board = await createBoard(e2e.server().url, 'Tech debt triage', 'Pick what to fix first');
    const token = board.tokens.facilitator;
    const cards = [
      { column: 'agenda', title: 'Triage', timebox: 20 },
      { column: 'challenges', problem: 'Flaky end-to-end tests' },
      { column: 'challenges', problem: 'Slow local builds' },
      { column: 'challenges', problem: 'Outdated onboarding docs' },
    ];
    for (const card of cards) expect((await api(e2e.server().url, 'POST', `/api/boards/${board.id}/cards`, card, token)).status).toBe(201);

    const fac = await open(board.links.facilitator, 'Fay');
    const par = await open(board.links.participant, 'Pat');
    await fac.getByRole('button', { name: 'Start meeting' }).click();
    await fac.getByRole('button', { name: 'Go to Challenges' }).click();
    await bar(par).getByText('Challenges', { exact: true }).waitFor();

    const facChallenges = column(fac, 'Challenges');
    await facChallenges.getByLabel('Dots each').fill('2');
    await facChallenges.getByRole('button', { name: 'Start dot vote' }).click();

    const challenges = column(par, 'Challenges');
    await challenges.getByText('2 of 2 dots left').waitFor();
    const add = (problem: string) => challenges.getByRole('button', { name: `Add a dot to ${problem}` });
    await add('Slow local builds').click();
    await challenges.getByText('1 of 2 dots left').waitFor();
    await add('Slow local builds').click();
    await challenges.getByText('0 of 2 dots left').waitFor();
    // Out of dots: every + is disabled, and the server would refuse one anyway.
    for (const p of ['Flaky end-to-end tests', 'Slow local builds', 'Outdated onboarding docs']) expect(await add(p).isDisabled(), p).toBe(true);
    // A dot can be taken back and placed elsewhere.
    await challenges.getByRole('button', { name: 'Remove a dot from Slow local builds' }).click();
    await challenges.getByText('1 of 2 dots left').waitFor();
    await add('Flaky end-to-end tests').click();
    await challenges.getByText('0 of 2 dots left').waitFor();

    await facChallenges.getByRole('button', { name: 'Add a dot to Slow local builds' }).click();
    await facChallenges.getByText('2 people have voted').waitFor();
    // Before the reveal nobody sees counts.
    expect(await challenges.getByText(/^\d+ dots?$/).count()).toBe(0);

    await facChallenges.getByRole('button', { name: 'Reveal results' }).click();
    const results = challenges.getByRole('region', { name: 'Dot vote results' }).getByRole('listitem');
    await results.first().waitFor();
    expect(await results.allInnerTexts()).toEqual([
      expect.stringMatching(/#1\s+Slow local builds\s+2 dots/),
      expect.stringMatching(/#2\s+Flaky end-to-end tests\s+1 dot/),
      expect.stringMatching(/#3\s+Outdated onboarding docs\s+0 dots/),
    ]);
    await challenges.getByRole('button', { name: 'Sort by dots' }).click();
    const problems = () => challenges.getByRole('article').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    await par.waitForFunction(() => document.querySelector('[data-column=challenges] article')?.getAttribute('aria-label') === 'Slow local builds');
    expect(await problems()).toEqual(['Slow local builds', 'Flaky end-to-end tests', 'Outdated onboarding docs']);
    await shot(par, 'meeting-vote-results-1280x800.png');

    await facChallenges.getByRole('button', { name: 'End vote' }).click();
    await challenges.getByRole('region', { name: 'Dot vote results' }).waitFor({ state: 'detached' });
  });

  test('hidden cards stay with their author until the facilitator reveals them', async () => {
    const board = await createBoard(e2e.server().url, 'Retro', 'Learn from the release');
    expect(
      (await api(e2e.server().url, 'POST', `/api/boards/${board.id}/cards`, { column: 'agenda', title: 'Retro', timebox: 30 }, board.tokens.facilitator))
        .status,
    ).toBe(201);
    const fac = await open(board.links.facilitator, 'Fay');
    const par = await open(board.links.participant, 'Sam');
    await fac.getByRole('button', { name: 'Start meeting' }).click();
    await column(fac, 'Challenges').getByRole('switch', { name: 'Hidden writing' }).check();

    const challenges = column(par, 'Challenges');
    await challenges.getByText('Hidden writing: new cards stay private').waitFor();
    await challenges.getByRole('button', { name: 'Add hidden card' }).click();
    await challenges.locator('form.add').getByLabel('Problem', { exact: true }).fill('Nobody owns the release checklist');
    await challenges.locator('form.add').getByRole('button', { name: 'Add', exact: true }).click();
    const mine = challenges.getByRole('region', { name: 'Your hidden cards' });
    await mine.getByText('Nobody owns the release checklist').waitFor();
    await mine.getByText('Only you can see this until the facilitator reveals').waitFor();

    const facChallenges = column(fac, 'Challenges');
    await facChallenges.getByText('Sam is writing 1 hidden card').waitFor();
    expect(await fac.getByText('Nobody owns the release checklist').count()).toBe(0);
    await shot(par, 'meeting-hidden-1280x800.png');

    await facChallenges.getByRole('button', { name: 'Reveal 1 hidden card' }).click();
    for (const page of [fac, par]) {
      await page.waitForFunction(
        () => document.querySelector('[data-column=challenges] article')?.getAttribute('aria-label') === 'Nobody owns the release checklist',
      );
    }
    await mine.waitFor({ state: 'detached' });
  });
});
