#!/usr/bin/env node
/**
 * `node scripts/release.mjs X.Y.Z [--push]`: tag a release as GitHub Actions are consumed. Creates the
 * annotated tag vX.Y.Z on HEAD and moves the major tag vX to it (actions/typescript-action's
 * versioning), so `uses: <owner>/ami-bakery/…@vX` and the reusable workflow's own checkout follow
 * the newest vX.*. With --push it pushes both to origin (vX with --force: it moves).
 *
 * Refuses, changing nothing: a version that is not X.Y.Z or not newer than the newest vX.Y.Z tag, a
 * working tree with changes, a package.json of another version (bump it in the release commit), or a
 * dist/ out of sync with src/ (scripts/check-dist.sh).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const cwd = process.cwd();
const git = (...args) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const fail = (message) => {
  console.error(`release: ${message}`);
  process.exit(1);
};

const args = process.argv.slice(2);
const push = args.includes('--push');
const version = args.find((a) => !a.startsWith('--'));
const unknown = args.filter((a) => a.startsWith('--') && a !== '--push');
if (unknown.length) fail(`unknown option ${unknown[0]} (usage: node scripts/release.mjs X.Y.Z [--push])`);
if (!version || !/^\d+\.\d+\.\d+$/.test(version))
  fail(`"${version ?? ''}" is not a version X.Y.Z (usage: node scripts/release.mjs 1.2.3 [--push])`);

const parts = (v) => v.split('.').map(Number);
const newer = (a, b) => {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return false;
};
const released = git('tag', '--list', 'v*.*.*')
  .split('\n')
  .map((t) => t.replace(/^v/, ''))
  .filter((t) => /^\d+\.\d+\.\d+$/.test(t));
const latest = released.reduce((m, t) => (!m || newer(t, m) ? t : m), '');
if (latest && !newer(version, latest)) fail(`v${version} is not newer than the newest release, v${latest}.`);

if (git('status', '--porcelain')) fail('the working tree has changes: commit or stash them first.');
const pkg = JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf8'));
if (pkg.version !== version)
  fail(`package.json says ${pkg.version}: set "version": "${version}" in the release commit first.`);
const dist = spawnSync('bash', ['scripts/check-dist.sh'], { cwd, encoding: 'utf8' });
if (dist.status !== 0) fail(`dist/ is not in sync with src/:\n${dist.stdout}${dist.stderr}`);

const major = `v${version.split('.')[0]}`;
const head = git('rev-parse', 'HEAD');
git('tag', '-a', `v${version}`, '-m', `ami-bakery v${version}`);
git('tag', '-fa', major, '-m', `ami-bakery ${major} (v${version})`);
console.log(`Tagged v${version} and moved ${major} to ${head.slice(0, 12)}.`);
if (push) {
  git('push', 'origin', `refs/tags/v${version}`);
  git('push', '--force', 'origin', `refs/tags/${major}`);
  console.log(`Pushed v${version} and ${major} to origin.`);
} else {
  console.log(
    `Not pushed. To publish: git push origin v${version} && git push --force origin ${major} (or run again with --push).`,
  );
}
