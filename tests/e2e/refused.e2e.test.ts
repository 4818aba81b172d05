/**
 * A change the server refuses (here: the board is full) is not retried in a loop: the page says why and offers
 * to discard what this device holds unsaved, after which the board opens as the server has it.
 */
import { describe, expect, test } from 'vitest';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { api, createBoard } from '../helpers/server.js';

// 64 KiB is the smallest board the server allows; six full-length challenges nearly fill it.
const e2e = useE2E({ server: { maxBoardBytes: 64 * 1024 } });
const { openPage, join, shot } = e2e;

describe('a refused change', () => {
  for (const [size, label] of [
    [DESKTOP, 'desktop'],
    [PHONE, 'phone'],
  ] as const) {
    test(`a full board says why a change was not saved and recovers by discarding it (${label})`, async () => {
      const server = e2e.server();
      const board = await createBoard(server.url, 'Nearly full');
      for (let i = 0; i < 6; i++) {
        const res = await api(
          server.url,
          'POST',
          `/api/boards/${board.id}/cards`,
          { column: 'challenges', problem: `Challenge ${i} ${'x'.repeat(9_900)}` },
          board.tokens.participant,
        );
        expect(res.status).toBe(201);
      }
      const page = await openPage(size, label === 'phone');
      await page.goto(`/b/${board.id}?token=${board.tokens.participant}`);
      await join(page, 'Ana');
      if (label === 'phone') await page.getByRole('tab', { name: 'Challenges' }).click();
      const challenges = page.getByRole('region', { name: /^Challenges/ });
      await challenges.getByRole('button', { name: 'Add a challenge' }).click();
      await challenges
        .locator('form')
        .getByLabel('Problem', { exact: true })
        .fill(`One too many ${'y'.repeat(9_000)}`);
      await challenges.locator('form').getByRole('button', { name: 'Add', exact: true }).click();

      const alert = page.getByRole('heading', { name: 'Your last change could not be saved' });
      await alert.waitFor();
      await expect.poll(() => page.getByText(/this board is full \(64 KB at most\)/).count()).toBe(1);
      await shot(page, `refused-change-${label}.png`);
      // Nothing of it reached the server.
      const stored = await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
      expect(stored.body.columns.challenges).toHaveLength(6);

      await page.getByRole('button', { name: 'Discard unsaved changes and reload' }).click();
      await page.waitForLoadState('load');
      if (label === 'phone') await page.getByRole('tab', { name: 'Challenges' }).click();
      // The board as the server has it: six challenges, without the refused one.
      const problems = () =>
        page
          .getByRole('region', { name: /^Challenges/ })
          .getByRole('article')
          .evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? '').split(' ').slice(0, 2).join(' ')));
      await expect.poll(problems).toEqual(['Challenge 0', 'Challenge 1', 'Challenge 2', 'Challenge 3', 'Challenge 4', 'Challenge 5']);
      expect(await alert.count()).toBe(0);
    });
  }
});
