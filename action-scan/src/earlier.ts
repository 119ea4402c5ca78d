/** Earlier scans: the baseline report (a file or the Actions cache), the history and the score trend. */
import * as fs from 'node:fs';
import fg from 'fast-glob';
import { TAG } from '../../shared/src/aws/tags.js';
import { InputError, messageOf } from '../../shared/src/errors.js';
import { eventPayload } from '../../shared/src/github-env.js';
import type { Io } from '../../shared/src/io.js';
import { checkOutputFile, copyOutputFile } from '../../shared/src/outputs.js';
import { checkGlobPattern, repoRoot } from '../../shared/src/workspace.js';
import type { ScanConfig, ScanSubject } from './config.js';
import { type ScanReport, validateReport } from './report/report.js';
import { mergeTrend, type TrendPoint, trendFromImages, trendFromReports } from './report/trend.js';

/** JSON.parse whose error names the file and position, never the file's own text (V8 quotes it). */
function parseJsonQuietly(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const pos = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new Error(`${file} is not JSON${pos ? ` (at character ${pos})` : ''}.`);
  }
}

/** history: the earlier JSON reports, read and validated before anything runs. */
export async function loadHistory(patterns: string[]): Promise<ScanReport[]> {
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

export async function loadBaseline(
  io: Io,
  cfg: ScanConfig,
  /** the family and profile: the cache key's stem */
  cacheKey: string,
): Promise<ScanReport | undefined> {
  if (!cfg.baseline) return undefined;
  let file = cfg.baseline;
  if (cfg.baseline === 'cache') {
    const restored = await restoreBaselineCache(io, cacheKey);
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
  let report: ScanReport;
  try {
    report = validateReport(parseJsonQuietly(text, file), file);
  } catch (e) {
    throw new InputError(
      'baseline',
      messageOf(e),
      'give the JSON report-file written by an earlier ami-bakery scan.',
    );
  }
  // one family's last golden image is no floor for another's
  if (cfg.family && report.family && report.family !== cfg.family)
    throw new InputError(
      'baseline',
      `${cfg.baseline === 'cache' ? 'the cached report' : `"${file}"`} is a scan of family "${report.family}", and this scan is of "${cfg.family}".`,
      "give the report of this family's last golden image.",
    );
  return report;
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

export async function saveBaselineCache(io: Io, report: string, profileKey: string): Promise<void> {
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

/** The score trend: earlier reports (history, the baseline), the family's golden images, this scan. */
export async function loadTrend(
  io: Io,
  subject: ScanSubject,
  a: { baseline?: ScanReport; profileKey: string; score: number; report: { generatedAt: string } },
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
