/** The pull request's diff, from git: the lines it changed, and the lines it removed (for the ratchet). */
import { exec } from '../../shared/src/exec.js';
import { eventPayload } from '../../shared/src/github-env.js';
import { parseChangedLines } from './report/annotations.js';

/**
 * `git diff` of a pull request against the event's base commit (fetched with depth 1 when
 * actions/checkout's shallow clone lacks it); undefined when this is not a pull request or git
 * cannot tell.
 */
export async function pullRequestDiff(env: NodeJS.ProcessEnv, root: string): Promise<string | undefined> {
  const base: string | undefined = eventPayload(env)?.pull_request?.base?.sha;
  const ref = base ?? (env.GITHUB_BASE_REF ? `origin/${env.GITHUB_BASE_REF}` : undefined);
  if (!ref) return undefined;
  const diff = () =>
    exec('git', ['diff', '--unified=0', '--no-color', '--no-ext-diff', ref, 'HEAD', '--'], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
  let r = await diff();
  if (r.code !== 0 && base) {
    await exec('git', ['fetch', '--no-tags', '--depth=1', 'origin', base], { cwd: root, timeoutMs: 60_000 });
    r = await diff();
  }
  return r.code === 0 ? r.stdout : undefined;
}

/**
 * The pull request's diff, read at most once per scan, for whoever asks first: the ratchet (where a
 * dropped marker was) and the suggestions (which lines changed).
 */
export function pullRequestDiffOnce(env: NodeJS.ProcessEnv, root: string) {
  let read: Promise<string | undefined> | undefined;
  const diff = () => {
    read ??= pullRequestDiff(env, root);
    return read;
  };
  const changedLines = async (): Promise<Map<string, Set<number>>> => {
    const d = await diff();
    return d ? parseChangedLines(d) : new Map();
  };
  return { diff, changedLines };
}
