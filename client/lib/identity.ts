/**
 * Who I am on boards: a display name and a presence colour, remembered in localStorage so a teammate is
 * asked only once per device.
 */
import { LIMITS } from '../../shared/board-schema.js';
import { PRESENCE_COLORS, PresenceState } from '../../shared/presence.js';

export type Identity = PresenceState['user'];

const KEY = 'meshboard:identity';

export function loadIdentity(): Identity | null {
  try {
    const parsed = PresenceState.shape.user.safeParse(JSON.parse(localStorage.getItem(KEY) ?? 'null'));
    return parsed.success && parsed.data.name.trim() ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveIdentity(identity: Identity): Identity {
  const clean = { name: identity.name.trim().slice(0, LIMITS.name), color: identity.color };
  try {
    localStorage.setItem(KEY, JSON.stringify(clean));
  } catch {
    // Private mode or full storage: the name still applies to this visit.
  }
  return clean;
}

/** A colour to preselect: random, so two people joining at once are unlikely to pick the same one. */
export const suggestColor = (): string => PRESENCE_COLORS[Math.floor(Math.random() * PRESENCE_COLORS.length)];

/** Up to two initials for an avatar ("Ana Lopez" → "AL"). */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = [...parts[0]][0] ?? '';
  const last = parts.length > 1 ? ([...parts[parts.length - 1]][0] ?? '') : '';
  return (first + last).toUpperCase();
}
