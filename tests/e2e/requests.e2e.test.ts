/**
 * A request's addressee answers it in the browser: the card says "For you" and offers Accept / Decline / Done;
 * a decline asks why, and the asker's browser shows the reason. Someone else sees where it stands but no way
 * to answer. The From and To fields suggest the people present. Desktop and a 390 px phone, light and dark.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { createCard, type BoardView } from '../../shared/board-schema.js';
import { axeContext, describeViolations, seriousViolations } from '../helpers/axe.js';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { openCard } from '../helpers/cards.js';
import { useE2E } from '../helpers/e2e.js';
import { api, createBoard, type TestBoard } from '../helpers/server.js';
import { connect, synced, waitFor } from '../helpers/yclient.js';

const e2e = useE2E({ stepTimeout: 15_000 });
const { openPage, join, shot } = e2e;

const boardUrl = (board: TestBoard, role: keyof TestBoard['tokens']) => `/b/${board.id}?token=${board.tokens[role]}`;
const card = (page: Page, name: string): Locator => page.getByRole('article', { name });

async function stored(board: TestBoard) {
  return (await api<BoardView>(e2e.server().url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer)).body.columns.needs[0];
}

/** A board with one request, from Priya to Sam. */
async function boardWithRequest(): Promise<TestBoard> {
  const board = await createBoard(e2e.server().url, 'Weekly sync', 'Unblock each other');
  const y = connect(e2e.server().wsUrl, board);
  await synced(y);
  createCard(y.doc, { column: 'needs', asker: 'Priya', addressee: 'Sam', what: 'Q3 churn numbers' }, { createdBy: 'Priya' });
  await waitFor(async () => (await stored(board)) !== undefined, 'the request stored');
  y.destroy();
  return board;
}

describe('a request is answered by its addressee', () => {
  test('Sam sees it as for him, declines with a reason that Priya’s phone shows; Lee sees no answer buttons; names are suggested', async () => {
    const board = await boardWithRequest();
    const sam = await openPage(DESKTOP);
    await sam.goto(boardUrl(board, 'participant'));
    await join(sam, 'Sam');
    const priya = await openPage(PHONE, true);
    await priya.goto(boardUrl(board, 'participant'));
    await join(priya, 'Priya');
    const lee = await openPage(DESKTOP);
    await lee.goto(boardUrl(board, 'participant'));
    await join(lee, 'Lee');

    // Sam's card: "For you", and his answer.
    const mine = card(sam, 'Priya → Sam');
    await mine.getByText('For you', { exact: true }).waitFor();
    const answer = mine.getByRole('group', { name: 'Your answer' });
    for (const name of ['Accept', 'Decline', 'Done']) await answer.getByRole('button', { name, exact: true }).waitFor();
    await shot(sam, 'requests-for-you-1280x800.png');

    // Lee sees where it stands, and nothing to answer with.
    const theirs = card(lee, 'Priya → Sam');
    await theirs.getByText('Status: Open').waitFor();
    await expect(theirs.getByText('For you', { exact: true }).count()).resolves.toBe(0);
    await expect(theirs.getByRole('button', { name: /^(Accept|Decline|Done)$/ }).count()).resolves.toBe(0);

    // Names: the From and To fields suggest the people present (the meeting's roster and presence).
    const suggested = async (page: Page) =>
      card(page, 'Priya → Sam')
        .getByLabel('To', { exact: true })
        .evaluate((input) => [...((input as HTMLInputElement).list?.options ?? [])].map((o) => o.value));
    await openCard(theirs);
    await waitFor(async () => {
      const names = await suggested(lee);
      return ['Sam', 'Priya', 'Lee'].every((n) => names.includes(n));
    }, 'everyone present suggested');
    await lee.keyboard.press('Escape');
    await theirs.locator('.read').waitFor();

    // Sam declines, with a reason; focus goes to the reason, and back to Decline once it is sent.
    await answer.getByRole('button', { name: 'Decline', exact: true }).click();
    const reason = mine.getByLabel('Why not? Priya will see this');
    await waitFor(() => reason.evaluate((el) => el === document.activeElement), 'the reason focused');
    await reason.fill('No data before March');
    await shot(sam, 'requests-declining-1280x800.png');
    await reason.press('Enter');
    await mine.getByText('Declined: No data before March').waitFor();
    await waitFor(() => mine.getByRole('button', { name: 'Decline', exact: true }).evaluate((el) => el === document.activeElement), 'focus back on Decline');
    expect(await mine.getByRole('button', { name: 'Decline', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(await stored(board)).toMatchObject({ status: 'declined', declineReason: 'No data before March', answeredBy: 'Sam' });

    // Priya, the asker, reads the reason on her phone.
    await priya.getByRole('tab', { name: /Needs/ }).click();
    const asked = card(priya, 'Priya → Sam');
    await asked.getByText('Declined: No data before March').waitFor();
    await asked.getByText('Status: Declined').waitFor();
    await expect(asked.getByRole('button', { name: 'Accept', exact: true }).count()).resolves.toBe(0);
    await shot(priya, 'requests-asker-sees-reason-390x844.png', true);

    // Sam thinks again: accepted, then done; Lee's card follows.
    await answer.getByRole('button', { name: 'Accept', exact: true }).click();
    await theirs.getByText('Status: Accepted').waitFor();
    await expect(theirs.getByText(/^Declined:/).count()).resolves.toBe(0);
    await answer.getByRole('button', { name: 'Done', exact: true }).click();
    await theirs.getByText('Status: Done').waitFor();
  }, 90_000);

  test('a facilitator reads the request without answer buttons, and answers for Sam from the opened card', async () => {
    const board = await boardWithRequest();
    const fay = await openPage(DESKTOP);
    await fay.goto(boardUrl(board, 'facilitator'));
    await join(fay, 'Fay');
    const request = card(fay, 'Priya → Sam');
    await request.getByText('Status: Open').waitFor();
    await expect(request.getByRole('button', { name: /^(Accept|Decline|Done)$/ }).count()).resolves.toBe(0);

    await openCard(request);
    await request.getByRole('group', { name: 'Answer for Sam' }).getByRole('button', { name: 'Accept', exact: true }).click();
    await waitFor(async () => (await stored(board))?.status === 'accepted', 'the facilitator’s answer stored');
    expect((await stored(board))?.answeredBy).toBe('Fay');
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`the answer on a request has no serious axe violation, for the addressee on a phone and for others (${colorScheme})`, async () => {
      const board = await boardWithRequest();
      for (const who of ['Sam', 'Lee'] as const) {
        const page = await e2e.pageIn(await axeContext(e2e.browser(), e2e.server().url, { colorScheme, viewport: PHONE, phone: true }));
        await page.goto(boardUrl(board, 'participant'));
        await join(page, who);
        await page.getByRole('tab', { name: /Needs/ }).click();
        const request = card(page, 'Priya → Sam');
        await request.getByText('Status: Open').waitFor();
        if (who === 'Sam') {
          await request.getByRole('button', { name: 'Decline', exact: true }).click();
          await request.getByLabel('Why not? Priya will see this').waitFor();
          await shot(page, `requests-decline-${colorScheme}-390x844.png`);
        }
        const violations = await seriousViolations(page);
        expect(violations, describeViolations(`${who}, ${colorScheme}`, violations)).toEqual([]);
      }
    }, 90_000);
  }
});
