/**
 * The body of one delivery, per endpoint format: `standard` is our own JSON (`{ type, timestamp, data }`);
 * `slack`, `mattermost` and `teams` are what those chat servers' incoming webhooks accept, a few short lines
 * per event. User text goes through the format's escaper (chat-text.ts); links point at the series' and
 * meetings' pages and never carry a token.
 */
import type { ActionItemInfo, SeriesEvent } from '../../shared/reach.js';
import { seriesPath } from '../../shared/series.js';
import { boardPath } from '../../shared/urls.js';
import { WEBHOOK_TEST_EVENT, type WebhookFormat } from '../../shared/webhooks.js';
import { markdownText, oneLine, slackText, teamsText } from './chat-text.js';

/** What an endpoint can be sent: a series event, or the test a facilitator asks for. */
export type WebhookEvent = SeriesEvent | { type: typeof WEBHOOK_TEST_EVENT; seriesId: string; seriesName: string; at: number; key: string };

/** Action items listed in a chat message about a meeting; the rest are counted. */
const MAX_ITEMS = 10;

/** `base`: the server's public origin (no trailing slash). */
export function renderWebhook(format: WebhookFormat, event: WebhookEvent, base: string): unknown {
  const links = linksOf(event, base);
  if (format === 'standard') return { type: event.type, timestamp: new Date(event.at).toISOString(), data: dataOf(event, links) };
  const markup = MARKUPS[format];
  const { title, lines } = linesOf(event, markup);
  const open = event.type === 'meeting.ended' || !links.board ? links.series : links.board;
  if (format === 'slack') {
    const text = [title, ...lines].join('\n');
    return {
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: markup.link(open, 'Open in Meshboard') }] },
      ],
    };
  }
  if (format === 'mattermost') return { text: [title, ...lines, markup.link(open, 'Open in Meshboard')].join('\n') };
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: title, weight: 'Bolder', wrap: true },
            ...lines.map((text) => ({ type: 'TextBlock', text, wrap: true, spacing: 'Small' })),
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'Open in Meshboard', url: open }],
        },
      },
    ],
  };
}

/** A one-line description of an event for the delivery log. */
export function subjectOf(event: WebhookEvent): string {
  return oneLine(`${event.type}: ${event.seriesName}`, 200);
}

interface Links {
  series: string;
  board?: string;
}

function linksOf(event: WebhookEvent, base: string): Links {
  const series = `${base}${seriesPath(event.seriesId)}`;
  switch (event.type) {
    case 'meeting.ended':
      return { series, board: `${base}${boardPath(event.boardId)}` };
    case 'action_item.created':
    case 'action_item.done':
    case 'action_item.overdue':
      return { series, board: `${base}${boardPath(event.item.boardId)}` };
    case 'request.made':
    case 'request.answered':
      return { series, board: `${base}${boardPath(event.request.boardId)}` };
    default:
      return { series };
  }
}

function dataOf(event: WebhookEvent, links: Links): Record<string, unknown> {
  const series = { id: event.seriesId, name: event.seriesName, url: links.series };
  switch (event.type) {
    case 'meeting.ended': {
      const { boardId, seq, title, endedBy, decisions, attendees, actionItems } = event;
      return { series, meeting: { boardId, seq, title, endedBy, decisions, attendees, actionItems, url: links.board } };
    }
    case 'action_item.created':
    case 'action_item.done':
    case 'action_item.overdue':
      return { series, item: { ...event.item, url: links.board } };
    case 'request.made':
    case 'request.answered':
      return { series, request: { ...event.request, url: links.board } };
    default:
      return { series, test: true };
  }
}

/** How one chat server spells emphasis and links, and how it escapes user text. */
interface Markup {
  esc(s: string): string;
  bold(s: string): string;
  link(url: string, label: string): string;
  bullet: string;
}

const MARKUPS: Record<Exclude<WebhookFormat, 'standard'>, Markup> = {
  slack: { esc: slackText, bold: (s) => `*${s}*`, link: (url, label) => `<${url}|${label}>`, bullet: '•' },
  mattermost: { esc: markdownText, bold: (s) => `**${s}**`, link: (url, label) => `[${label}](${url})`, bullet: '-' },
  teams: { esc: teamsText, bold: (s) => `**${s}**`, link: (url, label) => `[${label}](${url})`, bullet: '-' },
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function itemLine(item: ActionItemInfo, m: Markup): string {
  const who = item.owners.length ? ` — ${item.owners.map(m.esc).join(', ')}` : '';
  const due = item.due ? ` · due ${item.due}` : '';
  return `${m.bullet} ${m.esc(item.text)}${who}${due}`;
}

function linesOf(event: WebhookEvent, m: Markup): { title: string; lines: string[] } {
  const series = m.bold(m.esc(event.seriesName));
  switch (event.type) {
    case 'meeting.ended': {
      const items = event.actionItems.slice(0, MAX_ITEMS).map((i) => itemLine(i, m));
      const more = event.actionItems.length - items.length;
      return {
        title: `${series}: meeting ${event.seq} “${m.esc(event.title)}” ended`,
        lines: [
          `${plural(event.decisions, 'decision', 'decisions')} · ${plural(event.actionItems.length, 'action item', 'action items')}`,
          ...items,
          ...(more > 0 ? [`… and ${more} more`] : []),
        ],
      };
    }
    case 'action_item.created':
      return { title: `${series}: new action item`, lines: [itemLine(event.item, m)] };
    case 'action_item.done':
      return { title: `${series}: action item done ✓`, lines: [itemLine(event.item, m)] };
    case 'action_item.overdue':
      return { title: `${series}: action item overdue`, lines: [itemLine(event.item, m)] };
    case 'request.made': {
      const r = event.request;
      return {
        title: `${series}: ${m.esc(r.asker)} asks ${m.esc(r.addressee)}`,
        lines: [`${m.bullet} ${m.esc(r.what)}${r.byWhen ? ` · by ${m.esc(r.byWhen)}` : ''}`],
      };
    }
    case 'request.answered': {
      const r = event.request;
      const reason = r.status === 'declined' && r.declineReason ? `: ${m.esc(r.declineReason)}` : '';
      return {
        title: `${series}: ${m.esc(r.addressee)} ${r.status === 'open' ? 'reopened' : r.status} the request of ${m.esc(r.asker)}`,
        lines: [`${m.bullet} ${m.esc(r.what)}${reason}`],
      };
    }
    default:
      return { title: `${series}: test message from Meshboard`, lines: ['This endpoint receives the events you chose.'] };
  }
}
