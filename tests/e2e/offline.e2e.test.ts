/**
 * Every participant counts, end to end: a board that keeps working without a network (reload included),
 * boards that start from a template, and the agenda on paper before the meeting. Real server, real
 * Chromium; screenshots and the agenda's PDF land in dist/screenshots/.
 */
import fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { openCard } from '../helpers/cards.js';

const e2e = useE2E();
const { openPage, join, shot } = e2e;

const column = (page: Page, name: string): Locator => page.getByRole('region', { name: new RegExp(`^${name}`) });
const status = (page: Page) => page.getByRole('status').filter({ hasText: /Live|Offline|Connecting|Reconnecting/ });
const notice = (page: Page) => page.getByTestId('offline-notice');
/** The note typed and the card added offline: two changes (or more, if typing was slow enough to split). */
const PENDING = /(?:[2-9]|\d{2,}) changes not yet synced — they are saved on this device/;
const boardIdOf = (url: string) => new URL(url).pathname.split('/')[2];

async function addAgendaItem(page: Page, title: string): Promise<void> {
  const agenda = column(page, 'Agenda');
  await agenda.getByRole('button', { name: 'Add agenda item' }).click();
  await agenda.locator('form').getByLabel('Topic', { exact: true }).fill(title);
  await agenda.locator('form').getByRole('button', { name: 'Add', exact: true }).click();
  await agenda.locator('form').waitFor({ state: 'detached' });
}

/** The agenda card whose topic is `title`. */
const agendaCard = (page: Page, title: string): Locator => column(page, 'Agenda').getByRole('article', { name: title, exact: true });

async function waitForValue(field: Locator, predicate: (v: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  let last = '';
  while (Date.now() < deadline) {
    last = await field.inputValue().catch(() => '');
    if (predicate(last)) return last;
    await field.page().waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/**
 * Resolves once every write y-indexeddb has issued for the board is committed: a read-only transaction on
 * the same store starts only after the read-write ones created before it have finished.
 */
async function localCopyWritten(page: Page, boardId: string): Promise<number> {
  return page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('updates', 'readonly');
          const count = tx.objectStore('updates').count();
          tx.oncomplete = () => {
            db.close();
            resolve(count.result);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    `meshboard:board:${boardId}`,
  );
}

/** Drops the console noise a browser makes while it is offline on purpose (failed sockets and fetches). */
function dropOfflineNoise(): void {
  e2e.dropErrors(/ERR_INTERNET_DISCONNECTED|ERR_NAME_NOT_RESOLVED|WebSocket|Failed to fetch/);
}

describe('offline, templates and the agenda on paper', () => {
  test('an offline reload still shows the board with my offline edits, and they merge with others’ when the network is back', async () => {
    const a = await openPage(DESKTOP);
    await a.goto('/');
    await a.getByLabel('Board title').fill('Offline-proof sync');
    await a.getByRole('button', { name: 'Create board' }).click();
    await a.waitForURL(/\/b\/[A-Za-z0-9_-]+\?token=/);
    const id = boardIdOf(a.url());
    await join(a, 'Ana');
    await status(a).getByText('Live').waitFor();
    await addAgendaItem(a, 'Kickoff');
    // The app shell is on the device once the service worker is active.
    await a.evaluate(() => navigator.serviceWorker.ready.then(() => true));

    await a.getByRole('button', { name: 'Copy invite link' }).click();
    const invite = await a.evaluate(() => navigator.clipboard.readText());
    const b = await openPage(PHONE, true);
    await b.goto(invite);
    await join(b, 'Ben');
    const notesA = () => agendaCard(a, 'Kickoff').getByLabel('Notes', { exact: true });
    const notesB = agendaCard(b, 'Kickoff').getByLabel('Notes', { exact: true });
    await openCard(agendaCard(a, 'Kickoff'));
    await openCard(agendaCard(b, 'Kickoff'));
    await notesB.waitFor();

    // Cut Ana's network, edit, and reload the page while still offline.
    await a.context().setOffline(true);
    await status(a).getByText('Offline').waitFor();
    await notesA().click();
    await notesA().pressSequentially('offline note');
    await addAgendaItem(a, 'Written offline');
    await notice(a).getByText(PENDING).waitFor();
    await shot(a, 'offline-notice-1280x800.png');
    await localCopyWritten(a, id);

    const reload = await a.reload();
    expect(reload?.fromServiceWorker()).toBe(true);
    await agendaCard(a, 'Kickoff').getByText('offline note', { exact: true }).waitFor();
    await openCard(agendaCard(a, 'Kickoff'));
    await waitForValue(notesA(), (v) => v === 'offline note', 'the offline note after the reload');
    await agendaCard(a, 'Written offline').waitFor();
    await notice(a).getByText(PENDING).waitFor();
    await status(a).getByText('Offline').waitFor();
    expect(await a.getByRole('heading', { name: 'This board does not exist' }).count()).toBe(0);
    // The facilitator's own tools still show: the role this device remembered for the link.
    await a.getByRole('button', { name: 'More sharing options' }).waitFor();
    await shot(a, 'offline-reloaded-1280x800.png');

    // Meanwhile Ben keeps working.
    await notesB.click();
    await notesB.pressSequentially('online note ');
    expect(await notesB.inputValue()).toBe('online note ');

    await a.context().setOffline(false);
    await status(a).getByText('Live').waitFor();
    const merged = await waitForValue(notesA(), (v) => v.includes('offline note') && v.includes('online note'), 'the merge in A');
    await waitForValue(notesB, (v) => v === merged, 'the merge in B');
    await agendaCard(b, 'Written offline').waitFor();
    await notice(a).waitFor({ state: 'detached' });
    dropOfflineNoise();
  }, 90_000);

  test('a board starts from a template picked on the home page, prints its agenda on one page, and is saved as a template', async () => {
    const a = await openPage(DESKTOP);
    await a.goto('/');
    const weekly = a.getByRole('radio', { name: /Weekly cross-team sync/ });
    await weekly.waitFor();
    expect(await a.getByRole('radio', { name: /Blank board/ }).isChecked()).toBe(true);
    await weekly.check();
    expect(await a.getByLabel('Board title').inputValue()).toBe('Weekly cross-team sync');
    await shot(a, 'home-templates-1280x800.png', true);
    await a.getByLabel('Board title').fill('Sync, week 12');
    await a.getByRole('button', { name: 'Create board' }).click();
    await a.waitForURL(/\/b\/[A-Za-z0-9_-]+\?token=/);
    const boardUrl = a.url();
    await join(a, 'Ana');
    await agendaCard(a, 'Sales & business development').waitFor();
    expect(await column(a, 'Agenda').locator('[data-card-id]').count()).toBe(6);
    await a.evaluate(() => document.fonts.ready.then(() => true));

    // The agenda on paper, from the board's header.
    await a.getByRole('link', { name: 'Print agenda' }).click();
    await a.getByRole('heading', { level: 1, name: 'Sync, week 12' }).waitFor();
    const table = a.getByRole('table');
    await table.getByText('Management').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(6);
    await a.getByText('Total 1 h').first().waitFor();
    // The QR code carries the teammates' link, never the facilitator's own.
    const qr = a.locator('[data-qr-value]');
    await qr.locator('svg').waitFor();
    const qrValue = (await qr.getAttribute('data-qr-value'))!;
    expect(new URL(qrValue).pathname).toBe(new URL(boardUrl).pathname);
    expect(new URL(qrValue).searchParams.get('token')).not.toBe(new URL(boardUrl).searchParams.get('token'));
    await shot(a, 'agenda-1280x800.png', true);

    await a.emulateMedia({ media: 'print' });
    await shot(a, 'agenda-print-1280.png', true);
    const pdf = await a.pdf({ format: 'A4', printBackground: true });
    fs.writeFileSync(e2e.shotPath('agenda.pdf'), pdf);
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? [];
    expect(pages.length).toBe(1);
    await a.emulateMedia({ media: 'screen' });

    // Save the board as the team's own template; this browser's home page then offers it.
    const form = a.getByRole('region', { name: 'Save as a template' });
    await form.getByLabel('Template name').fill('Our weekly');
    await form.getByLabel('Description (optional)').fill('Thursdays, all teams');
    await form.getByRole('button', { name: 'Save template' }).click();
    await form.getByText('“Our weekly” is now offered when you create a board in this browser').waitFor();
    await form.getByText(/Saved from this board.*“Our weekly”/).waitFor();
    await a.goto('/');
    await a.getByRole('radio', { name: /Our weekly/ }).check();
    expect(await a.getByLabel('Board title').inputValue()).toBe('Sync, week 12');
    await shot(a, 'home-saved-template-1280x800.png', true);

    // Another browser is not offered it: a saved template is not published to everyone's create form.
    const p = await openPage(PHONE, true);
    await p.goto('/');
    await p.getByRole('radio', { name: /Weekly cross-team sync/ }).waitFor();
    expect(await p.getByRole('radio', { name: /Our weekly/ }).count()).toBe(0);
    // Until it opens the board's agenda with the facilitator link: templates saved from the board are listed there.
    const agendaUrl = new URL(boardUrl).pathname.replace(/$/, '/agenda') + new URL(boardUrl).search;
    await p.goto(agendaUrl);
    await p.getByText(/Saved from this board.*“Our weekly”/).waitFor();
    await p.goto('/');
    const ours = p.getByRole('radio', { name: /Our weekly/ });
    await ours.waitFor();
    await ours.check();
    await p.getByText('Saved by your team').waitFor();
    expect(await p.getByLabel('Board title').inputValue()).toBe('Sync, week 12');
    await shot(p, 'home-templates-390x844.png', true);
    await p.goto(agendaUrl);
    // A phone gets the agenda as a list (a five-column table does not fit); print still uses the table.
    await p.getByRole('listitem').filter({ hasText: 'Management' }).waitFor();
    expect(await p.getByRole('table').isVisible()).toBe(false);
    await shot(p, 'agenda-390x844.png', true);
  });
});
