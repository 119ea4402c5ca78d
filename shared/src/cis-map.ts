/**
 * The CIS change map: where in the hardening code each CIS benchmark recommendation (or another
 * benchmark's control, or a scanner rule) is implemented.
 *
 * A marker is a comment (`#`, `//`, `;` or `--` at the start of a line or after white space, not
 * inside quotes) that opens with a keyword; it may stand alone or follow code on the same line
 * (`apt-get install -y aide # CIS 1.4.1`). Keywords are matched in any case (`# cis 1.2.3` counts).
 * Recognised:
 *   # CIS 5.2.5                              # CIS 5.2.5, 5.2.6 and 5.2.7
 *   ## CIS 14.04 v2.1.0 change 5.3.3         # CIS Ubuntu 22.04 v1.0.0 change 5.2.5
 *   # CIS Ubuntu 22.04 v1.0.0 5.2.5          // CIS 1.1.1.1-1.1.1.3 (a range of siblings)
 * other benchmarks and rules, for profiles that are not CIS:
 *   # ANSSI BP28(R12)                        # STIG UBTU-22-010000
 *   # rule sshd_set_max_auth_tries           # xccdf_org.ssgproject.content_rule_sshd_set_max_auth_tries
 *   # Lynis SSH-7408
 * and ansible-lockdown task names:
 *   - name: "5.2.5 | PATCH | Ensure SSH LogLevel is appropriate"
 *   - name: "SCORED | 1.1.1.1 | PATCH | Ensure mounting of cramfs filesystems is disabled"
 *
 * Pure: `parseCisReferences` takes text and returns references; `loadChangeMap` does the file I/O.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';
import { InputError } from './errors.js';
import { expandRepoGlobs } from './workspace.js';

/** What a marker names: a CIS recommendation, another benchmark's control, or a scanner rule. */
export type MarkerScheme = 'cis' | 'anssi' | 'stig' | 'rule' | 'lynis';

export interface CisChange {
  /** The id within its scheme (a CIS section number for `cis`). */
  cisId: string;
  /** Omitted for CIS markers. */
  scheme?: Exclude<MarkerScheme, 'cis'>;
  file: string;
  line: number;
  /** The last line of the marker's block: up to the next marker or blank line. */
  endLine: number;
  /** The source line, trimmed. */
  text: string;
}

const RULE_PREFIX = /^xccdf_[^_]+_rule_/;

/** An XCCDF rule id without its `xccdf_<namespace>_rule_` prefix (other ids as they are). */
export function shortRuleId(id: string): string {
  return id.replace(RULE_PREFIX, '');
}

/** The map key of an id: CIS ids as they are, others as `scheme:ID`. */
export function refKey(scheme: MarkerScheme, id: string): string {
  if (scheme === 'cis') return id;
  if (scheme === 'rule') return `rule:${shortRuleId(id).toLowerCase()}`;
  return `${scheme}:${id.toUpperCase()}`;
}

/** How a control is named to people: `CIS 5.2.5`, `ANSSI BP28(R12)`, `rule sshd_set_max_auth_tries`. */
export function refLabel(scheme: MarkerScheme, id: string): string {
  const name = { cis: 'CIS', anssi: 'ANSSI', stig: 'STIG', rule: 'rule', lynis: 'Lynis' }[scheme];
  return `${name} ${scheme === 'rule' ? shortRuleId(id) : id}`;
}

const ID = /^\d+(?:\.\d+)+$/;
const RANGE = /^(\d+(?:\.\d+)*\.)(\d+)-(?:\1)?(\d+)$/;
const BENCH_VERSION = /^v\d+(?:\.\d+)*$/i;
const JOINERS = new Set([
  'and',
  '&',
  '/',
  'change',
  'changes',
  'control',
  'controls',
  'rec',
  'recommendation',
  'section',
]);

/**
 * The texts that follow each comment opener of a line (`#`, `//`, `;`, `--` at the start or after
 * white space), leftmost first. Openers inside single or double quotes are code, not comments; once
 * a comment has started, quotes no longer matter (the rest of the line is comment).
 */
export function commentTexts(line: string): string[] {
  const out: string[] = [];
  let quote: string | undefined;
  let inComment = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (!inComment && quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (!inComment && (ch === '"' || ch === "'") && (i === 0 || /[\s=(:,[{]/.test(line[i - 1]))) {
      quote = ch;
      continue;
    }
    if (i > 0 && !/\s/.test(line[i - 1])) continue;
    const m = /^(?:#+|\/\/+|;+|--)/.exec(line.slice(i));
    if (!m) continue;
    inComment = true;
    out.push(line.slice(i + m[0].length).trimStart());
    i += m[0].length - 1;
  }
  return out;
}

const ANSSI_ID = /^[A-Z]{1,4}\d*\(R\d+\)$|^R\d+$/i;
const STIG_ID = /^[A-Z]{2,8}-\d{2}-\d{6}$|^S?V-\d{4,}$/i;
const LYNIS_ID = /^[A-Z]{2,8}-\d{4}$/i;
const RULE_ID = /^(?:xccdf_[\w.-]+_rule_)?[a-z0-9][a-z0-9_]*$/i;

/** Leading tokens of a marker that match `id` (comma/space separated); prose after them ends it. */
function leadingIds(after: string, id: RegExp): string[] {
  const ids: string[] = [];
  for (const raw of after.split(/[\s,]+/)) {
    const t = raw.replace(/^["'`[]+|["'`.\]:]+$/g, '');
    if (!t || /^(and|&)$/i.test(t)) continue;
    if (!id.test(t)) break;
    ids.push(t);
  }
  return ids;
}

/** The ids a comment's marker names, or none when the comment does not open with a marker. */
export function markerIds(comment: string): Array<{ scheme: MarkerScheme; id: string }> {
  const full = /^[[(]?(xccdf_[\w.-]+_rule_[\w.-]+)/.exec(comment);
  if (full) return [{ scheme: 'rule', id: full[1] }];
  const m = /^[[(]?(CIS|ANSSI|STIG|Lynis|rule)\b:?/i.exec(comment);
  if (!m) return [];
  const after = comment.slice(m[0].length);
  const scheme = m[1].toLowerCase() as MarkerScheme;
  const pattern = { anssi: ANSSI_ID, stig: STIG_ID, lynis: LYNIS_ID, rule: RULE_ID }[scheme as 'anssi'];
  const ids = scheme === 'cis' ? idsAfterCis(after) : leadingIds(after, pattern);
  return ids.map((id) => ({ scheme, id }));
}

/** Expand an ID token: `5.2.5`, or a sibling range `5.2.1-5.2.3` / `5.2.1-3`. */
function expand(token: string): string[] {
  if (ID.test(token)) return [token];
  const r = RANGE.exec(token);
  if (r) {
    const from = Number(r[2]);
    const to = Number(r[3]);
    if (to >= from && to - from <= 50) {
      return Array.from({ length: to - from + 1 }, (_, i) => `${r[1]}${from + i}`);
    }
  }
  return [];
}

/** IDs in the text following the word "CIS" in a comment. */
export function idsAfterCis(after: string): string[] {
  const tokens = after
    .split(/[\s,;()[\]:]+/)
    .map((t) => t.replace(/^["'`]+|["'`.]+$/g, ''))
    .filter(Boolean);
  const ids: string[] = [];
  let expectOsVersion = false;
  let started = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = tokens[i + 1] ?? '';
    if (BENCH_VERSION.test(t)) {
      expectOsVersion = false;
      if (started) break;
      continue;
    }
    const expanded = expand(t);
    if (expanded.length > 0) {
      // "Ubuntu 22.04 ..." or "14.04 v2.1.0 ...": an OS version, not a recommendation.
      if (!started && (expectOsVersion || BENCH_VERSION.test(next))) {
        expectOsVersion = false;
        continue;
      }
      ids.push(...expanded);
      started = true;
      continue;
    }
    if (/^\d+$/.test(t) && !started) {
      // e.g. "Amazon Linux 2": part of the OS name.
      expectOsVersion = false;
      continue;
    }
    if (JOINERS.has(t.toLowerCase()) || t === '-') {
      if (started && t === '-') break;
      continue;
    }
    if (/^[A-Za-z][\w+-]*$/.test(t)) {
      if (started) break; // prose after the IDs ("Ensure SSH ...")
      if (/^(level|l)\d?$/i.test(t)) continue;
      expectOsVersion = true; // an OS or product name; a version may follow
      continue;
    }
    if (started) break;
  }
  return ids;
}

/** ansible-lockdown style task names: `name: "5.2.5 | PATCH | ..."` (IDs are pipe-separated fields). */
function idsInLockdownName(line: string): string[] {
  const m = /^\s*(?:-\s*)?name:\s*["']?(.*?)["']?\s*$/.exec(line);
  if (!m || !m[1].includes('|')) return [];
  const fields = m[1].split('|').map((f) => f.trim());
  const ids: string[] = [];
  for (const f of fields) {
    for (const part of f.split(/\s*,\s*|\s+/)) ids.push(...expand(part));
  }
  return ids;
}

export function parseCisReferences(text: string, file: string): CisChange[] {
  const found: Array<{ line: number; refs: Map<string, { scheme: MarkerScheme; id: string }> }> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const refs = new Map<string, { scheme: MarkerScheme; id: string }>();
    // A marker opens its comment ("# CIS 5.2.5 ...", "# [CIS 5.2.5]", "cmd # CIS 5.2.5"): prose that
    // merely mentions a recommendation ("this makes the CIS 5.2.6 change fail") is not a change.
    for (const comment of commentTexts(line)) {
      const ids = markerIds(comment);
      for (const r of ids) refs.set(refKey(r.scheme, r.id), r);
      if (ids.length) break;
    }
    for (const id of idsInLockdownName(line)) refs.set(id, { scheme: 'cis', id });
    if (refs.size) found.push({ line: i + 1, refs });
  }
  const out: CisChange[] = [];
  for (let k = 0; k < found.length; k++) {
    const { line, refs } = found[k];
    // The block: the marker's line and what follows, up to the next marker or a blank line.
    let endLine = line;
    const stop = found[k + 1]?.line ?? lines.length + 1;
    while (endLine + 1 < stop && lines[endLine].trim() !== '') endLine++;
    for (const r of refs.values()) {
      out.push({
        cisId: r.id,
        ...(r.scheme === 'cis' ? {} : { scheme: r.scheme }),
        file,
        line,
        endLine,
        text: lines[line - 1].trim(),
      });
    }
  }
  return out;
}

/** Numeric-aware ordering of CIS IDs: 1.1.2 < 1.1.10 < 1.2. */
export function compareCisIds(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

export interface ChangeMap {
  changes: CisChange[];
  files: string[];
  /** sha256 over the matched files' paths and contents, in sorted order. */
  sha256: string;
  byId: Map<string, CisChange[]>;
}

export function buildChangeMap(files: Array<{ file: string; text: string }>): ChangeMap {
  const sorted = [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const hash = createHash('sha256');
  const changes: CisChange[] = [];
  for (const f of sorted) {
    hash.update(f.file).update('\0').update(f.text).update('\0');
    changes.push(...parseCisReferences(f.text, f.file));
  }
  const byId = new Map<string, CisChange[]>();
  for (const c of changes) {
    const key = refKey(c.scheme ?? 'cis', c.cisId);
    const list = byId.get(key) ?? [];
    list.push(c);
    byId.set(key, list);
  }
  return { changes, files: sorted.map((f) => f.file), sha256: hash.digest('hex'), byId };
}

/**
 * Where a CIS ID is implemented: an exact match, or else the nearest parent section
 * (a `# CIS 5.2` comment covers 5.2.5).
 */
export function locate(
  map: ChangeMap,
  cisId: string,
): { change: CisChange; exact: boolean; all: CisChange[] } | undefined {
  const exact = map.byId.get(cisId);
  if (exact?.length) return { change: exact[0], exact: true, all: exact };
  const parts = cisId.split('.');
  for (let n = parts.length - 1; n >= 2; n--) {
    const parent = map.byId.get(parts.slice(0, n).join('.'));
    if (parent?.length) return { change: parent[0], exact: false, all: parent };
  }
  return undefined;
}

export const DEFAULT_HARDENING_GLOBS = [
  '**/hardening/**/*.{sh,bash,ps1,yml,yaml,pkr.hcl,tf}',
  '**/scripts/**/*.{sh,bash,ps1}',
  '**/roles/**/tasks/*.{yml,yaml}',
];

/**
 * Expand the `hardening-scripts` globs (relative to the cwd, or absolute; a directory means every
 * file under it) and read the files. Paths in the map are relative to the repository `root` with
 * forward slashes, which is what annotations and SARIF need; files outside the root are refused.
 * With no globs, the default globs search the whole repository.
 */
export async function loadChangeMap(
  globs: string[],
  where: { root: string; cwd?: string },
  inputName = 'hardening-scripts',
): Promise<ChangeMap> {
  for (const g of globs) {
    if (g.startsWith('!')) continue;
    try {
      fg.generateTasks(g);
    } catch (e) {
      throw new InputError(
        inputName,
        `"${g}" is not a valid glob (${(e as Error).message}).`,
        `e.g. scripts/**/*.sh`,
      );
    }
    if (/[[{]/.test(g) && !balanced(g)) {
      throw new InputError(
        inputName,
        `"${g}" is not a valid glob (unbalanced brackets or braces).`,
        'e.g. scripts/**/*.sh',
      );
    }
  }
  const found = await expandRepoGlobs(globs.length ? globs : DEFAULT_HARDENING_GLOBS, {
    root: where.root,
    cwd: globs.length ? where.cwd : where.root,
    input: inputName,
    ignore: ['**/node_modules/**', '**/.git/**', '**/dist/**'],
  });
  if (globs.length && found.length === 0) {
    const dirs = globs.filter((g) => {
      const p = path.resolve(where.cwd ?? process.cwd(), g);
      return fs.existsSync(p) && fs.statSync(p).isDirectory();
    });
    throw new InputError(
      inputName,
      dirs.length
        ? `the directory ${dirs.map((d) => `"${d}"`).join(', ')} has no files (a directory means every file under it).`
        : `no files match ${globs.map((g) => `"${g}"`).join(', ')} (from ${where.cwd ?? process.cwd()}).`,
      'point it at your hardening scripts, e.g. "scripts/**/*.sh" (relative to the working directory, or absolute, inside the repository).',
    );
  }
  const files = found.map((rel) => ({
    file: rel,
    text: fs.readFileSync(path.join(where.root, rel), 'utf8'),
  }));
  return buildChangeMap(files);
}

function balanced(g: string): boolean {
  let sq = 0;
  let br = 0;
  for (const ch of g) {
    if (ch === '[') sq++;
    if (ch === ']') sq--;
    if (ch === '{') br++;
    if (ch === '}') br--;
    if (sq < 0 || br < 0) return false;
  }
  return sq === 0 && br === 0;
}
