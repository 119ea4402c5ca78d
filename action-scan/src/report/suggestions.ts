/**
 * Suggested changes on a pull request (input `suggest`): where a failing control's marker block is
 * in the pull request's diff and the scanner's remediation is one command, offer it as a GitHub
 * suggested change of one line: the block's one command line is replaced by the remediation (its
 * indentation and trailing comment kept), or, for a marker with no command yet, the remediation is
 * added under it. Where the content has no one-command fix but the check says which value it found
 * and which the profile wants ("Expected: … (sshd_max_auth_tries_value = 4)", "Found: … "MaxAuthTries
 * 6""), the one line of the block that sets that value is offered with the profile's value: a value
 * edit, tried first by running the edited file in a copy of the image (annotation.editVerdict).
 * Anything larger is not a one-line change: it stays in the annotation's details.
 * Pure: file texts and changed lines come in, planned review comments go out.
 */
import { commentTexts } from '../../../shared/src/cis-map.js';
import { codeSpan, escapeMarkdown } from '../../../shared/src/markdown.js';
import { escapeRegExp } from '../../../shared/src/regexp.js';
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
  /** remediation: the content's one-command fix; edit: the block's line with the profile's value */
  kind: 'remediation' | 'edit';
  /** edit: the whole file with the change made (what is run in a copy of the image to try it) */
  editedFile?: string;
}

/**
 * The check's one wanted value and the setting it found instead, from an annotation's message:
 * `Expected: … (name = 4)` (exactly one value) and `Found: …: "MaxAuthTries 6"`.
 */
export function wantedValue(message: string): { key: string; found: string; wanted: string } | undefined {
  const expected = /^\s*Expected: (.*)$/m.exec(message)?.[1] ?? '';
  const found = /^\s*Found: (.*)$/m.exec(message)?.[1] ?? '';
  const values = [...new Set([...expected.matchAll(/\([\w.-]+ = ([^()\s;,]+)\)/g)].map((m) => m[1]))];
  const setting = [...found.matchAll(/"\s*([A-Za-z_][\w.-]*)\s*(?:=\s*|\s+)([^"\s]+)\s*"/g)];
  if (values.length !== 1 || setting.length !== 1) return undefined;
  const [, key, was] = setting[0];
  if (was === values[0]) return undefined;
  return { key, found: was, wanted: values[0] };
}

/** The one code line of a block that sets `key` to `found` (a whole token), with `wanted` instead. */
export function editedLine(
  lines: readonly string[],
  block: readonly number[],
  v: { key: string; found: string; wanted: string },
): { line: number; replacement: string } | undefined {
  const re = new RegExp(
    `(\\b${escapeRegExp(v.key)}\\b["']?(?:\\s*=\\s*|\\s+)["']?)${escapeRegExp(v.found)}(?=$|[\\s"';,/|])`,
    'i',
  );
  const hits = block.filter((n) => re.test(splitComment(lines[n - 1]).code));
  if (hits.length !== 1) return undefined;
  const old = lines[hits[0] - 1];
  const { code, comment } = splitComment(old);
  return { line: hits[0], replacement: `${code.replace(re, (_, head) => `${head}${v.wanted}`)}${comment}` };
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

type Change = Pick<PlannedSuggestion, 'line' | 'replacement' | 'kind' | 'editedFile'>;

/** The content's one-command fix (verified) as a change of the block's one command, or under its marker. */
function remediationChange(a: PlannedAnnotation, lines: string[], block: number[]): Change | undefined {
  const offered = offeredFix(a);
  const fix = offered ? oneLineFix(offered) : undefined;
  if (!fix || fix.includes('```')) return undefined;
  if (block.length === 1) {
    // the block's one command: replaced by the fix, keeping its indentation and comment
    const { code, comment } = splitComment(lines[block[0] - 1]);
    if (code.trim() === fix) return undefined;
    return { kind: 'remediation', line: block[0], replacement: `${/^\s*/.exec(code)![0]}${fix}${comment}` };
  }
  if (block.length === 0) {
    // a marker with no command yet: the fix goes under it
    const marker = lines[a.line! - 1];
    return { kind: 'remediation', line: a.line!, replacement: `${marker}\n${/^\s*/.exec(marker)![0]}${fix}` };
  }
  return undefined;
}

/** The block's line that sets the value the check found, with the profile's value (verified as an edit). */
function valueChange(a: PlannedAnnotation, lines: string[], block: number[]): Change | undefined {
  if (!a.editVerdict?.verified) return undefined;
  const v = wantedValue(a.message);
  const edit = v ? editedLine(lines, block, v) : undefined;
  if (!edit) return undefined;
  const edited = [...lines];
  edited[edit.line - 1] = edit.replacement;
  return { kind: 'edit', ...edit, editedFile: edited.join('\n') };
}

/**
 * The one-line suggested changes for failing controls the hardening code implements, on lines the
 * pull request changed. `files`: repository path → text; `changed`: repository path → added lines.
 * Only what was tried is offered: a remediation with a verified fixVerdict, an edit with a verified
 * editVerdict.
 */
export function planSuggestions(
  annotations: readonly PlannedAnnotation[],
  files: ReadonlyMap<string, string>,
  changed: ReadonlyMap<string, ReadonlySet<number>>,
): PlannedSuggestion[] {
  const out: PlannedSuggestion[] = [];
  const seen = new Set<string>();
  for (const a of annotations) {
    if (!a.implemented || a.waiver || !a.file || !a.line || a.status !== 'fail') continue;
    const text = files.get(a.file);
    const diff = changed.get(a.file);
    if (text === undefined || !diff) continue;
    const lines = text.split('\n');
    const end = Math.min(a.endLine ?? a.line, lines.length);
    const block: number[] = [];
    for (let n = a.line; n <= end; n++) if (isCode(lines[n - 1])) block.push(n);
    const change = remediationChange(a, lines, block) ?? valueChange(a, lines, block);
    if (!change || (!diff.has(change.line) && !diff.has(a.line))) continue;
    const key = `${a.file}:${change.line}:${a.ruleId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const control = a.control ?? a.ruleId;
    const verdict = (change.kind === 'edit' ? a.editVerdict : a.fixVerdict)?.said ?? '';
    const v = change.kind === 'edit' ? wantedValue(a.message) : undefined;
    out.push({
      file: a.file,
      ...change,
      control,
      ruleId: a.ruleId,
      key,
      body: [
        // the check's words are foreign text: shown as text, never as Markdown
        `**${escapeMarkdown(control)} fails here.** ${escapeMarkdown(
          a.message
            .split('\n')
            .filter((l) => /^\s*(Expected|Found):/.test(l))
            .map((l) => l.trim())
            .join(' · '),
        )}`,
        '',
        v
          ? `The value the profile wants (${codeSpan(`${v.key} ${v.wanted}`)}, not ${codeSpan(v.found)}), as a one-line change. This file with the change was run in a copy of the image first: ${escapeMarkdown(verdict)}.`
          : `The scanner's remediation for it (ComplianceAsCode, with the profile's values), as a one-line change. It was run in a copy of the image first: ${escapeMarkdown(verdict)}.`,
        '',
        '```suggestion',
        change.replacement,
        '```',
        '',
        `Rule ${codeSpan(a.ruleId)}. Review it before you commit it${v ? '' : ": it is the benchmark's generic fix"}.`,
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
