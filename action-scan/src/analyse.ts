/** The analysis phase: merge the results, apply waivers, score, place every finding, compare, gate. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChangeMap, MarkerScheme } from '../../shared/src/cis-map.js';
import { InputError } from '../../shared/src/errors.js';
import type { Io } from '../../shared/src/io.js';
import { insideRoot } from '../../shared/src/workspace.js';
import { CLASS_LABEL, classifyFailure } from './classify.js';
import type { ScanConfig, ScanSubject } from './config.js';
import { shortProfile } from './content.js';
import { loadBaseline } from './earlier.js';
import type { Collected } from './engine.js';
import { computeScore, type Finding, type ResultSet } from './findings.js';
import { evaluateScanGate, type GateResult } from './gate.js';
import { type ContentNumbering, numberingNotes, planNumbering, reportBenchmarks } from './numbering.js';
import { evaluateRatchet, type RatchetResult, ratchetLine, whereMarkerWas } from './ratchet.js';
import {
  type ClaimedControl,
  claimedControls,
  type PlannedAnnotation,
  planAnnotations,
} from './report/annotations.js';
import {
  type BaselineDiff,
  compareReports,
  keyOf,
  REPORT_SCHEMA,
  type ScanReport,
  toReportFinding,
} from './report/report.js';
import { packageDiff } from './sbom/diff.js';
import { installedPackages, reportPackages } from './sbom/packages.js';
import {
  evaluateVulnGate,
  markNew,
  sortVulns,
  type Vulnerability,
  type VulnGateResult,
  vulnCounts,
} from './vulns.js';
import {
  annotateWaivers,
  applyWaivers,
  todayUtc,
  vulnerabilityWaivers,
  type WaiverOutcome,
  waiverCovers,
} from './waivers.js';

function mergeResultSets(sets: ResultSet[]): {
  findings: Finding[];
  profile?: string;
  target?: string;
  numbering: ContentNumbering;
} {
  const findings = sets.flatMap((s) => s.findings);
  // the scan is named by its compliance results; vulnerabilities name it only when alone
  const controls = sets.filter((s) => !s.vulnerabilities || s.findings.length);
  const named = controls.length ? controls : sets;
  const profile = named.map((s) => s.profile).find(Boolean);
  const target = named.map((s) => s.target).find(Boolean);
  const numbering = sets.map((s) => s.numbering).find((n) => n?.numbersBy) ?? {};
  return { findings, profile, target, numbering };
}

/** How the check run and summary name the scan: by its profile's benchmark, not always "CIS". */
export function profileLabel(
  profile: string | undefined,
  engine: string,
): {
  label: string;
  scheme?: MarkerScheme;
} {
  const short = (profile ?? '').replace(/^xccdf_[^_]+_profile_/, '');
  if (engine === 'lynis') return { label: 'Lynis audit', scheme: 'lynis' };
  if (/(^|_)cis(_|$)/i.test(short)) return { label: 'CIS compliance', scheme: 'cis' };
  if (/stig/i.test(short)) return { label: 'STIG compliance', scheme: 'stig' };
  if (/anssi/i.test(short)) return { label: 'ANSSI compliance', scheme: 'anssi' };
  return { label: short ? `Compliance (${short})` : 'Compliance' };
}

/** The workflow file that ran this job, as a repository path (GITHUB_WORKFLOW_REF), if it is there. */
function workflowFile(env: NodeJS.ProcessEnv, root: string): string | undefined {
  const m = /^[^/]+\/[^/]+\/(.+?)@/.exec(env.GITHUB_WORKFLOW_REF ?? '');
  return m && fs.existsSync(path.join(root, m[1])) ? m[1] : undefined;
}

/** Everything the scan concluded from the results: score, annotations, the report, the gate. */
export interface Analysis {
  merged: ReturnType<typeof mergeResultSets>;
  score: number;
  weightedScore: number;
  counts: ScanReport['counts'];
  profileKey: string;
  /** the family and the profile: what keys the baseline cache and the SARIF category */
  familyKey: string;
  label: string;
  annotations: PlannedAnnotation[];
  report: ScanReport;
  diff?: BaselineDiff;
  baseline?: ScanReport;
  gate: GateResult;
  waiverOutcome: WaiverOutcome;
  /** What cannot be compared between the code's benchmarks and the content's, and what was. */
  numberingSaid: { problems: string[]; notes: string[] };
  /** The controls the code claims whose rules all pass. */
  passing: ClaimedControl[];
  /** The ratchet against the baseline (the last golden image's report). */
  ratchet: RatchetResult;
  /** where a finding with no line of its own sits: the template, else the first hardening file, … */
  fallbackFile?: string;
  /** whether any compliance results (controls) were read; false when only vulnerabilities were */
  cisRead: boolean;
  /** the CVEs read (Inspector), most severe first, with waivers and new-since-baseline marked */
  vulnerabilities: Vulnerability[];
  /** the vulnerability gate: its own, never part of the CIS score or gate */
  vulnGate: VulnGateResult;
}

/**
 * Marks each failure the hardening code cannot cause with its class, in its title and message; a
 * waived one (`waived`: engine:ruleId) keeps its class and says why, but no longer counts.
 */
function classifyAll(
  annotations: PlannedAnnotation[],
  merged: ReturnType<typeof mergeResultSets>,
  cfg: ScanConfig,
  waived: ReadonlySet<string>,
): void {
  const byKey = new Map(merged.findings.map((f) => [`${f.engine}:${f.ruleId}`, f]));
  const files = new Map<string, string[]>();
  const lines = (file: string) => {
    if (!files.has(file)) {
      try {
        files.set(file, fs.readFileSync(path.join(cfg.root, file), 'utf8').split('\n'));
      } catch {
        files.set(file, []);
      }
    }
    return files.get(file)!;
  };
  const ctx = {
    offline: cfg.target.kind === 'chroot',
    release: merged.numbering.release,
    product: merged.numbering.says?.product ?? merged.numbering.numbersBy?.product,
    blockText: (a: PlannedAnnotation) =>
      a.file && a.line
        ? lines(a.file)
            .slice(a.line - 1, a.endLine ?? a.line)
            .join('\n')
        : undefined,
    fileText: (a: PlannedAnnotation) => (a.file ? lines(a.file).join('\n') : ''),
    expected: (a: PlannedAnnotation) => byKey.get(`${a.engine}:${a.ruleId}`)?.expected ?? '',
    found: (a: PlannedAnnotation) => byKey.get(`${a.engine}:${a.ruleId}`)?.found ?? '',
  };
  for (const a of annotations) {
    const c = classifyFailure(a, ctx);
    if (!c) continue;
    a.failureClass = c.class;
    a.classWhy = c.why;
    a.title = `${a.title} [${CLASS_LABEL[c.class]}]`;
    a.message = waived.has(keyOf(a))
      ? `${CLASS_LABEL[c.class]}: ${c.why}\n${a.message}`
      : `${CLASS_LABEL[c.class]}: ${c.why} It still counts in the score and the gate; once reviewed, a waiver citing this is the way out.\n${a.message}`;
  }
}

/**
 * The ratchet's findings as annotations: a dropped control on the line where the pull request
 * removed its marker (from its diff), else on the file its marker was in, else the fallback.
 */
function ratchetAnnotations(
  r: RatchetResult,
  root: string,
  fallbackFile?: string,
  prDiff?: string,
): PlannedAnnotation[] {
  const since = r.baseline?.amiId ?? 'the baseline';
  return r.dropped.map((d) => {
    const was = d.location.replace(/:\d+$/, '');
    const oldLine = Number(/:(\d+)$/.exec(d.location)?.[1] ?? '') || undefined;
    const moved = prDiff ? whereMarkerWas(prDiff, was, d.control, oldLine) : undefined;
    const file = moved?.file ?? (fs.existsSync(path.join(root, was)) ? was : fallbackFile);
    const [engine, ...rest] = d.rules[0].split(':');
    return {
      level: 'error',
      ...(file ? { file, line: moved?.line ?? 1 } : {}),
      title: `dropped: ${d.control} was implemented at ${d.location} in ${since} and has no marker now`,
      message: `${d.control} (${d.title}) was claimed by a marker at ${d.location} and passed in ${since}. No marker claims it now, so this change would ship an image without it unseen. Restore the marker (and the change it marks), or add a reviewed waiver for it.\nRules: ${d.rules.join(', ')}`,
      control: d.control,
      ruleId: rest.join(':'),
      engine,
      severity: 'high',
      status: 'fail',
      implemented: false,
      ratchet: 'dropped',
    };
  });
}

/**
 * target results: the profile input must be the profile the results were evaluated with. A
 * mismatch (results of cis_level2_server read as cis_level1_server) would label, key the baseline
 * and scope the waivers by a profile nobody ran. Only XCCDF results name their profile.
 */
function checkResultsProfile(cfg: ScanConfig, resultsProfile: string | undefined): void {
  if (cfg.target.kind !== 'results' || !cfg.profile || !resultsProfile?.startsWith('xccdf_')) return;
  if (shortProfile(cfg.profile) === shortProfile(resultsProfile)) return;
  throw new InputError(
    'profile',
    `"${cfg.profile}" is not the profile of the results, which were evaluated with ${shortProfile(resultsProfile)}.`,
    `set profile: ${shortProfile(resultsProfile)} (or leave it empty to take the results' own).`,
  );
}

/** What was scanned, as the user named it: the chroot directory or SSH host, not the engine's "vm". */
export function targetLabel(
  target: ScanConfig['target'],
  engineSays: string | undefined,
): string | undefined {
  switch (target.kind) {
    case 'chroot':
      return `chroot:${target.dir}`;
    case 'ssh':
      return `ssh://${target.user}@${target.host}${target.port === 22 ? '' : `:${target.port}`}`;
    case 'local':
      return engineSays ? `local (${engineSays})` : 'local';
    default:
      return engineSays;
  }
}

/**
 * The verdict: the ratchet against the baseline (its dropped controls become annotations), then the
 * gate over everything; both are written into the report.
 */
function judge(
  cfg: ScanConfig,
  x: {
    baseline?: ScanReport;
    profile?: string;
    score: number;
    findings: Finding[];
    claimed: ClaimedControl[];
    annotations: PlannedAnnotation[];
    diff?: BaselineDiff;
    uncompared: string[];
    waived: (f: Finding) => boolean;
    fallbackFile?: string;
    report: ScanReport;
    /** the pull request's diff, where a dropped marker is placed */
    prDiff?: string;
  },
): { ratchet: RatchetResult; gate: GateResult } {
  const { annotations, report } = x;
  const ratchet = evaluateRatchet({ on: cfg.ratchet, ...x });
  for (const a of annotations)
    if (ratchet.regressed.some((r) => r.rules.includes(`${a.engine}:${a.ruleId}`))) a.ratchet = 'regressed';
  annotations.push(...ratchetAnnotations(ratchet, cfg.root, x.fallbackFile, x.prDiff));
  const gate = evaluateScanGate(
    { score: x.score, annotations, diff: x.diff, uncompared: x.uncompared, ratchet },
    cfg,
  );
  report.gate = {
    verdict: gate.verdict,
    failOn: cfg.failOn,
    ...(cfg.minScore !== undefined ? { minScore: cfg.minScore } : {}),
    failOnNewFailures: cfg.failOnNewFailures,
    reasons: gate.verdict === 'failed' ? gate.reasonsInFull : gate.checked,
  };
  report.ratchet = {
    state: ratchet.state,
    line: ratchetLine(ratchet),
    dropped: ratchet.dropped.map((d) => d.control),
    regressed: ratchet.regressed.map((d) => d.control),
    notCompared: ratchet.notCompared.map((d) => d.control),
  };
  return { ratchet, gate };
}

/** Nothing checked is not passed: a result set with no rule, or no rule that passed or failed, is refused. */
function refuseEmpty(counts: ScanReport['counts'], cfg: ScanConfig): void {
  if (counts.total === 0) {
    throw new InputError(
      'results',
      'contain no rule results (empty result set).',
      'check the scan ran a profile: oscap xccdf eval --profile ...',
    );
  }
  if (counts.passed + counts.failed === 0 && counts.notapplicable === counts.total) {
    throw new InputError(
      cfg.target.kind === 'results' ? 'results' : 'datastream',
      `every one of ${counts.total} rules is notapplicable: the content does not match the scanned system's platform.`,
      'scan the OS the profile is for (e.g. the ubuntu2204 data stream on an Ubuntu 22.04 image).',
    );
  }
  // Nothing checked is not passed: a scan in which no rule passed or failed gates nothing.
  if (counts.passed + counts.failed + (counts.waived ?? 0) === 0) {
    const how = Object.entries({
      'not checked or skipped': counts.notchecked,
      'not applicable': counts.notapplicable,
      'error or unknown': counts.errors,
      informational: counts.informational,
    })
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    throw new InputError(
      cfg.target.kind === 'results' ? 'results' : 'target',
      `evaluated nothing: none of ${counts.total} rule result(s) passed or failed (${how}).`,
      'check that the scan ran its controls (InSpec: no skipped profile; OpenSCAP: the profile fits the platform); a scan that checked nothing is never a pass.',
    );
  }
}

export async function analyse(
  io: Io,
  cfg: ScanConfig,
  subject: ScanSubject,
  changeMap: ChangeMap,
  { sets, kept, inventory }: Collected,
  /** the pull request's diff (read once per scan), where a dropped marker is placed */
  prDiff: () => Promise<string | undefined>,
): Promise<Analysis> {
  const merged = mergeResultSets(sets);
  checkResultsProfile(cfg, merged.profile);
  const cisRead = sets.some((s) => !s.vulnerabilities || s.findings.length > 0);
  const profileKey = (merged.profile ?? cfg.profile ?? 'default')
    .replace(/^xccdf_org\.ssgproject\.content_profile_/, '')
    .replace(/[^\w.-]/g, '_');
  // Waivers first: a waived failure leaves the score (counted neither passed nor failed).
  const waiverOutcome = applyWaivers(merged.findings, cfg.waivers, {
    profile: profileKey,
    amiId: subject.amiId,
    today: todayUtc(),
    warnDays: cfg.waiverWarnDays,
  });
  const vulns = readVulnerabilities(sets, cfg, { profile: profileKey, amiId: subject.amiId });
  waiverOutcome.problems.push(...vulns.waiverProblems);
  const { vulnerabilities } = vulns;
  const { score, weightedScore, counts } = computeScore(merged.findings);
  if (cisRead) refuseEmpty(counts, cfg);
  const familyKey = cfg.family ? `${cfg.family}-${profileKey}` : profileKey;
  const baseline = await loadBaseline(io, cfg, familyKey);
  const { label, scheme } = profileLabel(merged.profile ?? cfg.profile, sets[0]?.engine ?? '');

  const fallbackFile = fallbackFileOf(io.env, cfg, changeMap, kept);
  const cac = merged.findings.some(
    (f) => f.engine === 'openscap' && /^xccdf_org\.ssgproject\./.test(f.ruleId),
  );
  const numbering = planNumbering(changeMap, merged.numbering, cac);
  const numberingSaid = numberingNotes(numbering);
  for (const n of [...numberingSaid.problems, ...numberingSaid.notes]) io.info(n);
  // classified where the code implements them, before a waiver moves one to its own line: a
  // waived failure keeps its class (the waiver's notice, the report)
  const planned = planAnnotations(merged.findings, changeMap, {
    fallbackFile,
    profileScheme: scheme,
    numbering,
  });
  classifyAll(planned, merged, cfg, new Set(waiverOutcome.waived.map(({ finding }) => keyOf(finding))));
  const annotations = annotateWaivers(planned, waiverOutcome);
  const locationOf = new Map(
    annotations.map((a) => [
      `${a.engine}:${a.ruleId}`,
      a.implemented && a.file ? `${a.file}:${a.line}` : undefined,
    ]),
  );
  const classOf = new Map(annotations.map((a) => [keyOf(a), a.failureClass]));
  const report: ScanReport = {
    schema: REPORT_SCHEMA,
    generatedAt: new Date().toISOString(),
    profile: merged.profile,
    ...(cfg.family ? { family: cfg.family } : {}),
    target: targetLabel(cfg.target, merged.target),
    // the result files that remain after the run (an engine's raw results only where results-file kept them)
    sources: kept.map((f) => insideRoot(cfg.root, path.resolve(f)) ?? f),
    score,
    weightedScore,
    counts,
    hardeningSha: changeMap.sha256,
    amiId: subject.amiId,
    benchmarks: reportBenchmarks(numbering),
    findings: merged.findings
      .filter((f) => f.status !== 'notselected')
      .map((f) =>
        toReportFinding(f, locationOf.get(`${f.engine}:${f.ruleId}`), classOf.get(`${f.engine}:${f.ruleId}`)),
      ),
  };
  const claimed = claimedControls(merged.findings, changeMap, numbering);
  report.claimed = claimed;
  addPackages(report, inventory, baseline);
  markNew(vulnerabilities, baseline?.vulnerabilities?.list);
  const vulnGate = evaluateVulnGate(vulnerabilities, cfg, vulns.checked);
  if (vulns.checked) report.vulnerabilities = reportVulnerabilities(vulnerabilities, vulnGate, cfg);
  const diff = baseline && cisRead ? compareReports(report, baseline) : undefined;
  const judged = judge(cisRead ? cfg : { ...cfg, ratchet: false }, {
    baseline,
    profile: merged.profile ?? cfg.profile,
    score,
    findings: merged.findings,
    claimed,
    annotations,
    diff,
    uncompared: numberingSaid.problems,
    waived: waiverCovers(cfg.waivers, { profile: profileKey, amiId: subject.amiId, today: todayUtc() }),
    fallbackFile,
    report,
    prDiff: baseline && cisRead ? await prDiff() : undefined,
  });
  const { ratchet } = judged;
  const gate = cisRead ? judged.gate : noControlGate(report);
  return {
    merged,
    score,
    weightedScore,
    counts,
    profileKey,
    familyKey,
    label,
    annotations,
    report,
    diff,
    baseline,
    gate,
    waiverOutcome,
    numberingSaid,
    passing: claimed.filter((c) => c.passed),
    ratchet,
    fallbackFile,
    cisRead,
    vulnerabilities,
    vulnGate,
  };
}

/**
 * Every finding needs a place: the template, else the first hardening file, else the results file,
 * else the workflow file (all repository paths).
 */
function fallbackFileOf(
  env: NodeJS.ProcessEnv,
  cfg: ScanConfig,
  changeMap: ChangeMap,
  kept: string[],
): string | undefined {
  const resultsInRepo = kept.map((f) => insideRoot(cfg.root, path.resolve(f))).find((f) => f && f !== '.');
  return cfg.template ?? changeMap.files[0] ?? resultsInRepo ?? workflowFile(env, cfg.root);
}

/** Only vulnerabilities were read: no control was checked, so the control gate says so, never "passed". */
function noControlGate(report: ScanReport): GateResult {
  const checked = ['no compliance results were read (vulnerabilities only): no control gate'];
  if (report.gate) report.gate = { ...report.gate, verdict: 'ungated', reasons: checked };
  return { verdict: 'ungated', reasons: [], reasonsInFull: [], checked };
}

/**
 * The CVEs of the result sets, most severe first, with the vulnerability waivers applied. They are
 * read beside the controls and never join them: no score, no counts, no annotations.
 */
function readVulnerabilities(
  sets: ResultSet[],
  cfg: ScanConfig,
  ctx: { profile: string; amiId?: string },
): { checked: boolean; vulnerabilities: Vulnerability[]; waiverProblems: WaiverOutcome['problems'] } {
  const checked = sets.some((s) => s.vulnerabilities);
  const vulnerabilities = sortVulns(sets.flatMap((s) => s.vulnerabilities ?? []));
  const { problems } = vulnerabilityWaivers(
    vulnerabilities,
    cfg.waivers,
    { ...ctx, today: todayUtc() },
    checked,
  );
  return { checked, vulnerabilities, waiverProblems: problems };
}

/** The image's packages in the report, and what changed since the baseline when it lists packages of the same kind. */
function addPackages(
  report: ScanReport,
  inventory: Collected['inventory'],
  baseline: ScanReport | undefined,
): void {
  const { format, packages } = installedPackages(inventory);
  const installed = reportPackages(packages);
  if (!installed.length) return;
  report.packages = installed;
  report.packageFormat = format;
  if (baseline?.packages?.length && (baseline.packageFormat ?? 'deb') === format)
    report.packageDiff = {
      ...(baseline.amiId ? { since: baseline.amiId } : {}),
      ...packageDiff(baseline.packages, installed, format),
    };
}

/** The JSON report's vulnerabilities: the gate, the counts and every CVE read. */
function reportVulnerabilities(
  vulns: Vulnerability[],
  gate: VulnGateResult,
  cfg: ScanConfig,
): NonNullable<ScanReport['vulnerabilities']> {
  return {
    gate: {
      verdict: gate.verdict,
      failOnSeverity: cfg.failOnSeverity,
      fixableOnly: cfg.fixableOnly,
      reasons: gate.verdict === 'failed' ? gate.reasons : gate.checked,
    },
    vulnerable: gate.vulnerable === true,
    counts: vulnCounts(vulns),
    sources: [...new Set(vulns.map((v) => v.source))],
    list: vulns,
  };
}
