/**
 * The JSON scan report (input `report-file`): everything needed to compare a later run with this
 * one (input `baseline`), plus the comparison itself.
 */

import { checkSchema } from '../../../shared/src/schema.js';
import reportSchema from '../../data/scan-report.schema.json' with { type: 'json' };
import type { Counts, Finding } from '../findings.js';
import type { ReportBenchmarks } from '../numbering.js';

import type { PackageDiff, ReportPackage } from '../sbom/diff.js';
import type { Vulnerability } from '../vulns.js';

export const REPORT_SCHEMA = 'ami-bakery/scan-report@1';

export interface ReportFinding {
  engine: string;
  ruleId: string;
  title: string;
  severity: string;
  status: string;
  cisIds: string[];
  location?: string;
  expected?: string;
  found?: string;
  /** a reviewed waiver covers this failure (it is not scored, and not a new failure) */
  waiver?: { reason: string; owner: string; expires: string; file: string; line: number };
  /** a failure the hardening code cannot cause (classify.ts), waived or not */
  failureClass?: 'not-installed' | 'offline-state' | 'content-misfit';
}

/** A control the code claims (a marker locates it): its rules (engine:ruleId) and whether all passed. */
export interface ClaimedControl {
  control: string;
  /** the marker, file:line */
  location: string;
  /** a title of one of its rules */
  title: string;
  rules: string[];
  passed: boolean;
}

export interface ScanReport {
  schema: typeof REPORT_SCHEMA;
  generatedAt: string;
  profile?: string;
  /** the image family the scan was of (input family) */
  family?: string;
  target?: string;
  sources: string[];
  score: number;
  weightedScore: number;
  counts: Counts;
  hardeningSha?: string;
  amiId?: string;
  /** Which CIS benchmark each side numbers by: the content's, and each one the code's markers declare. */
  benchmarks?: ReportBenchmarks;
  findings: ReportFinding[];
  /** every control the code claims, with its rules and whether all passed (the next ratchet's floor) */
  claimed?: ClaimedControl[];
  /** the gate's verdict and what it was asked */
  gate?: {
    verdict: 'passed' | 'failed' | 'ungated';
    failOn: string;
    minScore?: number;
    failOnNewFailures: boolean;
    reasons: string[];
  };
  /** what the image has installed (its dpkg database; the SBOM's packages), sorted */
  packages?: ReportPackage[];
  /** the package database the packages come from (absent in older reports: deb) */
  packageFormat?: 'deb' | 'rpm';
  /** the packages changed since the baseline (the last golden image) */
  packageDiff?: PackageDiff & { since?: string };
  /** the CVEs read (Inspector) and their gate: never in the score, the counts or the findings */
  vulnerabilities?: {
    gate: {
      verdict: 'unchecked' | 'passed' | 'failed' | 'ungated';
      failOnSeverity: string;
      fixableOnly: boolean;
      reasons: string[];
    };
    vulnerable: boolean;
    /** active, unwaived CVEs per severity */
    counts: Record<string, number>;
    sources: string[];
    list: Vulnerability[];
  };
  /** the ratchet against the baseline: its state, one line, and what it found */
  ratchet?: { state: string; line: string; dropped: string[]; regressed: string[]; notCompared: string[] };
}

export function keyOf(f: { engine: string; ruleId: string }): string {
  return `${f.engine}:${f.ruleId}`;
}

export interface BaselineDiff {
  baselineScore: number;
  scoreDelta: number;
  newFailures: ReportFinding[];
  fixed: ReportFinding[];
}

export function toReportFinding(
  f: Finding,
  location?: string,
  failureClass?: ReportFinding['failureClass'],
): ReportFinding {
  return {
    engine: f.engine,
    ruleId: f.ruleId,
    title: f.title,
    severity: f.severity,
    status: f.status,
    cisIds: f.cisIds,
    ...(location ? { location } : {}),
    ...(f.expected ? { expected: f.expected } : {}),
    ...(f.found ? { found: f.found } : {}),
    ...(f.waiver ? { waiver: f.waiver } : {}),
    ...(failureClass ? { failureClass } : {}),
  };
}

/** New failures: failing now, not failing in the baseline. Fixed: failing in the baseline, passing now. */
export function compareReports(current: ScanReport, baseline: ScanReport): BaselineDiff {
  const before = new Map(baseline.findings.map((f) => [keyOf(f), f]));
  const now = new Map(current.findings.map((f) => [keyOf(f), f]));
  const newFailures = current.findings.filter(
    (f) => f.status === 'fail' && !f.waiver && before.get(keyOf(f))?.status !== 'fail',
  );
  const fixed = baseline.findings.filter((f) => {
    const n = now.get(keyOf(f));
    return f.status === 'fail' && (n?.status === 'pass' || n?.status === 'fixed');
  });
  return {
    baselineScore: baseline.score,
    scoreDelta: Math.round((current.score - baseline.score) * 10) / 10,
    newFailures,
    fixed,
  };
}

/** A report of an earlier run (baseline, history), checked against data/scan-report.schema.json. */
export function validateReport(doc: unknown, source: string): ScanReport {
  const d = doc as { schema?: unknown } | null;
  if (!d || typeof d !== 'object' || d.schema !== REPORT_SCHEMA)
    throw new Error(`${source} is not an ami-bakery scan report (expected "schema": "${REPORT_SCHEMA}")`);
  return checkSchema<ScanReport>(reportSchema, doc, `${source} is not a valid ${REPORT_SCHEMA}`);
}
