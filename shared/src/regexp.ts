/** Text as a regular expression: escaped, or as a `*` wildcard pattern matching a whole value. */

/** `s` with every regular-expression metacharacter escaped, to match it literally inside a RegExp. */
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A whole-value pattern where `*` matches anything and every other character is literal. */
export const wildcardRegExp = (pattern: string, flags = ''): RegExp =>
  new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, flags);
