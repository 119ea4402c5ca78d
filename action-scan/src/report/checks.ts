/**
 * Delivering annotations so that all of them reach the reviewer:
 *  - Checks API: one check run, annotations in batches of 50 (create, then update to append);
 *  - fallback (no token, or a read-only token as on pull requests from forks): workflow-command
 *    annotations, which GitHub caps at 10 errors / 10 warnings per step. The ones on lines the PR
 *    changed go first, the rest are printed to the log, and the log says how many were not shown.
 */
import { eventPayload } from '../../../shared/src/github-env.js';
import type { AnnotationLevel, Io } from '../../../shared/src/io.js';
import { fixLabel, type PlannedAnnotation, prioritise } from './annotations.js';

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
  /** the stage's cancel signal: a call under way is abandoned when it aborts */
  signal?: AbortSignal;
}

export interface DeliveryResult {
  method: 'checks' | 'workflow-commands';
  /** Annotations the reader can see (on the check run, or as workflow annotations). */
  shown: number;
  notShown: number;
  checkRunUrl?: string;
  reason?: string;
  /** Checks API: whether the check run could be completed (with its conclusion). */
  completed?: boolean;
}

/** Check run output.summary holds 65,535 characters; leave room for the delivery note. */
export const CHECK_SUMMARY_LIMIT = 64_000;

/** Where the check run goes, from the GitHub Actions environment; undefined outside Actions. */
export function checkTargetFromEnv(
  env: NodeJS.ProcessEnv,
  token: string,
  name: string,
  signal?: AbortSignal,
): CheckRunTarget | undefined {
  const repoFull = env.GITHUB_REPOSITORY;
  if (!token || !repoFull || !repoFull.includes('/')) return undefined;
  // On pull_request events GITHUB_SHA is the merge commit; annotate the PR head instead.
  const sha: string = eventPayload(env)?.pull_request?.head?.sha ?? env.GITHUB_SHA ?? '';
  if (!sha) return undefined;
  const [owner, repo] = repoFull.split('/');
  return { token, owner, repo, sha, name, baseUrl: env.GITHUB_API_URL, ...(signal ? { signal } : {}) };
}

/** How long one GitHub API call may take before it is abandoned (and, if transient, retried). */
export const GITHUB_CALL_TIMEOUT_MS = 30_000;

/** A GitHub API call abandoned because the stage was cancelled: never retried. */
export class CallCancelled extends Error {
  constructor(what: string) {
    super(`${what}: abandoned, the step was cancelled`);
    this.name = 'CallCancelled';
  }
}

/**
 * The GitHub API client of a target (GITHUB_API_URL honoured); retries are ours (withRetry), not
 * Octokit's. Every call is bounded: it is abandoned after `timeoutMs` (undici alone would wait 300 s
 * for headers, on every attempt) and at once when the stage's signal aborts (SIGINT/SIGTERM).
 */
export async function octokitFor(
  target: { token: string; baseUrl?: string; signal?: AbortSignal },
  timeoutMs = GITHUB_CALL_TIMEOUT_MS,
) {
  const github = await import('@actions/github');
  const { deadlineSignal } = await import('../../../shared/src/deadline.js');
  const octokit = github.getOctokit(target.token, {
    ...(target.baseUrl ? { baseUrl: target.baseUrl } : {}),
    retry: { enabled: false },
    request: { retries: 0 },
  });
  octokit.hook.wrap('request', async (request, options) => {
    const what = `${options.method} ${String(options.url)}`;
    if (target.signal?.aborted) throw new CallCancelled(what);
    const bound = deadlineSignal(timeoutMs, target.signal);
    try {
      // options are changed in place: a spread copy of them never reaches fetch in @octokit/request 10
      options.request = { ...options.request, signal: bound.signal };
      return await request(options);
    } catch (e) {
      if (target.signal?.aborted) throw new CallCancelled(what);
      if (bound.signal.aborted) throw new Error(`${what}: no answer within ${timeoutMs / 1000} s`);
      throw e;
    } finally {
      bound.clear();
    }
  });
  return octokit;
}

function toCheckAnnotation(a: PlannedAnnotation) {
  return {
    path: a.file ?? '',
    start_line: a.line ?? 1,
    end_line: a.line ?? 1,
    annotation_level:
      a.level === 'error'
        ? ('failure' as const)
        : a.level === 'notice'
          ? ('notice' as const)
          : ('warning' as const),
    title: a.title.slice(0, 255),
    message: a.message.slice(0, 64 * 1024 - 1),
    ...(a.fix ? { raw_details: `${fixLabel(a)}:\n${a.fix}`.slice(0, 64 * 1024 - 1) } : {}),
  };
}

export function httpStatus(e: unknown): number | undefined {
  return typeof e === 'object' && e && 'status' in e && typeof e.status === 'number' ? e.status : undefined;
}

/** Server errors, rate limits and network failures pass; a 4xx (permissions, validation) does not. */
export function isTransient(e: unknown): boolean {
  if (e instanceof CallCancelled) return false;
  const s = httpStatus(e);
  return s === undefined || s >= 500 || s === 429;
}

export interface RetryOptions {
  attempts?: number;
  /** first delay; doubled each time (with jitter) */
  baseDelayMs?: number;
}

export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 4;
  let delay = opts.baseDelayMs ?? 1000;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts || !isTransient(e)) throw e;
      await new Promise((r) => setTimeout(r, Math.round(delay * (0.75 + Math.random() / 2))));
      delay *= 2;
    }
  }
}

export function describeHttpError(e: unknown): string {
  const s = httpStatus(e);
  return `${s ? `HTTP ${s}: ` : ''}${(e as Error).message}`.slice(0, 300);
}

export interface CheckRunOutcome {
  url?: string;
  requests: number;
  /** annotations the check run holds */
  sent: number;
  completed: boolean;
  /** why some annotations (or the completion) did not get through */
  problem?: string;
}

export interface CheckOutput {
  title: string;
  summary: string;
  conclusion: 'success' | 'failure' | 'neutral';
}

/**
 * One check run with every annotation, 50 per request (create, then updates that append). Transient
 * failures are retried with backoff. If an update still fails, the remaining annotations are dropped
 * and the run is completed all the same, its summary saying how many are missing: a check run left
 * `in_progress` would block a required check forever. Throws only when the run cannot be created.
 */
export async function publishCheckRun(
  target: CheckRunTarget,
  annotations: readonly PlannedAnnotation[],
  output: CheckOutput,
  io: Pick<Io, 'info' | 'warning'>,
  retry: RetryOptions = {},
): Promise<CheckRunOutcome> {
  const octokit = await octokitFor(target);
  const summary = output.summary.slice(0, CHECK_SUMMARY_LIMIT);
  const batches: PlannedAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += CHECKS_BATCH)
    batches.push(annotations.slice(i, i + CHECKS_BATCH));
  const first = batches.shift() ?? [];
  const created = await withRetry(
    () =>
      octokit.rest.checks.create({
        owner: target.owner,
        repo: target.repo,
        name: target.name,
        head_sha: target.sha,
        status: batches.length ? 'in_progress' : 'completed',
        ...(batches.length ? {} : { conclusion: output.conclusion }),
        output: { title: output.title, summary, annotations: first.map(toCheckAnnotation) },
      }),
    retry,
  );
  const id = created.data.id;
  const url = created.data.html_url ?? undefined;
  /** One update of this check run (retried): more annotations, and/or its completion. */
  const update = (
    out: { summary: string; annotations?: ReturnType<typeof toCheckAnnotation>[] },
    complete: boolean,
  ) =>
    withRetry(
      () =>
        octokit.rest.checks.update({
          owner: target.owner,
          repo: target.repo,
          check_run_id: id,
          ...(complete ? { status: 'completed' as const, conclusion: output.conclusion } : {}),
          output: { title: output.title, ...out },
        }),
      retry,
    );
  let requests = 1;
  let sent = first.length;
  let problem: string | undefined;
  for (let i = 0; i < batches.length; i++) {
    const last = i === batches.length - 1;
    try {
      await update({ summary, annotations: batches[i].map(toCheckAnnotation) }, last);
      requests++;
      sent += batches[i].length;
    } catch (e) {
      requests++;
      problem = `updating the check run failed (${describeHttpError(e)})`;
      break;
    }
  }
  let completed = !problem;
  if (problem) {
    const missing = annotations.length - sent;
    io.warning(
      `Check run "${target.name}": ${problem}; ${missing} of ${annotations.length} annotation(s) could not be sent. Completing the check run without them.`,
    );
    const note = `\n\n**${missing} of ${annotations.length} annotation(s) could not be sent to this check run** (${problem}). All of them are in the job summary, the SARIF file and the JSON report.`;
    try {
      await update({ summary: `${summary}${note}` }, true);
      completed = true;
    } catch (e) {
      problem += `; completing it failed too (${describeHttpError(e)})`;
      io.warning(`Check run "${target.name}" could not be completed: ${describeHttpError(e)}.`);
    }
    requests++;
  }
  io.info(
    `Check run "${target.name}": ${sent} of ${annotations.length} annotation(s) in ${requests} request(s)${completed ? '' : ', NOT completed'} ${url ?? ''}`,
  );
  return { url, requests, sent, completed, problem };
}

/** How many more annotations of a level the reader will see in this step. */
function slotsLeft(io: Pick<Io, 'annotationCap' | 'annotationsUsed'>, level: AnnotationLevel): number {
  const cap = io.annotationCap ?? Number.POSITIVE_INFINITY;
  return Math.max(0, cap - (io.annotationsUsed?.()[level] ?? 0));
}

/**
 * Emit workflow-command annotations within GitHub's per-step cap; log the rest. One notice slot is
 * kept for this step's own message (how many were not shown and why), so that the action's own words
 * never take a finding's place and the key message is never the one dropped.
 */
export function emitWorkflowAnnotations(
  io: Pick<Io, 'annotate' | 'info' | 'annotationCap' | 'annotationsUsed'>,
  annotations: readonly PlannedAnnotation[],
  changed: Map<string, Set<number>>,
  reason: string,
): DeliveryResult {
  const ordered = prioritise(annotations, changed);
  const left = {
    error: slotsLeft(io, 'error'),
    warning: slotsLeft(io, 'warning'),
    notice: Math.max(0, slotsLeft(io, 'notice') - 1),
  };
  const rest: PlannedAnnotation[] = [];
  for (const a of ordered) {
    if (left[a.level] > 0) {
      left[a.level]--;
      io.annotate({ level: a.level, title: a.title, message: a.message, file: a.file, line: a.line });
    } else rest.push(a);
  }
  const shown = annotations.length - rest.length;
  if (rest.length) {
    io.annotate({
      level: 'notice',
      title: `${rest.length} of ${annotations.length} findings are not shown as annotations`,
      message:
        `GitHub shows at most ${WORKFLOW_COMMAND_LIMIT} annotations of each level per step, and the check run with all of them could not be used (${reason}). ` +
        'All findings are in the job summary, the SARIF file and the step log. Grant `checks: write` to see them all on the pull request.',
    });
    io.info(`${rest.length} finding(s) not shown as annotations:`);
    for (const a of rest) io.info(`  ${a.file ? `${a.file}:${a.line ?? 1}: ` : ''}${a.title}`);
  } else if (reason) io.info(`Annotations as workflow commands (${reason}).`);
  return { method: 'workflow-commands', shown, notShown: rest.length, reason };
}

/**
 * Checks API when possible, otherwise the graceful fallback. Never throws for permission or API
 * problems; a 403/404/401 means the token cannot create check runs, anything else is the API's fault.
 */
export async function deliverAnnotations(
  io: Pick<Io, 'annotate' | 'info' | 'warning' | 'annotationCap' | 'annotationsUsed'>,
  target: CheckRunTarget | undefined,
  annotations: readonly PlannedAnnotation[],
  output: CheckOutput,
  changed: () => Promise<Map<string, Set<number>>>,
  retry: RetryOptions = {},
): Promise<DeliveryResult> {
  let reason = 'no GitHub token/repository in the environment';
  const located = annotations.filter((a) => a.file);
  const unlocated = annotations.filter((a) => !a.file);
  if (target) {
    try {
      const r = await publishCheckRun(target, located, output, io, retry);
      // A finding with no file cannot go on a check run; it still goes to the log (and SARIF).
      for (const a of unlocated) io.info(`not annotated (no file): ${a.title}`);
      return {
        method: 'checks',
        shown: r.sent,
        notShown: annotations.length - r.sent,
        checkRunUrl: r.url,
        completed: r.completed,
        ...(r.problem ? { reason: r.problem } : {}),
      };
    } catch (e) {
      const status = httpStatus(e);
      reason =
        status === 403 || status === 404 || status === 401
          ? `the token cannot create check runs (HTTP ${status}; pull requests from forks get a read-only token, or the job lacks \`checks: write\`)`
          : `the Checks API failed to create the check run (${describeHttpError(e)}), after retries`;
      io.info(`Could not publish the check run: ${reason}. Falling back to workflow annotations.`);
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
