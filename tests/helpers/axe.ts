/**
 * axe-core in a real page. The app's CSP allows only its own scripts, so the contexts that run axe are
 * made with `bypassCSP` (see `axeContext`); everything else about them is like `newContext`.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string; html: string }>;
}

export async function axeContext(
  browser: Browser,
  baseURL: string,
  opts: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; locale?: string; phone?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    isMobile: opts.phone ?? false,
    hasTouch: opts.phone ?? false,
    locale: opts.locale ?? 'en-US',
    timezoneId: 'UTC',
    colorScheme: opts.colorScheme ?? 'light',
    bypassCSP: true,
  });
}

/** The serious and critical axe violations of the page as it is now (WCAG 2.x A and AA plus best practices). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations as AxeViolation[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ ...v, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary, html: n.html.slice(0, 200) })) }));
}

/** A readable list of violations for an assertion message. */
export const describeViolations = (where: string, violations: AxeViolation[]): string =>
  violations
    .map(
      (v) =>
        `${where}: [${v.impact}] ${v.id} — ${v.help}\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)} ${n.failureSummary?.replace(/\n/g, ' ')}\n      ${n.html}`).join('\n')}`,
    )
    .join('\n');
