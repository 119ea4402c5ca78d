/**
 * action-scan: run (or read) a compliance scan, normalise it, score it, compare it with a baseline,
 * and report every failing control on the hardening-script line that implements it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TAG } from '../../shared/src/aws/tags.js';
import { type ChangeMap, loadChangeMap } from '../../shared/src/cis-map.js';
import { GateError } from '../../shared/src/errors.js';
import type { Io } from '../../shared/src/io.js';
import { analyse } from './analyse.js';
import { readConfig, type ScanConfig, type ScanSubject } from './config.js';
import { deliverSuggestions, deliveryNote, scanSummary, tryOfferedFixes } from './deliver.js';
import { loadHistory, loadTrend } from './earlier.js';
import { type Collected, collectResults, workDir } from './engine.js';
import type { GateResult } from './gate.js';
import { chooseInUseImage, type InUseImage, inUseTable } from './in-use.js';
import { discoverInUse, reportInUse } from './in-use-run.js';
import { pullRequestDiffOnce } from './pr-diff.js';
import { ratchetLine } from './ratchet.js';
import {
  CHECK_SUMMARY_LIMIT,
  checkTargetFromEnv,
  type DeliveryResult,
  deliverAnnotations,
} from './report/checks.js';
import type { Provenance } from './report/html.js';
import type { BaselineDiff, ScanReport } from './report/report.js';
import { mermaidTrend } from './report/trend.js';
import { type ImageSbom, imageSbom, writeSbom } from './sbom/write.js';
import { readVulnerabilityApis, readVulnerabilityFiles } from './vuln-sources.js';
import { fixedText, installedText, type VulnGateConfig, type VulnGateResult, whyNotGating } from './vulns.js';
import {
  checkAmiExists,
  provenanceOf,
  tagScanned,
  writeHtmlReport,
  writeInspecWaivers,
  writeReports,
  writeSuggestions,
} from './write.js';

/**
 * The vulnerability gate's outputs and log: counts per severity, `vulnerable`, the verdict; a warning
 * for each active CVE that does not fail the gate (at most 10, then one for the rest), and a loud one
 * when the gate is off. Unchecked (no vulnerability source read): the outputs are empty, never false.
 */
function sayVulnerabilities(
  io: Io,
  cfg: VulnGateConfig,
  a: { vulnGate: VulnGateResult; report: ScanReport },
): void {
  const g = a.vulnGate;
  const c = a.report.vulnerabilities?.counts;
  const checked = g.verdict !== 'unchecked' && c !== undefined;
  io.setOutput('vulnerability-gate', g.verdict);
  io.setOutput('vulnerable', checked ? String(g.vulnerable === true) : '');
  for (const sev of ['critical', 'high', 'medium', 'low'] as const)
    io.setOutput(`cves-${sev}`, checked ? c[sev] : '');
  if (!checked) return;
  io.info(
    `Vulnerabilities: ${c.critical} critical, ${c.high} high, ${c.medium} medium, ${c.low} low, ${c.info} informational, ${c.unknown} untriaged (active, unwaived); vulnerability gate ${g.verdict}`,
  );
  if (g.verdict === 'ungated')
    io.warning(
      `fail-on-severity: none: the vulnerability gate is OFF. ${g.gating.length} critical CVE(s) with a fix would fail the default gate; with ami-id, the image is tagged ${TAG.vulnerable}=${g.vulnerable === true} by that default gate all the same (promote refuses true).`,
    );
  for (const v of g.warned.slice(0, 10))
    io.warning(
      `${v.id} (${v.severity}${v.packages.length ? `, ${installedText(v)}` : ''}) does not fail the gate: ${whyNotGating(v, cfg)}${fixedText(v) ? `; fixed in ${fixedText(v)}` : ''}`,
    );
  if (g.warned.length > 10)
    io.warning(
      `${g.warned.length - 10} more active CVE(s) below the gate: see the job summary and the JSON report.`,
    );
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

export async function runScan(io: Io, signal?: AbortSignal): Promise<ScanOutcome | undefined> {
  const cfg = readConfig(io);
  const inUseImages = cfg.inUse ? await discoverInUse(io, cfg.inUse.regions) : undefined;
  let subject: ScanSubject = { amiId: cfg.amiId, region: cfg.awsRegion };
  if (inUseImages) {
    if (!cfg.amiId) {
      const tags = cfg.inUse!.tags;
      const those = Object.entries(tags).map(([k, v]) => `${k}=${v}`);
      const chosen = chooseInUseImage(inUseImages, cfg.awsRegion, tags);
      if (chosen) {
        subject = { amiId: chosen.imageId, region: chosen.region };
        io.info(`Newest golden image in use: ${chosen.imageId} (${chosen.name ?? ''}, ${chosen.region})`);
      } else
        io.warning(
          `No golden image (tag ${TAG.status}=golden${those.length ? `, ${those.join(', ')}` : ''}) is used by a running instance.`,
        );
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

  const tags = cfg.amiId && subject.region ? await checkAmiExists(cfg.amiId, subject.region) : undefined;
  // written once every input is known good: nothing is left behind by a refusal
  if (cfg.inspecWaiverFile) writeInspecWaivers(io, cfg);
  let dir: string | undefined;
  const work = () => {
    dir ??= workDir(io.env);
    return dir;
  };
  try {
    const codeText = () =>
      changeMap.files
        .map((f) => {
          try {
            return fs.readFileSync(path.join(cfg.root, f), 'utf8');
          } catch {
            return '';
          }
        })
        .join('\n');
    // saved CVE files are read first: a bad one is refused before the engine runs
    const vulnFiles = await readVulnerabilityFiles(io, cfg);
    const collected = await collectResults(io, cfg, work, codeText, signal);
    const provenance = provenanceOf(io.env, cfg, subject, tags);
    // built once: the SBOM written and the SBOM sent to ScanSbom are one text
    const sbom = imageSbom(collected.inventory, provenance);
    collected.sets.push(...vulnFiles, ...(await readVulnerabilityApis(io, cfg, subject, sbom, signal)));
    return await scanWith(
      io,
      cfg,
      subject,
      changeMap,
      collected,
      { inUseImages, history, provenance, had: tags ?? {}, sbom },
      signal,
    );
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function scanWith(
  io: Io,
  cfg: ScanConfig,
  subject: ScanSubject,
  changeMap: ChangeMap,
  collected: Collected,
  {
    inUseImages,
    history,
    provenance,
    had,
    sbom: builtSbom,
  }: {
    inUseImages: InUseImage[] | undefined;
    history: ScanReport[];
    provenance: Provenance;
    /** the image's tags before this scan */
    had: Record<string, string>;
    sbom: ImageSbom;
  },
  signal?: AbortSignal,
): Promise<ScanOutcome> {
  const pr = pullRequestDiffOnce(io.env, cfg.root);
  const a = await analyse(io, cfg, subject, changeMap, collected, pr.diff);
  const trend = await loadTrend(io, subject, a, history);
  const chart = mermaidTrend(trend, `${a.label} score by image`);
  const { score, weightedScore, counts, annotations, gate, diff } = a;
  const { sets } = collected;
  const native = sets.map((s) => s.nativeScore).filter((n) => n !== undefined);
  const summaryFor = (delivery?: string, limit?: number) => scanSummary(a, sets, chart, delivery, limit);
  const changedLines = pr.changedLines;
  // What must survive a hung or killed GitHub API call comes first: the reports on disk, the
  // image's tags and the step's outputs; then the check run, suggestions, the summary and the issue.
  await tryOfferedFixes(io, cfg, a, collected.tryFixes, changedLines);
  const { sarifWritten } = await writeReports(io, cfg, a);
  if (cfg.reportHtml) writeHtmlReport(io, cfg, a, changeMap, trend, provenance);
  if (cfg.suggestFile) writeSuggestions(io, cfg, a);
  const sbom = writeSbom(io, cfg, builtSbom);
  await tagScanned(io, subject, a, sbom?.sha256, had);
  sayVulnerabilities(io, cfg, a);
  if (a.cisRead)
    io.info(
      `Score ${score}% (weighted ${weightedScore}%): ${counts.passed} passed, ${counts.failed} failed, ${counts.total} in profile`,
    );
  for (const n of native) io.info(`${n.name}: ${n.value}`);
  io.info(ratchetLine(a.ratchet));
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
  io.setOutput('ratchet', a.ratchet.state);
  io.setOutput('report-file', cfg.reportFile);
  io.setOutput('sarif-file', sarifWritten ? cfg.sarifFile : '');
  io.setOutput('results-file', collected.kept.join('\n'));
  io.setOutput('sbom-file', sbom?.file ?? '');
  io.setOutput('sbom-sha256', sbom?.sha256 ?? '');
  io.setOutput('packages', sbom ? sbom.packages : '');
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
          gate.verdict === 'failed' || a.vulnGate.verdict === 'failed'
            ? 'failure'
            : gate.verdict === 'passed' && !counts.failed && a.vulnGate.verdict !== 'ungated'
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
  const gatePassed = gate.verdict !== 'failed' && a.vulnGate.verdict !== 'failed';
  if (!gatePassed)
    throw new GateError(
      [
        gate.verdict === 'failed' ? `Scan gate failed: ${gate.reasons.join('; ')}` : '',
        a.vulnGate.verdict === 'failed' ? `Vulnerability gate failed: ${a.vulnGate.reasons.join('; ')}` : '',
      ]
        .filter(Boolean)
        .join('. '),
    );
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
