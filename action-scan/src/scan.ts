/**
 * action-scan: run (or read) a compliance scan, normalise it, score it, compare it with a baseline,
 * and report every failing control on the hardening-script line that implements it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fg from 'fast-glob';
import { TAG } from '../../shared/src/aws/tags.js';
import { resolveRegion, validateAmiId, validateRegion } from '../../shared/src/aws/validate.js';
import type { Benchmark } from '../../shared/src/benchmark.js';
import { type ChangeMap, loadChangeMap, type MarkerScheme } from '../../shared/src/cis-map.js';
import { GateError, InputError, messageOf } from '../../shared/src/errors.js';
import { exec } from '../../shared/src/exec.js';
import { eventPayload, runUrl } from '../../shared/src/github-env.js';
import { Inputs } from '../../shared/src/inputs.js';
import type { Io } from '../../shared/src/io.js';
import { codeSpan, escapeMarkdown } from '../../shared/src/markdown.js';
import { checkOutputFile, copyOutputFile, writeOutputFile } from '../../shared/src/outputs.js';
import { loadPrivateKey } from '../../shared/src/ssh-keys.js';
import { checkGlobPattern, insideRoot, repoPath, repoRoot } from '../../shared/src/workspace.js';
import {
  checkProfile,
  downloadContent,
  normaliseProfile,
  parseOsRelease,
  resolveDatastreamForOs,
  SYSTEM_CONTENT_DIRS,
} from './content.js';
import { computeScore, type Finding, type ResultSet } from './findings.js';
import { attachFixes, generateFixes, suggestScript } from './fixes.js';
import { loadDatastreamContent, loadDatastreamRules, parseResultsFile } from './formats/index.js';
import type { DatastreamContent } from './formats/xccdf.js';
import { evaluateScanGate, type FailOn, type GateResult, parseFailOn } from './gate.js';
import { chooseInUseImage, type InUseImage, inUseTable, isGolden, vulnerableImages } from './in-use.js';
import {
  type ContentNumbering,
  numberingNotes,
  parseBenchmarkInput,
  planNumbering,
  reportBenchmarks,
} from './numbering.js';
import { type PlannedAnnotation, parseChangedLines, planAnnotations } from './report/annotations.js';
import {
  CHECK_SUMMARY_LIMIT,
  type CheckRunTarget,
  checkTargetFromEnv,
  type DeliveryResult,
  deliverAnnotations,
} from './report/checks.js';
import { buildHtmlReport, htmlReportPath } from './report/html.js';
import { syncIssues } from './report/issue.js';
import {
  type BaselineDiff,
  compareReports,
  REPORT_SCHEMA,
  type ScanReport,
  toReportFinding,
  validateReport,
} from './report/report.js';
import { postSuggestions, reviewTargetFromEnv } from './report/review.js';
import { buildSarif } from './report/sarif.js';
import { planSuggestions } from './report/suggestions.js';
import { buildSummary } from './report/summary.js';
import {
  mergeTrend,
  mermaidTrend,
  type TrendPoint,
  trendFromImages,
  trendFromReports,
} from './report/trend.js';
import { parseTarget, runOscapLocal, runOscapSsh, type Target } from './targets.js';
import { VERSION } from './version.js';
import {
  annotateWaivers,
  applyWaivers,
  inspecWaiverFile,
  parseWaivers,
  tailoringXml,
  todayUtc,
  type Waiver,
  type WaiverOutcome,
  waivedRules,
  waivedText,
} from './waivers.js';

export interface ScanConfig {
  target: Target;
  results: string[];
  datastream: string;
  profile: string;
  contentVersion: string;
  hardeningScripts: string[];
  /** the CIS benchmark markers number by when neither they, their file nor their role says (input benchmark) */
  benchmark?: Benchmark;
  template?: string;
  sshKey: string;
  sshKnownHosts: string;
  timeoutMs: number;
  sarifFile: string;
  reportFile: string;
  baseline: string;
  minScore?: number;
  failOn: FailOn;
  failOnNewFailures: boolean;
  /** keep the raw results of an engine run here (else they are deleted after parsing) */
  resultsFile: string;
  /** the repository root: every path reported is relative to it */
  root: string;
  amiId?: string;
  awsRegion?: string;
  /** re-scan of the images in use: regions whose running instances are looked at */
  inUse?: { regions: string[] };
  githubToken: string;
  checkName: string;
  /** reviewed waivers (input waivers), validated before the scan */
  waivers: Waiver[];
  waiverWarnDays: number;
  /** report: waived failures are evaluated and reported as waived; skip: not evaluated (XCCDF tailoring) */
  waiveMode: 'report' | 'skip';
  /** write the waivers as an InSpec waiver file here ('' = none) */
  inspecWaiverFile: string;
  /** write a hardening script of suggested fixes for controls not implemented here ('' = none) */
  suggestFile: string;
  /** on a pull request, offer one-line fixes as suggested changes (a review) */
  suggest: boolean;
  /** the HTML report's path ('' = none) */
  reportHtml: string;
  /** earlier JSON reports for the score trend (files or globs) */
  history: string[];
  /** in-use: open, update and close a GitHub issue per image whose re-scan failed */
  issue: boolean;
}

/** Inputs that only mean something with in-use: refused alone, never silently ignored. */
function refuseLoneInputs(inp: Inputs, inUse: boolean, regions: string[]): void {
  if (inp.boolean('issue') && !inUse)
    throw new InputError(
      'issue',
      'opens issues about images in use, so it needs in-use: true.',
      'set in-use: true, or remove issue.',
    );
  if (regions.length && !inUse)
    throw new InputError(
      'regions',
      'are the regions in-use looks at for running instances; without in-use: true they mean nothing.',
      'set in-use: true, or remove regions (aws-region is where ami-id is tagged).',
    );
}

/** Every file the scan writes, checked before anything runs: no directory, no link, writable. */
function checkScanOutputs(inp: Inputs, root: string): void {
  const reportFile = inp.string('report-file');
  const outputs: Array<[string, string]> = [
    ['sarif-file', inp.string('sarif-file')],
    ['report-file', reportFile],
    ['report-html', htmlReportPath(inp.string('report-html'), reportFile)],
    ['results-file', inp.string('results-file')],
    ['suggest-file', inp.string('suggest-file')],
    ['inspec-waiver-file', inp.string('inspec-waiver-file')],
  ];
  for (const [name, file] of outputs) if (file) checkOutputFile(name, file, root);
}

/** A datastream input names SCAP content: a data stream or an XCCDF benchmark, not any file. */
function checkDatastream(file: string): void {
  let head = '';
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      head = buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    throw new InputError(
      'datastream',
      `"${file}" does not exist or cannot be read.`,
      'give an ssg-*-ds.xml path, or auto.',
    );
  }
  if (!/<(?:[\w.-]+:)?(data-stream-collection|Benchmark)\b/.test(head))
    throw new InputError(
      'datastream',
      `"${file}" is not SCAP content (no data-stream-collection or XCCDF Benchmark near its start).`,
      'give an ssg-*-ds.xml data stream (dpkg -L ssg-debderived lists them), or auto.',
    );
}

/** Read and validate every input before anything runs. */
export function readConfig(io: Io): ScanConfig {
  const inp = new Inputs(io);
  const target = parseTarget(inp.string('target'));
  const results = inp.list('results');
  if (target.kind === 'results' && results.length === 0) {
    throw new InputError(
      'results',
      'is required when target is "results".',
      'give oscap/Lynis/InSpec result files, e.g. results: out/arf.xml',
    );
  }
  const inUse = inp.boolean('in-use');
  if (target.kind === 'none' && !inUse) {
    throw new InputError(
      'target',
      '"none" only finds the images in use, so it needs in-use: true.',
      'set in-use: true, or choose a target to scan.',
    );
  }
  const regions = inp.list('regions');
  const inUseRegions = inUse
    ? regions.length
      ? regions.map((r) => validateRegion('regions', r))
      : [resolveRegion('aws-region', inp.string('aws-region'), io.env)]
    : [];
  const timeoutMin = inp.number('timeout', 1, 24 * 60) ?? 30;
  const amiId = inp.string('ami-id') ? validateAmiId('ami-id', inp.string('ami-id')) : undefined;
  const root = repoRoot(io.env);
  const templateGiven = inp.existingPath('template', 'file');
  const template = templateGiven ? repoPath(root, templateGiven, 'template') : undefined;
  const waiversGiven = inp.existingPath('waivers', 'file');
  const waiversFile = waiversGiven ? repoPath(root, waiversGiven, 'waivers') : undefined;
  const waivers = waiversFile
    ? parseWaivers(fs.readFileSync(path.join(root, waiversFile), 'utf8'), waiversFile)
    : [];
  const waiverWarnDays = inp.number('waiver-warn-days', 0, 3650) ?? 14;
  const waiveMode = (inp.string('waive-mode') || 'report') as 'report' | 'skip';
  if (waiveMode !== 'report' && waiveMode !== 'skip')
    throw new InputError(
      'waive-mode',
      `"${waiveMode}" is not report or skip.`,
      'use report (default) or skip.',
    );
  if (waiveMode === 'skip' && !(target.kind === 'local' || target.kind === 'chroot'))
    throw new InputError(
      'waive-mode',
      `skip needs an OpenSCAP run here (target local or chroot:<dir>), not target ${target.kind}.`,
      'use waive-mode: report (waived failures are evaluated and reported as waived).',
    );
  const failOn = parseFailOn(inp.string('fail-on'));
  const minScore = inp.number('min-score', 0, 100);
  const failOnNewFailures = inp.boolean('fail-on-new-failures');
  const datastream = inp.string('datastream') || 'auto';
  if (datastream !== 'auto') checkDatastream(datastream);
  refuseLoneInputs(inp, inUse, regions);
  const sshKey = target.kind === 'ssh' ? loadPrivateKey(inp.string('ssh-key')) : '';
  if (sshKey) io.setSecret(sshKey);
  const token = inp.string('github-token');
  if (token) io.setSecret(token);
  const benchmark = parseBenchmarkInput(inp.string('benchmark'));
  const reportFile = inp.string('report-file');
  checkScanOutputs(inp, root);
  return {
    target,
    results,
    datastream,
    profile:
      target.kind === 'results'
        ? inp.string('profile')
        : normaliseProfile(inp.string('profile') || 'cis_level1_server'),
    contentVersion: inp.string('content-version'),
    hardeningScripts: inp.list('hardening-scripts'),
    ...(benchmark ? { benchmark } : {}),
    waivers,
    waiverWarnDays,
    suggestFile: inp.string('suggest-file'),
    suggest: inp.boolean('suggest'),
    inspecWaiverFile: inp.string('inspec-waiver-file'),
    waiveMode,
    template,
    sshKey,
    sshKnownHosts: inp.string('ssh-known-hosts'),
    timeoutMs: timeoutMin * 60_000,
    sarifFile: inp.string('sarif-file'),
    reportFile,
    reportHtml: htmlReportPath(inp.string('report-html'), reportFile),
    history: inp.list('history'),
    issue: inp.boolean('issue'),
    baseline: inp.string('baseline'),
    minScore,
    failOn,
    failOnNewFailures,
    resultsFile: inp.string('results-file'),
    root,
    amiId,
    // in-use without aws-region: the first region looked at
    awsRegion:
      inUse && !inp.string('aws-region')
        ? inUseRegions[0]
        : amiId || inUse
          ? resolveRegion('aws-region', inp.string('aws-region'), io.env)
          : undefined,
    inUse: inUse ? { regions: inUseRegions } : undefined,
    githubToken: token,
    checkName: inp.string('check-name') || 'ami-bakery scan',
  };
}

/** history: the earlier JSON reports, read and validated before anything runs. */
/** JSON.parse whose error names the file and position, never the file's own text (V8 quotes it). */
function parseJsonQuietly(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const pos = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new Error(`${file} is not JSON${pos ? ` (at character ${pos})` : ''}.`);
  }
}

async function loadHistory(patterns: string[]): Promise<ScanReport[]> {
  const out: ScanReport[] = [];
  for (const p of patterns) {
    checkGlobPattern('history', p);
    const files = fs.existsSync(p)
      ? [p]
      : fg.isDynamicPattern(p)
        ? (await fg(p, { onlyFiles: true })).sort()
        : [];
    if (!files.length)
      throw new InputError(
        'history',
        `"${p}" matches no file (relative paths are from ${process.cwd()}).`,
        'give the report-file of earlier runs (files or globs), or leave history empty.',
      );
    for (const f of files) {
      try {
        out.push(validateReport(parseJsonQuietly(fs.readFileSync(f, 'utf8'), f), f));
      } catch (e) {
        throw new InputError(
          'history',
          `${f}: ${messageOf(e)}`,
          'give only JSON reports written by ami-bakery scan (report-file).',
        );
      }
    }
  }
  return out;
}

async function expandResults(patterns: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of patterns) {
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) {
      throw new InputError(
        'results',
        `"${p}" is a directory, not a result file.`,
        `name the result files in it, e.g. ${path.join(p, '*.xml')}.`,
      );
    }
    checkGlobPattern('results', p);
    if (fs.existsSync(p)) {
      files.push(p);
      continue;
    }
    if (!fg.isDynamicPattern(p)) {
      throw new InputError(
        'results',
        `"${p}" does not exist (relative paths are from ${process.cwd()}).`,
        'check the path of the result file.',
      );
    }
    const found = await fg(p, { onlyFiles: true });
    if (!found.length)
      throw new InputError(
        'results',
        `no files match "${p}".`,
        'check the glob and that the scan wrote its results.',
      );
    files.push(...found.sort());
  }
  return [...new Set(files)];
}

function workDir(env: NodeJS.ProcessEnv): string {
  const base = env.RUNNER_TEMP || os.tmpdir();
  return fs.mkdtempSync(path.join(base, 'ami-bakery-scan-'));
}

/** Run the scan engine for non-`results` targets; returns the ARF path. */
async function runEngine(
  io: Io,
  cfg: ScanConfig,
  work: () => string,
  signal?: AbortSignal,
): Promise<{ files: string[]; datastream?: string; tailoringFile?: string }> {
  if (cfg.target.kind === 'results') return { files: await expandResults(cfg.results) };
  const contentDirs = cfg.contentVersion
    ? [await downloadContent(cfg.contentVersion), ...SYSTEM_CONTENT_DIRS]
    : SYSTEM_CONTENT_DIRS;
  const arfFile = path.join(work(), 'results-arf.xml');
  const pickDatastream = (osText: string, where: string): string => {
    if (cfg.datastream !== 'auto') return cfg.datastream;
    const osr = parseOsRelease(osText);
    if (!osr)
      throw new InputError(
        'datastream',
        `auto: cannot read /etc/os-release of ${where}.`,
        'give the data stream path explicitly.',
      );
    return resolveDatastreamForOs(osr, contentDirs);
  };
  let datastream: string;
  let tailoringFile: string | undefined;
  if (cfg.target.kind === 'ssh') {
    const t = cfg.target;
    const r = await io.group(`OpenSCAP over SSH on ${t.host}`, () =>
      runOscapSsh(io, {
        target: t,
        ssh: { privateKey: cfg.sshKey, knownHosts: cfg.sshKnownHosts },
        chooseDatastream: async (osText) => {
          const ds = pickDatastream(osText, t.host);
          checkProfile(ds, cfg.profile);
          return ds;
        },
        profile: cfg.profile,
        arfFile,
        timeoutMs: cfg.timeoutMs,
      }),
    );
    datastream = r.datastream;
  } else {
    let root = '/';
    if (cfg.target.kind === 'chroot') {
      root = cfg.target.dir;
      if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
        throw new InputError(
          'target',
          `chroot directory "${root}" does not exist.`,
          'mount or unpack the image root filesystem there first.',
        );
      }
    }
    let osText = '';
    for (const rel of ['etc/os-release', 'usr/lib/os-release']) {
      const p = path.join(root, rel);
      if (fs.existsSync(p)) {
        osText = fs.readFileSync(p, 'utf8');
        break;
      }
    }
    datastream = pickDatastream(osText, root);
    checkProfile(datastream, cfg.profile);
    const chroot = cfg.target.kind === 'chroot' ? cfg.target.dir : undefined;
    const tailoring =
      cfg.waiveMode === 'skip' ? await writeTailoring(io, cfg, datastream, work()) : undefined;
    tailoringFile = tailoring?.file;
    await io.group(
      `OpenSCAP ${cfg.profile.replace(/^xccdf_org\.ssgproject\.content_profile_/, '')} on ${chroot ?? 'this host'}`,
      () =>
        runOscapLocal(
          io,
          {
            datastream,
            profile: tailoring?.profileId ?? cfg.profile,
            tailoringFile: tailoring?.file,
            arfFile,
            timeoutMs: cfg.timeoutMs,
            signal,
          },
          chroot,
        ),
    );
  }
  io.info(`Results: ${arfFile} (${(fs.statSync(arfFile).size / 1e6).toFixed(1)} MB)`);
  return { files: [arfFile], datastream, tailoringFile };
}

async function loadBaseline(io: Io, cfg: ScanConfig, profileKey: string): Promise<ScanReport | undefined> {
  if (!cfg.baseline) return undefined;
  let file = cfg.baseline;
  if (cfg.baseline === 'cache') {
    const restored = await restoreBaselineCache(io, profileKey);
    if (!restored) return undefined;
    file = restored;
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new InputError(
      'baseline',
      `"${file}" cannot be read.`,
      'give the report-file of an earlier run, or "cache".',
    );
  }
  try {
    return validateReport(parseJsonQuietly(text, file), file);
  } catch (e) {
    throw new InputError(
      'baseline',
      messageOf(e),
      'give the JSON report-file written by an earlier ami-bakery scan.',
    );
  }
}

const BASELINE_CACHE_PATH = '.ami-bakery/baseline-report.json';

async function restoreBaselineCache(io: Io, profileKey: string): Promise<string | undefined> {
  const cache = await import('@actions/cache');
  if (!cache.isFeatureAvailable()) {
    io.warning(
      'baseline: cache: the Actions cache service is not available here; comparing with no baseline.',
    );
    return undefined;
  }
  const key = await cache.restoreCache([BASELINE_CACHE_PATH], `ami-bakery-scan-${profileKey}-`, [
    `ami-bakery-scan-${profileKey}-`,
  ]);
  if (!key) {
    io.info('baseline: no cached report from the default branch yet; this run has no baseline.');
    return undefined;
  }
  io.info(`baseline: restored ${key}`);
  return BASELINE_CACHE_PATH;
}

async function saveBaselineCache(io: Io, report: string, profileKey: string): Promise<void> {
  const env = io.env;
  const defaultBranch: string | undefined = eventPayload(env)?.repository?.default_branch;
  if (!defaultBranch || env.GITHUB_REF !== `refs/heads/${defaultBranch}`) return;
  const cache = await import('@actions/cache');
  if (!cache.isFeatureAvailable()) return;
  checkOutputFile('baseline', BASELINE_CACHE_PATH, repoRoot(env));
  copyOutputFile(report, BASELINE_CACHE_PATH);
  const key = `ami-bakery-scan-${profileKey}-${env.GITHUB_RUN_ID ?? Date.now()}-${env.GITHUB_RUN_ATTEMPT ?? 1}`;
  try {
    await cache.saveCache([BASELINE_CACHE_PATH], key);
    io.info(`baseline: saved this report as ${key} for later runs`);
  } catch (e) {
    io.warning(`baseline: could not save the report to the cache: ${messageOf(e)}`);
  }
}

/**
 * Lines a pull request changed, per repository path: `git diff` against the event's base commit
 * (fetched with depth 1 when actions/checkout's shallow clone lacks it).
 */
async function changedLinesFromGit(env: NodeJS.ProcessEnv, root: string): Promise<Map<string, Set<number>>> {
  const base: string | undefined = eventPayload(env)?.pull_request?.base?.sha;
  const ref = base ?? (env.GITHUB_BASE_REF ? `origin/${env.GITHUB_BASE_REF}` : undefined);
  if (!ref) return new Map();
  const diff = () =>
    exec('git', ['diff', '--unified=0', '--no-color', '--no-ext-diff', ref, 'HEAD', '--'], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
  let r = await diff();
  if (r.code !== 0 && base) {
    await exec('git', ['fetch', '--no-tags', '--depth=1', 'origin', base], { cwd: root, timeoutMs: 60_000 });
    r = await diff();
  }
  return r.code === 0 ? parseChangedLines(r.stdout) : new Map();
}

function mergeResultSets(sets: ResultSet[]): {
  findings: Finding[];
  profile?: string;
  target?: string;
  numbering: ContentNumbering;
} {
  const findings = sets.flatMap((s) => s.findings);
  const profile = sets.map((s) => s.profile).find(Boolean);
  const target = sets.map((s) => s.target).find(Boolean);
  const numbering = sets.map((s) => s.numbering).find((n) => n?.numbersBy) ?? {};
  return { findings, profile, target, numbering };
}

export interface ScanOutcome {
  score: number;
  weightedScore: number;
  failed: number;
  passed: number;
  total: number;
  gatePassed: boolean;
  gate: GateResult;
  delivery: DeliveryResult;
  diff?: BaselineDiff;
}

/** in-use: the images running instances use, in every region asked for. */
async function discoverInUse(io: Io, regions: string[]): Promise<InUseImage[]> {
  return io.group(`Images in use in ${regions.join(', ')}`, async () => {
    const { ec2Client } = await import('../../shared/src/aws/ec2.js');
    const { findImagesInUse } = await import('./in-use-aws.js');
    const all: InUseImage[] = [];
    for (const region of regions) {
      const found = await findImagesInUse(ec2Client(region), region);
      io.info(
        `${region}: ${found.reduce((n, i) => n + i.instances, 0)} running instance(s) use ${found.length} image(s), ${found.filter(isGolden).length} golden`,
      );
      all.push(...found);
    }
    return all;
  });
}

/** Tags the vulnerable images in use that are ours (golden) and the scanned one; returns those tagged. */
async function tagVulnerable(
  io: Io,
  scanned: string,
  images: InUseImage[],
  score: number,
  reasons: string[],
): Promise<InUseImage[]> {
  const toTag = vulnerableImages(images, scanned).filter(
    (v) => v.imageId === scanned || (v.known && isGolden(v)),
  );
  if (!toTag.length) return [];
  const { ec2Client, tagImages } = await import('../../shared/src/aws/ec2.js');
  const tags = {
    [TAG.vulnerable]: 'true',
    [TAG.vulnerableSince]: new Date().toISOString().slice(0, 10),
    [TAG.vulnerableReason]: `re-scan of ${scanned}: ${score}%; ${reasons.join('; ')}`.slice(0, 255),
  };
  await io.group(`Tagging ${toTag.length} image(s) in use as vulnerable`, async () => {
    for (const region of [...new Set(toTag.map((v) => v.region))]) {
      const ids = toTag.filter((v) => v.region === region).map((v) => v.imageId);
      await tagImages(ec2Client(region), ids, tags);
      io.info(`${region}: ${ids.join(', ')}`);
    }
  });
  return toTag;
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

/** The image a scan is about: the `ami-id` input, else (in-use) the newest golden image in use. */
export interface ScanSubject {
  amiId?: string;
  region?: string;
}

export async function runScan(io: Io, signal?: AbortSignal): Promise<ScanOutcome | undefined> {
  const cfg = readConfig(io);
  const inUseImages = cfg.inUse ? await discoverInUse(io, cfg.inUse.regions) : undefined;
  let subject: ScanSubject = { amiId: cfg.amiId, region: cfg.awsRegion };
  if (inUseImages) {
    if (!cfg.amiId) {
      const chosen = chooseInUseImage(inUseImages, cfg.awsRegion);
      if (chosen) {
        subject = { amiId: chosen.imageId, region: chosen.region };
        io.info(`Newest golden image in use: ${chosen.imageId} (${chosen.name ?? ''}, ${chosen.region})`);
      } else io.warning(`No golden image (tag ${TAG.status}=golden) is used by a running instance.`);
    }
    io.setOutput('in-use-amis', JSON.stringify(inUseImages.map(({ instanceList: _, ...i }) => i)));
    io.setOutput('ami-id', subject.amiId ?? '');
  }
  if (cfg.target.kind === 'none') {
    await io.appendSummary(
      [
        '## ami-bakery: images in use',
        '',
        inUseImages!.length ? inUseTable(inUseImages!, subject.amiId) : 'No running instances.',
        '',
        subject.amiId
          ? `Newest golden image in use: \`${subject.amiId}\` (${subject.region}); scan it with the same action, \`ami-id\` set to it.`
          : '',
        '',
      ].join('\n'),
    );
    return undefined;
  }
  const history = await loadHistory(cfg.history);
  const changeMap: ChangeMap = await io.group('CIS change map', async () => {
    const m = await loadChangeMap(
      cfg.hardeningScripts,
      { root: cfg.root, cwd: process.cwd() },
      'hardening-scripts',
      cfg.benchmark,
    );
    io.info(
      `${m.changes.length} marker(s) for ${m.byId.size} control(s) in ${m.files.length} file(s) (sha256 ${m.sha256.slice(0, 12)})`,
    );
    return m;
  });
  if (cfg.failOn === 'none' && cfg.minScore === undefined && !cfg.failOnNewFailures)
    io.warning(
      `fail-on: none and no min-score: this scan gates nothing. The AMI is tagged ${TAG.scan}=ungated, which promote does not accept as passed.`,
    );

  if (cfg.amiId && subject.region) await checkAmiExists(cfg.amiId, subject.region);
  // written once every input is known good: nothing is left behind by a refusal
  if (cfg.inspecWaiverFile) writeInspecWaivers(io, cfg);
  let dir: string | undefined;
  const work = () => {
    dir ??= workDir(io.env);
    return dir;
  };
  try {
    const collected = await collectResults(io, cfg, work, signal);
    return await scanWith(io, cfg, subject, changeMap, collected, inUseImages, history, signal);
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The engine's result files, parsed; `kept`: the raw result files that remain after the run. */
interface Collected {
  files: string[];
  sets: ResultSet[];
  kept: string[];
}

/** Run the engine (or take the given result files), parse every file, keep the raw results where asked. */
async function collectResults(
  io: Io,
  cfg: ScanConfig,
  work: () => string,
  signal?: AbortSignal,
): Promise<Collected> {
  const engine = await runEngine(io, cfg, work, signal);
  const datastream = cfg.datastream !== 'auto' ? cfg.datastream : engine.datastream;
  let dsContent: DatastreamContent | undefined;
  const datastreamContent = async () => {
    if (!datastream) {
      throw new InputError(
        'datastream',
        'the result file has no benchmark (rule titles and CIS references).',
        'give the data stream the scan used, e.g. datastream: /usr/share/xml/scap/ssg/content/ssg-ubuntu2204-ds.xml, or scan with --results-arf.',
      );
    }
    dsContent ??= await loadDatastreamContent(datastream);
    return dsContent;
  };
  const sets: ResultSet[] = [];
  await io.group('Parsing results', async () => {
    for (const f of engine.files) {
      const t0 = Date.now();
      const rs = await parseResultsFile(f, { datastreamContent, datastream });
      const shown = insideRoot(cfg.root, path.resolve(f)) ?? f;
      io.info(`${shown}: ${rs.engine}, ${rs.findings.length} result(s) in ${Date.now() - t0} ms`);
      for (const n of rs.notes ?? []) io.info(`${n} (not counted: it is about the scanner, not the image)`);
      sets.push(rs);
    }
  });
  await attachSuggestedFixes(io, engine.files, sets, signal, engine.tailoringFile);
  // The raw results of an engine run: kept where results-file says, else deleted with the work dir.
  let kept = cfg.target.kind === 'results' ? engine.files : [];
  if (cfg.target.kind !== 'results') {
    if (cfg.resultsFile) {
      copyOutputFile(engine.files[0], cfg.resultsFile);
      kept = [cfg.resultsFile];
      io.info(`Results kept at ${cfg.resultsFile}`);
    } else io.info('Raw results deleted after parsing (set results-file to keep them).');
  }
  return { files: engine.files, sets, kept };
}

/** Everything the scan concluded from the results: score, annotations, the report, the gate. */
interface Analysis {
  merged: ReturnType<typeof mergeResultSets>;
  score: number;
  weightedScore: number;
  counts: ScanReport['counts'];
  profileKey: string;
  label: string;
  annotations: PlannedAnnotation[];
  report: ScanReport;
  diff?: BaselineDiff;
  baseline?: ScanReport;
  gate: GateResult;
  waiverOutcome: WaiverOutcome;
  /** What cannot be compared between the code's benchmarks and the content's, and what was. */
  numberingSaid: { problems: string[]; notes: string[] };
}

async function analyse(
  io: Io,
  cfg: ScanConfig,
  subject: ScanSubject,
  changeMap: ChangeMap,
  { files, sets, kept }: Collected,
): Promise<Analysis> {
  const merged = mergeResultSets(sets);
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
  const { score, weightedScore, counts } = computeScore(merged.findings);
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
  const baseline = await loadBaseline(io, cfg, profileKey);
  const { label, scheme } = profileLabel(merged.profile ?? cfg.profile, sets[0]?.engine ?? '');

  // Every finding needs a place: the template, else the first hardening file, else the results
  // file, else the workflow file (all repository paths).
  const resultsInRepo = kept.map((f) => insideRoot(cfg.root, path.resolve(f))).find((f) => f && f !== '.');
  const fallbackFile = cfg.template ?? changeMap.files[0] ?? resultsInRepo ?? workflowFile(io.env, cfg.root);
  const cac = merged.findings.some(
    (f) => f.engine === 'openscap' && /^xccdf_org\.ssgproject\./.test(f.ruleId),
  );
  const numbering = planNumbering(changeMap, merged.numbering, cac);
  const numberingSaid = numberingNotes(numbering);
  for (const n of [...numberingSaid.problems, ...numberingSaid.notes]) io.info(n);
  const annotations = annotateWaivers(
    planAnnotations(merged.findings, changeMap, { fallbackFile, profileScheme: scheme, numbering }),
    waiverOutcome,
  );
  const locationOf = new Map(
    annotations.map((a) => [
      `${a.engine}:${a.ruleId}`,
      a.implemented && a.file ? `${a.file}:${a.line}` : undefined,
    ]),
  );
  const report: ScanReport = {
    schema: REPORT_SCHEMA,
    generatedAt: new Date().toISOString(),
    profile: merged.profile,
    target: merged.target,
    sources: files,
    score,
    weightedScore,
    counts,
    hardeningSha: changeMap.sha256,
    amiId: subject.amiId,
    benchmarks: reportBenchmarks(numbering),
    findings: merged.findings
      .filter((f) => f.status !== 'notselected')
      .map((f) => toReportFinding(f, locationOf.get(`${f.engine}:${f.ruleId}`))),
  };
  const diff = baseline ? compareReports(report, baseline) : undefined;
  const gate = evaluateScanGate({ score, annotations, diff, uncompared: numberingSaid.problems }, cfg);
  return {
    merged,
    score,
    weightedScore,
    counts,
    profileKey,
    label,
    annotations,
    report,
    diff,
    baseline,
    gate,
    waiverOutcome,
    numberingSaid,
  };
}

async function scanWith(
  io: Io,
  cfg: ScanConfig,
  subject: ScanSubject,
  changeMap: ChangeMap,
  collected: Collected,
  inUseImages: InUseImage[] | undefined,
  history: ScanReport[],
  signal?: AbortSignal,
): Promise<ScanOutcome> {
  const a = await analyse(io, cfg, subject, changeMap, collected);
  const trend = await loadTrend(io, subject, a, history);
  const chart = mermaidTrend(trend, `${a.label} score by image`);
  const { score, weightedScore, counts, annotations, gate, diff } = a;
  const { sets } = collected;
  const native = sets.map((s) => s.nativeScore).filter((n) => n !== undefined);
  const summaryFor = (delivery?: string, limit?: number) =>
    buildSummary(
      {
        title: `ami-bakery scan: ${a.label}`,
        profile: a.merged.profile,
        target: a.merged.target,
        score,
        weightedScore,
        counts,
        gate: { verdict: gate.verdict, reasons: gate.verdict === 'failed' ? gate.reasons : gate.checked },
        annotations,
        diff,
        delivery,
        extra: [
          ...(chart ? [chart] : []),
          ...a.numberingSaid.problems.map((p) => `**Not compared:** ${escapeMarkdown(p)}`),
          ...a.numberingSaid.notes.map((n) => `Benchmarks: ${escapeMarkdown(n)}`),
          ...waiverLines(a.waiverOutcome),
          ...native.map(
            (n) => `${escapeMarkdown(n.name)}: **${n.value}** (the engine's own score, next to ours).`,
          ),
          ...sets.flatMap((s) => s.notes ?? []).map((n) => `${escapeMarkdown(n)} (not counted).`),
        ],
      },
      limit,
    );
  let changed: Promise<Map<string, Set<number>>> | undefined;
  const changedLines = () => {
    changed ??= changedLinesFromGit(io.env, cfg.root);
    return changed;
  };
  // What must survive a hung or killed GitHub API call comes first: the reports on disk, the
  // image's tags and the step's outputs; then the check run, suggestions, the summary and the issue.
  const { sarifWritten } = await writeReports(io, cfg, a);
  if (cfg.reportHtml) writeHtmlReport(io, cfg, a, changeMap, trend);
  if (cfg.suggestFile) writeSuggestions(io, cfg, a);
  await tagScanned(io, subject, a);
  io.info(
    `Score ${score}% (weighted ${weightedScore}%): ${counts.passed} passed, ${counts.failed} failed, ${counts.total} in profile`,
  );
  for (const n of native) io.info(`${n.name}: ${n.value}`);
  if (diff)
    io.info(
      `Baseline ${diff.baselineScore}%: ${diff.newFailures.length} new failure(s), ${diff.fixed.length} newly fixed`,
    );
  io.setOutput('score', score);
  io.setOutput('weighted-score', weightedScore);
  io.setOutput('passed', counts.passed);
  io.setOutput('failed', counts.failed);
  io.setOutput('total', counts.total);
  io.setOutput('new-failures', diff ? diff.newFailures.length : 0);
  io.setOutput('fixed', diff ? diff.fixed.length : 0);
  io.setOutput('gate', gate.verdict);
  io.setOutput('report-file', cfg.reportFile);
  io.setOutput('sarif-file', sarifWritten ? cfg.sarifFile : '');
  io.setOutput('results-file', collected.kept.join('\n'));
  io.setOutput('annotations', annotations.length);

  const checkTarget = checkTargetFromEnv(io.env, cfg.githubToken, cfg.checkName, signal);
  const delivery = await io.group(`Annotations (${annotations.length})`, () =>
    deliverAnnotations(
      io,
      checkTarget,
      annotations,
      {
        title: `${a.label} ${score}% — ${counts.failed} failed of ${counts.passed + counts.failed} scored`,
        summary: summaryFor(undefined, CHECK_SUMMARY_LIMIT),
        conclusion:
          gate.verdict === 'failed'
            ? 'failure'
            : gate.verdict === 'passed' && !counts.failed
              ? 'success'
              : 'neutral',
      },
      changedLines,
    ),
  );
  const suggested = cfg.suggest ? await deliverSuggestions(io, cfg, a, checkTarget, changedLines) : undefined;
  await io.appendSummary(
    summaryFor(
      [deliveryNote(delivery, annotations.length, cfg.checkName), suggested?.note]
        .filter(Boolean)
        .join('\n\n'),
    ),
  );
  if (inUseImages && subject.amiId) await reportInUse(io, cfg, subject.amiId, inUseImages, a, signal);
  io.setOutput('annotations-delivered', delivery.shown);
  const gatePassed = gate.verdict !== 'failed';
  if (!gatePassed) throw new GateError(`Scan gate failed: ${gate.reasons.join('; ')}`);
  return {
    score,
    weightedScore,
    failed: counts.failed,
    passed: counts.passed,
    total: counts.total,
    gatePassed,
    gate,
    delivery,
    diff,
  };
}

/** The SARIF file and the JSON report (and the baseline cache from it). */
/** The SARIF and JSON reports; `sarifWritten` is false where an empty SARIF was refused. */
async function writeReports(io: Io, cfg: ScanConfig, a: Analysis): Promise<{ sarifWritten: boolean }> {
  const failing = a.annotations.filter((x) => x.status === 'fail' || x.status === 'error');
  let sarifWritten = false;
  if (cfg.sarifFile && failing.length && failing.every((x) => !x.file)) {
    // An upload with no results closes every open code-scanning alert of this category; a stale file
    // of an earlier run at that path would be uploaded as this one's.
    fs.rmSync(cfg.sarifFile, { force: true });
    io.warning(
      `SARIF not written: ${failing.length} failing result(s) have no repository file to sit on (no template, hardening file, results file inside the repository or workflow file), and an empty SARIF upload would close existing code-scanning alerts. Set template (or hardening-scripts) to a file of the repository.`,
    );
  } else if (cfg.sarifFile) {
    const sarif = buildSarif(a.annotations, {
      toolVersion: VERSION,
      category: a.profileKey,
      ...(a.report.benchmarks ? { benchmarks: a.report.benchmarks } : {}),
    });
    writeOutputFile(cfg.sarifFile, JSON.stringify(sarif, null, 2));
    sarifWritten = true;
  }
  if (cfg.reportFile) {
    writeOutputFile(cfg.reportFile, JSON.stringify(a.report, null, 2));
    if (cfg.baseline === 'cache') await saveBaselineCache(io, cfg.reportFile, a.profileKey);
  }
  return { sarifWritten };
}

/** The score trend: earlier reports (history, the baseline), the family's golden images, this scan. */
async function loadTrend(
  io: Io,
  subject: ScanSubject,
  a: Analysis,
  history: ScanReport[],
): Promise<TrendPoint[]> {
  const earlier = trendFromReports([...history, ...(a.baseline ? [a.baseline] : [])]);
  if (subject.amiId && subject.region) {
    try {
      const { ec2Client } = await import('../../shared/src/aws/ec2.js');
      const { familyGoldenImages } = await import('./in-use-aws.js');
      const { family, images } = await familyGoldenImages(ec2Client(subject.region), subject.amiId);
      const points = trendFromImages(images, a.profileKey);
      earlier.push(...points);
      io.info(
        family
          ? `Trend: ${points.length} earlier golden image(s) of ${family} with a ${a.profileKey} score in ${subject.region}`
          : `Trend: ${subject.amiId} has no ${TAG.family} or ${TAG.template} tag; no earlier golden images to compare.`,
      );
    } catch (e) {
      io.warning(
        `Trend: could not read the earlier golden images (${messageOf(e)}); the trend has reports only.`,
      );
    }
  }
  return mergeTrend(earlier, {
    date: a.report.generatedAt,
    score: a.score,
    source: 'this scan',
    ...(subject.amiId ? { amiId: subject.amiId } : {}),
  });
}

/** report-html: the self-contained HTML report, with the hardening files it points into. */
function writeHtmlReport(
  io: Io,
  cfg: ScanConfig,
  a: Analysis,
  changeMap: ChangeMap,
  trend: TrendPoint[],
): void {
  const files = changeMap.files.map((f) => ({
    path: f,
    text: fs.readFileSync(path.isAbsolute(f) ? f : path.join(cfg.root, f), 'utf8'),
  }));
  const html = buildHtmlReport({
    title: `ami-bakery scan: ${a.label}`,
    report: a.report,
    gate: { verdict: a.gate.verdict, reasons: a.gate.verdict === 'failed' ? a.gate.reasons : a.gate.checked },
    annotations: a.annotations,
    diff: a.diff,
    trend: trend.length > 1 ? trend : [],
    files,
    notes: [
      ...a.numberingSaid.problems.map((p) => `Not compared: ${p}`),
      ...a.numberingSaid.notes.map((n) => `Benchmarks: ${n}`),
      ...a.waiverOutcome.problems.map(
        (p) => `Waiver ${p.waiver.id} (${p.waiver.file}:${p.waiver.line}) ${p.problem}.`,
      ),
    ],
  });
  writeOutputFile(cfg.reportHtml, html);
  io.info(`HTML report: ${cfg.reportHtml} (${(html.length / 1024).toFixed(0)} KiB, self-contained)`);
  io.setOutput('report-html', cfg.reportHtml);
}

/** ami-id names an image EC2 knows, checked before the scan: not after the reports and the check run. */
async function checkAmiExists(amiId: string, region: string): Promise<void> {
  const { describeImage, ec2Client } = await import('../../shared/src/aws/ec2.js');
  if (!(await describeImage(ec2Client(region), amiId)))
    throw new InputError(
      'ami-id',
      `${amiId} does not exist in ${region} for these credentials.`,
      'check ami-id and aws-region.',
    );
}

/** The scanned AMI carries its score, profile and verdict (promote's gate reads them). */
async function tagScanned(io: Io, subject: ScanSubject, a: Analysis): Promise<void> {
  const { amiId, region } = subject;
  if (!amiId || !region) return;
  const tags = {
    [TAG.cisScore]: String(a.score),
    [TAG.cisProfile]: a.profileKey,
    [TAG.scan]: a.gate.verdict,
  };
  await io.group(`Tagging ${amiId} in ${region}`, async () => {
    const { ec2Client, tagImages } = await import('../../shared/src/aws/ec2.js');
    await tagImages(ec2Client(region), [amiId], tags, { mustExist: 'ami-id' });
    io.info(
      Object.entries(tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    );
  });
}

/** in-use: a failed re-scan tags the vulnerable images in use; the table shows them all. */
async function reportInUse(
  io: Io,
  cfg: ScanConfig,
  scanned: string,
  images: InUseImage[],
  a: Analysis,
  signal?: AbortSignal,
): Promise<void> {
  const vulnerable =
    a.gate.verdict === 'failed' ? await tagVulnerable(io, scanned, images, a.score, a.gate.reasons) : [];
  const issue = cfg.issue ? await syncInUseIssue(io, cfg, scanned, images, vulnerable, a, signal) : undefined;
  io.setOutput(
    'vulnerable',
    JSON.stringify(vulnerable.map((v) => ({ region: v.region, imageId: v.imageId }))),
  );
  await io.appendSummary(
    [
      '### Images in use',
      '',
      inUseTable(images, scanned, new Set(vulnerable.map((v) => v.imageId))),
      '',
      issue ?? '',
    ].join('\n'),
  );
}

/** issue: the failed re-scan's issue opened or updated, issues of passing or unused images closed. */
async function syncInUseIssue(
  io: Io,
  cfg: ScanConfig,
  scanned: string,
  images: InUseImage[],
  vulnerable: InUseImage[],
  a: Analysis,
  signal?: AbortSignal,
): Promise<string> {
  const target = checkTargetFromEnv(io.env, cfg.githubToken, cfg.checkName, signal);
  if (!target) {
    io.warning('issue: no GitHub token or repository in the environment; no issue opened or closed.');
    return 'Issue: not managed (no GitHub token or repository).';
  }
  const image = images.find((i) => i.imageId === scanned);
  const failed = a.gate.verdict === 'failed' && image;
  const r = await io.group('GitHub issue', () =>
    syncIssues(io, target, {
      failed: failed
        ? {
            image,
            score: a.score,
            reasons: a.gate.reasons,
            annotations: a.annotations,
            instances: (vulnerable.length ? vulnerable : [image]).flatMap((v) => v.instanceList ?? []),
            regions: cfg.inUse?.regions ?? [],
            runUrl: runUrl(io.env),
          }
        : undefined,
      passed: a.gate.verdict === 'passed' ? scanned : undefined,
      inUse: new Set(images.map((i) => i.imageId)),
      regions: cfg.inUse?.regions ?? [],
    }),
  );
  io.setOutput('issue-url', r.opened ?? r.updated ?? '');
  return [
    r.opened ? `Issue opened: ${r.opened}` : r.updated ? `Issue updated: ${r.updated}` : '',
    r.closed.length ? `Issue(s) closed: ${r.closed.join(', ')}` : '',
    r.problem ? `Issue: not managed: ${r.problem}.` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** What the summary says of the annotations: exactly what reached the reader. */
export function deliveryNote(d: DeliveryResult, total: number, checkName: string): string {
  if (d.method === 'checks') {
    if (d.shown === total)
      return `All ${total} annotation(s) were published on the check run "${checkName}".`;
    return `${d.shown} of ${total} annotation(s) were published on the check run "${checkName}"; ${d.notShown} were not (${d.reason ?? 'no file to place them on'}). All are in the table below and the SARIF file.`;
  }
  return `Annotations: ${d.shown} of ${total} shown as workflow annotations, ${d.notShown} not shown (${d.reason}); all are in the table below and the SARIF file.`;
}

/** The summary's account of the waivers: applied, problems, no longer needed. */
function waiverLines(o: WaiverOutcome): string[] {
  const lines: string[] = [];
  if (o.waived.length)
    lines.push(
      `**Waived** (${o.waived.length}, counted neither passed nor failed in the score):`,
      ...o.waived.map(
        ({ finding, waiver }) =>
          `- ${escapeMarkdown(`${finding.cisIds[0] ? `CIS ${finding.cisIds[0]}` : finding.ruleId} ${finding.title}: ${waivedText(waiver)}`)} (${codeSpan(`${waiver.file}:${waiver.line}`)})`,
      ),
    );
  for (const p of o.problems)
    lines.push(
      `${p.level === 'error' ? '❌' : '⚠️'} Waiver ${escapeMarkdown(p.waiver.id)} (${codeSpan(`${p.waiver.file}:${p.waiver.line}`)}) ${p.problem}${p.level === 'error' ? ': not applied, the gate fails' : ''}.`,
    );
  const unneeded = [...new Set(o.unneeded.map((u) => u.waiver))];
  for (const w of unneeded)
    lines.push(
      `Waiver ${escapeMarkdown(w.id)} (${codeSpan(`${w.file}:${w.line}`)}): no longer needed, the control passes.`,
    );
  return lines;
}

/** Each failing OpenSCAP rule gets ComplianceAsCode's remediation, as oscap writes it from the results. */
async function attachSuggestedFixes(
  io: Io,
  files: string[],
  sets: ResultSet[],
  signal?: AbortSignal,
  tailoringFile?: string,
): Promise<void> {
  for (const [i, set] of sets.entries()) {
    if (set.engine !== 'openscap' || !set.findings.some((f) => f.status === 'fail')) continue;
    const { fixes, note } = await generateFixes(files[i], signal, tailoringFile);
    if (note) io.info(note);
    else
      io.info(
        `${attachFixes(set.findings, fixes)} failing rule(s) have a suggested fix (oscap xccdf generate fix)`,
      );
  }
}

/** The pull request's number, from the event file (pull_request events). */
function pullNumberOf(env: NodeJS.ProcessEnv): number | undefined {
  const n = eventPayload(env)?.pull_request?.number;
  return typeof n === 'number' ? n : undefined;
}

/** suggest: one-line fixes on lines the pull request changed, as suggested changes in one review. */
async function deliverSuggestions(
  io: Io,
  cfg: ScanConfig,
  a: Analysis,
  checkTarget: CheckRunTarget | undefined,
  changedLines: () => Promise<Map<string, Set<number>>>,
): Promise<{ posted: number; note: string }> {
  return io.group('Suggested changes', async () => {
    const pr = pullNumberOf(io.env);
    const target = reviewTargetFromEnv(checkTarget, pr);
    const say = (posted: number, note: string) => {
      io.info(note);
      io.setOutput('suggestions', posted);
      return { posted, note };
    };
    if (!target)
      return say(
        0,
        pr
          ? 'suggest: no GitHub token or repository in the environment; no suggested changes posted.'
          : 'suggest: this run is not for a pull request; no suggested changes posted.',
      );
    let changed = new Map<string, Set<number>>();
    try {
      changed = await changedLines();
    } catch (e) {
      io.info(`suggest: cannot read the pull request's diff (${messageOf(e)}).`);
    }
    const files = new Map<string, string>();
    for (const f of new Set(a.annotations.map((x) => x.file).filter((x): x is string => !!x))) {
      try {
        files.set(f, fs.readFileSync(path.join(cfg.root, f), 'utf8'));
      } catch {
        // a file the scan names but the checkout lacks: nothing to suggest on it
      }
    }
    const planned = planSuggestions(a.annotations, files, changed);
    if (!planned.length)
      return say(
        0,
        'suggest: no failing control on a line this pull request changed has a one-line fix; no suggested changes posted.',
      );
    const r = await postSuggestions(io, target, planned);
    const already = r.existing ? ` (${r.existing} already there from an earlier run)` : '';
    return say(
      r.posted,
      r.reason && r.posted + r.existing < planned.length
        ? `Suggested changes: ${r.posted} of ${planned.length} posted on pull request #${target.pullNumber}${already}; not posted: ${r.reason}.`
        : `Suggested changes: ${r.posted} posted on pull request #${target.pullNumber}${already}: ${planned.map((p) => `${p.control} at \`${p.file}:${p.line}\``).join(', ')}.`,
    );
  });
}

/** suggest-file: the fixes of failing controls that no hardening script implements, under their markers. */
function writeSuggestions(io: Io, cfg: ScanConfig, a: Analysis): void {
  const implemented = new Set(
    a.annotations.filter((x) => x.implemented).map((x) => `${x.engine}\0${x.ruleId}`),
  );
  const s = suggestScript(a.merged.findings, (f) => implemented.has(`${f.engine}\0${f.ruleId}`), {
    content: 'ComplianceAsCode (SCAP Security Guide)',
    profile: a.profileKey,
  });
  io.setOutput('suggested', s ? s.rules.length : 0);
  if (!s) {
    io.info(
      'suggest-file: no failing control without an implementation has a suggested fix; nothing written.',
    );
    return;
  }
  writeOutputFile(cfg.suggestFile, s.text, 0o755);
  io.info(
    `suggest-file: ${s.rules.length} remediation(s) for controls not implemented, written to ${cfg.suggestFile}`,
  );
  io.setOutput('suggest-file', cfg.suggestFile);
}

/** waive-mode skip: a tailoring file that deselects the waived rules, so oscap does not evaluate them. */
async function writeTailoring(
  io: Io,
  cfg: ScanConfig,
  datastream: string,
  dir: string,
): Promise<{ file: string; profileId: string } | undefined> {
  const rules = await loadDatastreamRules(datastream);
  const profile = cfg.profile.replace(/^xccdf_org\.ssgproject\.content_profile_/, '');
  const waived = waivedRules(rules, cfg.waivers, {
    profile,
    amiId: cfg.amiId,
    today: todayUtc(),
  });
  if (!waived.size) {
    io.info('waive-mode skip: no valid waiver names a rule of this benchmark; the profile runs as it is.');
    return undefined;
  }
  const t = tailoringXml(cfg.profile, datastream, waived);
  const file = path.join(dir, 'waivers-tailoring.xml');
  fs.writeFileSync(file, t.xml);
  io.info(
    `waive-mode skip: ${waived.size} waived rule(s) not evaluated (tailoring profile ${t.profileId}): ${[
      ...waived.keys(),
    ]
      .sort()
      .map((r) => r.replace(/^xccdf_[^_]+_rule_/, ''))
      .join(', ')}`,
  );
  return { file, profileId: t.profileId };
}

/** inspec-waiver-file: the valid waivers in InSpec's format, for `inspec exec --waiver-file`. */
function writeInspecWaivers(io: Io, cfg: ScanConfig): void {
  const text = inspecWaiverFile(cfg.waivers, todayUtc());
  writeOutputFile(cfg.inspecWaiverFile, text);
  io.info(`inspec-waiver-file: ${cfg.inspecWaiverFile} (pass it to inspec exec --waiver-file)`);
  io.setOutput('inspec-waiver-file', cfg.inspecWaiverFile);
}
