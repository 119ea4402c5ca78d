/**
 * Delivering annotations so that all of them reach the reviewer:
 *  - Checks API: one check run, annotations in batches of 50 (create, then update to append);
 *  - fallback (no token, or a read-only token as on pull requests from forks): workflow-command
 *    annotations, which GitHub caps at 10 errors / 10 warnings per step. The ones on lines the PR
 *    changed go first, the rest are printed to the log, and the log says how many were not shown.
 */
import * as fs from 'node:fs';
import type { Io } from '../io.js';
import { type PlannedAnnotation, prioritise } from '../report/annotations.js';

export const CHECKS_BATCH = 50;
export const WORKFLOW_COMMAND_LIMIT = 10;

export interface CheckRunTarget {
  token: string;
  owner: string;
  repo: string;
  sha: string;
  name: string;
  /** e.g. process.env.GITHUB_API_URL; default from @actions/github. */
  baseUrl?: string;
}

export interface DeliveryResult {
  method: 'checks' | 'workflow-commands';
  shown: number;
  notShown: number;
  checkRunUrl?: string;
  reason?: string;
}

/** Where the check run goes, from the GitHub Actions environment; undefined outside Actions. */
export function checkTargetFromEnv(
  env: NodeJS.ProcessEnv,
  token: string,
  name: string,
): CheckRunTarget | undefined {
  const repoFull = env.GITHUB_REPOSITORY;
  if (!token || !repoFull || !repoFull.includes('/')) return undefined;
  let sha = env.GITHUB_SHA ?? '';
  // On pull_request events GITHUB_SHA is the merge commit; annotate the PR head instead.
  if (env.GITHUB_EVENT_PATH) {
    try {
      const ev = JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
      sha = ev?.pull_request?.head?.sha ?? sha;
    } catch {
      // no event payload: keep GITHUB_SHA
    }
  }
  if (!sha) return undefined;
  const [owner, repo] = repoFull.split('/');
  return { token, owner, repo, sha, name, baseUrl: env.GITHUB_API_URL };
}

function toCheckAnnotation(a: PlannedAnnotation, fallbackPath: string) {
  return {
    path: a.file ?? fallbackPath,
    start_line: a.line ?? 1,
    end_line: a.line ?? 1,
    annotation_level: a.level === 'error' ? ('failure' as const) : ('warning' as const),
    title: a.title.slice(0, 255),
    message: a.message.slice(0, 64 * 1024 - 1),
  };
}

export async function publishCheckRun(
  target: CheckRunTarget,
  annotations: readonly PlannedAnnotation[],
  output: { title: string; summary: string; conclusion: 'success' | 'failure' | 'neutral' },
  io: Pick<Io, 'info'>,
): Promise<{ url?: string; batches: number }> {
  const github = await import('@actions/github');
  const octokit = github.getOctokit(target.token, target.baseUrl ? { baseUrl: target.baseUrl } : {});
  const summary = output.summary.slice(0, 65_000);
  const located = annotations.filter((a) => a.file);
  const batches: PlannedAnnotation[][] = [];
  for (let i = 0; i < located.length; i += CHECKS_BATCH) batches.push(located.slice(i, i + CHECKS_BATCH));
  const first = batches.shift() ?? [];
  const created = await octokit.rest.checks.create({
    owner: target.owner,
    repo: target.repo,
    name: target.name,
    head_sha: target.sha,
    status: batches.length ? 'in_progress' : 'completed',
    ...(batches.length ? {} : { conclusion: output.conclusion }),
    output: { title: output.title, summary, annotations: first.map((a) => toCheckAnnotation(a, '')) },
  });
  const id = created.data.id;
  let n = 1;
  for (let i = 0; i < batches.length; i++) {
    const last = i === batches.length - 1;
    await octokit.rest.checks.update({
      owner: target.owner,
      repo: target.repo,
      check_run_id: id,
      ...(last ? { status: 'completed' as const, conclusion: output.conclusion } : {}),
      output: { title: output.title, summary, annotations: batches[i].map((a) => toCheckAnnotation(a, '')) },
    });
    n++;
  }
  io.info(
    `Check run "${target.name}": ${located.length} annotation(s) in ${n} request(s) ${created.data.html_url ?? ''}`,
  );
  return { url: created.data.html_url ?? undefined, batches: n };
}

function httpStatus(e: unknown): number | undefined {
  return typeof e === 'object' && e && 'status' in e && typeof e.status === 'number' ? e.status : undefined;
}

/** Emit workflow-command annotations within GitHub's per-step cap; log the rest. */
export function emitWorkflowAnnotations(
  io: Pick<Io, 'annotate' | 'info' | 'warning' | 'annotationCap'>,
  annotations: readonly PlannedAnnotation[],
  changed: Map<string, Set<number>>,
  reason: string,
): DeliveryResult {
  const ordered = prioritise(annotations, changed);
  const cap = io.annotationCap ?? Number.POSITIVE_INFINITY;
  const perLevel = { error: 0, warning: 0 };
  const rest: PlannedAnnotation[] = [];
  for (const a of ordered) {
    if (perLevel[a.level] < cap) {
      perLevel[a.level]++;
      io.annotate({ level: a.level, title: a.title, message: a.message, file: a.file, line: a.line });
    } else rest.push(a);
  }
  const shown = annotations.length - rest.length;
  if (rest.length) {
    io.warning(
      `${rest.length} of ${annotations.length} failing control(s) were not shown as annotations: GitHub shows at most ` +
        `${WORKFLOW_COMMAND_LIMIT} error and ${WORKFLOW_COMMAND_LIMIT} warning annotations per step (${reason}). ` +
        'All of them are listed below, in the job summary and in the SARIF file. Grant `checks: write` to see them all on the PR.',
    );
    for (const a of rest) io.info(`  ${a.file ? `${a.file}:${a.line ?? 1}: ` : ''}${a.title}`);
  }
  return { method: 'workflow-commands', shown, notShown: rest.length, reason };
}

/** Checks API when possible, otherwise the graceful fallback. Never throws for permission problems. */
export async function deliverAnnotations(
  io: Pick<Io, 'annotate' | 'info' | 'warning' | 'annotationCap'>,
  target: CheckRunTarget | undefined,
  annotations: readonly PlannedAnnotation[],
  output: { title: string; summary: string; conclusion: 'success' | 'failure' | 'neutral' },
  changed: () => Promise<Map<string, Set<number>>>,
): Promise<DeliveryResult> {
  let reason = 'no GitHub token/repository in the environment';
  if (target) {
    try {
      const r = await publishCheckRun(target, annotations, output, io);
      const unlocated = annotations.filter((a) => !a.file);
      for (const a of unlocated) io.annotate({ level: a.level, title: a.title, message: a.message });
      return { method: 'checks', shown: annotations.length, notShown: 0, checkRunUrl: r.url };
    } catch (e) {
      const status = httpStatus(e);
      reason =
        status === 403 || status === 404 || status === 401
          ? `the token cannot create check runs (HTTP ${status}; pull requests from forks get a read-only token, or the job lacks \`checks: write\`)`
          : `creating the check run failed: ${(e as Error).message}`;
      io.warning(`Could not publish the check run: ${reason}. Falling back to workflow annotations.`);
    }
  }
  let changedLines = new Map<string, Set<number>>();
  try {
    changedLines = await changed();
  } catch {
    // no diff available: keep the plan's order
  }
  return emitWorkflowAnnotations(io, annotations, changedLines, reason);
}
