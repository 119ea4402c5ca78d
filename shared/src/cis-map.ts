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
 * and ansible-lockdown task names (only the leading id is the control; PRELIM, AUDIT, SECTION and
 * WARN tasks gather facts or warn, they implement nothing):
 *   - name: "5.2.5 | PATCH | Ensure SSH LogLevel is appropriate"
 *   - name: "SCORED | 1.1.1.1 | PATCH | Ensure mounting of cramfs filesystems is disabled"
 *   - name: |
 *       "1.1.2.1.1 | PATCH | Ensure /tmp is configured
 *       1.1.2.1.2 | PATCH | Ensure nodev option set on /tmp partition"
 *
 * Which benchmark a CIS marker numbers by (`shared/src/benchmark.ts`), most specific first: the
 * marker itself (`# CIS Ubuntu 22.04 v2.0.0 5.2.4`); a header comment of the file
 * (`# CIS-Benchmark: Ubuntu 22.04 v2.0.0`, to the next such header), in which a bare
 * `# 1.1.1.1 Ensure …` is a marker too; the role's `defaults/main.yml` (`benchmark`,
 * `benchmark_version`); the scan's `benchmark` input. A marker that declares nothing numbers by
 * the scan content's benchmark.
 *
 * Pure: `parseCisReferences` takes text and returns references; `loadChangeMap` does the file I/O.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';
import { type Benchmark, benchmarkKey, parseBenchmark } from './benchmark.js';
import { InputError } from './errors.js';
import { checkGlobPattern, expandRepoGlobs, insideRoot } from './workspace.js';

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
  /** The CIS benchmark the marker numbers by, when the code declares one (CIS markers only). */
  benchmark?: Benchmark;
  /** Where that declaration is: the marker, a file header, the role's defaults, the scan's input. */
  declaredBy?: 'marker' | 'file' | 'role' | 'input';
}

/** Where the markers' benchmark is declared outside the marker itself. */
export interface DeclaredBenchmark {
  benchmark: Benchmark;
  by: 'role' | 'input';
}

const RULE_PREFIX = /^xccdf_[^_]+_rule_/;

/** An XCCDF rule id without its `xccdf_<namespace>_rule_` prefix (other ids as they are). */
export function shortRuleId(id: string): string {
  return id.replace(RULE_PREFIX, '');
}

/**
 * The map key of an id: CIS ids as they are (in the content's numbering) or, when the code declares
 * the benchmark, `cis@<product> <version>:ID`; others as `scheme:ID`.
 */
export function refKey(scheme: MarkerScheme, id: string, benchmark?: Benchmark): string {
  if (scheme === 'cis') return benchmark ? `cis@${benchmarkKey(benchmark)}:${id}` : id;
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
 * a comment has started, quotes no longer matter (the rest of the line is comment). In shell
 * (`shell: true`) a quote opens anywhere in a word (`s/'^GRUB="'/'…'/`) and `\` escapes outside
 * quotes too; elsewhere only after white space or `=(:,[{`, so that `root's` in YAML is text.
 */
export function commentTexts(line: string, opts: { shell?: boolean } = {}): string[] {
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
    if (!inComment && opts.shell && ch === '\\') {
      i++;
      continue;
    }
    if (
      !inComment &&
      (ch === '"' || ch === "'") &&
      (opts.shell || i === 0 || /[\s=(:,[{]/.test(line[i - 1]))
    ) {
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
// InSpec control ids carry hyphens and dots (package-08, sshd-01).
const RULE_ID = /^(?:xccdf_[\w.-]+_rule_)?[a-z0-9][\w.-]*$/i;

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

/** What a marker names; a CIS marker may say which benchmark it numbers by. */
export interface MarkerRef {
  scheme: MarkerScheme;
  id: string;
  benchmark?: Benchmark;
}

/** The ids a comment's marker names, or none when the comment does not open with a marker. */
export function markerIds(comment: string): MarkerRef[] {
  const full = /^[[(]?(xccdf_[\w.-]+_rule_[\w.-]+)/.exec(comment);
  if (full) return [{ scheme: 'rule', id: full[1] }];
  const m = /^[[(]?(CIS|ANSSI|STIG|Lynis|rule)\b:?/i.exec(comment);
  if (!m) return [];
  const after = comment.slice(m[0].length);
  const scheme = m[1].toLowerCase() as MarkerScheme;
  if (scheme === 'cis') {
    const { ids, benchmark } = cisMarker(after);
    return ids.map((id) => ({ scheme, id, ...(benchmark ? { benchmark } : {}) }));
  }
  const pattern = { anssi: ANSSI_ID, stig: STIG_ID, lynis: LYNIS_ID, rule: RULE_ID }[scheme as 'anssi'];
  return leadingIds(after, pattern).map((id) => ({ scheme, id }));
}

/**
 * Expand an ID token: `5.2.5`, a sibling range `5.2.1-5.2.3` / `5.2.1-3`, or a range of two ids that
 * are not siblings (`5.1.9-5.2.1`: both ends, nothing between them is guessed).
 */
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
  const ends = /^(\d+(?:\.\d+)+)-(\d+(?:\.\d+)+)$/.exec(token);
  return ends ? [ends[1], ends[2]] : [];
}

/**
 * The ids of a CIS marker's text and the benchmark it declares before them (`Ubuntu 22.04 v2.0.0`).
 * Spaced ranges (`4.2.1.2 - 4.2.1.3`, `5.1.2 - CIS 5.1.7`) and `+` lists (`5.1.2 + 5.1.3`) count.
 * A version with a product this project does not know (`14.04 v2.1.0`) is still a declaration: of a
 * benchmark nothing can be compared with.
 */
export function cisMarker(after: string): { ids: string[]; benchmark?: Benchmark } {
  const text = after
    .replace(/(\d+(?:\.\d+)+)\s*-\s*(?:CIS\s+)?(?=\d+(?:\.\d+)+)/gi, '$1-')
    .replace(/(\d)\s*\+\s*(?=\d)/g, '$1, ');
  const tokens = text
    .split(/[\s,;()[\]:]+/)
    .map((t) => t.replace(/^["'`]+|["'`.]+$/g, ''))
    .filter(Boolean);
  const ids: string[] = [];
  const prefix: string[] = [];
  let expectOsVersion = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = tokens[i + 1] ?? '';
    const started = ids.length > 0;
    if (BENCH_VERSION.test(t)) {
      expectOsVersion = false;
      if (started) break;
      prefix.push(t);
      continue;
    }
    const expanded = expand(t);
    if (expanded.length > 0) {
      // "Ubuntu 22.04 ..." or "14.04 v2.1.0 ...": an OS version, not a recommendation.
      if (!started && (expectOsVersion || BENCH_VERSION.test(next))) {
        expectOsVersion = false;
        prefix.push(t);
        continue;
      }
      ids.push(...expanded);
      continue;
    }
    if (/^\d+$/.test(t) && !started) {
      // e.g. "Amazon Linux 2": part of the OS name.
      expectOsVersion = false;
      prefix.push(t);
      continue;
    }
    if (JOINERS.has(t.toLowerCase()) || t === '-') {
      if (started && t === '-') break;
      continue;
    }
    if (/^[A-Za-z][\w+-]*$/.test(t)) {
      if (started) break; // prose after the IDs ("Ensure SSH ...")
      if (/^(level|l)\d?$/i.test(t)) continue;
      prefix.push(t);
      expectOsVersion = true; // an OS or product name; a version may follow
      continue;
    }
    if (started) break;
  }
  return { ids, benchmark: declaredIn(prefix) };
}

/** The benchmark the words before a marker's ids declare: they must hold a version (`v2.0.0`). */
function declaredIn(prefix: string[]): Benchmark | undefined {
  const version = prefix.find((t) => BENCH_VERSION.test(t));
  if (!version) return undefined;
  const known = parseBenchmark(prefix.join(' '));
  if (known) return known;
  const product = prefix
    .filter((t) => t !== version)
    .join(' ')
    .toLowerCase();
  return product ? { product, version: version.replace(/^v/i, '') } : undefined;
}

const NOT_IMPLEMENTING = /^(PRELIM|AUDIT|SECTION\d*|WARN|WARNING)$/i;

/**
 * The controls one line of an ansible-lockdown task name implements: the ids of its leading field
 * (after an optional SCORED/NOTSCORED/Level field), unless the task is PRELIM, AUDIT, SECTION or
 * WARN. Ids in later fields are prose ("… | Make sure that 1.3.1.3 is not run").
 */
export function lockdownNameIds(name: string): string[] {
  const fields = name.split('|').map((f) => f.trim().replace(/^["']+|["']+$/g, ''));
  if (fields.length < 2) return [];
  const i = /^(NOT ?)?SCORED$|^L(EVEL)? ?\d$/i.test(fields[0]) ? 1 : 0;
  // the task's kind is the first field after its ids: "4.1.3.1 | 4.1.3.2 | AUDIT | …" is an AUDIT task
  const kind = fields.slice(i + 1).find((f) => !/^[\d.,\s-]+$/.test(f));
  if (NOT_IMPLEMENTING.test(fields[0]) || (kind && NOT_IMPLEMENTING.test(kind))) return [];
  const parts = (fields[i] ?? '').split(/\s*,\s*|\s+/).filter(Boolean);
  const ids = parts.map(expand);
  return ids.every((x) => x.length) ? ids.flat() : [];
}

/**
 * ansible-lockdown task names on a `name:` line: inline, or a block scalar (`- name: |`) or a quoted
 * string that runs over the following, more indented lines, each of which may name its own control.
 * Returns the ids and the last line of the name.
 */
function lockdownTaskIds(lines: readonly string[], i: number): { ids: string[]; last: number } {
  const m = /^(\s*)(?:-\s+)?name:\s*(.*?)\s*$/.exec(lines[i]);
  if (!m) return { ids: [], last: i };
  const indent = m[1].length;
  let value = m[2];
  const names: string[] = [];
  let last = i;
  const block = /^[|>][-+]?\d*$/.test(value);
  const openQuote = /^["']/.test(value) && !new RegExp(`^${value[0]}.*${value[0]}$`).test(value);
  if (block || openQuote) {
    if (!block) names.push(value);
    for (let k = i + 1; k < lines.length; k++) {
      const l = lines[k];
      if (l.trim() === '' || l.search(/\S/) <= indent) break;
      names.push(l.trim());
      last = k;
      if (openQuote && l.trimEnd().endsWith(value[0])) break;
    }
  } else {
    value = value.replace(/\s+#.*$/, '');
    names.push(value);
  }
  const ids = new Set<string>();
  for (const n of names) for (const id of lockdownNameIds(n)) ids.add(id);
  return { ids: [...ids], last };
}

const SHELL_FILE = /\.(sh|bash|ksh|zsh|ks|cfg)$|(^|\/)(Dockerfile|Containerfile)$/i;
const HEADER = /^CIS[- ]Benchmark\s*:\s*(.*)$/i;
const BARE_ID = /^(\d+(?:\.\d+)+)\s+[A-Z]/;

/**
 * The markers of a file. `declared`: the benchmark the file's role or the scan declares, for CIS
 * markers that declare none themselves and stand under no `CIS-Benchmark:` header.
 */
export function parseCisReferences(text: string, file: string, declared?: DeclaredBenchmark): CisChange[] {
  type Ref = MarkerRef & { by?: CisChange['declaredBy'] };
  const found: Array<{ line: number; refs: Map<string, Ref> }> = [];
  const lines = text.split(/\r?\n/);
  const shell = SHELL_FILE.test(file) || /^#!.*\b(ba|k|z|da)?sh\b/.test(lines[0] ?? '');
  let header: Benchmark | undefined;
  // Most specific first: the marker's own benchmark, the file's header, the role's or the scan's.
  const declare = (r: MarkerRef): Ref => {
    if (r.scheme !== 'cis') return r;
    if (r.benchmark) return { ...r, by: 'marker' };
    if (header) return { ...r, benchmark: header, by: 'file' };
    return declared ? { ...r, benchmark: declared.benchmark, by: declared.by } : r;
  };
  for (let i = 0; i < lines.length; i++) {
    const refs = new Map<string, Ref>();
    const add = (r: MarkerRef) => {
      const d = declare(r);
      refs.set(refKey(d.scheme, d.id, d.benchmark), d);
    };
    // A marker opens its comment ("# CIS 5.2.5 ...", "# [CIS 5.2.5]", "cmd # CIS 5.2.5"): prose that
    // merely mentions a recommendation ("this makes the CIS 5.2.6 change fail") is not a change.
    for (const comment of commentTexts(lines[i], { shell })) {
      const h = HEADER.exec(comment);
      if (h) {
        header = parseBenchmark(h[1]);
        if (!header)
          throw new InputError(
            'hardening-scripts',
            `${file}:${i + 1} declares "CIS-Benchmark: ${h[1].slice(0, 80)}", which names no product and version.`,
            'write it as "# CIS-Benchmark: Ubuntu 22.04 v2.0.0" (the product, then v and the version).',
          );
        break;
      }
      let ids = markerIds(comment);
      // Under a header, a comment that opens with an id and prose is a marker: "# 1.1.1.1 Ensure …".
      const bare = header && !ids.length ? BARE_ID.exec(comment) : null;
      if (bare) ids = [{ scheme: 'cis', id: bare[1] }];
      ids.forEach(add);
      if (ids.length) break;
    }
    const task = lockdownTaskIds(lines, i);
    for (const id of task.ids) add({ scheme: 'cis', id });
    if (refs.size) found.push({ line: i + 1, refs });
    i = Math.max(i, task.last);
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
        ...(r.benchmark ? { benchmark: r.benchmark, declaredBy: r.by } : {}),
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
  /** Keyed by refKey: a CIS marker of a declared benchmark only under that benchmark. */
  byId: Map<string, CisChange[]>;
}

export function buildChangeMap(
  files: Array<{ file: string; text: string; declared?: DeclaredBenchmark }>,
): ChangeMap {
  const sorted = [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const hash = createHash('sha256');
  const changes: CisChange[] = [];
  for (const f of sorted) {
    hash.update(f.file).update('\0').update(f.text).update('\0');
    changes.push(...parseCisReferences(f.text, f.file, f.declared));
  }
  const byId = new Map<string, CisChange[]>();
  for (const c of changes) {
    const key = refKey(c.scheme ?? 'cis', c.cisId, c.benchmark);
    const list = byId.get(key) ?? [];
    list.push(c);
    byId.set(key, list);
  }
  return { changes, files: sorted.map((f) => f.file), sha256: hash.digest('hex'), byId };
}

/**
 * Where a CIS ID is implemented: an exact match, or else the nearest parent section
 * (a `# CIS 5.2` comment covers 5.2.5). Without `benchmark`, among the markers that declare none
 * (the content's numbering); with it, among the markers of that benchmark only.
 */
export function locate(
  map: ChangeMap,
  cisId: string,
  benchmark?: Benchmark,
): { change: CisChange; exact: boolean; all: CisChange[] } | undefined {
  const exact = map.byId.get(refKey('cis', cisId, benchmark));
  if (exact?.length) return { change: exact[0], exact: true, all: exact };
  const parts = cisId.split('.');
  for (let n = parts.length - 1; n >= 2; n--) {
    const parent = map.byId.get(refKey('cis', parts.slice(0, n).join('.'), benchmark));
    if (parent?.length) return { change: parent[0], exact: false, all: parent };
  }
  return undefined;
}

/** The distinct benchmarks the code's CIS markers declare. */
export function declaredBenchmarks(map: ChangeMap): Benchmark[] {
  const seen = new Map<string, Benchmark>();
  for (const c of map.changes) if (c.benchmark) seen.set(benchmarkKey(c.benchmark), c.benchmark);
  return [...seen.values()];
}

/**
 * Where hardening code lives when `hardening-scripts` is not set: hardening/ and scripts/ folders,
 * an Ansible role at the repository root (tasks/**, as ansible-lockdown roles are laid out) and
 * roles at any depth (roles/NAME/tasks/**, sub-folders included).
 */
export const DEFAULT_HARDENING_GLOBS = [
  '**/hardening/**/*.{sh,bash,ps1,yml,yaml,pkr.hcl,tf}',
  '**/scripts/**/*.{sh,bash,ps1}',
  'tasks/**/*.{yml,yaml}',
  '**/roles/**/tasks/**/*.{yml,yaml}',
];

/**
 * The benchmark an Ansible role declares for a file under it: the file's role is the nearest folder
 * above it (inside the repository) that has tasks/; its defaults/main.yml may set
 * `benchmark_version` (and, as ansible-lockdown roles do, `benchmark: UBUNTU22-CIS`). Read as text:
 * defaults hold Jinja.
 */
export function roleBenchmark(
  root: string,
  file: string,
  cache = new Map<string, Benchmark | null>(),
): Benchmark | undefined {
  let dir = path.posix.dirname(file);
  for (;;) {
    let found = cache.get(dir);
    if (found === undefined) {
      found = null;
      const defaults = path.join(root, dir, 'defaults', 'main.yml');
      if (fs.existsSync(defaults) && insideRoot(root, defaults) !== undefined) {
        const text = fs.readFileSync(defaults, 'utf8');
        const version = /^benchmark_version:\s*["']?v?(\d+(?:\.\d+)*)/m.exec(text);
        const name = /^benchmark:\s*["']?([\w .-]+?)["']?\s*$/m.exec(text);
        if (version) {
          const named = `${name?.[1] ?? path.posix.basename(dir)} v${version[1]}`;
          found = parseBenchmark(named) ?? {
            product: (name?.[1] ?? path.posix.basename(dir)).toLowerCase(),
            version: version[1],
          };
        }
      }
      cache.set(dir, found);
    }
    if (found) return found;
    // the nearest folder with tasks/ is the file's role: a role that declares nothing ends the search
    if (dir === '.' || dir === '' || fs.existsSync(path.join(root, dir, 'tasks'))) return undefined;
    dir = path.posix.dirname(dir);
  }
}

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
  benchmark?: Benchmark,
): Promise<ChangeMap> {
  for (const g of globs) {
    checkGlobPattern(inputName, g);
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
  const roles = new Map<string, Benchmark | null>();
  const files = found.map((rel) => {
    const role = roleBenchmark(where.root, rel, roles);
    const declared: DeclaredBenchmark | undefined = role
      ? { benchmark: role, by: 'role' }
      : benchmark
        ? { benchmark, by: 'input' }
        : undefined;
    return { file: rel, text: fs.readFileSync(path.join(where.root, rel), 'utf8'), declared };
  });
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
