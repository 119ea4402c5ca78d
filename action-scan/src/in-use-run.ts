import { TAG } from '../../shared/src/aws/tags.js';
import { runUrl } from '../../shared/src/github-env.js';
import type { Io } from '../../shared/src/io.js';
import type { Analysis } from './analyse.js';
import type { ScanConfig } from './config.js';
import { type InUseImage, inUseTable, isGolden, vulnerableImages } from './in-use.js';
import { checkTargetFromEnv } from './report/checks.js';
import { syncIssues } from './report/issue.js';

/** in-use: the images running instances use, in every region asked for. */
export async function discoverInUse(io: Io, regions: string[]): Promise<InUseImage[]> {
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

/** Why the re-scan failed, by both gates (the controls' and the vulnerabilities'); [] when it did not. */
const failedReasons = (a: Pick<Analysis, 'gate' | 'vulnGate'>): string[] => [
  ...(a.gate.verdict === 'failed' ? a.gate.reasons : []),
  ...(a.vulnGate.verdict === 'failed' ? a.vulnGate.reasons : []),
];

/** in-use: a failed re-scan tags the vulnerable images in use; the table shows them all. */
export async function reportInUse(
  io: Io,
  cfg: ScanConfig,
  scanned: string,
  images: InUseImage[],
  a: Analysis,
  signal?: AbortSignal,
): Promise<void> {
  // the same gates as any scan: the controls' and the vulnerabilities'
  const reasons = failedReasons(a);
  const vulnerable = reasons.length ? await tagVulnerable(io, scanned, images, a.score, reasons) : [];
  const issue = cfg.issue ? await syncInUseIssue(io, cfg, scanned, images, vulnerable, a, signal) : undefined;
  io.setOutput(
    'vulnerable-images',
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
  const vulnFailed = a.vulnGate.verdict === 'failed';
  const failed = (a.gate.verdict === 'failed' || vulnFailed) && image;
  const r = await io.group('GitHub issue', () =>
    syncIssues(io, target, {
      failed: failed
        ? {
            image,
            score: a.score,
            reasons: failedReasons(a),
            annotations: a.annotations,
            instances: (vulnerable.length ? vulnerable : [image]).flatMap((v) => v.instanceList ?? []),
            regions: cfg.inUse?.regions ?? [],
            runUrl: runUrl(io.env),
          }
        : undefined,
      passed: a.gate.verdict === 'passed' && !vulnFailed ? scanned : undefined,
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
