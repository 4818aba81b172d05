/**
 * Asking another team from the board, end to end: on a request card of one series' meeting a participant
 * pastes a link of another series; the request lands on that series' open meeting and the card names the
 * team. A link that is not one, and a facilitator's escalation dialog, too. Screenshots of the dialogs at
 * desktop and phone width.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createCard } from '../../shared/board-schema.js';
import type { BoardResponse } from '../../shared/api-schemas.js';
import type { CreateSeriesResponse } from '../../shared/series.js';
import type { SeriesAsksResponse } from '../../shared/series-asks.js';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { api } from '../helpers/server.js';
import { cardMenu } from '../helpers/cards.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

const e2e = useE2E({ stepTimeout: 10_000 });
const { openPage, join, shot } = e2e;

const clients: YClient[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.destroy()));

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

async function createSeries(name: string) {
  const res = await api<CreateSeriesResponse>(e2e.server().url, 'POST', '/api/series', {
    name,
    cadence: 'FREQ=WEEKLY;BYDAY=TH',
    firstDate: '2030-01-01',
    startTime: '10:00',
    timezone: 'Europe/Berlin',
  });
  expect(res.status).toBe(201);
  const { links } = res.body;
  return {
    id: res.body.series.id,
    boardId: res.body.meetings[0].boardId,
    links,
    tokens: { facilitator: tokenOf(links.facilitator), participant: tokenOf(links.participant), viewer: tokenOf(links.viewer) },
  };
}

describe('asking another team from the board', () => {
  test('a participant pastes the other series’ link on a request; it lands on that team’s open meeting and the card names the team', async () => {
    const support = await createSeries('Support weekly');
    const management = await createSeries('Management');
    const y = connect(e2e.server().wsUrl, { id: support.boardId, tokens: support.tokens }, support.tokens.participant);
    clients.push(y);
    await synced(y);
    const cardId = createCard(y.doc, { column: 'needs', asker: 'Ana', addressee: 'Mia', what: 'Budget for a second on-call laptop' });
    createCard(y.doc, { column: 'challenges', problem: 'Pager load is burning people out', proposals: ['Hire a second on-call'] });

    for (const [size, label] of [
      [DESKTOP, '1280'],
      [PHONE, '390'],
    ] as const) {
      const page = await openPage(size, size === PHONE);
      await page.goto(`/b/${support.boardId}?token=${support.tokens.facilitator}`);
      await join(page, 'Mia Chen');
      // On a phone the columns are tabs.
      if (size === PHONE) await page.getByRole('tab', { name: /Challenges/ }).click();
      const challenge = page.getByRole('article', { name: /Pager load/ });
      await (await cardMenu(challenge)).getByRole('button', { name: 'Escalate…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Escalate this challenge' });
      await expect.poll(() => dialog.isVisible()).toBe(true);
      await shot(page, `asks-escalate-dialog-${label}.png`);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => dialog.isVisible()).toBe(false);
    }

    const page = await openPage(DESKTOP);
    await page.goto(`/b/${support.boardId}?token=${support.tokens.participant}`);
    await join(page, 'Ana Lopez');
    const request = page.getByRole('article', { name: 'Ana → Mia' });
    // A participant may ask; escalating is the facilitator's.
    const escalateMenu = await cardMenu(page.getByRole('article', { name: /Pager load/ }));
    await escalateMenu.getByRole('button', { name: /^Delete: / }).waitFor();
    expect(await escalateMenu.getByRole('button', { name: 'Escalate…' }).count()).toBe(0);
    await (await cardMenu(request)).getByRole('button', { name: 'Ask another team…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Ask another team' });
    const link = dialog.getByLabel('Link of the other team’s series');
    await link.fill('just some words');
    await dialog.getByRole('button', { name: 'Send request' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('That is not a series or meeting link with its token.');
    await shot(page, 'asks-ask-dialog-error-1280.png');
    await link.fill(management.links.participant);
    await shot(page, 'asks-ask-dialog-1280.png');
    await dialog.getByRole('button', { name: 'Send request' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    // The card now names the team it went to, and offers no second ask.
    await expect.poll(() => request.getByText('Team: Management').isVisible()).toBe(true);
    await expect.poll(async () => (await cardMenu(request)).getByRole('button', { name: 'Ask another team…' }).count()).toBe(0);

    // It is on the other team's open meeting, once.
    const server = e2e.server();
    await waitFor(async () => {
      const b = await api<BoardResponse>(server.url, 'GET', `/api/boards/${management.boardId}`, undefined, management.tokens.viewer);
      return b.body.columns.needs.filter((n) => n.team === 'Support weekly' && n.what === 'Budget for a second on-call laptop').length === 1;
    }, 'the request on the other team’s meeting');
    const made = await api<SeriesAsksResponse>(server.url, 'GET', `/api/series/${support.id}/asks`, undefined, support.tokens.viewer);
    expect(made.body.made).toMatchObject([{ toSeriesName: 'Management', status: 'open', placed: true }]);
    const source = await api<BoardResponse>(server.url, 'GET', `/api/boards/${support.boardId}`, undefined, support.tokens.viewer);
    expect(source.body.columns.needs.find((n) => n.id === cardId)).toMatchObject({ team: 'Management', askId: made.body.made[0].id });

    const phone = await openPage(PHONE, true);
    await phone.goto(`/b/${support.boardId}?token=${support.tokens.participant}`);
    await join(phone, 'Sam Park');
    const other = createCard(y.doc, { column: 'needs', asker: 'Sam', addressee: 'Lee', what: 'Load test numbers' });
    expect(other).toBeTruthy();
    await phone.getByRole('tab', { name: /Needs/ }).click();
    await (await cardMenu(phone.getByRole('article', { name: 'Sam → Lee' }))).getByRole('button', { name: 'Ask another team…' }).click();
    const small = phone.getByRole('dialog', { name: 'Ask another team' });
    await small.getByLabel('Link of the other team’s series').fill(management.links.participant);
    await shot(phone, 'asks-ask-dialog-390.png');
  }, 90_000);
});
