/**
 * The harness every e2e file shares: one real server and one Chromium per file, a fresh browser context per
 * page, and any uncaught page error or console error failing the test that caused it. Screenshots (and
 * PDFs) land in dist/screenshots/ for a human look.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { collectErrors, launchBrowser, newContext } from './browser.js';
import { startServer, type TestServer } from './server.js';
import type { ConfigInput } from '../../server/config.js';
import type { AppDeps } from '../../server/app.js';

export const SHOTS = path.resolve('dist/screenshots');

export interface E2EOptions {
  /** Settings of the file's server, over the test defaults (e.g. a small board size limit). */
  server?: ConfigInput;
  /** Collaborators of the file's server (a controlled clock). */
  deps?: AppDeps;
  /**
   * Milliseconds each Playwright step may wait (`page.setDefaultTimeout`), so a step that hangs fails with
   * its locator well before the test's own timeout. Unset keeps Playwright's default.
   */
  stepTimeout?: number;
}

export interface E2E {
  server(): TestServer;
  browser(): Browser;
  /** A page in a fresh profile (`newContext`: en-US, UTC, clipboard allowed); `phone` turns on touch. */
  openPage(size: { width: number; height: number }, phone?: boolean): Promise<Page>;
  /** A page in a context the caller made (axe's `bypassCSP`, another locale); closed after the test like the rest. */
  pageIn(context: BrowserContext): Promise<Page>;
  /** Answers the first-visit "who are you" dialog. */
  join(page: Page, name: string): Promise<void>;
  /** Saves a screenshot as dist/screenshots/`name`. */
  shot(page: Page, name: string, fullPage?: boolean): Promise<void>;
  /** The path of `name` in dist/screenshots/. */
  shotPath(name: string): string;
  /** Forgets the page errors collected so far that match `pattern` (errors that are the point of a test). */
  dropErrors(pattern: RegExp): void;
}

/** Registers the vitest hooks of an e2e file (call it at the top level) and returns its accessors. */
export function useE2E(opts: E2EOptions = {}): E2E {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    [server, browser] = await Promise.all([startServer({ config: opts.server, deps: opts.deps }), launchBrowser()]);
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    // Any uncaught error or console error in a page fails the test that caused it.
    const seen = errors.splice(0);
    if (seen.length) console.error('PAGE ERRORS', seen);
    expect(seen).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the e2e ${what} is not started yet (use it inside a test)`);
    return value;
  };

  const e2e: E2E = {
    server: () => started(server, 'server'),
    browser: () => started(browser, 'browser'),
    async pageIn(context) {
      contexts.push(context);
      const page = await context.newPage();
      if (opts.stepTimeout !== undefined) page.setDefaultTimeout(opts.stepTimeout);
      collectErrors(page, errors);
      return page;
    },
    async openPage(size, phone = false) {
      return e2e.pageIn(await newContext(e2e.browser(), e2e.server().url, size, phone));
    },
    async join(page, name) {
      const dialog = page.getByRole('dialog', { name: 'Join the board' });
      await dialog.getByLabel('Your name').fill(name);
      await dialog.getByRole('button', { name: 'Join board' }).click();
      await dialog.waitFor({ state: 'detached' });
    },
    async shot(page, name, fullPage = false) {
      await page.screenshot({ path: e2e.shotPath(name), fullPage });
    },
    shotPath: (name) => path.join(SHOTS, name),
    dropErrors(pattern) {
      errors.splice(0, errors.length, ...errors.filter((e) => !pattern.test(e)));
    },
  };
  return e2e;
}
