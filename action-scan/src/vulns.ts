/**
 * Vulnerabilities (CVEs from Amazon Inspector) and their gate: pure, and apart from the CIS
 * findings. A CVE is never a control: it has no marker, no score weight and no place in the counts.
 *
 * The gate (docs/vulnerabilities.md):
 *   gating   = active, unwaived CVEs whose severity is at or above `fail-on-severity` (default
 *              critical) and, unless `fail-on-fixable-only: false`, that have a fixed version;
 *              a CVE Inspector has not triaged (severity UNTRIAGED or missing) counts as at the threshold;
 *   verdict  = failed when any gates, passed when none does, ungated with fail-on-severity: none,
 *              unchecked when no vulnerability source was read (then nothing is claimed).
 */
import { InputError } from '../../shared/src/errors.js';
import type { Severity, Vulnerability } from './findings.js';

export type { Vulnerability, VulnPackage } from './findings.js';

/** Inspector could not say what the image carries: the scan fails (exit 1); nothing is passed. */
export class InspectorError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'InspectorError';
  }
}

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4, unknown: 4 };

export const FAIL_ON_SEVERITY = ['critical', 'high', 'medium', 'low', 'any', 'none'] as const;
export type FailOnSeverity = (typeof FAIL_ON_SEVERITY)[number];

/** fail-on-severity: blank is the default (critical), never "off"; only `none` turns the gate off. */
export function parseFailOnSeverity(raw: string): FailOnSeverity {
  const v = raw.trim().toLowerCase();
  if (v === '') return 'critical';
  if (!(FAIL_ON_SEVERITY as readonly string[]).includes(v))
    throw new InputError(
      'fail-on-severity',
      `${JSON.stringify(raw.slice(0, 40))} is not one of ${FAIL_ON_SEVERITY.join(', ')}.`,
      'use critical (default), high, medium, low, any (every CVE, informational too), or none (no vulnerability gate).',
    );
  return v as FailOnSeverity;
}

export interface VulnGateConfig {
  failOnSeverity: FailOnSeverity;
  /** a CVE with no fixed version does not fail the gate (default true); it is still shown and warned */
  fixableOnly: boolean;
}

export interface VulnGateResult {
  verdict: 'unchecked' | 'passed' | 'failed' | 'ungated';
  /** the CVEs that fail the gate (with none: those the default gate would fail, for the tag) */
  gating: Vulnerability[];
  /** active, unwaived CVEs that do not fail it: below the threshold, or with no fix yet */
  warned: Vulnerability[];
  reasons: string[];
  checked: string[];
  /** the image carries a CVE the gate fails on (with none: the default gate): the `vulnerable` tag */
  vulnerable?: boolean;
}

const atOrAbove = (s: Severity, t: FailOnSeverity) =>
  t === 'any' ? true : t === 'none' ? false : RANK[s] >= RANK[t as Severity];

function gatingUnder(vs: readonly Vulnerability[], cfg: VulnGateConfig): Vulnerability[] {
  return vs.filter(
    (v) =>
      v.status === 'active' &&
      !v.waiver &&
      atOrAbove(v.severity, cfg.failOnSeverity) &&
      (v.fixable || !cfg.fixableOnly),
  );
}

/** Why an active, unwaived CVE does not fail the gate, in words (for its warning). */
export function whyNotGating(v: Vulnerability, cfg: VulnGateConfig): string {
  if (cfg.failOnSeverity === 'none') return 'the vulnerability gate is off (fail-on-severity: none)';
  const why = [
    ...(atOrAbove(v.severity, cfg.failOnSeverity) ? [] : [`below fail-on-severity ${cfg.failOnSeverity}`]),
    ...(!v.fixable && cfg.fixableOnly ? ['no fixed version yet (fail-on-fixable-only)'] : []),
  ];
  return why.join(', and ');
}

const ids = (vs: readonly Vulnerability[], n = 8) => {
  const all = [...new Set(vs.map((v) => v.id))];
  return `${all.slice(0, n).join(', ')}${all.length > n ? `, … (${all.length - n} more)` : ''}`;
};

/** `checked`: whether any vulnerability source was read (an empty one included). */
export function evaluateVulnGate(
  vulns: readonly Vulnerability[],
  cfg: VulnGateConfig,
  checked: boolean,
): VulnGateResult {
  if (!checked) return { verdict: 'unchecked', gating: [], warned: [], reasons: [], checked: [] };
  const active = vulns.filter((v) => v.status === 'active' && !v.waiver);
  const what = `fail-on-severity: ${cfg.failOnSeverity}${cfg.fixableOnly ? ', fixable only' : ''}`;
  if (cfg.failOnSeverity === 'none') {
    const byDefault = gatingUnder(vulns, { failOnSeverity: 'critical', fixableOnly: true });
    return {
      verdict: 'ungated',
      gating: byDefault,
      warned: active,
      reasons: [],
      checked: ['no vulnerability gate: fail-on-severity is none'],
      vulnerable: byDefault.length > 0,
    };
  }
  const gating = gatingUnder(vulns, cfg);
  const warned = active.filter((v) => !gating.includes(v));
  return {
    verdict: gating.length ? 'failed' : 'passed',
    gating,
    warned,
    reasons: gating.length
      ? [`${gating.length} vulnerability(ies) at or above the threshold: ${ids(gating)} (${what})`]
      : [],
    checked: gating.length
      ? []
      : [
          `no active, unwaived vulnerability at or above ${cfg.failOnSeverity}${cfg.fixableOnly ? ' with a fix' : ''} (${what})`,
        ],
    vulnerable: gating.length > 0,
  };
}

export const VULN_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const;

/** Active, unwaived CVEs per severity: the outputs `cves-*` and the tags. */
export function vulnCounts(vulns: readonly Vulnerability[]): Record<Severity, number> {
  const c = Object.fromEntries(VULN_SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const v of vulns) if (v.status === 'active' && !v.waiver) c[v.severity]++;
  return c;
}

/** Most severe first, then by id: the order of the summary, the report and SARIF. */
export function sortVulns(vulns: readonly Vulnerability[]): Vulnerability[] {
  return [...vulns].sort(
    (a, b) =>
      RANK[b.severity] - RANK[a.severity] || (b.cvss ?? 0) - (a.cvss ?? 0) || a.id.localeCompare(b.id),
  );
}

/** An id a vulnerability waiver may name: a CVE, a GitHub advisory, an Amazon Linux or Debian/Ubuntu advisory. */
export function isVulnerabilityId(id: string): boolean {
  return /^(CVE-\d{4}-\d{4,}|GHSA(-[23456789cfghjmpqrvwx]{4}){3}|ALAS\d*-\d{4}-\d+|DSA-\d+(-\d+)?|DLA-\d+(-\d+)?|USN-\d+-\d+)$/i.test(
    id.trim(),
  );
}

/**
 * A timestamp as ISO 8601, from what Inspector writes: the API's epoch seconds (a number, maybe with
 * a fraction), epoch milliseconds, or an ISO string (EventBridge events, the CLI's output). Anything
 * else is undefined, never "now" or 1970.
 */
export function toIsoTime(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
    // 1e11 s is the year 5138: anything larger is milliseconds
    const d = new Date(v < 1e11 ? v * 1000 : v);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v.trim())) {
    const d = new Date(v.trim());
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  return undefined;
}

/** The key a CVE is compared by across images: its id and the packages it is in. */
export const vulnKey = (v: Pick<Vulnerability, 'id' | 'packages'>) =>
  `${v.id}\0${v.packages
    .map((p) => p.name)
    .sort()
    .join(',')}`;

/** Marks each active CVE new or not against the baseline's list; undefined (not compared) without one. */
export function markNew(
  vulns: Vulnerability[],
  before: ReadonlyArray<Pick<Vulnerability, 'id' | 'packages' | 'status'>> | undefined,
): void {
  if (!before) return;
  const had = new Set(before.filter((v) => v.status === 'active').map(vulnKey));
  for (const v of vulns) if (v.status === 'active') v.isNew = !had.has(vulnKey(v));
}

/** The CVEs of a report that fail its gate, recomputed from the list and the gate's settings (pure). */
export function gatingIn(v: {
  list: readonly Vulnerability[];
  gate: { verdict: string; failOnSeverity: string; fixableOnly: boolean };
}): Set<Vulnerability> {
  if (v.gate.verdict !== 'failed') return new Set();
  const failOnSeverity = (FAIL_ON_SEVERITY as readonly string[]).includes(v.gate.failOnSeverity)
    ? (v.gate.failOnSeverity as FailOnSeverity)
    : 'any';
  return new Set(evaluateVulnGate(v.list, { failOnSeverity, fixableOnly: v.gate.fixableOnly }, true).gating);
}

/** "openssh-server 1:8.9p1-3ubuntu0.7, libssl3 3.0.2": the packages and installed versions, for a line of text. */
export const installedText = (v: Pick<Vulnerability, 'packages'>): string =>
  v.packages.map((p) => `${p.name} ${p.installed}`).join(', ');

/** "openssh-server 1:8.9p1-3ubuntu0.10": the packages that have a fix and its version ('' when none has). */
export const fixedText = (v: Pick<Vulnerability, 'packages'>): string =>
  v.packages
    .filter((p) => p.fixed)
    .map((p) => `${p.name} ${p.fixed}`)
    .join(', ');
