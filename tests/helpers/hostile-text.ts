/**
 * Hostile user text for the export tests, and oracles that read exports the way their consumers do: a CSV
 * parser that ends a row at CR, LF or CRLF (as spreadsheets do), and the block starts of CommonMark.
 */
import { parse as parseCsv } from 'csv-parse/sync';

/** Texts that have broken, or could break, an export's structure. None is blank (REST bodies are trimmed). */
export const HOSTILE_TEXTS: readonly string[] = [
  "harmless\r=cmd|' /C calc'!A0",
  'crlf\r\n=HYPERLINK("http://evil.example","x")',
  'bare lf\n+1+2\n-3\n@SUM(A1)',
  'cr then tab\r\tsecret',
  'iCal\r\nBEGIN:VTODO\r\nSUMMARY:injected\r\nEND:VTODO',
  'bare cr\rBEGIN:VTODO\rUID:evil\rEND:VTODO',
  'semi;colon, comma\\backslash\\n not a newline \\, \\;',
  `long ${'🚀 emoji 👨‍👩‍👧 ümlaut 中文 '.repeat(12)}end`,
  'md\r# heading\r- list\r1. ordered\r> quote\r===\r```\rcode',
  'md crlf\r\n## heading\r\n+ plus\r\n2) paren\r\n---',
  'pings @channel @here @everyone @ALL @all. and <!channel> <!here|here> but @Sam and @allison stay',
  '  =leading space formula',
  '＝full width formula',
  'vertical\vtab and form\ffeed and nul\u0000 end',
];

/** CR LF and lone CR as LF: what every export carries instead of the text's own line breaks. */
export const lf = (s: string): string => s.replace(/\r\n?/g, '\n');

/** What iCalendar TEXT carries: line breaks as LF, no other control characters. */
export const icsExpected = (s: string): string => lf(s).replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '');

/** Rows as a spreadsheet reads them: a CR, LF or CRLF outside quotes ends the row; a leading BOM is no text. */
export function csvRowsLikeASpreadsheet(body: string): string[][] {
  return parseCsv(body, { bom: true, record_delimiter: ['\r\n', '\r', '\n'], relax_column_count: true });
}

/** A cell that a spreadsheet would run as a formula. */
export const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell without the `'` that neutralised it. */
export const unneutralise = (cell: string): string => (cell.startsWith("'") ? cell.slice(1) : cell);

/**
 * Lines (split as CommonMark does, at CR LF, CR or LF) that start a block: heading, list item, quote,
 * setext underline, fence, thematic break, HTML. Leading spaces are ignored, so a line counts wherever it
 * sits (a list item's continuation is indented).
 */
export function markdownBlockLines(md: string): string[] {
  const block = /^(?:#{1,6}(?:[ \t]|$)|[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|>|=+[ \t]*$|-{3,}[ \t]*$|`{3,}|~{3,}|<)/;
  return md.split(/\r\n|\r|\n/).filter((line) => block.test(line.trimStart()));
}

/** Mentions that would notify a whole chat channel, written as chat servers read them. */
export const MASS_MENTION = /@(?:channel|here|everyone|all)(?![\p{L}\p{N}])|<!(?:channel|here|everyone)/iu;
