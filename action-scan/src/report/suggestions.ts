/**
 * Suggested changes on a pull request (input `suggest`): where a failing control's marker block is
 * in the pull request's diff and the scanner's remediation is one command, offer it as a GitHub
 * suggested change of one line: the block's one command line is replaced by the remediation (its
 * indentation and trailing comment kept), or, for a marker with no command yet, the remediation is
 * added under it. Anything larger is not a one-line change: it stays in the annotation's details.
 * Pure: file texts and changed lines come in, planned review comments go out.
 */
import { commentTexts } from '../../../shared/src/cis-map.js';
import { offeredFix, type PlannedAnnotation } from './annotations.js';

export interface PlannedSuggestion {
  file: string;
  /** the line the review comment is on (RIGHT side of the diff) */
  line: number;
  /** the text that replaces that line (a ```suggestion block) */
  replacement: string;
  control: string;
  ruleId: string;
  /** the comment's body, with a hidden key so a re-run does not post it twice */
  body: string;
  key: string;
}

/** ComplianceAsCode wraps a fix in a platform check; the command inside it is the fix. */
const PLATFORM_GUARD =
  /^if [^\n]*; then\n([\s\S]*?)\nelse\n\s*>&2 echo 'Remediation is not applicable, nothing was done'\s*\nfi$/;

/** The remediation as one shell command, or undefined when it is more than that. */
export function oneLineFix(fix: string): string | undefined {
  // leading comments ("# Remediation is applicable only in certain platforms") do not count
  let body = fix.replace(/^(?:\s*(?:#[^\n]*)?\n)+/, '').trim();
  const guarded = PLATFORM_GUARD.exec(body);
  if (guarded) body = guarded[1];
  const commands = body
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (commands.length !== 1) return undefined;
  const cmd = commands[0];
  // a continued line, a here-doc or an unfinished construct is not one line
  if (/\\$|<<|^(if|for|while|case|do|then)\b|[{(]\s*$/.test(cmd)) return undefined;
  return cmd;
}

/** The code before a line's comment ('' for a comment-only line) and the comment part with its spacing. */
function splitComment(line: string): { code: string; comment: string } {
  const texts = commentTexts(line);
  if (!texts.length) return { code: line.trimEnd(), comment: '' };
  // the first comment runs to the end of the line: its text is the line's suffix
  let start = line.length - texts[0].length;
  while (start > 0 && /[ \t]/.test(line[start - 1])) start--;
  while (start > 0 && /[#/;-]/.test(line[start - 1])) start--;
  let codeEnd = start;
  while (codeEnd > 0 && /\s/.test(line[codeEnd - 1])) codeEnd--;
  return { code: line.slice(0, codeEnd), comment: line.slice(codeEnd) };
}

const isCode = (line: string) => splitComment(line).code.trim() !== '';

/**
 * The one-line suggested changes for failing controls the hardening code implements, on lines the
 * pull request changed. `files`: repository path → text; `changed`: repository path → added lines.
 */
export function planSuggestions(
  annotations: readonly PlannedAnnotation[],
  files: ReadonlyMap<string, string>,
  changed: ReadonlyMap<string, ReadonlySet<number>>,
): PlannedSuggestion[] {
  const out: PlannedSuggestion[] = [];
  const seen = new Set<string>();
  for (const a of annotations) {
    // never suggest what was not tried: only a fix verified in a copy of the image
    const offered = offeredFix(a);
    if (!a.implemented || a.waiver || !offered || !a.file || !a.line || a.status !== 'fail') continue;
    const fix = oneLineFix(offered);
    const text = files.get(a.file);
    const diff = changed.get(a.file);
    if (!fix || fix.includes('```') || text === undefined || !diff) continue;
    const lines = text.split('\n');
    const end = Math.min(a.endLine ?? a.line, lines.length);
    const block: number[] = [];
    for (let n = a.line; n <= end; n++) if (isCode(lines[n - 1])) block.push(n);
    let line: number;
    let replacement: string;
    if (block.length === 1) {
      // the block's one command: replaced by the fix, keeping its indentation and comment
      line = block[0];
      const old = lines[line - 1];
      const { code, comment } = splitComment(old);
      if (code.trim() === fix) continue;
      replacement = `${/^\s*/.exec(code)![0]}${fix}${comment}`;
    } else if (block.length === 0) {
      // a marker with no command yet: the fix goes under it
      line = a.line;
      const marker = lines[line - 1];
      replacement = `${marker}\n${/^\s*/.exec(marker)![0]}${fix}`;
    } else continue;
    if (!diff.has(line) && !diff.has(a.line)) continue;
    const key = `${a.file}:${line}:${a.ruleId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const control = a.control ?? a.ruleId;
    out.push({
      file: a.file,
      line,
      replacement,
      control,
      ruleId: a.ruleId,
      key,
      body: [
        `**${control} fails here.** ${a.message
          .split('\n')
          .filter((l) => /^(Expected|Found):/.test(l))
          .join(' · ')}`,
        '',
        "The scanner's remediation for it (ComplianceAsCode, with the profile's values), as a one-line change:",
        '',
        '```suggestion',
        replacement,
        '```',
        '',
        `Rule \`${a.ruleId}\`. Review it before you commit it: it is the benchmark's generic fix.`,
        `<!-- ami-bakery:suggestion ${key} -->`,
      ].join('\n'),
    });
  }
  return out;
}

/** The key a posted comment carries, if it is one of ours. */
export function suggestionKeyOf(body: string | undefined): string | undefined {
  return /<!-- ami-bakery:suggestion (\S+) -->/.exec(body ?? '')?.[1];
}
