/**
 * The CIS change map: where in the hardening code each CIS benchmark recommendation is implemented.
 *
 * Recognised (comments that begin with "CIS", case-sensitive):
 *   # CIS 5.2.5                              # CIS 5.2.5, 5.2.6 and 5.2.7
 *   ## CIS 14.04 v2.1.0 change 5.3.3         # CIS Ubuntu 22.04 v1.0.0 change 5.2.5
 *   # CIS Ubuntu 22.04 v1.0.0 5.2.5          // CIS 1.1.1.1-1.1.1.3 (a range of siblings)
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

export interface CisChange {
  cisId: string;
  file: string;
  line: number;
  /** The source line, trimmed. */
  text: string;
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

/** Find the comment part of a line: after `#`, `//`, `;` or `--` at the start or after whitespace. */
function commentOf(line: string): string | undefined {
  const m = /(?:^|\s)(?:#+|\/\/+|;+|--)\s*(.*)$/.exec(line);
  return m ? m[1] : undefined;
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
  const out: CisChange[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const ids = new Set<string>();
    const comment = commentOf(line);
    // The marker opens the comment ("# CIS 5.2.5 ...", "# [CIS 5.2.5]"): prose that merely
    // mentions a recommendation ("this makes the CIS 5.2.6 change fail") is not a change.
    const marker = comment === undefined ? undefined : /^[[(]?CIS\b/.exec(comment);
    if (comment !== undefined && marker)
      for (const id of idsAfterCis(comment.slice(marker[0].length))) ids.add(id);
    for (const id of idsInLockdownName(line)) ids.add(id);
    for (const cisId of ids) out.push({ cisId, file, line: i + 1, text: line.trim() });
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
    const list = byId.get(c.cisId) ?? [];
    list.push(c);
    byId.set(c.cisId, list);
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
 * Expand the `hardening-scripts` globs (relative to `cwd`) and read the files. Paths in the map are
 * relative to `cwd` with forward slashes, which is what annotations and SARIF need.
 */
export async function loadChangeMap(
  globs: string[],
  cwd: string,
  inputName = 'hardening-scripts',
): Promise<ChangeMap> {
  const patterns = globs.length ? globs : DEFAULT_HARDENING_GLOBS;
  for (const g of patterns) {
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
  const found = await fg(patterns, {
    cwd,
    onlyFiles: true,
    dot: false,
    ignore: ['**/node_modules/**', '**/.git/**', '**/dist/**'],
    followSymbolicLinks: false,
  });
  if (globs.length && found.length === 0) {
    throw new InputError(
      inputName,
      `no files match ${globs.map((g) => `"${g}"`).join(', ')} (from ${cwd}).`,
      'point it at your hardening scripts, e.g. "scripts/**/*.sh", relative to the repository root.',
    );
  }
  const files = found.map((rel) => ({
    file: rel.split(path.sep).join('/'),
    text: fs.readFileSync(path.join(cwd, rel), 'utf8'),
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
