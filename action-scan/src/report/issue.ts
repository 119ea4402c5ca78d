/**
 * The GitHub issue of a failed re-scan of an image in use (input `issue`): one per image, opened
 * when its re-scan fails, updated (body and a comment) when it fails again, closed when a later
 * re-scan passes or no running instance uses the image any more. Each issue carries a hidden key,
 * so it is found again and never duplicated. `issueBody` is pure; `syncIssues` talks to the API and
 * never throws: a token without `issues: write` is a warning.
 */
import type { Io } from '../../../shared/src/io.js';
import { codeSpan, escapeMarkdown } from '../../../shared/src/markdown.js';
import type { InUseImage, RunningInstance } from '../in-use.js';
import type { PlannedAnnotation } from './annotations.js';
import {
  type CheckRunTarget,
  describeHttpError,
  httpStatus,
  octokitFor,
  type RetryOptions,
  withRetry,
} from './checks.js';

export const ISSUE_LABEL = 'ami-bakery';
/**
 * The hidden key, on the body's last line only: where this product writes it. The same text in an
 * instance's Name tag sits in the table above (escaped), so it can neither take an issue over nor
 * make a second one. The key carries the regions the re-scan looked at (`regions=…`).
 */
const KEY =
  /^<!-- ami-bakery:in-use-issue (ami-[0-9a-f]{8,17})(?: regions=([a-z0-9-]+(?:,[a-z0-9-]+)*))? -->$/;
function keyLine(body: string | undefined | null): RegExpExecArray | null {
  return KEY.exec((body ?? '').trimEnd().split('\n').at(-1) ?? '');
}
export const issueKeyOf = (body: string | undefined | null) => keyLine(body)?.[1];
/** The regions the issue's re-scan looked at; undefined for a key written before regions were kept. */
export const issueRegionsOf = (body: string | undefined | null) => keyLine(body)?.[2]?.split(',');

export interface FailedRescan {
  image: Pick<InUseImage, 'imageId' | 'region' | 'name' | 'tags'>;
  score: number;
  reasons: string[];
  annotations: readonly PlannedAnnotation[];
  /** every running instance of the image and of the images found vulnerable with it */
  instances: readonly RunningInstance[];
  /** the regions the re-scan looked at for instances */
  regions: readonly string[];
  runUrl?: string;
}

const cell = escapeMarkdown;

export function issueTitle(f: Pick<FailedRescan, 'image'>): string {
  return `Golden image ${f.image.name ?? f.image.imageId} (${f.image.imageId}) failed its re-scan`;
}

export function issueBody(f: FailedRescan, now = new Date()): string {
  const failing = f.annotations.filter((a) => !a.waiver && (a.status === 'fail' || a.status === 'error'));
  const cves = [
    ...new Set(failing.flatMap((a) => `${a.ruleId} ${a.title}`.match(/CVE-\d{4}-\d{4,}/g) ?? [])),
  ].sort();
  const shown = failing.slice(0, 100);
  return [
    `The re-scan of ${codeSpan(f.image.imageId)} (${cell(f.image.name ?? 'no name')}, ${cell(f.image.region)}) on ${now.toISOString().slice(0, 10)} **failed its gate**: score ${f.score}%.`,
    '',
    ...f.reasons.map((r) => `- ${cell(r)}`),
    '',
    `### Running instances that use it (${f.instances.length})`,
    '',
    '| account | region | instance | Name | launched |',
    '|---|---|---|---|---|',
    ...f.instances
      .slice(0, 200)
      .map(
        (i) =>
          `| ${cell(i.account ?? '')} | ${cell(i.region)} | ${codeSpan(i.instanceId)} | ${cell(i.name ?? '')} | ${cell((i.launchTime ?? '').slice(0, 16).replace('T', ' '))} |`,
      ),
    f.instances.length > 200 ? `…and ${f.instances.length - 200} more.` : '',
    '',
    `### CVEs (${cves.length})`,
    '',
    cves.length ? cves.map((c) => `- ${cell(c)}`).join('\n') : 'None reported by this scan.',
    '',
    `### Failing controls (${failing.length})`,
    '',
    '| control | title | severity | where |',
    '|---|---|---|---|',
    ...shown.map(
      (a) =>
        `| ${cell(a.control ?? a.ruleId)} | ${cell(a.title.replace(/^[^:]+: /, ''))} | ${a.severity} | ${a.implemented && a.file ? codeSpan(`${a.file}:${a.line}`) : 'not implemented'} |`,
    ),
    failing.length > shown.length ? `…and ${failing.length - shown.length} more (see the run).` : '',
    '',
    f.runUrl ? `Run: ${f.runUrl}` : '',
    '',
    'This issue is closed by ami-bakery when a later re-scan passes or no running instance uses the image.',
    `<!-- ami-bakery:in-use-issue ${f.image.imageId} regions=${[...f.regions].sort().join(',')} -->`,
  ].join('\n');
}

export interface IssueOutcome {
  opened?: string;
  updated?: string;
  closed: string[];
  problem?: string;
}

/**
 * Open or update the issue of `failed` (when the re-scan failed); close the issues of `passed` (its
 * re-scan passed) and of images no longer in use (`inUse`: every image id running instances use).
 */
export async function syncIssues(
  io: Pick<Io, 'info' | 'warning'>,
  target: Omit<CheckRunTarget, 'name' | 'sha'>,
  change: {
    failed?: FailedRescan;
    passed?: string;
    inUse: ReadonlySet<string>;
    /** the regions this re-scan looked at: "no longer in use" is evidence only for an issue of no wider scope */
    regions: readonly string[];
  },
  retry: RetryOptions = {},
): Promise<IssueOutcome> {
  const octokit = await octokitFor(target);
  const repo = { owner: target.owner, repo: target.repo };
  const out: IssueOutcome = { closed: [] };
  try {
    const open = await withRetry(
      () =>
        octokit.paginate(octokit.rest.issues.listForRepo, {
          ...repo,
          state: 'open',
          labels: ISSUE_LABEL,
          per_page: 100,
        }),
      retry,
    );
    const ours = open.filter((i) => !i.pull_request && issueKeyOf(i.body));
    if (change.failed) {
      const id = change.failed.image.imageId;
      const body = issueBody(change.failed);
      const existing = ours.find((i) => issueKeyOf(i.body) === id);
      if (existing) {
        await withRetry(
          () => octokit.rest.issues.update({ ...repo, issue_number: existing.number, body }),
          retry,
        );
        await withRetry(
          () =>
            octokit.rest.issues.createComment({
              ...repo,
              issue_number: existing.number,
              body: `Failed again on ${new Date().toISOString().slice(0, 10)}: score ${change.failed!.score}%.${change.failed!.runUrl ? ` ${change.failed!.runUrl}` : ''}`,
            }),
          retry,
        );
        out.updated = existing.html_url;
        io.info(`Issue #${existing.number} updated: ${existing.html_url}`);
      } else {
        const r = await withRetry(
          () =>
            octokit.rest.issues.create({
              ...repo,
              title: issueTitle(change.failed!),
              body,
              labels: [ISSUE_LABEL],
            }),
          retry,
        );
        out.opened = r.data.html_url;
        io.info(`Issue #${r.data.number} opened: ${r.data.html_url}`);
      }
    }
    for (const i of ours) {
      const id = issueKeyOf(i.body)!;
      const scope = issueRegionsOf(i.body);
      const sameScope = !!scope && scope.every((r) => change.regions.includes(r));
      const why =
        id === change.passed
          ? `A re-scan of ${id} passed its gate on ${new Date().toISOString().slice(0, 10)}.`
          : !change.inUse.has(id) && sameScope
            ? `No running instance uses ${id} any more in ${scope.join(', ')} (${new Date().toISOString().slice(0, 10)}).`
            : undefined;
      if (!why) continue;
      await withRetry(
        () => octokit.rest.issues.createComment({ ...repo, issue_number: i.number, body: why }),
        retry,
      );
      await withRetry(
        () =>
          octokit.rest.issues.update({
            ...repo,
            issue_number: i.number,
            state: 'closed',
            state_reason: 'completed',
          }),
        retry,
      );
      out.closed.push(i.html_url);
      io.info(`Issue #${i.number} closed: ${why}`);
    }
  } catch (e) {
    const s = httpStatus(e);
    out.problem =
      s === 403 || s === 401 || s === 404
        ? `the token cannot manage issues (HTTP ${s}; the job needs \`issues: write\`)`
        : `the issues API failed (${describeHttpError(e)})`;
    io.warning(`issue: ${out.problem}.`);
  }
  return out;
}
