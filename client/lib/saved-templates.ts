/**
 * Ids of the saved templates this browser may offer, newest first, kept in localStorage. A saved
 * template's id is its only key (docs/security.md): the server lists it to no one else, so forgetting the
 * id here forgets the template for this browser.
 */
// Before any schema is built (see the module): this file may load in a chunk ahead of main.ts.
import './zod-config.js';
import { z } from 'zod';
import { TEMPLATE_ID_PATTERN, TEMPLATE_LIMITS } from '../../shared/templates.js';

const KEY = 'meshboard:templates';
/** As many as one `GET /api/templates?saved=` may ask about. */
const MAX = TEMPLATE_LIMITS.idsPerList;

const Ids = z.array(z.string().regex(TEMPLATE_ID_PATTERN));

export function loadSavedTemplateIds(): string[] {
  try {
    const parsed = Ids.safeParse(JSON.parse(localStorage.getItem(KEY) ?? '[]'));
    return parsed.success ? parsed.data.slice(0, MAX) : [];
  } catch {
    return [];
  }
}

/** Remembers saved templates (the one just saved, or those saved from a board this browser opened); newest first. */
export function rememberTemplates(ids: readonly string[]): void {
  const list = [...new Set([...ids, ...loadSavedTemplateIds()])].slice(0, MAX);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // Storage unavailable: the template stays on the server, offered from its board's page.
  }
}
