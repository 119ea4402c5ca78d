/**
 * Paths as the reviewer sees them: relative to the repository root, whatever the cwd, with forward
 * slashes and no `./`. The root is GITHUB_WORKSPACE, else the git top level, else the cwd.
 * Globs may be relative (to the cwd) or absolute; what they match must lie inside the root.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';
import { InputError } from './errors.js';

const roots = new Map<string, string>();

export function repoRoot(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const key = `${env.GITHUB_WORKSPACE ?? ''}\0${cwd}`;
  let root = roots.get(key);
  if (!root) {
    root = findRoot(env, cwd);
    roots.set(key, root);
  }
  return root;
}

function findRoot(env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.GITHUB_WORKSPACE) return realpath(path.resolve(cwd, env.GITHUB_WORKSPACE));
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (top) return realpath(top);
  } catch {
    // not a git checkout (or no git): the cwd is the root
  }
  return realpath(cwd);
}

/** The real path of `p` (links resolved), or `p` resolved when it does not exist. */
export function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** stat, or undefined for a path that cannot be (missing, too long, a loop of links). */
export function statOf(abs: string): fs.Stats | undefined {
  try {
    return fs.statSync(abs);
  } catch {
    return undefined;
  }
}

/** `abs` relative to `root` (posix), or undefined when it lies outside. */
export function insideRoot(root: string, abs: string): string | undefined {
  const rel = path.relative(root, realpath(abs));
  if (rel === '') return '.';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** A path the user gave (relative to the cwd, or absolute) as a repository path; refused outside the root. */
export function repoPath(root: string, given: string, input: string, cwd = process.cwd()): string {
  const rel = insideRoot(root, path.resolve(cwd, given));
  if (rel === undefined) {
    throw new InputError(
      input,
      `"${given}" is outside the repository (${root}).`,
      'give files inside the repository (GITHUB_WORKSPACE); nothing outside it is read into reports.',
    );
  }
  return rel;
}

/** A glob or path an input gives: at most 4,096 characters (the glob library refuses longer ones with a SyntaxError). */
export function checkGlobPattern(input: string, pattern: string): void {
  if (pattern.length > 4096 || pattern.includes('\0'))
    throw new InputError(
      input,
      `"${pattern.slice(0, 80)}…" is not a usable path or glob (${pattern.length} characters; at most 4096, no NUL).`,
      'give a shorter path or glob, e.g. scripts/**/*.sh.',
    );
}

export interface GlobOptions {
  root: string;
  input: string;
  cwd?: string;
  ignore?: string[];
}

/**
 * Expand globs (relative to `cwd`, or absolute; a directory means every file under it) into
 * repository-relative paths, sorted and unique. A file outside the root is an InputError.
 */
export async function expandRepoGlobs(patterns: string[], opts: GlobOptions): Promise<string[]> {
  const cwd = opts.cwd ?? process.cwd();
  const absPatterns: string[] = [];
  const negations: string[] = [];
  for (const p of patterns) {
    const neg = p.startsWith('!');
    const body = neg ? p.slice(1) : p;
    let abs = path.isAbsolute(body) ? body : `${fg.escapePath(cwd.split(path.sep).join('/'))}/${body}`;
    const literal = path.resolve(cwd, body);
    if (!fg.isDynamicPattern(body) && fs.existsSync(literal) && fs.statSync(literal).isDirectory())
      abs = `${fg.escapePath(literal.split(path.sep).join('/'))}/**/*`;
    (neg ? negations : absPatterns).push(path.posix.normalize(abs));
  }
  const found = await fg(absPatterns, {
    onlyFiles: true,
    dot: false,
    absolute: true,
    ignore: [...(opts.ignore ?? []), ...negations],
    followSymbolicLinks: false,
  });
  const out = new Set<string>();
  const outside: string[] = [];
  for (const f of found) {
    const rel = insideRoot(opts.root, f);
    if (rel === undefined) outside.push(f);
    else out.add(rel);
  }
  if (outside.length) {
    throw new InputError(
      opts.input,
      `matches ${outside.length} file(s) outside the repository (${opts.root}), e.g. "${outside[0]}".`,
      'give globs for files inside the repository (GITHUB_WORKSPACE); nothing outside it is read into reports.',
    );
  }
  return [...out].sort();
}
