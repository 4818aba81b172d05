/**
 * What the server tells people, as codes with parameters: the reason behind a refusal (`ApiError.reason`,
 * finer than its `code`) and what a meeting announces. Each client language words them (client/lib/i18n);
 * the English `message` the server sends beside a code is for logs and API clients, never shown as is.
 */
import type { Role } from './roles.js';

type None = Record<never, never>;

/** Each reason a refusal may give, and the parameters its wording needs. */
export interface ReasonParams {
  // access to a board (REST, socket.io)
  board_not_found: None;
  token_missing: None;
  /** The token is wrong, or its link was replaced by a new one. */
  link_invalid: None;
  role_too_low: { needed: Role; role: Role };
  // socket.io in general
  invalid_payload: None;
  slow_down: None;
  /** The socket kept sending after being refused and is disconnected. */
  cut_off: None;
  one_watch_at_a_time: None;
  too_many_watches: { max: number };
  server_failed: None;
  // meeting commands
  meeting_ended: None;
  meeting_full: None;
  viewers_cannot: None;
  facilitator_only: None;
  facilitator_lowers_hands: None;
  facilitator_link_only: None;
  /** What the board lacks, as `startGate` (shared/meeting.ts) names it. */
  start_gate: { missing: string[] };
  no_such_agenda_item: None;
  last_agenda_item: None;
  handover_target: None;
  co_facilitator_target: None;
  no_time_left: None;
  nothing_to_vote_on: None;
  card_not_in_vote: None;
  all_dots_placed: { dots: number };
  no_dot_on_card: None;
  no_open_vote: None;
  /** Sorting by dots needs a revealed round. */
  no_vote_results: None;
  /** Yielding the floor is for whoever has it (or a leader). */
  speaker_yields: None;
  nobody_has_floor: None;
  reveal_hidden_first: None;
  column_not_hidden: None;
  too_many_drafts: { max: number };
  no_such_draft: None;
  // series
  series_not_found: None;
  meeting_not_found: None;
  meeting_exists: None;
  meeting_over: None;
  cadence_ended: None;
  template_not_found: None;
  start_time_needed: None;
  // requests and escalations between series
  card_not_found: None;
  same_series: None;
  already_asked: None;
  already_escalated: None;
  // answering a request on a board
  not_a_request: None;
  /** Only the request's addressee (or a facilitator) answers it; `addressee` as the card names them. */
  not_the_addressee: { addressee: string };
}
export type Reason = keyof ReasonParams;

/** A reason with its parameters (none to give for a reason that needs none). */
export type Notice = {
  [R in Reason]: keyof ReasonParams[R] extends never ? { reason: R; params?: undefined } : { reason: R; params: ReasonParams[R] };
}[Reason];

/** What a meeting announces to everyone in it, and the parameters of each (names as on the roster). */
export interface AnnouncementParams {
  facilitator_dropped: { gone: string; successor: string };
  /** `from` is null when the person who handed over is no longer on the roster. */
  handed_over: { from: string | null; to: string };
  took_lead: { name: string | null };
  /** The facilitator put the challenges in the order of the dot vote, on everyone's board. */
  sorted_by_dots: { name: string | null };
}
export type AnnouncementCode = keyof AnnouncementParams;
export type AnnouncementNotice = { [C in AnnouncementCode]: { code: C; params: AnnouncementParams[C] } }[AnnouncementCode];
