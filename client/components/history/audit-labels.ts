/** How the audit trail names actors and roles for people (the server's own paths get readable names). */
import { t } from '../../lib/i18n/index.svelte.js';

/** `rest` → "Integration (API)", `unknown` → "Someone without a name"; people's names as they are. */
export const actorName = (actor: string): string => (Object.hasOwn(t.audit.actors, actor) ? t.audit.actors[actor] : actor);

/** The role in words, or '' when it says nothing new. */
export const roleName = (role: string): string => (Object.hasOwn(t.audit.roles, role) ? t.audit.roles[role] : role);
