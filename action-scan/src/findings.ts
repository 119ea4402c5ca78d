/**
 * One model for results from every engine, and the score.
 *
 * Score (documented in docs/scan.md, "Score"):
 *   scored rules = selected, applicable, automated rules whose result is pass or fail
 *                  (excluded: notselected, notapplicable, notchecked, informational, fixed-by-remediation
 *                  counts as pass, error/unknown are reported separately and are not scored);
 *   score        = 100 × passed / (passed + failed), one decimal;
 *   weighted     = 100 × Σ w(pass) / Σ w(pass + fail), weights by severity:
 *                  high 10, medium 5, low 2, info/unknown 1 (critical — InSpec impact ≥ 0.9 — 15).
 */
import type { ContentNumbering } from './numbering.js';

export type Status =
  | 'pass'
  | 'fail'
  | 'error'
  | 'unknown'
  | 'notapplicable'
  | 'notchecked'
  | 'notselected'
  | 'informational'
  | 'fixed';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info' | 'unknown';

export type Engine = 'openscap' | 'lynis' | 'inspec' | 'inspector2';

export interface Finding {
  engine: Engine;
  ruleId: string;
  title: string;
  severity: Severity;
  status: Status;
  cisIds: string[];
  /** Controls of other benchmarks the rule implements (XCCDF references), e.g. ANSSI BP28(R12), STIG UBTU-20-010450. */
  refs?: Array<{ scheme: 'anssi' | 'stig'; id: string }>;
  /** The engine's fix for a failing check, in its own words (e.g. Lynis's solution field). */
  fix?: string;
  /** Whether `fix` was tried in a copy of the image and kept the image usable (fix-verify.ts). */
  fixVerdict?: { verified: boolean; said: string };
  /** What the rule expects, in words (from the engine's own data). */
  expected?: string;
  /** What the engine found on the system. */
  found?: string;
  /** A reviewed waiver covers this failing finding: it leaves the score and the gate (waivers.ts). */
  waiver?: { reason: string; owner: string; expires: string; file: string; line: number };
}

export interface ResultSet {
  engine: Engine;
  /** e.g. the XCCDF profile id or InSpec profile name. */
  profile?: string;
  /** e.g. the benchmark id, the scanned target. */
  benchmark?: string;
  target?: string;
  source: string;
  findings: Finding[];
  /** The engine's own score, reported next to ours (e.g. Lynis's hardening index, 0–100). */
  nativeScore?: { name: string; value: number };
  /** What the engine said about itself (not about the system), e.g. "this Lynis release is old". */
  notes?: string[];
  /** The CIS benchmark the content numbers its references by (OpenSCAP: from the profile text). */
  numbering?: ContentNumbering;
  /** CVEs (Inspector): never findings, never scored; gated on their own (vulns.ts) */
  vulnerabilities?: Vulnerability[];
}

export const SEVERITY_WEIGHTS: Record<Severity, number> = {
  critical: 15,
  high: 10,
  medium: 5,
  low: 2,
  info: 1,
  unknown: 1,
};

export interface Counts {
  /** Findings that are in scope: everything but notselected. */
  total: number;
  passed: number;
  failed: number;
  errors: number;
  notapplicable: number;
  notchecked: number;
  informational: number;
  /** failing findings a reviewed waiver covers: counted neither passed nor failed */
  waived?: number;
}

export interface Score {
  score: number;
  weightedScore: number;
  counts: Counts;
}

export function isPass(s: Status): boolean {
  return s === 'pass' || s === 'fixed';
}

export function isFailure(f: Finding): boolean {
  return f.status === 'fail';
}

export function computeScore(findings: readonly Finding[]): Score {
  const counts: Counts = {
    total: 0,
    passed: 0,
    failed: 0,
    errors: 0,
    notapplicable: 0,
    notchecked: 0,
    informational: 0,
  };
  let wPass = 0;
  let wAll = 0;
  for (const f of findings) {
    if (f.status === 'notselected') continue;
    counts.total++;
    const w = SEVERITY_WEIGHTS[f.severity];
    if (isPass(f.status)) {
      counts.passed++;
      wPass += w;
      wAll += w;
    } else if (f.status === 'fail' && f.waiver) {
      counts.waived = (counts.waived ?? 0) + 1;
    } else if (f.status === 'fail') {
      counts.failed++;
      wAll += w;
    } else if (f.status === 'error' || f.status === 'unknown') counts.errors++;
    else if (f.status === 'notapplicable') counts.notapplicable++;
    else if (f.status === 'notchecked') counts.notchecked++;
    else if (f.status === 'informational') counts.informational++;
  }
  const scored = counts.passed + counts.failed;
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    score: scored ? round1((100 * counts.passed) / scored) : 0,
    weightedScore: wAll ? round1((100 * wPass) / wAll) : 0,
    counts,
  };
}

export function normaliseSeverity(s: string | undefined): Severity {
  switch ((s ?? '').toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
      return 'low';
    case 'info':
    case 'informational':
      return 'info';
    default:
      return 'unknown';
  }
}

const XCCDF_STATUS: Record<string, Status> = {
  pass: 'pass',
  fail: 'fail',
  error: 'error',
  unknown: 'unknown',
  notapplicable: 'notapplicable',
  notchecked: 'notchecked',
  notselected: 'notselected',
  informational: 'informational',
  fixed: 'fixed',
};

export function xccdfStatus(s: string): Status | undefined {
  return XCCDF_STATUS[s.trim()];
}

export interface VulnPackage {
  name: string;
  /** the installed version, as the finding gives it (epoch:version-release where it has them) */
  installed: string;
  /** the first version without the CVE; absent when none is known (not fixable yet) */
  fixed?: string;
  arch?: string;
}

export interface Vulnerability {
  /** CVE-2024-6387, or the source's own id (GHSA-…, ALAS…) */
  id: string;
  severity: Severity;
  title: string;
  /** the CVSS base score the source gives (highest of its ratings), 0–10 */
  cvss?: number;
  packages: VulnPackage[];
  /** whether a fixed version is known for at least one of its packages */
  fixable: boolean;
  status: 'active' | 'closed' | 'suppressed';
  /** ISO 8601, when the source first saw it */
  firstObserved?: string;
  /** where it was read: a file, or the API call */
  source: string;
  /** a reviewed waiver covers it (waivers.ts) */
  waiver?: { reason: string; owner: string; expires: string; file: string; line: number };
  /** compared with the baseline: true when the last golden image did not have it */
  isNew?: boolean;
}
