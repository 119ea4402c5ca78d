/** Scan inputs: read and validated, every one, before anything runs. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveRegion, validateAmiId, validateRegion } from '../../shared/src/aws/validate.js';
import type { Benchmark } from '../../shared/src/benchmark.js';
import { InputError } from '../../shared/src/errors.js';
import { checkPath, Inputs } from '../../shared/src/inputs.js';
import type { Io } from '../../shared/src/io.js';
import { checkOutputFile } from '../../shared/src/outputs.js';
import { NO_HOST_KEY_HINT } from '../../shared/src/ssh.js';
import { loadPrivateKey } from '../../shared/src/ssh-keys.js';
import { repoPath, repoRoot } from '../../shared/src/workspace.js';
import { normaliseProfile } from './content.js';
import { type FailOn, parseFailOn } from './gate.js';
import { parseInUseTags } from './in-use.js';
import { parseBenchmarkInput } from './numbering.js';
import { htmlReportPath } from './report/html.js';
import { parseTarget, type Target } from './targets.js';
import { type FailOnSeverity, parseFailOnSeverity } from './vulns.js';
import { parseWaivers, type Waiver } from './waivers.js';

export interface ScanConfig {
  target: Target;
  results: string[];
  datastream: string;
  profile: string;
  /** the image family (input family): part of the baseline cache key, recorded in the report */
  family?: string;
  contentVersion: string;
  /** ssh:// target without oscap: install openscap-scanner there (a disposable test instance) */
  installScanner: boolean;
  hardeningScripts: string[];
  /** the CIS benchmark markers number by when neither they, their file nor their role says (input benchmark) */
  benchmark?: Benchmark;
  template?: string;
  sshKey: string;
  sshKnownHosts: string;
  timeoutMs: number;
  sarifFile: string;
  reportFile: string;
  /** the image's SBOM (CycloneDX JSON); '' for none */
  sbomFile: string;
  baseline: string;
  /** the ratchet on the baseline: on unless turned off explicitly (ratchet: false) */
  ratchet: boolean;
  minScore?: number;
  failOn: FailOn;
  failOnNewFailures: boolean;
  /** the vulnerability gate's threshold (default critical; none turns it off) */
  failOnSeverity: FailOnSeverity;
  /** a CVE with no fixed version does not fail the vulnerability gate (default true) */
  fixableOnly: boolean;
  /** where CVEs come from (input vulnerabilities): saved files (repository paths) and Inspector's APIs */
  vulnerabilities: VulnSources;
  /** keep the raw results of an engine run here (else they are deleted after parsing) */
  resultsFile: string;
  /** the repository root: every path reported is relative to it */
  root: string;
  amiId?: string;
  awsRegion?: string;
  /** re-scan of the images in use: regions whose running instances are looked at */
  inUse?: { regions: string[]; tags: Record<string, string> };
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

/** The image a scan is about: the `ami-id` input, else (in-use) the newest golden image in use. */
export interface ScanSubject {
  amiId?: string;
  region?: string;
}

/** Inputs that only mean something with in-use: refused alone, never silently ignored. */
function refuseLoneInputs(inp: Inputs, inUse: boolean, regions: string[]): void {
  if (inp.boolean('issue') && !inUse)
    throw new InputError(
      'issue',
      'opens issues about images in use, so it needs in-use: true.',
      'set in-use: true, or remove issue.',
    );
  if (inp.lines('in-use-tags').length && !inUse)
    throw new InputError(
      'in-use-tags',
      'choose which golden image in use a re-scan picks, so they need in-use: true.',
      'set in-use: true, or remove in-use-tags.',
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
    ['sbom-file', inp.string('sbom-file')],
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

/**
 * ratchet: on by default (blank is the default, never "off"); only an explicit false turns it off,
 * and that is said as a warning.
 */
function readRatchet(io: Io, inp: Inputs): boolean {
  const raw = inp.string('ratchet').trim();
  if (raw === '') return true;
  const on = inp.boolean('ratchet');
  if (!on && inp.string('baseline'))
    io.warning(
      'ratchet: false: the ratchet is OFF. Controls the baseline (the last golden image) claimed and passed may be dropped or fail, and the score may fall, without failing the gate.',
    );
  return on;
}

/** An ssh:// target's inputs: its key (masked), the host keys to pin (required), whether to install oscap. */
function readSsh(io: Io, inp: Inputs, target: Target) {
  const sshKey = target.kind === 'ssh' ? loadPrivateKey(inp.string('ssh-key')) : '';
  const installScanner = inp.boolean('install-scanner');
  if (installScanner && target.kind !== 'ssh')
    throw new InputError(
      'install-scanner',
      `is true, but target ${target.kind} is not an ssh:// target: the scanner is installed only on a test instance reached over ssh.`,
      'set install-scanner: false (the default), or scan ssh://user@host.',
    );
  if (target.kind === 'ssh' && !inp.string('ssh-known-hosts').trim())
    throw new InputError(
      'ssh-known-hosts',
      `is empty, so the host key of ${target.host} cannot be checked.`,
      NO_HOST_KEY_HINT,
    );
  if (sshKey) io.setSecret(sshKey);
  return { sshKey, sshKnownHosts: inp.string('ssh-known-hosts'), installScanner };
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
  // one file, or several (one per line: a team's shared waivers and an image's own)
  const waivers = inp.lines('waivers').flatMap((given) => {
    const file = repoPath(root, checkPath('waivers', given, 'file'), 'waivers');
    return parseWaivers(fs.readFileSync(path.join(root, file), 'utf8'), file);
  });
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
  const failOnSeverity = parseFailOnSeverity(inp.string('fail-on-severity'));
  // blank is the default (true), never false: only an explicit false lets unfixable CVEs fail
  const fixableOnly = inp.string('fail-on-fixable-only').trim() === '' || inp.boolean('fail-on-fixable-only');
  const vulnerabilities = readVulnSources(inp.lines('vulnerabilities'), root);
  checkVulnApis(vulnerabilities, target, amiId);
  const datastream = inp.string('datastream') || 'auto';
  if (datastream !== 'auto') checkDatastream(datastream);
  refuseLoneInputs(inp, inUse, regions);
  const { sshKey, sshKnownHosts, installScanner } = readSsh(io, inp, target);
  const token = inp.string('github-token');
  if (token) io.setSecret(token);
  const benchmark = parseBenchmarkInput(inp.string('benchmark'));
  const ratchet = readRatchet(io, inp);
  const reportFile = inp.string('report-file');
  const family = readFamily(inp.string('family'));
  checkScanOutputs(inp, root);
  return {
    target,
    results,
    datastream,
    profile:
      target.kind === 'results'
        ? inp.string('profile')
        : normaliseProfile(inp.string('profile') || 'cis_level1_server'),
    ...(family ? { family } : {}),
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
    sshKnownHosts,
    installScanner,
    timeoutMs: timeoutMin * 60_000,
    sarifFile: inp.string('sarif-file'),
    reportFile,
    sbomFile: inp.string('sbom-file'),
    reportHtml: htmlReportPath(inp.string('report-html'), reportFile),
    history: inp.list('history'),
    issue: inp.boolean('issue'),
    baseline: inp.string('baseline'),
    ratchet,
    minScore,
    failOn,
    failOnNewFailures,
    failOnSeverity,
    fixableOnly,
    vulnerabilities,
    resultsFile: inp.string('results-file'),
    root,
    amiId,
    // in-use without aws-region: the first region looked at
    awsRegion:
      inUse && !inp.string('aws-region')
        ? inUseRegions[0]
        : amiId || inUse || vulnerabilities.scanSbom
          ? resolveRegion('aws-region', inp.string('aws-region'), io.env)
          : undefined,
    inUse: inUse ? { regions: inUseRegions, tags: parseInUseTags(inp.lines('in-use-tags')) } : undefined,
    githubToken: token,
    checkName: inp.string('check-name') || 'ami-bakery scan',
  };
}

export interface VulnSources {
  /** saved Inspector2 ListFindings or Inspector Scan ScanSbom output, as repository paths */
  files: string[];
  /** send the image's SBOM to Inspector Scan's ScanSbom */
  scanSbom: boolean;
  /** Inspector2 ListFindings for the image (ami-id) or the ssh:// test instance */
  findings: boolean;
}

const VULN_APIS = ['inspector-scan', 'inspector2'];

/**
 * vulnerabilities: one per line, `inspector-scan` (ScanSbom of the image's SBOM), `inspector2`
 * (ListFindings) or a saved JSON file inside the repository. What each needs is checked once the
 * target is known (scan.ts), before any AWS call.
 */
export function readVulnSources(lines: string[], root: string): VulnSources {
  const out: VulnSources = { files: [], scanSbom: false, findings: false };
  if (lines.length > 64)
    throw new InputError(
      'vulnerabilities',
      `lists ${lines.length} sources; at most 64.`,
      'list inspector-scan, inspector2 or saved result files, one per line.',
    );
  for (const l of lines) {
    const v = l.trim();
    if (v.toLowerCase() === 'inspector-scan') out.scanSbom = true;
    else if (v.toLowerCase() === 'inspector2') out.findings = true;
    else {
      if (/^[a-z0-9-]+$/i.test(v) && !fs.existsSync(v))
        throw new InputError(
          'vulnerabilities',
          `"${v.slice(0, 60)}" is not ${VULN_APIS.join(' or ')}, nor a file.`,
          'use inspector-scan (ScanSbom of the image SBOM), inspector2 (ListFindings), or the path of a saved Inspector JSON file.',
        );
      out.files.push(repoPath(root, checkPath('vulnerabilities', v, 'file'), 'vulnerabilities'));
    }
  }
  out.files = [...new Set(out.files)];
  return out;
}

/** What each Inspector source needs, checked before anything runs. */
function checkVulnApis(v: VulnSources, target: Target, amiId: string | undefined): void {
  if (v.scanSbom && (target.kind === 'results' || target.kind === 'none'))
    throw new InputError(
      'vulnerabilities',
      `inspector-scan sends the image's SBOM, and target ${target.kind} reads no image.`,
      'scan the image (target chroot:<dir>, local or ssh://…), or give Inspector output as a file.',
    );
  if (v.findings && !amiId)
    throw new InputError(
      'vulnerabilities',
      'inspector2 reads the findings of instances of ami-id, and ami-id is empty.',
      'set ami-id to the image (the test instance runs it), or use inspector-scan.',
    );
}

/**
 * family: a name for the image family and architecture (ubuntu-22.04-base-arm64). It keys the
 * baseline cache, so one family's report is never another's baseline, and is recorded in the report.
 * It is part of cache keys and artifact names: letters, digits, . _ - only, at most 64.
 */
export function readFamily(raw: string): string | undefined {
  const v = raw.trim();
  if (!v) return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v))
    throw new InputError(
      'family',
      `"${v.slice(0, 80)}" is not a family name: letters, digits, ".", "_" and "-" only, starting with a letter or digit, at most 64 characters.`,
      'e.g. family: ubuntu-22.04-base-x86_64',
    );
  return v;
}
