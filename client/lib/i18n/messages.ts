/**
 * What the server says, in the reader's language: a refusal worded from its reason (else its code), an
 * announcement from its code (shared/messages.ts). The server's English `message` is never shown, except
 * for an announcement this client is too old to know.
 */
import type { ApiError } from '../../../shared/errors.js';
import type { Announcement } from '../../../shared/meeting.js';
import { t } from './index.svelte.js';

type Wording = (params: unknown) => string;

export function describeError(error: ApiError): string {
  const reasons = t.errors.reasons as Record<string, Wording>;
  if (error.reason === 'start_gate') {
    const gate = t.meeting.gateMissing as Record<string, string>;
    return t.errors.reasons.start_gate({ missing: error.params.missing.map((m) => gate[m] ?? m) });
  }
  if (error.reason && error.reason in reasons) return reasons[error.reason](error.params);
  return (t.errors.codes as Record<string, string>)[error.code] ?? t.errors.codes.internal;
}

/**
 * A refusal for display: worded in the reader's language when it gives a reason; otherwise the server's own
 * detail (a validation message naming the field, a webhook host that is not allowed) beats a vague wording.
 */
export const refusalText = (error: ApiError): string => (error.reason ? describeError(error) : error.message);

export function describeAnnouncement(a: Announcement): string {
  const wordings = t.announcements as Record<string, Wording>;
  return a.code in wordings ? wordings[a.code](a.params) : a.message;
}
