/**
 * Roles on a board. Each role has its own secret link; what a role may do is decided by the server on
 * every path (REST, y-websocket, socket.io). See docs/security.md.
 */
export const ROLES = ['viewer', 'participant', 'facilitator'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, participant: 1, facilitator: 2 };

/** True when `role` is at least `needed` (facilitator ⊃ participant ⊃ viewer). */
export const roleAtLeast = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];
export const canEdit = (role: Role): boolean => roleAtLeast(role, 'participant');

/** Links to a board, one per role; the `token` query parameter carries the role's secret. */
export interface RoleLinks {
  facilitator: string;
  participant: string;
  viewer: string;
}

/** Roles whose link a facilitator may replace (the facilitator link itself is the board's key). */
export const ROTATABLE_ROLES = ['participant', 'viewer'] as const;
export type RotatableRole = (typeof ROTATABLE_ROLES)[number];
