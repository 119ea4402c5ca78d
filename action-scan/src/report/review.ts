/**
 * Posting the planned suggested changes (input `suggest`) as one pull request review, once: comments
 * already on the pull request (found by their hidden key) are not posted again. A review that GitHub
 * refuses as a whole (422: a line outside the diff) is retried comment by comment. Never throws: a
 * token without `pull-requests: write` (403) or a failing API is a warning that says what was not posted.
 */
import type { Io } from '../../../shared/src/io.js';
import {
  type CheckRunTarget,
  describeHttpError,
  httpStatus,
  octokitFor,
  type RetryOptions,
  withRetry,
} from './checks.js';
import { type PlannedSuggestion, suggestionKeyOf } from './suggestions.js';

export interface ReviewTarget extends Omit<CheckRunTarget, 'name'> {
  pullNumber: number;
}

export interface ReviewOutcome {
  posted: number;
  /** already on the pull request from an earlier run */
  existing: number;
  notPosted: number;
  reason?: string;
  url?: string;
}

export async function postSuggestions(
  io: Pick<Io, 'info' | 'warning'>,
  target: ReviewTarget,
  suggestions: readonly PlannedSuggestion[],
  retry: RetryOptions = {},
): Promise<ReviewOutcome> {
  const octokit = await octokitFor(target);
  const where = { owner: target.owner, repo: target.repo, pull_number: target.pullNumber };
  const fail = (what: string, e: unknown, posted = 0, existing = 0): ReviewOutcome => {
    const status = httpStatus(e);
    const reason =
      status === 403 || status === 401 || status === 404
        ? `the token cannot ${what} (HTTP ${status}; the job needs \`pull-requests: write\`, which pull requests from forks do not get)`
        : `${what} failed (${describeHttpError(e)})`;
    io.warning(
      `suggest: ${reason}; ${suggestions.length - posted - existing} suggested change(s) not posted.`,
    );
    return { posted, existing, notPosted: suggestions.length - posted - existing, reason };
  };
  let onPr: Set<string>;
  try {
    const comments = await withRetry(
      () => octokit.paginate(octokit.rest.pulls.listReviewComments, { ...where, per_page: 100 }),
      retry,
    );
    onPr = new Set(comments.map((c) => suggestionKeyOf(c.body)).filter((k): k is string => !!k));
  } catch (e) {
    return fail('read the pull request review comments', e);
  }
  const fresh = suggestions.filter((s) => !onPr.has(s.key));
  const existing = suggestions.length - fresh.length;
  if (!fresh.length) {
    io.info(
      `suggest: all ${existing} suggested change(s) are already on pull request #${target.pullNumber}.`,
    );
    return { posted: 0, existing, notPosted: 0 };
  }
  const comment = (s: PlannedSuggestion) => ({
    path: s.file,
    line: s.line,
    side: 'RIGHT' as const,
    body: s.body,
  });
  try {
    const r = await withRetry(
      () =>
        octokit.rest.pulls.createReview({
          ...where,
          commit_id: target.sha,
          event: 'COMMENT',
          body: `ami-bakery scan: ${fresh.length} failing control(s) have a one-line fix from the benchmark content, suggested below.`,
          comments: fresh.map(comment),
        }),
      retry,
    );
    io.info(`suggest: ${fresh.length} suggested change(s) posted in one review ${r.data.html_url ?? ''}`);
    return { posted: fresh.length, existing, notPosted: 0, url: r.data.html_url ?? undefined };
  } catch (e) {
    if (httpStatus(e) !== 422) return fail('create a pull request review', e, 0, existing);
    io.info(`suggest: GitHub refused the review as a whole (${describeHttpError(e)}); posting one by one.`);
  }
  let posted = 0;
  const refused: string[] = [];
  for (const s of fresh) {
    try {
      await withRetry(
        () => octokit.rest.pulls.createReviewComment({ ...where, commit_id: target.sha, ...comment(s) }),
        retry,
      );
      posted++;
    } catch (e) {
      if (httpStatus(e) !== 422) return fail('create a review comment', e, posted, existing);
      refused.push(`${s.file}:${s.line} ${s.control}`);
    }
  }
  const reason = refused.length
    ? `GitHub refused ${refused.length} (HTTP 422, the line is not in the pull request's diff): ${refused.join(', ')}`
    : undefined;
  if (reason) io.warning(`suggest: ${reason}.`);
  io.info(`suggest: ${posted} of ${fresh.length} suggested change(s) posted one by one.`);
  return { posted, existing, notPosted: refused.length, reason };
}

/** The pull request a run is for, with the check run's token and API; undefined outside a pull request. */
export function reviewTargetFromEnv(
  check: CheckRunTarget | undefined,
  pullNumber: number | undefined,
): ReviewTarget | undefined {
  if (!check || !pullNumber) return undefined;
  const { name: _name, ...rest } = check;
  return { ...rest, pullNumber };
}
