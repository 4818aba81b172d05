/**
 * The words of every mail, in English and German (the recipient's language, chosen with their address).
 * Functions of plain values; the renderer (render.ts) escapes for HTML.
 */
import type { EmailKind, EmailLang } from '../../shared/email.js';

export interface MailTexts {
  hello(name: string): string;
  footer(seriesName: string): string;
  unsubscribe(kind: EmailKind): string;
  openMyItems: string;
  due(date: string): string;
  noDue: string;
  owners(names: string[]): string;
  confirm: { subject(series: string): string; body(series: string): string; button: string; ignore: string };
  summary: { subject(title: string): string; intro(title: string, date: string): string; decisions: string; actions: string; none: string };
  actions: { subject(n: number, title: string): string; intro(title: string): string; calendar: string };
  ask: { subject(asker: string): string; intro(asker: string, series: string): string; byWhen(date: string): string; answer: string };
  answer: {
    subject(addressee: string, status: AnswerStatus): string;
    intro(addressee: string, status: AnswerStatus): string;
    reason(reason: string): string;
  };
  reminder: { subject(text: string, days: number): string; intro(days: number): string; done: string };
  digest: { subject(n: number, series: string): string; intro(series: string): string; overdueSince(date: string): string };
  invitation: {
    subject(series: string, when: string, moved: boolean): string;
    intro(series: string, team: string, moved: boolean): string;
    when(when: string, minutes: number, zone: string): string;
  };
  kindNames: Record<EmailKind, string>;
}

export type AnswerStatus = 'accepted' | 'declined' | 'done';

const en: MailTexts = {
  hello: (name) => `Hello ${name},`,
  footer: (series) => `You get this mail because you gave your address for the meeting series “${series}” in Meshboard.`,
  unsubscribe: (kind) => `Stop mails like this (${en.kindNames[kind]})`,
  openMyItems: 'Open my items',
  due: (date) => `due ${date}`,
  noDue: 'no due date',
  owners: (names) => (names.length ? names.join(', ') : 'nobody yet'),
  confirm: {
    subject: (series) => `Confirm your address for “${series}”`,
    body: (series) => `Please confirm that this is your address for the meeting series “${series}”. Until you do, Meshboard sends nothing else to it.`,
    button: 'Confirm my address',
    ignore: 'If you did not ask for this, ignore this mail: nothing more will be sent.',
  },
  summary: {
    subject: (title) => `Summary: ${title}`,
    intro: (title, date) => `Here is what the meeting “${title}” on ${date} decided.`,
    decisions: 'Decisions',
    actions: 'Action items',
    none: 'None.',
  },
  actions: {
    subject: (n, title) => (n === 1 ? `Your action item from “${title}”` : `Your ${n} action items from “${title}”`),
    intro: (title) => `The meeting “${title}” left these with you:`,
    calendar: 'The attached calendar file puts each on its due date.',
  },
  ask: {
    subject: (asker) => `${asker} needs something from you`,
    intro: (asker, series) => `${asker} asked you in “${series}”:`,
    byWhen: (date) => `By when: ${date}`,
    answer: 'Accept, decline or mark it done',
  },
  answer: {
    subject: (who, status) => `${who} ${status === 'accepted' ? 'accepted' : status === 'declined' ? 'declined' : 'finished'} your request`,
    intro: (who, status) => `${who} ${status === 'accepted' ? 'accepted' : status === 'declined' ? 'declined' : 'marked as done'} what you asked for:`,
    reason: (reason) => `Reason: ${reason}`,
  },
  reminder: {
    subject: (text, days) => `${days === 0 ? 'Due today' : days === 1 ? 'Due tomorrow' : `Due in ${days} days`}: ${text}`,
    intro: (days) =>
      days === 0
        ? 'This action item of yours is due today:'
        : days === 1
          ? 'This action item of yours is due tomorrow:'
          : `This action item of yours is due in ${days} days:`,
    done: 'Mark it done',
  },
  digest: {
    subject: (n, series) => (n === 1 ? `1 overdue action item in “${series}”` : `${n} overdue action items in “${series}”`),
    intro: (series) => `These action items of yours in “${series}” are past their due date:`,
    overdueSince: (date) => `was due ${date}`,
  },
  invitation: {
    subject: (series, when, moved) => (moved ? `Moved: ${series}, now ${when}` : `Invitation: ${series}, ${when}`),
    intro: (series, team, moved) =>
      moved
        ? `The next meeting of “${series}”${team ? ` (${team})` : ''} has moved.`
        : `You are invited to the next meeting of “${series}”${team ? ` (${team})` : ''}.`,
    when: (when, minutes, zone) => `${when}, ${minutes} minutes (${zone})`,
  },
  kindNames: {
    summary: 'meeting summaries',
    actions: 'your action items after a meeting',
    ask: 'requests to you',
    answer: 'answers to your requests',
    reminder: 'due-date reminders',
    digest: 'the weekly overdue digest',
    invitation: 'meeting invitations',
  },
};

const de: MailTexts = {
  hello: (name) => `Hallo ${name},`,
  footer: (series) => `Sie erhalten diese E-Mail, weil Sie Ihre Adresse für die Meetingreihe „${series}“ in Meshboard angegeben haben.`,
  unsubscribe: (kind) => `Solche E-Mails abbestellen (${de.kindNames[kind]})`,
  openMyItems: 'Meine Punkte öffnen',
  due: (date) => `fällig am ${date}`,
  noDue: 'ohne Fälligkeit',
  owners: (names) => (names.length ? names.join(', ') : 'noch niemand'),
  confirm: {
    subject: (series) => `Bitte bestätigen Sie Ihre Adresse für „${series}“`,
    body: (series) => `Bitte bestätigen Sie, dass dies Ihre Adresse für die Meetingreihe „${series}“ ist. Bis dahin sendet Meshboard nichts weiter an sie.`,
    button: 'Adresse bestätigen',
    ignore: 'Falls Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Es wird nichts weiter gesendet.',
  },
  summary: {
    subject: (title) => `Zusammenfassung: ${title}`,
    intro: (title, date) => `Das hat das Meeting „${title}“ am ${date} beschlossen.`,
    decisions: 'Beschlüsse',
    actions: 'Aufgaben',
    none: 'Keine.',
  },
  actions: {
    subject: (n, title) => (n === 1 ? `Ihre Aufgabe aus „${title}“` : `Ihre ${n} Aufgaben aus „${title}“`),
    intro: (title) => `Aus dem Meeting „${title}“ liegt Folgendes bei Ihnen:`,
    calendar: 'Die angehängte Kalenderdatei trägt jede Aufgabe an ihrem Fälligkeitstag ein.',
  },
  ask: {
    subject: (asker) => `${asker} braucht etwas von Ihnen`,
    intro: (asker, series) => `${asker} hat Sie in „${series}“ gebeten:`,
    byWhen: (date) => `Bis: ${date}`,
    answer: 'Annehmen, ablehnen oder als erledigt markieren',
  },
  answer: {
    subject: (who, status) => `${who} hat Ihre Bitte ${status === 'accepted' ? 'angenommen' : status === 'declined' ? 'abgelehnt' : 'erledigt'}`,
    intro: (who, status) => `${who} hat Ihre Bitte ${status === 'accepted' ? 'angenommen' : status === 'declined' ? 'abgelehnt' : 'als erledigt markiert'}:`,
    reason: (reason) => `Begründung: ${reason}`,
  },
  reminder: {
    subject: (text, days) => `${days === 0 ? 'Heute fällig' : days === 1 ? 'Morgen fällig' : `In ${days} Tagen fällig`}: ${text}`,
    intro: (days) =>
      days === 0 ? 'Diese Aufgabe ist heute fällig:' : days === 1 ? 'Diese Aufgabe ist morgen fällig:' : `Diese Aufgabe ist in ${days} Tagen fällig:`,
    done: 'Als erledigt markieren',
  },
  digest: {
    subject: (n, series) => (n === 1 ? `1 überfällige Aufgabe in „${series}“` : `${n} überfällige Aufgaben in „${series}“`),
    intro: (series) => `Diese Aufgaben in „${series}“ sind überfällig:`,
    overdueSince: (date) => `war fällig am ${date}`,
  },
  invitation: {
    subject: (series, when, moved) => (moved ? `Verschoben: ${series}, jetzt ${when}` : `Einladung: ${series}, ${when}`),
    intro: (series, team, moved) =>
      moved
        ? `Das nächste Meeting von „${series}“${team ? ` (${team})` : ''} wurde verschoben.`
        : `Sie sind zum nächsten Meeting von „${series}“${team ? ` (${team})` : ''} eingeladen.`,
    when: (when, minutes, zone) => `${when}, ${minutes} Minuten (${zone})`,
  },
  kindNames: {
    summary: 'Meeting-Zusammenfassungen',
    actions: 'Ihre Aufgaben nach einem Meeting',
    ask: 'Bitten an Sie',
    answer: 'Antworten auf Ihre Bitten',
    reminder: 'Erinnerungen an Fälligkeiten',
    digest: 'die wöchentliche Übersicht überfälliger Aufgaben',
    invitation: 'Einladungen zu Meetings',
  },
};

export const MAIL_TEXTS: Record<EmailLang, MailTexts> = { en, de };

/** A `YYYY-MM-DD` day as the recipient reads it ("Fri, 4 Dec 2026" / "Fr., 4. Dez. 2026"). */
export function formatDay(day: string, lang: EmailLang): string {
  const d = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(d);
}

/** An instant in a time zone, with the day and the clock time. */
export function formatWhen(at: number, zone: string, lang: EmailLang): string {
  return new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: zone,
  }).format(new Date(at));
}
