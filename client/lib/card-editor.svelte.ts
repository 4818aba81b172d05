/**
 * Which card this tab has open for editing. Cards read as text; one at a time opens in place (click, tap,
 * Enter or typing on it) and closes again on Escape, its Close button, or a click elsewhere. Per tab, never
 * shared: others see who edits what through presence (`BoardModel.setEditing`).
 */
class CardEditor {
  #open = $state<string | null>(null);
  get openId() {
    return this.#open;
  }

  isOpen(cardId: string): boolean {
    return this.#open === cardId;
  }

  open(cardId: string): void {
    this.#open = cardId;
  }

  /** Closes `cardId` if it is the open one (all when omitted), so a late close never shuts another card. */
  close(cardId?: string): void {
    if (cardId === undefined || this.#open === cardId) this.#open = null;
  }
}

export const cardEditor = new CardEditor();
