/**
 * User text (a card, a name, a series name) made safe for a chat message: it reads as itself, on one line,
 * and can neither ping a whole channel nor inject markup. Each chat server parses differently, so each has
 * its own escaper; all of them first flatten the text to one bounded line.
 */

/** Longest stretch of user text in one chat line; longer text is cut with an ellipsis. */
export const MAX_TEXT = 300;

/** A zero-width joiner after the `@`: the word reads the same, and no server sees a mention in it. */
const MASS_MENTION = /@(?=(?:channel|here|everyone|all)\b)/gi;
const neutraliseMentions = (s: string): string => s.replace(MASS_MENTION, '@\u200D');

/** One line: control characters and line breaks become spaces, runs of blanks one space, at most `MAX_TEXT`. */
export function oneLine(s: string, max = MAX_TEXT): string {
  const flat = s
    .replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (flat.length <= max) return flat;
  // Counted and cut in graphemes, so an emoji sequence or an accent is never split.
  const graphemes = [...GRAPHEMES.segment(flat)].map((g) => g.segment);
  return graphemes.length <= max ? flat : `${graphemes.slice(0, max - 1).join('')}…`;
}

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Slack mrkdwn: `&`, `<` and `>` as entities — the only escaping Slack has, and enough that `<!channel>`,
 * `<@U123>` or `<http://x|label>` cannot appear — and `@channel`-style words neutralised.
 */
export function slackText(s: string): string {
  return neutraliseMentions(oneLine(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/** Characters that start Markdown emphasis, links, images, code, HTML, tables or strike-through anywhere in a line. */
const MD_INLINE = /[\\`*_[\]()!<>~|#]/g;

/** Markdown (Mattermost): inline syntax backslash-escaped, a leading list or quote marker defused, mentions neutralised. */
export function markdownText(s: string): string {
  const escaped = oneLine(s)
    .replace(MD_INLINE, '\\$&')
    .replace(/^([-+=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
  return neutraliseMentions(escaped);
}

/**
 * Microsoft Teams Adaptive Card text: its Markdown subset escaped as above, and `&`, `<`, `>` as entities so
 * that no `<at>` mention (or any other tag) can be formed.
 */
export function teamsText(s: string): string {
  const escaped = oneLine(s)
    .replace(/[\\`*_[\]()!~|#]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^([-+=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
  return neutraliseMentions(escaped);
}
