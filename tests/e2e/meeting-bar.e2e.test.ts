/**
 * The meeting bar on phones and laptops: it fits every state of a meeting without overlapping controls or
 * sideways scrolling, says who leads as the server's roster says it, names who is editing a card, and the
 * offline notice stays in view with the count of changes still to send. Screenshots of each state land in
 * dist/screenshots/ (light and dark).
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { describeViolations, seriousViolations } from '../helpers/axe.js';
import { DESKTOP, PHONE } from '../helpers/browser.js';
import { useE2E } from '../helpers/e2e.js';
import { joinMeeting, type MeetingClient } from '../helpers/meeting-client.js';
import { api, createBoard, type TestBoard } from '../helpers/server.js';
import { connect, synced, type YClient } from '../helpers/yclient.js';

const e2e = useE2E({ stepTimeout: 10_000 });

type Lang = 'en' | 'de';
const LONG = {
  fac: 'Friederike Fassbinder-Oberhausen',
  par: 'Maximiliane Wolkenstein-Brandenburg',
  vic: 'Valentin Vogelsang-Kleinschmidt',
  hands: ['Bartholomäus Birkenfeld', 'Cornelia Castellanos-Ruiz', 'Dietrich Dannenberg-Löwenstein'],
};

/** A page in a fresh profile that reads `lang` (the browser's language picks the dictionary). */
async function openIn(browser: Browser, lang: Lang, size: { width: number; height: number }, phone: boolean): Promise<Page> {
  const context = await browser.newContext({
    baseURL: e2e.server().url,
    viewport: size,
    deviceScaleFactor: 1,
    isMobile: phone,
    hasTouch: phone,
    locale: lang === 'de' ? 'de-DE' : 'en-US',
    timezoneId: 'UTC',
    // axe is injected into these pages (see axeClean); the app's CSP would refuse it.
    bypassCSP: true,
  });
  return e2e.pageIn(context);
}

/** The meeting bar on screen: the phone's bottom bar (below 900 px) or the desktop bar. */
const bar = (page: Page) => page.getByRole('region', { name: 'Meeting', exact: true }).locator('visible=true').last();

const JOIN = { en: ['Join the board', 'Your name', 'Join board'], de: ['Dem Board beitreten', 'Ihr Name', 'Beitreten'] } as const;

async function open(link: string, name: string, lang: Lang, size: { width: number; height: number } = DESKTOP, phone = false): Promise<Page> {
  const page = await openIn(e2e.browser(), lang, size, phone);
  await page.goto(link);
  const [title, label, button] = JOIN[lang];
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.getByLabel(label).fill(name);
  await dialog.getByRole('button', { name: button }).click();
  await dialog.waitFor({ state: 'detached' });
  return page;
}

async function boardWithAgenda(title: string): Promise<TestBoard> {
  const board = await createBoard(e2e.server().url, title, 'Decide what ships in the next release');
  const items = [
    { column: 'agenda', title: 'Release readiness and the long list of open questions from every team', owner: LONG.fac, timebox: 15 },
    { column: 'agenda', title: 'Incident review', timebox: 5 },
  ];
  for (const card of items) expect((await api(e2e.server().url, 'POST', `/api/boards/${board.id}/cards`, card, board.tokens.facilitator)).status).toBe(201);
  return board;
}

interface Layout {
  docOverflow: number;
  bars: { name: string; overflow: number; outside: string[]; clipped: string[] }[];
  overlaps: string[];
}

/**
 * Measures every meeting bar on screen: how far it (and the page) is wider than its box, the controls that
 * reach outside the bar or the viewport, controls whose own content is clipped, and pairs of controls
 * whose boxes overlap. Text that deliberately ends in an ellipsis (an item's title, a speaker's name) is
 * not "clipped".
 */
function measure(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('.visually-hidden');
    };
    const name = (el: Element) => (el.getAttribute('aria-label') || (el as HTMLElement).innerText || el.tagName).trim().replace(/\s+/g, ' ').slice(0, 40);
    const bars = [...document.querySelectorAll('.meeting-bar, .phone-bar')].filter(visible);
    const controls: Element[] = [];
    const out: Layout = { docOverflow: document.documentElement.scrollWidth - window.innerWidth, bars: [], overlaps: [] };
    for (const bar of bars) {
      const box = bar.getBoundingClientRect();
      const mine = [...bar.querySelectorAll('button, [role=timer], .pill, .speaker')].filter(visible);
      controls.push(...mine);
      const outside = mine
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.left < Math.max(0, box.left) - 0.5 || r.right > Math.min(window.innerWidth, box.right) + 0.5;
        })
        .map(name);
      const clipped = mine
        .filter((el) => {
          const e = el as HTMLElement;
          const ellipsis = [e, ...e.querySelectorAll('*')].some((x) => getComputedStyle(x).textOverflow === 'ellipsis');
          return !ellipsis && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1);
        })
        .map(name);
      out.bars.push({ name: bar.className, overflow: bar.scrollWidth - bar.clientWidth, outside, clipped });
    }
    const leaves = controls.filter((el) => !controls.some((other) => other !== el && el.contains(other)));
    for (let i = 0; i < leaves.length; i++) {
      for (let j = i + 1; j < leaves.length; j++) {
        if (leaves[i].contains(leaves[j]) || leaves[j].contains(leaves[i])) continue;
        const a = leaves[i].getBoundingClientRect();
        const b = leaves[j].getBoundingClientRect();
        const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (x > 0.5 && y > 0.5) out.overlaps.push(`${name(leaves[i])} × ${name(leaves[j])}`);
      }
    }
    return out;
  });
}

async function expectCalm(page: Page, what: string): Promise<void> {
  const layout = await measure(page);
  expect(layout.docOverflow, `${what}: the page scrolls sideways`).toBeLessThanOrEqual(0);
  expect(layout.bars.length, `${what}: a meeting bar is on screen`).toBeGreaterThan(0);
  for (const bar of layout.bars) {
    expect(bar.overflow, `${what}: ${bar.name} scrolls sideways`).toBeLessThanOrEqual(0);
    expect(bar.outside, `${what}: ${bar.name} controls outside the bar`).toEqual([]);
    expect(bar.clipped, `${what}: ${bar.name} controls cut off`).toEqual([]);
  }
  expect(layout.overlaps, `${what}: overlapping controls`).toEqual([]);
}

/** No serious or critical axe violation on the page as it is, in light and in dark (or the `schemes` given). */
async function axeClean(page: Page, what: string, schemes: readonly ('light' | 'dark')[] = ['light', 'dark']): Promise<void> {
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(describeViolations(`${what} (${scheme})`, await seriousViolations(page))).toBe('');
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Screenshots of the page as it is, in light and dark. */
async function shots(page: Page, name: string, top = true): Promise<void> {
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  if (top) await page.evaluate(() => window.scrollTo(0, 0));
  const { width, height } = page.viewportSize()!;
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await e2e.shot(page, `meeting-bar-${name}-${scheme}-${width}x${height}.png`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('the meeting bar', () => {
  /** Facilitator, participant and viewer on phones, in `lang`; `start` takes the meeting to a running item. */
  async function phones(lang: Lang) {
    const board = await boardWithAgenda('Platform sync');
    const fac = await open(board.links.facilitator, LONG.fac, lang, PHONE, true);
    const par = await open(board.links.participant, LONG.par, lang, PHONE, true);
    const vic = await open(board.links.viewer, LONG.vic, lang, PHONE, true);
    const startButton = fac.getByRole('button', { name: lang === 'de' ? 'Meeting starten' : 'Start meeting', disabled: false });
    await startButton.waitFor();
    const start = async () => {
      await startButton.click();
      await fac.getByRole('button', { name: lang === 'de' ? /Weiter: Agenda/ : 'Next: Agenda' }).click();
      await fac.getByRole('button', { name: lang === 'de' ? 'Timer starten' : 'Start timer' }).click();
      await par.locator('.phone-bar [role=timer]').waitFor();
    };
    return { board, pages: { fac, par, vic }, start };
  }

  for (const lang of ['en', 'de'] as const) {
    test(`on a 390 px phone (${lang}) the bar fits the lobby and a running item with its timer, for facilitator, participant and viewer`, async () => {
      const { pages, start } = await phones(lang);
      for (const [who, page] of Object.entries(pages)) {
        await expectCalm(page, `lobby, ${who}`);
        await shots(page, `${lang}-lobby-${who}`);
      }
      await start();
      for (const [who, page] of Object.entries(pages)) {
        await expectCalm(page, `running, ${who}`);
        await shots(page, `${lang}-running-${who}`);
      }
    }, 90_000);

    test(`on a 390 px phone (${lang}) the bar fits hands raised, someone with a long name speaking, and a detached participant; the facilitator is never offered to re-attach`, async () => {
      const { board, pages, start } = await phones(lang);
      const { fac, par, vic } = pages;
      const hands: MeetingClient[] = LONG.hands.map((name) => joinMeeting(e2e.server().url, board, board.tokens.participant, { name }));
      await start();
      for (const h of hands) await h.until((s) => s.phase === 'agenda', 'agenda');
      for (const h of hands) expect(await h.send('hand:raise')).toMatchObject({ ok: true });
      await par.locator('.phone-bar .hand').click();
      await fac.getByRole('button', { name: lang === 'de' ? 'Nächste Person' : 'Next speaker' }).click();
      await par.locator('.phone-bar .speaker').waitFor({ state: 'attached' });
      for (const [who, page] of Object.entries(pages)) {
        await expectCalm(page, `hands and a speaker, ${who}`);
        await shots(page, `${lang}-hands-${who}`);
      }
      // The leader's controls are checked in both themes on a laptop (a11y.e2e); here their phone layout.
      if (lang === 'en') {
        await axeClean(fac, 'hands and a speaker, facilitator', ['light']);
        await axeClean(par, 'hands and a speaker, participant');
      }
      for (const page of [fac, par, vic]) await page.keyboard.press('PageDown');
      await par.getByRole('button', { name: lang === 'de' ? 'Losgelöst – wieder folgen' : 'Detached — re-attach' }).waitFor();
      // The facilitator drives the meeting: there is nobody to follow or re-attach to.
      await bar(fac)
        .getByText(lang === 'de' ? 'Sie moderieren' : 'You are facilitating')
        .waitFor();
      expect(await fac.getByRole('button', { name: lang === 'de' ? /Losgelöst|Folgt der Moderation/ : /Detached|Following facilitator/ }).count()).toBe(0);
      for (const [who, page] of Object.entries({ par, vic })) {
        await expectCalm(page, `detached, ${who}`);
        await shots(page, `${lang}-detached-${who}`);
      }
      if (lang === 'en') await axeClean(par, 'detached, participant');
      for (const h of hands) h.close();
    }, 90_000);
  }

  test('on a 1280 px laptop the facilitator’s bar keeps its rows with three hands raised, someone speaking and the timer running, and never offers re-attaching', async () => {
    const board = await boardWithAgenda('Platform sync');
    const fac = await open(board.links.facilitator, LONG.fac, 'en');
    const par = await open(board.links.participant, LONG.par, 'en');
    await fac.getByRole('button', { name: 'Start meeting', disabled: false }).click();
    await fac.getByRole('button', { name: 'Next: Agenda' }).click();
    await fac.getByRole('button', { name: 'Start timer' }).click();
    const rows = () =>
      fac.evaluate(() =>
        [...document.querySelectorAll('.meeting-bar .stepper-row, .meeting-bar .status-row')].map((row) => {
          const items = [...row.querySelectorAll('button, [role=timer], .speaker, li')].filter((el) => el.getBoundingClientRect().width > 0);
          const boxes = items.map((el) => el.getBoundingClientRect());
          return {
            tops: boxes.map((b) => Math.round(b.top)),
            lowestTop: Math.max(...boxes.map((b) => b.top)),
            highestBottom: Math.min(...boxes.map((b) => b.bottom)),
          };
        }),
      );
    const barHeight = () => fac.locator('.meeting-bar').evaluate((el) => el.getBoundingClientRect().height);
    const before = await barHeight();
    const hands = LONG.hands.map((name) => joinMeeting(e2e.server().url, board, board.tokens.participant, { name }));
    for (const h of hands) await h.until((s) => s.phase === 'agenda', 'agenda');
    for (const h of hands) expect(await h.send('hand:raise')).toMatchObject({ ok: true });
    await par.getByRole('button', { name: 'Raise hand' }).click();
    await fac.getByRole('button', { name: 'Next speaker' }).click();
    await fac.locator('.meeting-bar').getByText(`${LONG.hands[0]} has the floor`).waitFor();
    await fac.mouse.wheel(0, 600);
    await par.mouse.wheel(0, 600);
    await par.getByRole('button', { name: 'Detached — re-attach' }).waitFor();
    expect(await fac.getByRole('button', { name: /Detached|Following facilitator/ }).count()).toBe(0);
    await fac.evaluate(() => window.scrollTo(0, 0));
    await shots(fac, 'en-hands-fac');
    // Each of the bar's rows stays one row (every item overlaps every other vertically), and the bar no taller.
    for (const row of await rows()) expect(row.lowestTop, `one row: ${row.tops.join(', ')}`).toBeLessThan(row.highestBottom);
    expect(await barHeight()).toBeLessThanOrEqual(before + 2);
    await expectCalm(fac, 'facilitator at 1280');
    await expectCalm(par, 'participant at 1280');
    await shots(fac, 'en-hands-fac');
    await shots(par, 'en-hands-par');
    for (const h of hands) h.close();
  }, 90_000);

  test('after the facilitator hands the meeting over, their page no longer says they lead, and the new facilitator’s does, live', async () => {
    const board = await boardWithAgenda('Hand-over');
    const fay = await open(board.links.facilitator, 'Fay', 'en');
    const bo = await open(board.links.participant, 'Bo', 'en', PHONE, true);
    await fay.getByRole('button', { name: 'Start meeting', disabled: false }).click();
    await fay.getByRole('button', { name: 'Next: Agenda' }).click();
    const leads = (page: Page) => bar(page).getByText('You are facilitating');
    await leads(fay).waitFor();
    await bar(bo).getByRole('button', { name: 'Following facilitator' }).waitFor();
    expect(await leads(bo).count()).toBe(0);

    await fay.getByRole('button', { name: /^People/ }).click();
    await fay.getByRole('button', { name: 'Hand the meeting over to Bo' }).click();
    await leads(bo).waitFor();
    await leads(fay).waitFor({ state: 'detached' });
    // Fay follows now, may take the lead back, and has lost the facilitator's controls; Bo has them.
    await bar(fay).getByRole('button', { name: 'Following facilitator' }).waitFor();
    await fay.getByRole('button', { name: 'Take the lead' }).waitFor();
    expect(await fay.getByRole('button', { name: 'Next item' }).count()).toBe(0);
    expect(await bo.getByRole('button', { name: /Following facilitator|Detached/ }).count()).toBe(0);
    await bo.getByRole('button', { name: 'Start timer' }).waitFor();
    await expectCalm(bo, 'the new facilitator on a phone');
    await shots(fay, 'en-handed-over-former');
    await shots(bo, 'en-handed-over-new');
  }, 90_000);

  test('a card names who else is editing it: “Ann and Bo are editing”, three in full, more as “and 2 others”, in German too', async () => {
    const board = await createBoard(e2e.server().url, 'Editors', 'Write the plan together');
    const card = await api(
      e2e.server().url,
      'POST',
      `/api/boards/${board.id}/cards`,
      { column: 'agenda', title: 'Plan', timebox: 10 },
      board.tokens.facilitator,
    );
    expect(card.status).toBe(201);
    const cardId: string = card.body.card.id;
    const page = await open(board.links.facilitator, 'Fay', 'en');
    const german = await open(board.links.participant, 'Jürgen', 'de', PHONE, true);
    const editors: YClient[] = [];
    const edit = async (name: string) => {
      const c = connect(e2e.server().wsUrl, board);
      await synced(c);
      c.provider.awareness.setLocalState({ user: { name, color: '#175cd3' }, editing: cardId });
      editors.push(c);
    };
    const tag = (p: Page) => p.locator(`[data-card-id="${cardId}"] .editor-tag`);
    const list = (lang: string, names: string[]) => new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' }).format(names);

    await edit('Ann');
    await tag(page).getByText('Ann is editing', { exact: true }).waitFor();
    await edit('Bo');
    await tag(page).getByText('Ann and Bo are editing', { exact: true }).waitFor();
    await tag(german).getByText('Ann und Bo bearbeiten gerade', { exact: true }).waitFor();
    await edit('Cy');
    await tag(page)
      .getByText(`${list('en-US', ['Ann', 'Bo', 'Cy'])} are editing`, { exact: true })
      .waitFor();
    await edit('Dee');
    await tag(page)
      .getByText(`${list('en-US', ['Ann', 'Bo', '2 others'])} are editing`, { exact: true })
      .waitFor();
    await tag(german).getByText('Ann, Bo und 2 weitere bearbeiten gerade', { exact: true }).waitFor();
    for (const c of editors) c.destroy();
  }, 90_000);

  test('on a phone the offline notice stays in view while the board scrolls, counts the changes waiting to be sent, and goes once the server has them', async () => {
    const board = await boardWithAgenda('Offline sync');
    // Enough cards, with notes, that the board scrolls well past a phone's screen even read compactly.
    for (let i = 1; i <= 20; i++)
      expect(
        (
          await api(
            e2e.server().url,
            'POST',
            `/api/boards/${board.id}/cards`,
            { column: 'agenda', title: `Topic ${i}`, notes: 'First line\nSecond line' },
            board.tokens.facilitator,
          )
        ).status,
      ).toBe(201);
    const page = await open(board.links.participant, 'Pat', 'en', PHONE, true);
    const agenda = page.getByRole('region', { name: /^Agenda/ });
    await agenda.getByRole('article', { name: 'Topic 20' }).waitFor();
    await page.getByRole('status').getByText('Live').waitFor();

    await page.context().setOffline(true);
    await agenda.getByRole('button', { name: 'Add agenda item' }).click();
    await agenda.locator('form').getByLabel('Topic', { exact: true }).fill('Written on the train');
    await agenda.locator('form').getByRole('button', { name: 'Add', exact: true }).click();
    const notice = page.getByTestId('offline-notice');
    await notice.getByText('1 change not yet synced — it is saved on this device').waitFor();
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForFunction(() => window.scrollY > 600);
    const box = await notice.boundingBox();
    const phoneBar = await bar(page).boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(phoneBar!.y);
    await shots(page, 'en-offline-par', false);
    await axeClean(page, 'offline notice on a phone');

    await page.context().setOffline(false);
    await notice.waitFor({ state: 'detached' });
    const stored = await api(e2e.server().url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.participant);
    expect(stored.body.columns.agenda.map((c: { title: string }) => c.title)).toContain('Written on the train');
    e2e.dropErrors(/ERR_INTERNET_DISCONNECTED|ERR_NAME_NOT_RESOLVED|WebSocket|Failed to fetch/);
  }, 90_000);
});
