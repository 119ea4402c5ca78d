/**
 * What the GitHub Actions environment says about the run: its URL and its event payload. No I/O
 * beyond reading the event file the runner wrote; outside Actions both are undefined.
 */
import * as fs from 'node:fs';

/** The run's page, e.g. https://github.com/acme/images/actions/runs/42. */
export function runUrl(env: NodeJS.ProcessEnv): string | undefined {
  return env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
    ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
    : undefined;
}

/** The event payload (GITHUB_EVENT_PATH), parsed; undefined when there is none or it cannot be read. */
// biome-ignore lint/suspicious/noExplicitAny: the payload's shape depends on the event
export function eventPayload(env: NodeJS.ProcessEnv): any {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    return JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Where a repository file is shown at the commit the run checked out (GITHUB_SHA), e.g.
 * https://github.com/acme/images/blob/<sha>/ (a path and `#L12` follow); undefined outside Actions.
 */
export function blobBase(env: NodeJS.ProcessEnv): string | undefined {
  const sha = env.GITHUB_SHA ?? '';
  const repo = env.GITHUB_REPOSITORY ?? '';
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(sha) || !/^[\w.-]+\/[\w.-]+$/.test(repo)) return undefined;
  const server = /^https?:\/\/[^\s"'<>]+$/.test(env.GITHUB_SERVER_URL ?? '')
    ? env.GITHUB_SERVER_URL!.replace(/\/$/, '')
    : 'https://github.com';
  return `${server}/${repo}/blob/${sha}/`;
}
