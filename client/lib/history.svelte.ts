/**
 * The history page's state: a board's named versions, the one being viewed, and what the reader did with
 * them (saved, restored, copied). Every write goes through the REST API; the live board hears a restore as
 * an ordinary change over its own sync connection.
 */
import type { CreateBoardResponse } from '../../shared/api-schemas.js';
import type { VersionInfo, VersionViewResponse } from '../../shared/history-schemas.js';
import type { ApiResult } from './api.js';
import { saveLinks, saveToken, tokenOf } from './board-keys.js';
import { copyVersion, fetchVersion, listVersions, restoreVersion, saveVersion } from './history-api.js';
import { loadIdentity } from './identity.js';
import { rememberBoard } from './recent-boards.js';
import { locale, t } from './i18n/index.svelte.js';
import { refusalText } from './i18n/messages.js';

export type VersionKind = keyof typeof t.history.kinds;

/** What kind of version a name stands for (the server names its own; see server/history). */
export function versionKind(v: VersionInfo): VersionKind {
  if (v.by !== 'server') return v.name === 'Before restore' ? 'restore' : 'manual';
  if (v.name === 'Autosave') return 'autosave';
  if (v.name.startsWith('Agenda item done')) return 'agenda';
  if (v.name.startsWith('Meeting ')) return 'meeting';
  return 'manual';
}

/** A version's name for people: the names the server gives its own versions, in the reader's language. */
export const versionName = (v: VersionInfo): string => (v.by === 'server' || v.name === 'Before restore' ? serverVersionName(v.name) : v.name);

/** A name the server gives a version (server/history), in the reader's language; any other name as it is. */
export function serverVersionName(name: string): string {
  const names = t.history.names;
  if (name === 'Before restore') return names.beforeRestore;
  if (name === 'Autosave') return names.autosave;
  if (name === 'Meeting started') return names.meetingStarted;
  if (name === 'Meeting ended') return names.meetingEnded;
  if (name.startsWith('Agenda item done: ')) return names.agendaDone(name.slice('Agenda item done: '.length));
  return name;
}

/** "Oct 14, 2026, 3:05 PM" in the reader's locale. */
export const formatWhen = (ms: number): string => new Intl.DateTimeFormat(locale.tag, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);

/** The message of a failed call, for "Could not …: <message>". */
export const failure = (res: Extract<ApiResult<unknown>, { ok: false }>): string =>
  res.status === 0 ? t.history.networkError : res.error ? refusalText(res.error) : `HTTP ${res.status}`;

export class HistoryModel {
  readonly boardId: string;
  readonly token: string;
  #versions = $state.raw<VersionInfo[]>([]);
  get versions() {
    return this.#versions;
  }
  #loaded = $state(false);
  get loaded() {
    return this.#loaded;
  }
  #loadFailed = $state(false);
  get loadFailed() {
    return this.#loadFailed;
  }
  #viewing = $state.raw<VersionViewResponse | null>(null);
  /** The version open in the read-only view, and its board. */
  get viewing() {
    return this.#viewing;
  }
  #viewFailed = $state(false);
  get viewFailed() {
    return this.#viewFailed;
  }
  #announcement = $state('');
  /** Last outcome worth announcing ("Version saved", "Restored …"); read by a live region. */
  get announcement() {
    return this.#announcement;
  }

  constructor(boardId: string, token: string) {
    this.boardId = boardId;
    this.token = token;
  }

  async load(): Promise<void> {
    const res = await listVersions(this.boardId, this.token);
    if (res.ok) {
      this.#versions = res.data.versions;
      this.#loaded = true;
      this.#loadFailed = false;
    } else this.#loadFailed = true;
  }

  /** Saves the board as it is now under `name`; returns an error message, or null when saved. */
  async save(name: string): Promise<string | null> {
    const res = await saveVersion(this.boardId, this.token, name, by());
    if (!res.ok) return t.history.saveFailed(failure(res));
    this.#versions = [res.data, ...this.#versions.filter((v) => v.id !== res.data.id)];
    this.#announcement = t.history.saved(res.data.name);
    return null;
  }

  async open(versionId: string): Promise<void> {
    this.#viewFailed = false;
    const res = await fetchVersion(this.boardId, this.token, versionId);
    if (res.ok) this.#viewing = res.data;
    else this.#viewFailed = true;
  }

  close(): void {
    this.#viewing = null;
    this.#viewFailed = false;
  }

  /** Facilitators: restores a version on top of the live board; returns an error message, or null. */
  async restore(version: VersionInfo): Promise<string | null> {
    const res = await restoreVersion(this.boardId, this.token, version.id, by());
    if (!res.ok) return t.history.restoreFailed(failure(res));
    this.#announcement = res.data.changed ? t.history.restored(versionName(version)) : t.history.restoredUnchanged(versionName(version));
    await this.load();
    return null;
  }

  /** Facilitators: a new board from a version. Its links are kept on this device, as at board creation. */
  async copy(version: VersionInfo, title: string): Promise<{ ok: true; board: CreateBoardResponse } | { ok: false; message: string }> {
    const res = await copyVersion(this.boardId, this.token, version.id, title.trim() || undefined);
    if (!res.ok) return { ok: false, message: t.history.copyFailed(failure(res)) };
    const { id, links } = res.data;
    const token = tokenOf(links.facilitator);
    if (token) saveToken(id, token);
    saveLinks(id, links);
    rememberBoard(id, res.data.title);
    this.#announcement = t.history.copied(res.data.title);
    return { ok: true, board: res.data };
  }
}

/** My display name on this device, so the version list and the audit trail say who did it. */
const by = (): string | undefined => loadIdentity()?.name;
