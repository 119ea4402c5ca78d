/**
 * Foreign text (titles, rule ids, tags, instance names, profiles, file names) in Markdown the job
 * summary, check run and issues render: shown as text, never as Markdown. Pure.
 */

/**
 * Punctuation that opens emphasis, code, links, images, HTML, tables, headings or comments is
 * escaped, line breaks folded to spaces, and @mentions defused (a zero-width space after the @;
 * an address such as ops@example.com is no mention and stays as it is).
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_[\]<>|~#!{}]/g, '\\$&')
    .replace(/(^|[^\w.+-])@(?=\w)/g, '$1@\u200b');
}

/** Text for a code span: backticks cannot end it (they become '), line breaks fold. */
export function codeSpan(s: string): string {
  return `\`${s.replace(/`/g, "'").replace(/\r?\n|\r/g, ' ')}\``;
}
