/** The awareness (presence) state each client publishes on a board. */
import { z } from 'zod';
import { LIMITS } from './board-schema.js';

export const PresenceState = z.object({
  user: z.object({
    name: z.string().max(LIMITS.name),
    /** CSS colour, `#rrggbb`. */
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  }),
  /** Id of the card this person is editing, or null. */
  editing: z.string().max(64).nullable().optional(),
});
export type PresenceState = z.infer<typeof PresenceState>;

/** Colours offered on join; all keep AA contrast for white text. */
export const PRESENCE_COLORS = ['#b42318', '#b54708', '#027a48', '#175cd3', '#6941c6', '#c11574', '#0e7090', '#4e5ba6'] as const;
