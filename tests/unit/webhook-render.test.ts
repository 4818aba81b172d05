/**
 * The chat formats of series webhooks with hostile user text in every field a user writes: each stays one
 * line per item, reads as the text itself, pings nobody and carries no markup of its own.
 */
import { describe, expect, it } from 'vitest';
import type { SeriesEvent } from '../../shared/reach.js';
import { MAX_TEXT, oneLine } from '../../server/webhooks/chat-text.js';
import { renderWebhook } from '../../server/webhooks/render.js';
import { HOSTILE_TEXTS, MASS_MENTION } from '../helpers/hostile-text.js';
import { actionItem, itemEvent, meetingEndedEvent, requestEvent } from '../helpers/series-events.js';

const BASE = 'https://meshboard.example.org';
/** Takes the neutralising joiner out of `@\u200Dchannel` (and nothing else: emoji use joiners too). */
const unping = (s: string) => s.replace(/@\u200D/g, '@');

/** What a reader sees of a text on one chat line: `oneLine`, cut at `MAX_TEXT`. */
const shown = (s: string) => oneLine(s, MAX_TEXT);

/** An event whose every user-written field is `text`. */
function hostileEvents(seriesId: string, text: string): SeriesEvent[] {
  const item = { text, owners: [text, 'Sam'] };
  return [
    meetingEndedEvent(seriesId, { seriesName: text, title: text, actionItems: [actionItem(item), actionItem(item)] }),
    itemEvent(seriesId, 'action_item.created', { seriesName: text, item }),
    itemEvent(seriesId, 'action_item.overdue', { seriesName: text, item }),
    requestEvent(seriesId, 'request.made', { asker: text, addressee: text, what: text, byWhen: text }),
    requestEvent(seriesId, 'request.answered', { asker: text, addressee: text, what: text, status: 'declined', declineReason: text }),
  ];
}

/** Unescapes Markdown backslash escapes; throws on a Markdown-significant character left unescaped. */
function readMarkdown(s: string, significant: RegExp): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      out += s[++i];
      continue;
    }
    if (significant.test(s[i])) throw new Error(`unescaped ${s[i]} at ${i} in ${JSON.stringify(s)}`);
    out += s[i];
  }
  return out;
}

const decodeEntities = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('Slack format', () => {
  it('is { text, blocks } with the same mrkdwn text in a section and a link to the series page without a token', () => {
    const body = renderWebhook('slack', meetingEndedEvent('ser_1'), BASE) as {
      text: string;
      blocks: { type: string; text?: { type: string; text: string } }[];
    };
    expect(body.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: body.text } });
    expect(body.text.split('\n')).toEqual([
      '*Ops weekly*: meeting 3 “Ops weekly #3” ended',
      '2 decisions · 2 action items',
      '• Draft the rollout plan — Sam · due 2030-01-10',
      '• Book the room — Kim, Lee',
    ]);
    expect(JSON.stringify(body.blocks[1])).toContain(`<${BASE}/s/ser_1|Open in Meshboard>`);
  });

  it.each(HOSTILE_TEXTS)('escapes hostile text %j: no mention, no tag, one line per item', (text) => {
    for (const event of hostileEvents('ser_1', text)) {
      const body = renderWebhook('slack', event, BASE) as { text: string };
      expect(body.text).not.toMatch(MASS_MENTION);
      expect(body.text).not.toMatch(/[<>]/);
      expect(unping(decodeEntities(body.text))).toContain(shown(text));
      const lines = body.text.split('\n');
      expect(lines.length).toBe(event.type === 'meeting.ended' ? 4 : 2);
    }
  });
});

describe('Mattermost format', () => {
  it('is { text } in Markdown with a link to the page', () => {
    const body = renderWebhook('mattermost', itemEvent('ser_1', 'action_item.done'), BASE) as { text: string };
    expect(body.text.split('\n')).toEqual([
      '**Ops weekly**: action item done ✓',
      '- Draft the rollout plan — Sam · due 2030-01-10',
      `[Open in Meshboard](${BASE}/b/board-abc)`,
    ]);
  });

  it.each(HOSTILE_TEXTS)('defuses hostile text %j: no mention, no link, image, tag or block, the text reads as itself', (text) => {
    const body = renderWebhook('mattermost', itemEvent('ser_1', 'action_item.created', { item: { text, owners: [] } }), BASE) as { text: string };
    expect(body.text).not.toMatch(MASS_MENTION);
    const lines = body.text.split('\n');
    expect(lines).toHaveLength(3);
    const userPart = lines[1].slice('- '.length, lines[1].lastIndexOf(' · due'));
    expect(unping(readMarkdown(userPart, /[[\]()!<>`*_~|#\\]/))).toBe(shown(text));
    expect(userPart).not.toMatch(/^[-+=]|^\d+[.)]/);
    for (const event of hostileEvents('ser_1', text)) {
      const t = (renderWebhook('mattermost', event, BASE) as { text: string }).text;
      expect(t).not.toMatch(MASS_MENTION);
      expect(t.split('\n')).toHaveLength(event.type === 'meeting.ended' ? 5 : 3);
    }
  });
});

interface Card {
  type: string;
  attachments: { contentType: string; content: { type: string; version: string; body: { type: string; text: string }[]; actions: { url: string }[] } }[];
}

describe('Microsoft Teams format', () => {
  it('is a message with one Adaptive Card 1.4 of text blocks and an open-URL action', () => {
    const body = renderWebhook('teams', requestEvent('ser_1', 'request.made'), BASE) as Card;
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    const [att] = body.attachments;
    expect(att.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(att.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(att.content.body.map((b) => [b.type, b.text])).toEqual([
      ['TextBlock', '**Ops weekly**: Kim asks Platform team'],
      ['TextBlock', '- A staging database for the load test · by Friday'],
    ]);
    expect(att.content.actions[0].url).toBe(`${BASE}/b/board-abc`);
  });

  it.each(HOSTILE_TEXTS)('escapes hostile text %j: no <at> or other tag, no mention, the text reads as itself', (text) => {
    for (const event of hostileEvents('ser_1', text)) {
      const card = renderWebhook('teams', event, BASE) as Card;
      for (const block of card.attachments[0].content.body) {
        expect(block.text).not.toMatch(/[<>]/);
        expect(block.text).not.toMatch(MASS_MENTION);
        expect(block.text).not.toMatch(/[\r\n]/);
      }
    }
    const card = renderWebhook('teams', itemEvent('ser_1', 'action_item.created', { item: { text, owners: [] } }), BASE) as Card;
    const line = card.attachments[0].content.body[1].text;
    const userPart = line.slice('- '.length, line.lastIndexOf(' · due'));
    expect(unping(decodeEntities(readMarkdown(userPart, /[[\]()!`*_~|#\\<>]/)))).toBe(shown(text));
  });
});

describe('standard format', () => {
  it('carries the user text exactly as written, with links without tokens', () => {
    for (const text of HOSTILE_TEXTS) {
      const body = renderWebhook('standard', itemEvent('ser_1', 'action_item.created', { item: { text } }), BASE) as {
        type: string;
        data: { item: { text: string; url: string }; series: { url: string } };
      };
      expect(body.type).toBe('action_item.created');
      expect(body.data.item.text).toBe(text);
      expect(body.data.item.url).toBe(`${BASE}/b/board-abc`);
      expect(body.data.series.url).toBe(`${BASE}/s/ser_1`);
    }
  });
});
