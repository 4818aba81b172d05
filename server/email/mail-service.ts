/**
 * Mail to the people of a series: the addresses they give (confirmed before anything else is sent), the
 * kinds they turn off, and the mails themselves — each rendered once and stored in the outbox under a key
 * that makes it once-only, whatever repeats the event that caused it.
 *
 *  - a meeting ended: the summary to each attendee, and to each owner their own action items (with a
 *    calendar file);
 *  - a request made: to the addressee, once it has settled (NOTIFY_SETTLE_MS), as it then reads;
 *  - a request answered: to the asker;
 *  - on the clock (`tick`): due-date reminders, the weekly overdue digest;
 *  - a meeting opened or moved: its invitation, with an iCalendar event (`invitations.ts`).
 */
import { EMAIL_KINDS, confirmPath, unsubscribePath, type EmailKind, type EmailLang, type MyEmailBody, type MyEmailResponse } from '../../shared/email.js';
import type { ActionItemInfo, SeriesEvent } from '../../shared/reach.js';
import { personalPath } from '../../shared/series-people.js';
import { withToken } from '../../shared/urls.js';
import { instantSlot } from '../../shared/cadence.js';
import { sameName } from '../../shared/need-answers.js';
import type { ActionListResponse, MeetingSummary } from '../../shared/action-schemas.js';
import type { Logger } from '../log.js';
import type { Outbox } from '../outbox/outbox.js';
import type { ContactRecord, ContactStore } from '../store/contact-store.js';
import type { SeriesRecord, SeriesStore } from '../store/series-store.js';
import type { SeriesActionItem } from '../series/series-service.js';
import { actionsIcs } from '../actions/exports.js';
import { invitationIcs, type IcsMeeting } from '../calendar/ics.js';
import type { MeetingRecord } from '../store/series-store.js';
import type { MailPayload } from './mailer.js';
import { renderMail, type MailContent } from './render.js';
import type { SignedLinks } from './signed-links.js';
import { formatDay, formatWhen, MAIL_TEXTS } from './texts.js';

export interface MailDeps {
  contacts: ContactStore;
  outbox: Outbox;
  links: SignedLinks;
  seriesStore: Pick<SeriesStore, 'get'>;
  /** The series' action items across its meetings. */
  seriesActions(seriesId: string): Promise<SeriesActionItem[]>;
  /** A board's action list (title, day, start, items), for the calendar file. */
  actionList(boardId: string): Promise<ActionListResponse | null>;
  /** A board's summary: its decisions, for the summary mail. */
  summary(boardId: string): Promise<MeetingSummary | null>;
  /** The origin links in mails start with (PUBLIC_URL, else the address the server listens on). */
  origin(): string;
  /** Whether SMTP is configured: without it nothing is stored for mail. */
  enabled: boolean;
  settleMs: number;
  /** A meeting as calendars show it, with the SEQUENCE the feeds carry (server/calendar). */
  calendarMeeting(seriesId: string, seq: number): Promise<IcsMeeting | null>;
  /** The organizer of invitations: the sender of the mails. */
  organizer: { name: string; address: string };
  now(): number;
  log: Logger;
}

/** Why setting an address was refused. */
export class MailError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 503,
    message: string,
  ) {
    super(message);
  }
}

/** A confirmation mail is sent at most once per address and person in this window (a form pressed ten times). */
const CONFIRM_WINDOW_MS = 10 * 60_000;
/** Reminders and digests go out from this local hour on. */
const MORNING_HOUR = 8;
/** An item decided this recently gets no reminder yet: its owner has just had the meeting's mail. */
const FRESH_MS = 12 * 3_600_000;

export class MailService {
  constructor(private readonly deps: MailDeps) {}

  get enabled(): boolean {
    return this.deps.enabled;
  }

  // ---- the person's address ---------------------------------------------------------------------------------

  async myEmail(seriesId: string, name: string): Promise<MyEmailResponse> {
    const c = await this.deps.contacts.get(seriesId, name);
    const off = c ? await this.deps.contacts.offKinds(c.address) : new Set<EmailKind>();
    return {
      enabled: this.deps.enabled,
      address: c?.address ?? null,
      lang: c?.lang ?? 'en',
      confirmed: c?.confirmedAt != null,
      kinds: Object.fromEntries(EMAIL_KINDS.map((k) => [k, !off.has(k)])) as Record<EmailKind, boolean>,
    };
  }

  /** Sets the person's address and language; a new address gets a confirmation mail and nothing else until confirmed. */
  async setMyEmail(seriesId: string, name: string, body: MyEmailBody): Promise<MyEmailResponse> {
    if (!this.deps.enabled) throw new MailError(503, 'this server does not send mail (SMTP_URL is not set)');
    const series = await this.deps.seriesStore.get(seriesId);
    if (!series) throw new MailError(404, 'series not found');
    const before = await this.deps.contacts.get(seriesId, name);
    const c = await this.deps.contacts.set(seriesId, name, body.address, body.lang, this.deps.now());
    if (c.confirmedAt === null) await this.#sendConfirmation(series, c);
    // A replaced address is forgotten as a removed one is.
    if (before && before.address.toLowerCase() !== c.address.toLowerCase()) await this.#forget(before.address);
    return this.myEmail(seriesId, name);
  }

  /** Removes the person's address: nothing more is sent to it, and it is blanked in the outbox's log. */
  async removeMyEmail(seriesId: string, name: string): Promise<void> {
    const address = await this.deps.contacts.remove(seriesId, name);
    if (address) await this.#forget(address);
  }

  /** What waits for an address no series has any more is cancelled, and the address blanked in the log. */
  async #forget(address: string): Promise<void> {
    if (!(await this.deps.contacts.inUse(address))) await this.deps.outbox.forgetRecipient(address);
  }

  async setKinds(seriesId: string, name: string, kinds: Partial<Record<EmailKind, boolean>>): Promise<MyEmailResponse> {
    const c = await this.deps.contacts.get(seriesId, name);
    if (!c) throw new MailError(409, 'give an address first');
    for (const [kind, on] of Object.entries(kinds)) await this.deps.contacts.setKind(c.address, kind as EmailKind, on, this.deps.now());
    return this.myEmail(seriesId, name);
  }

  /** Confirms an address from the link in its confirmation mail; null when the link is not (or no longer) valid. */
  async confirm(token: string): Promise<{ address: string; seriesName: string; link: string } | null> {
    const claims = this.deps.links.read(token);
    if (!claims || claims.p !== 'confirm') return null;
    if (!(await this.deps.contacts.confirm(claims.s, claims.n, claims.a, this.deps.now()))) return null;
    const series = await this.deps.seriesStore.get(claims.s);
    if (!series) return null;
    return { address: claims.a, seriesName: series.name, link: this.#personalLink(claims.s, claims.n, claims.a) };
  }

  /** Turns a kind of mail off for the address in an unsubscribe link (one click, RFC 8058); null when not valid. */
  async unsubscribe(token: string): Promise<{ address: string; kind: EmailKind } | null> {
    const claims = this.deps.links.read(token);
    if (!claims || claims.p !== 'unsub') return null;
    await this.deps.contacts.setKind(claims.a, claims.k, false, this.deps.now());
    return { address: claims.a, kind: claims.k };
  }

  /** The person a mail's link names, while the address it was sent to is still theirs and confirmed; else null. */
  async personOfLink(seriesId: string, token: string): Promise<string | null> {
    const claims = this.deps.links.read(token);
    if (!claims || claims.p !== 'me' || claims.s !== seriesId) return null;
    const c = await this.deps.contacts.get(seriesId, claims.n);
    if (!c || c.confirmedAt === null || c.address.toLowerCase() !== claims.a.toLowerCase()) return null;
    return c.name;
  }

  // ---- events -----------------------------------------------------------------------------------------------

  async onEvent(ev: SeriesEvent): Promise<void> {
    if (!this.deps.enabled) return;
    switch (ev.type) {
      case 'meeting.ended':
        return this.#meetingEnded(ev);
      case 'request.made':
        return this.#requestMade(ev);
      case 'request.answered':
        return this.#requestAnswered(ev);
      default:
        return;
    }
  }

  async #meetingEnded(ev: Extract<SeriesEvent, { type: 'meeting.ended' }>): Promise<void> {
    const contacts = await this.deps.contacts.confirmed(ev.seriesId);
    if (!contacts.length) return;
    const series = await this.deps.seriesStore.get(ev.seriesId);
    if (!series) return;
    const list = await this.deps.actionList(ev.boardId);
    const decisions = (await this.deps.summary(ev.boardId))?.decisions ?? [];
    const day = list?.meetingDate ?? instantSlot(ev.at, series.timezone).date;
    const live = ev.actionItems.filter((i) => i.status !== 'cancelled');
    for (const c of contacts) {
      const t = MAIL_TEXTS[c.lang];
      if (ev.attendees.some((a) => sameName(a, c.name))) {
        await this.#queue(series, c, 'summary', `mail:summary:${ev.boardId}:${c.name.toLowerCase()}`, {
          subject: t.summary.subject(ev.title),
          paragraphs: [t.summary.intro(ev.title, formatDay(day, c.lang))],
          sections: [
            { heading: t.summary.decisions, items: decisions.map((d) => (d.cardTitle ? `${d.cardTitle}: ${d.text}` : d.text)), empty: t.summary.none },
            { heading: t.summary.actions, items: live.map((i) => this.#itemLine(i, c.lang, true)), empty: t.summary.none },
          ],
          button: { label: t.openMyItems, url: this.#personalLink(series.id, c.name, c.address) },
        });
      }
      const mine = live.filter((i) => i.status !== 'done' && i.owners.some((o) => sameName(o, c.name)));
      if (mine.length) {
        const attachments = list
          ? [
              {
                filename: 'action-items.ics',
                contentType: 'text/calendar; charset=utf-8',
                content: actionsIcs({ ...list, actionItems: list.actionItems.filter((i) => mine.some((m) => m.id === i.id)) }),
              },
            ]
          : [];
        await this.#queue(
          series,
          c,
          'actions',
          `mail:actions:${ev.boardId}:${c.name.toLowerCase()}`,
          {
            subject: t.actions.subject(mine.length, ev.title),
            paragraphs: [t.actions.intro(ev.title)],
            sections: [{ items: mine.map((i) => this.#itemLine(i, c.lang, false)) }],
            button: { label: t.openMyItems, url: this.#personalLink(series.id, c.name, c.address) },
            after: attachments.length ? [t.actions.calendar] : [],
          },
          { attachments },
        );
      }
    }
  }

  async #requestMade(ev: Extract<SeriesEvent, { type: 'request.made' }>): Promise<void> {
    const r = ev.request;
    const key = `mail:ask:${ev.seriesId}:${r.id}`;
    const c = r.addressee ? await this.#contact(ev.seriesId, r.addressee) : null;
    if (!c || r.status !== 'open' || sameName(r.asker, r.addressee)) {
      await this.deps.outbox.cancel(key);
      return;
    }
    const series = await this.deps.seriesStore.get(ev.seriesId);
    if (!series) return;
    const t = MAIL_TEXTS[c.lang];
    const asker = r.asker || '—';
    await this.#queue(
      series,
      c,
      'ask',
      key,
      {
        subject: t.ask.subject(asker),
        paragraphs: [t.ask.intro(asker, series.name)],
        sections: [{ items: [r.what, ...(r.byWhen ? [t.ask.byWhen(r.byWhen)] : [])] }],
        button: { label: t.ask.answer, url: this.#personalLink(series.id, c.name, c.address) },
      },
      { notBefore: ev.at + this.deps.settleMs, replace: true },
    );
  }

  async #requestAnswered(ev: Extract<SeriesEvent, { type: 'request.answered' }>): Promise<void> {
    const r = ev.request;
    // Answered before its mail went (in the room, say): the addressee needs no mail about it.
    await this.deps.outbox.cancel(`mail:ask:${ev.seriesId}:${r.id}`);
    if (r.status === 'open') return;
    for (const other of ['accepted', 'declined', 'done'] as const) {
      if (other !== r.status) await this.deps.outbox.cancel(`mail:answer:${ev.seriesId}:${r.id}:${other}`);
    }
    const c = r.asker ? await this.#contact(ev.seriesId, r.asker) : null;
    if (!c || sameName(r.asker, r.addressee)) return;
    const series = await this.deps.seriesStore.get(ev.seriesId);
    if (!series) return;
    const t = MAIL_TEXTS[c.lang];
    const who = r.addressee || '—';
    await this.#queue(
      series,
      c,
      'answer',
      `mail:answer:${ev.seriesId}:${r.id}:${r.status}`,
      {
        subject: t.answer.subject(who, r.status),
        paragraphs: [t.answer.intro(who, r.status)],
        sections: [{ items: [r.what, ...(r.status === 'declined' && r.declineReason ? [t.answer.reason(r.declineReason)] : [])] }],
        button: { label: t.openMyItems, url: this.#personalLink(series.id, c.name, c.address) },
      },
      { notBefore: ev.at + this.deps.settleMs, replace: true },
    );
  }

  // ---- the clock --------------------------------------------------------------------------------------------

  /** Reminders before due dates and the weekly overdue digest; once each (their keys), whenever this runs. */
  async tick(): Promise<void> {
    if (!this.deps.enabled) return;
    const now = this.deps.now();
    for (const id of await this.deps.contacts.seriesWithConfirmed()) {
      const contacts = await this.deps.contacts.confirmed(id);
      if (!contacts.length) continue;
      const series = await this.deps.seriesStore.get(id);
      if (!series) continue;
      const local = instantSlot(now, series.timezone);
      if (Number(local.start.slice(0, 2)) < MORNING_HOUR) continue;
      const items = (await this.deps.seriesActions(id)).filter((i) => (i.status === 'open' || i.status === 'blocked') && i.due);
      if (!items.length) continue;
      for (const c of contacts) {
        const mine = items.filter((i) => i.owners.some((o) => sameName(o, c.name)));
        if (series.settings.reminderDaysBefore !== null) await this.#reminders(series, c, mine, local.date, now);
        if (series.settings.overdueDigest && weekday(local.date) === 1) await this.#digest(series, c, mine, local.date);
      }
    }
  }

  async #reminders(series: SeriesRecord, c: ContactRecord, items: SeriesActionItem[], today: string, now: number): Promise<void> {
    const lead = series.settings.reminderDaysBefore ?? 0;
    for (const i of items) {
      const days = daysBetween(today, i.due!);
      if (days < 0 || days > lead || now - i.createdAt < FRESH_MS) continue;
      const t = MAIL_TEXTS[c.lang];
      await this.#queue(series, c, 'reminder', `mail:reminder:${i.id}:${i.due}:${c.name.toLowerCase()}`, {
        subject: t.reminder.subject(i.text, days),
        paragraphs: [t.reminder.intro(days)],
        sections: [{ items: [this.#itemLine(i, c.lang, false)] }],
        button: { label: t.reminder.done, url: this.#personalLink(series.id, c.name, c.address) },
      });
    }
  }

  async #digest(series: SeriesRecord, c: ContactRecord, items: SeriesActionItem[], today: string): Promise<void> {
    const overdue = items.filter((i) => daysBetween(today, i.due!) < 0);
    if (!overdue.length) return;
    const t = MAIL_TEXTS[c.lang];
    await this.#queue(series, c, 'digest', `mail:digest:${series.id}:${c.name.toLowerCase()}:${today}`, {
      subject: t.digest.subject(overdue.length, series.name),
      paragraphs: [t.digest.intro(series.name)],
      sections: [{ items: overdue.map((i) => `${i.text} (${t.digest.overdueSince(formatDay(i.due!, c.lang))})`) }],
      button: { label: t.openMyItems, url: this.#personalLink(series.id, c.name, c.address) },
    });
  }

  // ---- invitations -----------------------------------------------------------------------------------------

  /**
   * A meeting opened or moved: each confirmed person of the series gets its invitation (an iCalendar REQUEST
   * with the meeting's stable UID), and a moved one an update that replaces it in their calendar.
   */
  async invitation(change: 'opened' | 'moved', meeting: MeetingRecord): Promise<void> {
    if (!this.deps.enabled || meeting.startsAt <= this.deps.now()) return;
    const contacts = await this.deps.contacts.confirmed(meeting.seriesId);
    if (!contacts.length) return;
    const series = await this.deps.seriesStore.get(meeting.seriesId);
    const m = await this.deps.calendarMeeting(meeting.seriesId, meeting.seq);
    if (!series || !m) return;
    const moved = change === 'moved';
    for (const c of contacts) {
      const t = MAIL_TEXTS[c.lang];
      const when = formatWhen(m.startsAt, series.timezone, c.lang);
      const content = invitationIcs(m, { method: 'REQUEST', organizer: this.deps.organizer, attendees: [{ name: c.name, address: c.address }] });
      await this.#queue(
        series,
        c,
        'invitation',
        `mail:invite:${series.id}:${meeting.seq}:${m.sequence}:${c.name.toLowerCase()}`,
        {
          subject: t.invitation.subject(series.name, when, moved),
          paragraphs: [t.invitation.intro(series.name, series.team, moved), t.invitation.when(when, series.durationMinutes, series.timezone)],
          button: { label: t.openMyItems, url: this.#personalLink(series.id, c.name, c.address) },
        },
        { icalEvent: { method: 'REQUEST', filename: 'invite.ics', content } },
      );
    }
  }

  // ---- sending ----------------------------------------------------------------------------------------------

  /** Every mail but the confirmation is stored through here: a kind the address turned off stores nothing. */
  async #queue(
    series: SeriesRecord,
    c: ContactRecord,
    kind: EmailKind,
    key: string,
    content: Pick<MailContent, 'subject' | 'paragraphs' | 'sections' | 'button' | 'after'>,
    extra: { attachments?: MailPayload['attachments']; icalEvent?: MailPayload['icalEvent']; notBefore?: number; replace?: boolean } = {},
  ): Promise<void> {
    if ((await this.deps.contacts.offKinds(c.address)).has(kind)) return;
    const t = MAIL_TEXTS[c.lang];
    const rendered = renderMail({
      ...content,
      to: c.address,
      lang: c.lang,
      kind,
      seriesName: series.name,
      listId: this.#listId(series.id),
      greeting: t.hello(c.name),
      unsubscribe: this.#unsubscribeLinks(c.address, kind),
    });
    const payload: MailPayload = { ...rendered, attachments: extra.attachments, icalEvent: extra.icalEvent };
    const message = {
      key,
      channel: 'email' as const,
      seriesId: series.id,
      kind,
      recipient: c.address,
      subject: payload.subject,
      payload,
      notBefore: extra.notBefore,
    };
    if (extra.replace) await this.deps.outbox.upsert(message);
    else await this.deps.outbox.add(message);
  }

  async #sendConfirmation(series: SeriesRecord, c: ContactRecord): Promise<void> {
    const t = MAIL_TEXTS[c.lang];
    const token = this.deps.links.make({ p: 'confirm', s: series.id, n: c.name, a: c.address });
    const rendered = renderMail({
      to: c.address,
      lang: c.lang,
      kind: 'confirm',
      seriesName: series.name,
      listId: this.#listId(series.id),
      unsubscribe: null,
      subject: t.confirm.subject(series.name),
      greeting: t.hello(c.name),
      paragraphs: [t.confirm.body(series.name)],
      button: { label: t.confirm.button, url: withToken(`${this.deps.origin()}${confirmPath}`, token) },
      after: [t.confirm.ignore],
    });
    const window = Math.floor(this.deps.now() / CONFIRM_WINDOW_MS);
    await this.deps.outbox.add({
      key: `mail:confirm:${series.id}:${c.name.toLowerCase()}:${c.address.toLowerCase()}:${window}`,
      channel: 'email',
      seriesId: series.id,
      kind: 'confirm',
      recipient: c.address,
      subject: rendered.subject,
      payload: { ...rendered } satisfies MailPayload,
    });
  }

  async #contact(seriesId: string, name: string): Promise<ContactRecord | null> {
    const c = await this.deps.contacts.get(seriesId, name);
    return c && c.confirmedAt !== null ? c : null;
  }

  #personalLink(seriesId: string, name: string, address: string): string {
    return withToken(`${this.deps.origin()}${personalPath(seriesId)}`, this.deps.links.make({ p: 'me', s: seriesId, n: name, a: address }));
  }

  #unsubscribeLinks(address: string, kind: EmailKind): { page: string; oneClick: string } {
    const token = this.deps.links.make({ p: 'unsub', a: address, k: kind });
    return { page: withToken(`${this.deps.origin()}${unsubscribePath}`, token), oneClick: withToken(`${this.deps.origin()}/api/email/unsubscribe`, token) };
  }

  #listId(seriesId: string): string {
    return `${seriesId.toLowerCase()}.series.${new URL(this.deps.origin()).hostname}`;
  }

  #itemLine(i: ActionItemInfo, lang: EmailLang, withOwners: boolean): string {
    const t = MAIL_TEXTS[lang];
    const due = i.due ? t.due(formatDay(i.due, lang)) : t.noDue;
    return withOwners ? `${i.text} — ${t.owners(i.owners)}, ${due}` : `${i.text} (${due})`;
  }
}

/** Whole days from `a` to `b` (both `YYYY-MM-DD`). */
function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** 0 = Sunday … 6 = Saturday. */
const weekday = (day: string): number => new Date(`${day}T12:00:00Z`).getUTCDay();

/** An address shown in part in the facilitator's log: a•••@example.org. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return address.includes('(') ? address : '•••';
  return `${address[0]}•••${address.slice(at)}`;
}
