/**
 * scripts/release.mjs (issue 24): tags vX.Y.Z and moves vX, as actions are consumed, against a real git
 * repository and a bare origin; refuses, tagging nothing, what a release must not be.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tmpDir } from './helpers.js';

function repo(distOk = true) {
  const dir = tmpDir('ami-bakery-release-');
  const origin = tmpDir('ami-bakery-release-origin-');
  const git = (...a: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
  execFileSync('git', ['init', '-q', '--bare', origin]);
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', origin);
  const write = (version: string) => {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'ami-bakery', version }));
    fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
    // the repository's own dist check: here a stand-in that passes or fails
    fs.writeFileSync(
      path.join(dir, 'scripts/check-dist.sh'),
      distOk ? 'exit 0\n' : 'echo "action-scan/dist differs"; exit 1\n',
    );
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', `v${version}`);
  };
  const release = (...a: string[]) =>
    spawnSync(process.execPath, [path.join(ROOT, 'scripts/release.mjs'), ...a], {
      cwd: dir,
      encoding: 'utf8',
    });
  const remoteTag = (t: string) =>
    execFileSync('git', ['rev-parse', `refs/tags/${t}^{commit}`], { cwd: origin, encoding: 'utf8' }).trim();
  return { dir, git, write, release, remoteTag };
}

describe('scripts/release.mjs', () => {
  it('tags vX.Y.Z, moves vX, and pushes both; the next minor moves vX again', () => {
    const r = repo();
    r.write('1.0.0');
    const first = r.release('1.0.0', '--push');
    expect(first.status, first.stderr).toBe(0);
    const one = r.git('rev-parse', 'HEAD');
    expect(r.remoteTag('v1.0.0')).toBe(one);
    expect(r.remoteTag('v1')).toBe(one);
    r.write('1.1.0');
    const second = r.release('1.1.0', '--push');
    expect(second.status, second.stderr).toBe(0);
    const two = r.git('rev-parse', 'HEAD');
    expect(r.remoteTag('v1')).toBe(two);
    expect(r.remoteTag('v1.1.0')).toBe(two);
    expect(r.remoteTag('v1.0.0')).toBe(one);
    expect(second.stdout).toContain(`Tagged v1.1.0 and moved v1 to ${two.slice(0, 12)}.`);
  });

  it.each([
    ['not a version', ['1.2'], '1.0.0', /"1\.2" is not a version X\.Y\.Z/],
    ['a leading v', ['v1.0.0'], '1.0.0', /is not a version/],
    ['not newer', ['0.9.0'], '0.9.0', /v0\.9\.0 is not newer than the newest release, v1\.0\.0/],
    ['another package.json version', ['1.1.0'], '1.0.5', /package\.json says 1\.0\.5/],
    ['an unknown option', ['1.1.0', '--force'], '1.1.0', /unknown option --force/],
  ])('refuses %s, tagging nothing', (_, args, pkg, said) => {
    const r = repo();
    r.write('1.0.0');
    expect(r.release('1.0.0').status).toBe(0);
    r.write(pkg);
    const tags = r.git('tag', '--list');
    const out = r.release(...args);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(said);
    expect(r.git('tag', '--list')).toBe(tags);
  });

  it('refuses a working tree with changes, and a dist out of sync', () => {
    const r = repo();
    r.write('1.0.0');
    fs.writeFileSync(path.join(r.dir, 'untracked.txt'), 'x');
    expect(r.release('1.0.0').stderr).toMatch(/the working tree has changes/);
    const stale = repo(false);
    stale.write('1.0.0');
    const out = stale.release('1.0.0');
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/dist\/ is not in sync with src\/:\naction-scan\/dist differs/);
    expect(stale.git('tag', '--list')).toBe('');
  });
});
