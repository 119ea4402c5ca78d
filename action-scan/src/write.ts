/** What the scan leaves on disk and on the image: the SARIF, JSON and HTML reports, suggestions, waiver files, tags. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { imageTags, TAG } from '../../shared/src/aws/tags.js';
import type { ChangeMap } from '../../shared/src/cis-map.js';
import { InputError } from '../../shared/src/errors.js';
import { blobBase, runUrl } from '../../shared/src/github-env.js';
import type { Io } from '../../shared/src/io.js';
import { writeOutputFile } from '../../shared/src/outputs.js';
import { VERSION } from '../../shared/src/version.js';
import type { Analysis } from './analyse.js';
import type { ScanConfig, ScanSubject } from './config.js';
import { saveBaselineCache } from './earlier.js';
import { suggestScript } from './fixes.js';
import { ratchetLine } from './ratchet.js';
import { buildHtmlReport, type Provenance } from './report/html.js';
import { buildSarif } from './report/sarif.js';
import type { TrendPoint } from './report/trend.js';
import { inspecWaiverFile, todayUtc } from './waivers.js';

/** The SARIF file and the JSON report (and the baseline cache from it). */
/** The SARIF and JSON reports; `sarifWritten` is false where an empty SARIF was refused. */
export async function writeReports(io: Io, cfg: ScanConfig, a: Analysis): Promise<{ sarifWritten: boolean }> {
  const failing = a.annotations.filter((x) => x.status === 'fail' || x.status === 'error');
  let sarifWritten = false;
  const vulnFile = a.fallbackFile;
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
      category: a.familyKey,
      ...(a.report.benchmarks ? { benchmarks: a.report.benchmarks } : {}),
      ...(vulnFile && a.vulnerabilities.length
        ? { vulnerabilities: { list: a.vulnerabilities, gating: new Set(a.vulnGate.gating), file: vulnFile } }
        : {}),
    });
    writeOutputFile(cfg.sarifFile, JSON.stringify(sarif, null, 2));
    sarifWritten = true;
  }
  if (cfg.reportFile) {
    writeOutputFile(cfg.reportFile, JSON.stringify(a.report, null, 2));
    if (cfg.baseline === 'cache') await saveBaselineCache(io, cfg.reportFile, a.familyKey);
  }
  return { sarifWritten };
}

/** report-html: the self-contained HTML report, with the hardening files it points into. */
export function writeHtmlReport(
  io: Io,
  cfg: ScanConfig,
  a: Analysis,
  changeMap: ChangeMap,
  trend: TrendPoint[],
  provenance: Provenance,
): void {
  const files = changeMap.files.map((f) => ({
    path: f,
    text: fs.readFileSync(path.isAbsolute(f) ? f : path.join(cfg.root, f), 'utf8'),
  }));
  const html = buildHtmlReport({
    title: `ami-bakery scan: ${a.label}`,
    report: a.report,
    gate: {
      verdict: a.gate.verdict,
      reasons: a.gate.verdict === 'failed' ? a.gate.reasonsInFull : a.gate.checked,
    },
    failOn: cfg.failOn,
    failOnNew: cfg.failOnNewFailures,
    annotations: a.annotations,
    diff: a.diff,
    trend: trend.length > 1 ? trend : [],
    files,
    passing: a.passing,
    ratchet: ratchetLine(a.ratchet),
    provenance,
    ...(blobBase(io.env) ? { blobBase: blobBase(io.env) } : {}),
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

/** suggest-file: the fixes of failing controls that no hardening script implements, under their markers. */
export function writeSuggestions(io: Io, cfg: ScanConfig, a: Analysis): void {
  const implemented = new Set(
    a.annotations.filter((x) => x.implemented).map((x) => `${x.engine}\0${x.ruleId}`),
  );
  const s = suggestScript(a.merged.findings, (f) => implemented.has(`${f.engine}\0${f.ruleId}`), {
    content: 'ComplianceAsCode (SCAP Security Guide)',
    profile: a.profileKey,
  });
  io.setOutput('suggested', s ? s.rules.length : 0);
  if (!s) {
    const tried = a.merged.findings.filter(
      (f) => f.status === 'fail' && f.fix && !implemented.has(`${f.engine}\0${f.ruleId}`),
    );
    // a stale file of an earlier run must not pass for this one's
    fs.rmSync(cfg.suggestFile, { force: true });
    io.info(
      tried.length
        ? `suggest-file: none of the ${tried.length} remediation(s) for controls not implemented was verified in a copy of the image (${tried[0].fixVerdict?.said ?? 'not tried'}); nothing written.`
        : 'suggest-file: no failing control without an implementation has a suggested fix; nothing written.',
    );
    return;
  }
  writeOutputFile(cfg.suggestFile, s.text, 0o755);
  io.info(
    `suggest-file: ${s.rules.length} verified remediation(s) for controls not implemented, written to ${cfg.suggestFile}${s.notVerified ? ` (${s.notVerified} not verified: listed at its end, not included)` : ''}`,
  );
  io.setOutput('suggest-file', cfg.suggestFile);
}

/** inspec-waiver-file: the valid waivers in InSpec's format, for `inspec exec --waiver-file`. */
export function writeInspecWaivers(io: Io, cfg: ScanConfig): void {
  const text = inspecWaiverFile(cfg.waivers, todayUtc());
  writeOutputFile(cfg.inspecWaiverFile, text);
  io.info(`inspec-waiver-file: ${cfg.inspecWaiverFile} (pass it to inspec exec --waiver-file)`);
  io.setOutput('inspec-waiver-file', cfg.inspecWaiverFile);
}

/**
 * ami-id names an image EC2 knows, checked before the scan: not after the reports and the check run.
 * Returns the image's tags (its provenance, for the HTML report).
 */
export async function checkAmiExists(amiId: string, region: string): Promise<Record<string, string>> {
  const { describeImage, ec2Client } = await import('../../shared/src/aws/ec2.js');
  const image = await describeImage(ec2Client(region), amiId);
  if (!image)
    throw new InputError(
      'ami-id',
      `${amiId} does not exist in ${region} for these credentials.`,
      'check ami-id and aws-region.',
    );
  return imageTags(image);
}

/** Where the image and this report come from: the image's provenance tags, else this run. */
export function provenanceOf(
  env: NodeJS.ProcessEnv,
  cfg: ScanConfig,
  subject: ScanSubject,
  tags: Record<string, string> = {},
): Provenance {
  const given = (v: string | undefined) => (v ? v : undefined);
  const p: Provenance = {
    amiId: subject.amiId,
    region: subject.region,
    commit: given(tags[TAG.commit]) ?? given(env.GITHUB_SHA),
    template: given(tags[TAG.template]) ?? cfg.template,
    baseAmi: given(tags[TAG.baseAmi]),
    packerVersion: given(tags[TAG.packerVersion]),
    architecture: given(tags[TAG.arch]),
    bakeRunUrl: given(tags[TAG.runUrl]),
    scanRunUrl: runUrl(env),
  };
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as Provenance;
}

/** The scanned AMI carries its score, profile and verdict (promote's gate reads them). */
export async function tagScanned(
  io: Io,
  subject: ScanSubject,
  a: Analysis,
  sbomSha256?: string,
  had: Record<string, string> = {},
): Promise<void> {
  const { amiId, region } = subject;
  if (!amiId || !region) return;
  const g = a.vulnGate;
  const c = a.report.vulnerabilities?.counts ?? {};
  const vulnerable = g.vulnerable === true;
  const tags: Record<string, string> = {
    // only what this scan checked: a vulnerabilities-only scan leaves the compliance verdict alone
    ...(a.cisRead
      ? { [TAG.cisScore]: String(a.score), [TAG.cisProfile]: a.profileKey, [TAG.scan]: a.gate.verdict }
      : {}),
    ...(sbomSha256 ? { [TAG.sbomSha256]: sbomSha256 } : {}),
    ...(g.verdict !== 'unchecked'
      ? {
          [TAG.cvesCritical]: String(c.critical ?? 0),
          [TAG.cvesHigh]: String(c.high ?? 0),
          // a pass never clears a mark an earlier scan or re-scan set: that takes a new image
          ...(vulnerable || had[TAG.vulnerable] !== 'true' ? { [TAG.vulnerable]: String(vulnerable) } : {}),
          ...(vulnerable
            ? {
                [TAG.vulnerableSince]: had[TAG.vulnerableSince] ?? new Date().toISOString().slice(0, 10),
                [TAG.vulnerableReason]: `scan: ${g.gating
                  .slice(0, 8)
                  .map((v) => v.id)
                  .join(', ')}${g.gating.length > 8 ? ` and ${g.gating.length - 8} more` : ''}`.slice(0, 255),
              }
            : {}),
        }
      : {}),
  };
  if (g.verdict !== 'unchecked' && !vulnerable && had[TAG.vulnerable] === 'true')
    io.warning(
      `${amiId} stays tagged ${TAG.vulnerable}=true (${(had[TAG.vulnerableReason] ?? '').slice(0, 200)}): a passing scan does not clear an earlier mark; build a new image.`,
    );
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
