/**
 * The post-meeting summary page's state: the summary itself (`GET /api/boards/:id/summary`, loaded on
 * demand, not live) and, for the facilitator, the board's summary webhook and "send now".
 */
import type { MeetingSummary } from '../../shared/action-schemas.js';
import { fetchSummary, fetchWebhook, saveWebhook, sendSummary } from './api.js';
import { loadKey, tokenOf } from './board-keys.js';
import { refusalText } from './i18n/messages.js';
import type { Role } from '../../shared/roles.js';

export type Notice = { kind: 'ok' | 'error'; text: string } | null;

export class SummaryModel {
  readonly boardId: string;
  readonly #token: string;
  #summary = $state.raw<MeetingSummary | null>(null);
  get summary() {
    return this.#summary;
  }
  #loading = $state(false);
  get loading() {
    return this.#loading;
  }
  #loadFailed = $state(false);
  get loadFailed() {
    return this.#loadFailed;
  }
  #webhook = $state<string | null>(null);
  /** The saved webhook URL ('' when none); null until asked (facilitators only). */
  get webhook() {
    return this.#webhook;
  }

  constructor(boardId: string, token: string) {
    this.boardId = boardId;
    this.#token = token;
  }

  async load(): Promise<void> {
    this.#loading = true;
    const res = await fetchSummary(this.boardId, this.#token);
    this.#loading = false;
    this.#loadFailed = !res.ok;
    if (res.ok) this.#summary = res.data;
  }

  async loadWebhook(): Promise<void> {
    const res = await fetchWebhook(this.boardId, this.#token);
    if (res.ok) this.#webhook = res.data.url ?? '';
  }

  /** Saves (or with '' removes) the webhook; resolves to the server's message on failure, null on success. */
  async setWebhook(url: string): Promise<string | null> {
    const res = await saveWebhook(this.boardId, this.#token, url.trim() === '' ? null : url.trim());
    if (res.ok) {
      this.#webhook = res.data.url ?? '';
      return null;
    }
    return res.error ? refusalText(res.error) : `HTTP ${res.status}`;
  }

  /**
   * Asks the server to post the summary now: 'no-webhook' when none is saved, `refused` with the server's
   * reason when it will not send now (one already under way, too many sends), 'failed' otherwise.
   */
  async send(): Promise<'ok' | 'no-webhook' | { refused: string } | 'failed'> {
    const res = await sendSummary(this.boardId, this.#token);
    if (res.ok) return 'ok';
    if (res.status === 409 && !this.#webhook) return 'no-webhook';
    return (res.status === 409 || res.status === 429) && res.error ? { refused: refusalText(res.error) } : 'failed';
  }
}

/**
 * The token a printed QR code may carry: never the facilitator's own (it can replace the others' links).
 * A participant or viewer shares what they have; a facilitator shares the teammates' link this device
 * kept from the board's creation, else its view-only link; null when neither is known.
 */
export function shareableToken(boardId: string, role: Role | null, token: string): { token: string; role: 'participant' | 'viewer' } | null {
  if (role === 'participant' || role === 'viewer') return { token, role };
  if (role !== 'facilitator') return null;
  const links = loadKey(boardId)?.links;
  const participant = links?.participant ? tokenOf(links.participant) : null;
  if (participant) return { token: participant, role: 'participant' };
  const viewer = links?.viewer ? tokenOf(links.viewer) : null;
  return viewer ? { token: viewer, role: 'viewer' } : null;
}
