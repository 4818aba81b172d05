/** REST calls of the personal page, the drop-in form, its poster and the facilitator's inbox (docs/api.md). */
import type {
  DropinInfo,
  DropinLinkResponse,
  DropinSubmitBody,
  InboxItem,
  InboxResponse,
  MyAction,
  MyActionStatusBody,
  MyItemsResponse,
  MyRequest,
  MyRequestStatusBody,
  PersonLinkBody,
  PersonLinkResponse,
  SeatLinkBody,
  TakeDropinResponse,
} from '../../shared/series-people.js';
import { call } from './api.js';

const base = (seriesId: string) => `/api/series/${encodeURIComponent(seriesId)}`;

export const fetchMyItems = (seriesId: string, token: string) => call<MyItemsResponse>('GET', `${base(seriesId)}/me`, { token });

export const answerRequest = (seriesId: string, token: string, cardId: string, body: MyRequestStatusBody) =>
  call<MyRequest>('POST', `${base(seriesId)}/me/requests/${encodeURIComponent(cardId)}`, { body, token });

export const setMyActionStatus = (seriesId: string, token: string, actionId: string, status: MyActionStatusBody['status']) =>
  call<MyAction>('POST', `${base(seriesId)}/me/actions/${encodeURIComponent(actionId)}`, { body: { status } satisfies MyActionStatusBody, token });

export const fetchDropinInfo = (seriesId: string, token: string) => call<DropinInfo>('GET', `${base(seriesId)}/dropin`, { token });

export const submitDropin = (seriesId: string, token: string, body: DropinSubmitBody) =>
  call<{ id: string; status: 'pending' }>('POST', `${base(seriesId)}/dropin`, { body, token });

/** Facilitators only: a new drop-in link; the previous one (and its printed poster) stops working. */
export const createDropinLink = (seriesId: string, token: string) => call<DropinLinkResponse>('POST', `${base(seriesId)}/dropin/link`, { token });

export const fetchInbox = (seriesId: string, token: string) => call<InboxResponse>('GET', `${base(seriesId)}/inbox`, { token });

export const takeDropin = (seriesId: string, token: string, itemId: string) =>
  call<TakeDropinResponse>('POST', `${base(seriesId)}/inbox/${encodeURIComponent(itemId)}/take`, { body: {}, token });

export const setDropinAside = (seriesId: string, token: string, itemId: string) =>
  call<{ item: InboxItem }>('POST', `${base(seriesId)}/inbox/${encodeURIComponent(itemId)}/set-aside`, { token });

/** Facilitators only: a new personal link for `name`; that person's previous link stops working. */
export const createPersonLink = (seriesId: string, token: string, name: string) =>
  call<PersonLinkResponse>('POST', `${base(seriesId)}/people/links`, { body: { name } satisfies PersonLinkBody, token });

/** A seated participant's own personal link, proven by the seat the meeting channel issued to this device. */
export const takePersonLink = (seriesId: string, body: SeatLinkBody) => call<PersonLinkResponse>('POST', `${base(seriesId)}/people/me`, { body });
