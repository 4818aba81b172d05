/** The personal page's mail settings: the person's address for the series, its confirmation and the kinds they get. */
import type { ApiError } from '../../shared/errors.js';
import type { EmailKind, EmailLang, MyEmailResponse } from '../../shared/email.js';
import { fetchMyEmail, removeMyEmail, setMyEmail, setMyEmailKind } from './email-api.js';

export class MyEmailModel {
  #state = $state.raw<MyEmailResponse | null>(null);
  #busy = $state.raw(false);
  #error = $state.raw<ApiError | null>(null);
  #removed = $state.raw(false);

  constructor(
    readonly seriesId: string,
    readonly token: string,
  ) {}

  get state() {
    return this.#state;
  }
  get busy() {
    return this.#busy;
  }
  get error() {
    return this.#error;
  }
  /** The address was just removed (for the confirmation line). */
  get removed() {
    return this.#removed;
  }

  async load(): Promise<void> {
    const res = await fetchMyEmail(this.seriesId, this.token);
    if (res.ok) this.#state = res.data;
  }

  save(address: string, lang: EmailLang): Promise<boolean> {
    return this.#run(() => setMyEmail(this.seriesId, this.token, { address: address.trim(), lang }));
  }

  setKind(kind: EmailKind, on: boolean): Promise<boolean> {
    return this.#run(() => setMyEmailKind(this.seriesId, this.token, kind, on));
  }

  async remove(): Promise<boolean> {
    const ok = await this.#run(async () => {
      const res = await removeMyEmail(this.seriesId, this.token);
      if (res.ok) await this.load();
      return res;
    });
    this.#removed = ok;
    return ok;
  }

  async #run(fn: () => Promise<{ ok: true; data: unknown } | { ok: false; error: ApiError | null; status: number }>): Promise<boolean> {
    this.#busy = true;
    this.#error = null;
    this.#removed = false;
    try {
      const res = await fn();
      if (!res.ok) {
        this.#error = res.error ?? { code: 'unavailable', message: '' };
        return false;
      }
      if (res.data && typeof res.data === 'object' && 'kinds' in res.data) this.#state = res.data as MyEmailResponse;
      return true;
    } finally {
      this.#busy = false;
    }
  }
}
