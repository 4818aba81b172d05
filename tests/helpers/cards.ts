/**
 * Cards on the board read as text and open for editing in place. These helpers do what a person does:
 * click a card's text to open it, or open its actions menu.
 */
import type { Locator } from 'playwright-core';

/** Opens `card` for editing with a click on its text (a no-op when it is open) and waits for its fields. */
export async function openCard(card: Locator): Promise<void> {
  if ((await card.getAttribute('data-editing')) !== null) return;
  await card.locator('.read').click({ position: { x: 8, y: 8 } });
  await card.locator('[data-field]').first().waitFor();
}

/** Opens the actions menu of `card` (labelled "Actions for <label>") and returns its panel. */
export async function cardMenu(card: Locator): Promise<Locator> {
  const trigger = card.getByRole('button', { name: /^Actions for / });
  if ((await trigger.getAttribute('aria-expanded')) !== 'true') await trigger.click();
  const panel = card.getByRole('group', { name: /^Actions for / });
  await panel.waitFor();
  return panel;
}
