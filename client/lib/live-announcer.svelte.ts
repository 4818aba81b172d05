/**
 * One polite live region for the board's own news: what others changed, and where my keyboard move put a
 * card. `LiveRegion.svelte` renders `message`; saying the same words twice still announces them twice.
 */
class LiveAnnouncer {
  #message = $state('');
  get message() {
    return this.#message;
  }
  #count = $state(0);
  /** Increments with every message, so the region re-renders (and is re-read) even for repeated words. */
  get count() {
    return this.#count;
  }

  say(text: string): void {
    this.#message = text;
    this.#count++;
  }

  clear(): void {
    this.#message = '';
  }
}

export const announcer = new LiveAnnouncer();
