/** REST calls of mail (docs/api.md#mail): the person's address, the links in mails, the series' outbox. */
import type {
  ConfirmResponse,
  EmailKind,
  MyEmailBody,
  MyEmailKindsBody,
  MyEmailResponse,
  OutboxEntry,
  OutboxList,
  UnsubscribeResponse,
} from '../../shared/email.js';
import { call } from './api.js';

const base = (seriesId: string) => `/api/series/${encodeURIComponent(seriesId)}`;

export const fetchMyEmail = (seriesId: string, token: string) => call<MyEmailResponse>('GET', `${base(seriesId)}/me/email`, { token });

export const setMyEmail = (seriesId: string, token: string, body: MyEmailBody) => call<MyEmailResponse>('PUT', `${base(seriesId)}/me/email`, { body, token });

export const removeMyEmail = (seriesId: string, token: string) => call<null>('DELETE', `${base(seriesId)}/me/email`, { token });

export const setMyEmailKind = (seriesId: string, token: string, kind: EmailKind, on: boolean) =>
  call<MyEmailResponse>('PUT', `${base(seriesId)}/me/email/kinds`, { body: { kinds: { [kind]: on } } satisfies MyEmailKindsBody, token });

export const confirmEmail = (token: string) => call<ConfirmResponse>('POST', '/api/email/confirm', { body: { token } });

export const unsubscribeEmail = (token: string) => call<UnsubscribeResponse>('POST', '/api/email/unsubscribe', { body: { token } });

/** Facilitators only. */
export const fetchOutbox = (seriesId: string, token: string) => call<OutboxList>('GET', `${base(seriesId)}/outbox`, { token });

export const resendMessage = (seriesId: string, token: string, id: string) =>
  call<OutboxEntry>('POST', `${base(seriesId)}/outbox/${encodeURIComponent(id)}/resend`, { token });
