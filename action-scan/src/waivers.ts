/**
 * Reviewed waivers (issue 12): controls accepted on the record, with a reason, an owner and an end
 * date, in a YAML file in the repository. Pure: parsing takes text; applying takes findings.
 *
 * ```yaml
 * waivers:
 *   - id: "1.1.2.1"              # a CIS id, a rule id (short or full), a Lynis test id, an InSpec control id
 *     reason: /tmp is a tmpfs mounted at boot on a single-volume image
 *     owner: platform-team@example.com
 *     expires: 2027-03-31
 *     profiles: [cis_level1_server]    # optional: only for these profiles
 *     images: [ami-0123456789abcdef0]  # optional: only for these AMIs (* wildcards allowed)
 *   - id: CVE-2024-6387          # a vulnerability (CVE, GHSA, ALAS, DSA, DLA, USN id)
 *     package: openssh-server    # optional: only in this package
 *     reason: not reachable: sshd listens on the VPN only; the fix ships in the next image
 *     owner: security@example.com
 *     expires: 2027-01-15
 * ```
 * A vulnerability waiver waives a CVE (vulns.ts), never a control; `package` is for those only.
 * A waiver that has expired, or has no reason or owner, is not applied and fails the gate: it is
 * annotated on its own line. One expiring within `warnDays` is a warning.
 */

import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type YAMLMap,
  type Node as YamlNode,
} from 'yaml';
import { shortRuleId } from '../../shared/src/cis-map.js';
import { wildcardRegExp } from '../../shared/src/regexp.js';
import type { Finding } from './findings.js';
import type { PlannedAnnotation } from './report/annotations.js';
import { isVulnerabilityId, type Vulnerability } from './vulns.js';

export interface Waiver {
  id: string;
  reason: string;
  owner: string;
  /** YYYY-MM-DD: the waiver holds through this day */
  expires: string;
  profiles?: string[];
  images?: string[];
  /** a vulnerability waiver: only the CVE in this package */
  package?: string;
  /** where it is written (repository path), for annotations */
  file: string;
  line: number;
}

/** A waivers file that cannot be read as waivers: bad input, naming the file and line. */
export class WaiverFileError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(
      `Input "waivers": ${file}:${line}: ${problem}. Fix: see docs/waivers.md (each waiver: id, reason, owner, expires: YYYY-MM-DD).`,
    );
    this.name = 'WaiverFileError';
  }
}

const FIELDS = ['id', 'reason', 'owner', 'expires', 'profiles', 'images', 'package'];

/** A real calendar day YYYY-MM-DD (2027-02-30 is not one: Date would roll it over to March). */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Each field is read from its YAML node, never from a converted value: a field is a plain scalar of
 * the documented type or the file is bad input naming the line. So an alias, a mapping, a list, a
 * boolean or a number is refused where a string is documented (`String()` would have made
 * "[object Object]" a reason), an unquoted `id: 1.10` (the YAML float 1.1) is refused with the advice
 * to quote it, and `expires` is read from its source text whatever the YAML version.
 */
export function parseWaivers(text: string, file: string): Waiver[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const lineOf = (n: YamlNode | null | undefined, fallback = 1) =>
    n && 'range' in n && n.range ? lc.linePos(n.range[0]).line : fallback;
  if (doc.errors.length)
    throw new WaiverFileError(
      file,
      lc.linePos(doc.errors[0].pos[0]).line,
      `not valid YAML (${doc.errors[0].message.split('\n')[0]})`,
    );
  const root = doc.contents;
  const list = isMap(root) ? (root.get('waivers', true) as YamlNode | undefined) : undefined;
  if (!isSeq(list))
    throw new WaiverFileError(file, lineOf(list ?? root), 'expected a mapping with a "waivers" list');
  return (list.items as YamlNode[]).map((item) => {
    const line = lineOf(item);
    if (!isMap(item))
      throw new WaiverFileError(file, line, 'each waiver is a mapping (id, reason, owner, expires)');
    const map = item as YAMLMap;
    const nodes = new Map<string, YamlNode | null>();
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== 'string' || !FIELDS.includes(key))
        throw new WaiverFileError(
          file,
          lineOf(pair.key as YamlNode, line),
          `"${String(key).slice(0, 40)}" is not a waiver field (${FIELDS.join(', ')})`,
        );
      nodes.set(key, (pair.value as YamlNode | null) ?? null);
    }
    const at = (k: string) => lineOf(nodes.get(k), line);
    /** A field that is a string: its text, '' when absent or empty. */
    const str = (k: string, what: string): string => {
      const n = nodes.get(k);
      if (n === undefined || n === null || (isScalar(n) && n.value === null)) return '';
      if (isScalar(n) && typeof n.value === 'string') return n.value.trim();
      const kind = isAlias(n)
        ? 'an alias'
        : isMap(n)
          ? 'a mapping'
          : isSeq(n)
            ? 'a list'
            : `a ${typeof (n as { value?: unknown }).value}`;
      const hint =
        k === 'id' && isScalar(n) && typeof n.value === 'number'
          ? ` (unquoted, ${JSON.stringify(text.slice(n.range![0], n.range![1]))} is the YAML number ${n.value}): quote it, id: "${text.slice(n.range![0], n.range![1])}"`
          : '';
      throw new WaiverFileError(file, at(k), `"${k}" must be ${what}, not ${kind}${hint}`);
    };
    const id = str('id', 'a string such as "1.1.2.1" or a rule id');
    if (!id)
      throw new WaiverFileError(file, line, 'a waiver has no "id" (a CIS id such as 1.1.2.1, or a rule id)');
    // expires: the text as written (a YAML 1.1 timestamp would already be a rolled-over Date)
    const en = nodes.get('expires');
    const expiresRaw =
      en && isScalar(en) && en.range
        ? text
            .slice(en.range[0], en.range[1])
            .trim()
            .replace(/^(["'])(.*)\1$/, '$2')
        : '';
    if (en && !isScalar(en))
      throw new WaiverFileError(file, at('expires'), `"expires" of ${id} must be a date YYYY-MM-DD`);
    if (!isCalendarDate(expiresRaw))
      throw new WaiverFileError(
        file,
        at('expires'),
        `"expires" of ${id} must be a date YYYY-MM-DD (a real calendar day), not "${expiresRaw.slice(0, 40)}"`,
      );
    const listOf = (k: string) => {
      const n = nodes.get(k);
      if (n === undefined) return undefined;
      if (!isSeq(n)) throw new WaiverFileError(file, at(k), `"${k}" of ${id} must be a list`);
      return (n.items as YamlNode[]).map((x) => {
        if (isScalar(x) && typeof x.value === 'string' && x.value.trim()) return x.value.trim();
        throw new WaiverFileError(
          file,
          lineOf(x, at(k)),
          `each of "${k}" of ${id} must be a non-empty string`,
        );
      });
    };
    const pkg = str('package', 'a package name');
    if (pkg && !isVulnerabilityId(id))
      throw new WaiverFileError(
        file,
        at('package'),
        `"package" is for vulnerability waivers (a CVE id), and ${id} is not one`,
      );
    return {
      id,
      ...(pkg ? { package: pkg } : {}),
      reason: str('reason', 'a string'),
      owner: str('owner', 'a string'),
      expires: expiresRaw,
      profiles: listOf('profiles'),
      images: listOf('images'),
      file,
      line,
    };
  });
}

export interface WaiverProblem {
  waiver: Waiver;
  /** error: fails the gate (expired, no reason, no owner); warning: expires within warnDays, or names no rule */
  level: 'error' | 'warning';
  problem: string;
}

/** What is wrong with each waiver on `today` (YYYY-MM-DD): expired or incomplete (errors), expiring soon (warnings). */
export function waiverProblems(waivers: Waiver[], today: string, warnDays: number): WaiverProblem[] {
  const out: WaiverProblem[] = [];
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
  for (const w of waivers) {
    const missing = [!w.reason && 'reason', !w.owner && 'owner'].filter(Boolean);
    if (missing.length)
      out.push({
        waiver: w,
        level: 'error',
        problem: `has no ${missing.join(' and ')}: a waiver is a reviewed decision`,
      });
    const left = day(w.expires) - day(today);
    if (left < 0) out.push({ waiver: w, level: 'error', problem: `expired on ${w.expires}` });
    else if (left < warnDays)
      out.push({ waiver: w, level: 'warning', problem: `expires on ${w.expires}, in ${left} day(s)` });
  }
  return out;
}

const glob = (pattern: string, value: string) => wildcardRegExp(pattern, 'i').test(value);

/** The waivers that hold on `today`: not expired, with a reason and an owner. */
function validWaivers(waivers: Waiver[], today: string): Waiver[] {
  const invalid = new Set(
    waiverProblems(waivers, today, 0)
      .filter((p) => p.level === 'error')
      .map((p) => p.waiver),
  );
  return waivers.filter((w) => !invalid.has(w));
}

/** The valid waivers in scope of this scan (profile, image). */
const activeWaivers = (waivers: Waiver[], ctx: WaiverContext & { today: string }) =>
  validWaivers(waivers, ctx.today).filter((w) => inScope(w, ctx));

/** Today as YYYY-MM-DD (UTC), the day waivers are judged on. */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/** Whether a waiver names a finding: by one of its CIS ids, its rule id (full or short), or the engine's id. */
export function waiverNames(w: Waiver, f: Finding): boolean {
  const id = w.id.toLowerCase();
  return (
    f.cisIds.includes(w.id) ||
    f.ruleId.toLowerCase() === id ||
    shortRuleId(f.ruleId).toLowerCase() === id ||
    (f.refs ?? []).some((r) => r.id.toLowerCase() === id)
  );
}

export interface WaiverContext {
  /** the profile, short (e.g. cis_level1_server) */
  profile?: string;
  amiId?: string;
}

function inScope(w: Waiver, ctx: WaiverContext): boolean {
  if (w.profiles && !w.profiles.some((p) => ctx.profile && glob(p, ctx.profile))) return false;
  if (w.images && !w.images.some((p) => ctx.amiId && glob(p, ctx.amiId))) return false;
  return true;
}

export interface WaiverOutcome {
  /** failing findings a valid waiver covers: they leave the score and the gate */
  waived: Array<{ finding: Finding; waiver: Waiver }>;
  /** waivers whose controls now pass: no longer needed */
  unneeded: Array<{ finding: Finding; waiver: Waiver }>;
  /** problems with the waivers themselves */
  problems: WaiverProblem[];
}

/**
 * Mark the failing findings valid waivers cover (`finding.waiver`), and report waivers no longer
 * needed. Expired or incomplete waivers are not applied: their findings keep failing.
 */
export function applyWaivers(
  findings: Finding[],
  waivers: Waiver[],
  ctx: WaiverContext & { today: string; warnDays: number },
): WaiverOutcome {
  const out: WaiverOutcome = {
    waived: [],
    unneeded: [],
    problems: waiverProblems(waivers, ctx.today, ctx.warnDays),
  };
  for (const w of activeWaivers(waivers, ctx)) {
    // a CVE is waived among the vulnerabilities (vulnerabilityWaivers), never as a control
    if (isVulnerabilityId(w.id)) continue;
    // a waiver that names nothing the scan checked is a typo or a stale entry: said, never silent
    if (!findings.some((f) => f.status !== 'notselected' && waiverNames(w, f)))
      out.problems.push({
        waiver: w,
        level: 'warning',
        problem: `names no rule of this scan${ctx.profile ? ` (profile ${ctx.profile})` : ''}: check its id (a CIS id, a rule id or an engine's id), or remove it`,
      });
    for (const f of findings) {
      if (!waiverNames(w, f)) continue;
      if (f.status === 'fail' && !f.waiver) {
        f.waiver = { reason: w.reason, owner: w.owner, expires: w.expires, file: w.file, line: w.line };
        out.waived.push({ finding: f, waiver: w });
      } else if (f.status === 'pass' || f.status === 'fixed') out.unneeded.push({ finding: f, waiver: w });
    }
  }
  return out;
}

/**
 * Mark the active CVEs valid vulnerability waivers cover (`vuln.waiver`; by id and, when the waiver
 * names one, package). `checked`: whether vulnerabilities were read at all; only then is a waiver
 * that names none of them a problem (a warning on its line).
 */
export function vulnerabilityWaivers(
  vulns: Vulnerability[],
  waivers: Waiver[],
  ctx: WaiverContext & { today: string },
  checked: boolean,
): { waived: Array<{ vuln: Vulnerability; waiver: Waiver }>; problems: WaiverProblem[] } {
  const out = {
    waived: [] as Array<{ vuln: Vulnerability; waiver: Waiver }>,
    problems: [] as WaiverProblem[],
  };
  for (const w of activeWaivers(waivers, ctx)) {
    if (!isVulnerabilityId(w.id)) continue;
    const named = vulns.filter(
      (v) =>
        v.id.toLowerCase() === w.id.toLowerCase() &&
        (!w.package || v.packages.some((p) => p.name.toLowerCase() === w.package!.toLowerCase())),
    );
    if (checked && !named.some((v) => v.status === 'active'))
      out.problems.push({
        waiver: w,
        level: 'warning',
        problem: `names no active vulnerability of this scan${w.package ? ` in ${w.package}` : ''}: it is fixed, or its id or package is wrong; remove it`,
      });
    for (const v of named)
      if (v.status === 'active' && !v.waiver) {
        v.waiver = { reason: w.reason, owner: w.owner, expires: w.expires, file: w.file, line: w.line };
        out.waived.push({ vuln: v, waiver: w });
      }
  }
  return out;
}

/** Whether a valid waiver in scope names a finding, whatever its status (the ratchet's exception). */
export function waiverCovers(
  waivers: Waiver[],
  ctx: WaiverContext & { today: string },
): (f: Finding) => boolean {
  const active = activeWaivers(waivers, ctx);
  return (f) => active.some((w) => waiverNames(w, f));
}

/** "waived until DATE by OWNER: REASON" */
export const waivedText = (w: { expires: string; owner: string; reason: string }) =>
  `waived until ${w.expires} by ${w.owner}: ${w.reason}`;

/**
 * The annotations with waivers applied: a waived failure becomes a notice on its waiver's line
 * (never an error) carrying the waiver; each waiver problem is an annotation on the waiver's line
 * (error: expired or incomplete, failing the gate; warning: expiring soon); a waiver no longer needed
 * is a notice there too.
 */
export function annotateWaivers(
  annotations: PlannedAnnotation[],
  outcome: WaiverOutcome,
): PlannedAnnotation[] {
  const byFinding = new Map(
    outcome.waived.map(({ finding, waiver }) => [`${finding.engine}\0${finding.ruleId}`, waiver]),
  );
  const out = annotations.map((a) => {
    const w = byFinding.get(`${a.engine}\0${a.ruleId}`);
    if (!w) return a;
    const where = a.file ? ` (at ${a.file}${a.line ? `:${a.line}` : ''})` : '';
    return {
      ...a,
      level: 'notice' as const,
      file: w.file,
      line: w.line,
      endLine: undefined,
      title: `${a.control ?? a.ruleId}: ${waivedText(w)}`.slice(0, 255),
      message: `Fails, and is waived${where}.\n${a.message}`,
      waiver: { reason: w.reason, owner: w.owner, expires: w.expires, file: w.file, line: w.line },
    };
  });
  const extra = (
    w: Waiver,
    level: 'error' | 'warning' | 'notice',
    title: string,
    message: string,
  ): PlannedAnnotation => ({
    level,
    file: w.file,
    line: w.line,
    title,
    message,
    ruleId: `waiver/${w.id}`,
    control: `waiver ${w.id}`,
    engine: 'ami-bakery',
    severity: level === 'error' ? 'high' : 'low',
    status: 'waiver',
    implemented: false,
    waiverProblem: level === 'error',
  });
  for (const p of outcome.problems)
    out.push(
      extra(
        p.waiver,
        p.level,
        `Waiver ${p.waiver.id} ${p.problem}`,
        p.level === 'error'
          ? `This waiver is not applied and fails the gate: ${p.problem}. Renew it (a new expires date after review), complete it, or remove it and fix the control.`
          : `Review it before then: an expired waiver fails the gate.`,
      ),
    );
  const seen = new Set<Waiver>();
  for (const { finding, waiver } of outcome.unneeded) {
    if (seen.has(waiver)) continue;
    seen.add(waiver);
    out.push(
      extra(
        waiver,
        'notice',
        `Waiver ${waiver.id} no longer needed`,
        `${finding.ruleId} passes now: remove the waiver.`,
      ),
    );
  }
  return out;
}

/** The rules of a benchmark the valid, in-scope waivers name (for an XCCDF tailoring that skips them). */
export function waivedRules(
  rules: Map<string, { cisIds: string[]; refs?: Array<{ scheme: 'anssi' | 'stig'; id: string }> }>,
  waivers: Waiver[],
  ctx: WaiverContext & { today: string },
): Map<string, Waiver> {
  const out = new Map<string, Waiver>();
  for (const w of activeWaivers(waivers, ctx)) {
    for (const [ruleId, info] of rules) {
      const f = {
        engine: 'openscap',
        ruleId,
        title: '',
        severity: 'unknown',
        status: 'fail',
        cisIds: info.cisIds,
        refs: info.refs,
      } as Finding;
      if (!out.has(ruleId) && waiverNames(w, f)) out.set(ruleId, w);
    }
  }
  return out;
}

const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * An XCCDF 1.2 tailoring file: a profile that extends `profileId` with the waived rules deselected, so
 * oscap does not evaluate them (`waive-mode: skip`). Returns the file text and the tailored profile id.
 */
export function tailoringXml(
  profileId: string,
  datastream: string,
  waived: Map<string, Waiver>,
  now = new Date(),
): { xml: string; profileId: string } {
  const short = profileId.replace(/^xccdf_[^_]+_profile_/, '');
  const tailored = `xccdf_org.ami-bakery_profile_${short.replace(/[^\w.-]/g, '_')}_waived`;
  const selects = [...waived]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([rule, w]) =>
        `    <xccdf-1.2:select idref="${xmlEscape(rule)}" selected="false"/>\n    <!-- ${xmlEscape(`${w.file}:${w.line} ${waivedText(w)}`).replace(/--/g, '- -')} -->`,
    );
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<xccdf-1.2:Tailoring xmlns:xccdf-1.2="http://checklists.nist.gov/xccdf/1.2" id="xccdf_org.ami-bakery_tailoring_waivers">',
    `  <xccdf-1.2:benchmark href="${xmlEscape(datastream)}"/>`,
    `  <xccdf-1.2:version time="${now.toISOString().replace(/\.\d+Z$/, '')}">1</xccdf-1.2:version>`,
    `  <xccdf-1.2:Profile id="${tailored}" extends="${xmlEscape(profileId)}">`,
    `    <xccdf-1.2:title>${xmlEscape(short)} with ${waived.size} waived rule(s) not evaluated</xccdf-1.2:title>`,
    ...selects,
    '  </xccdf-1.2:Profile>',
    '</xccdf-1.2:Tailoring>',
    '',
  ].join('\n');
  return { xml, profileId: tailored };
}

/**
 * The waivers as an InSpec waiver file (`inspec exec --waiver-file`): one entry per valid waiver,
 * keyed by its id (InSpec control ids), with the expiry, the justification and `run: false` (InSpec
 * then skips the control and reports it waived). Expired or incomplete waivers are left out.
 */
export function inspecWaiverFile(waivers: Waiver[], today: string): string {
  const q = (s: string) => JSON.stringify(s);
  // InSpec knows controls, not CVEs: vulnerability waivers stay out
  const entries = validWaivers(waivers, today)
    .filter((w) => !isVulnerabilityId(w.id))
    .map((w) =>
      [
        `${q(w.id)}:`,
        `  expiration_date: ${w.expires}`,
        '  run: false',
        `  justification: ${q(`${w.reason} (owner: ${w.owner}; ${w.file}:${w.line})`)}`,
      ].join('\n'),
    );
  return `# Written by ami-bakery scan from the reviewed waivers; pass it to inspec exec --waiver-file.\n${entries.join('\n')}\n`;
}
