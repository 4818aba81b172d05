/**
 * The small labelled marks a card carries about its place in a series (carried over, pinned, flagged,
 * escalated, another team's) and its team-memory tags. Cards say which apply; `CardMarks.svelte` draws
 * them all the same way, so a busy card grows by one line at most.
 */
import { CARD_TAGS, type CardTag } from '../../shared/board-schema.js';

/** How a mark looks: `quiet` for facts, `accent` for something to act on, `warn` for a flag, or a tag's own colour. */
export type MarkTone = 'quiet' | 'accent' | 'warn' | CardTag;

export interface CardMark {
  /** Stable key within the card (also `data-mark`, for tests and styles). */
  key: string;
  text: string;
  tone: MarkTone;
  /** A longer explanation, shown on hover. */
  hint?: string;
  icon?: 'pin' | 'carried' | 'flag';
}

/** `tags` with `tag` switched on or off, in the schema's order (so two people toggling see the same list). */
export function toggleTag(tags: readonly CardTag[], tag: CardTag): CardTag[] {
  const on = !tags.includes(tag);
  return CARD_TAGS.filter((t) => (t === tag ? on : tags.includes(t)));
}
