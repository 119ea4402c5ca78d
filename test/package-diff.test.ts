/**
 * The package diff between two images (issue 26), against the real dpkg: version order as
 * `dpkg --compare-versions` has it, and the diff of two dpkg databases into which real packages
 * (built here with dpkg-deb) were installed with dpkg itself: one added, one upgraded.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compareDebVersions, packageDiff } from '../action-scan/src/sbom/diff.js';
import { parseDpkgStatus } from '../action-scan/src/sbom/packages.js';
import { baseRootfs, tmpDir } from './helpers.js';

// awaited, not spawnSync: hundreds of synchronous calls in a row stall vitest's worker RPC
const dpkgSays = (a: string, op: 'lt' | 'eq' | 'gt', b: string) =>
  promisify(execFile)('dpkg', ['--compare-versions', a, op, b]).then(
    () => true,
    () => false,
  );
const sign = (n: number) => (n < 0 ? 'lt' : n > 0 ? 'gt' : 'eq');

describe('compareDebVersions', () => {
  it('orders as dpkg --compare-versions does, on the hard cases and on versions of the real root filesystem’s packages', async () => {
    const hard = [
      '1.0',
      '1.0-0',
      '1.0-1',
      '1.0~rc1',
      '1.0~rc1~1',
      '1.0a',
      '1.0+1',
      '1.0.1',
      '1:0.9',
      '2:1.0',
      '0:1.0',
      '1.0-1+b1',
      '2.36-9+deb12u4',
      '2.36-9+deb12u10',
      '1.00',
      '1.0-1ubuntu0.22.04.1',
      '1.0-1ubuntu0.22.04.10',
      '9.2p1-2+deb12u3',
      '1:9.2p1-2+deb12u3',
    ];
    const real = parseDpkgStatus(fs.readFileSync(path.join(baseRootfs(), 'var/lib/dpkg/status'), 'utf8')).map(
      (p) => p.version,
    );
    const versions = [...new Set([...hard, ...real.slice(0, 10)])];
    let pairs = 0;
    for (const a of versions)
      for (const b of versions) {
        const ours = sign(compareDebVersions(a, b));
        expect([a, ours, b, await dpkgSays(a, ours, b)]).toEqual([a, ours, b, true]);
        pairs++;
      }
    expect(pairs).toBeGreaterThan(800);
  });
});

/** A real .deb of our own, built with dpkg-deb. */
function deb(dir: string, name: string, version: string): string {
  const root = path.join(dir, `${name}-${version}`);
  fs.mkdirSync(path.join(root, 'DEBIAN'), { recursive: true });
  fs.mkdirSync(path.join(root, 'usr/share/doc', name), { recursive: true });
  fs.writeFileSync(path.join(root, 'usr/share/doc', name, 'README'), `${name} ${version}\n`);
  fs.writeFileSync(
    path.join(root, 'DEBIAN/control'),
    `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: Platform <platform@example.com>\nDescription: test package of the ami-bakery suite\n`,
  );
  const out = path.join(dir, `${name}_${version}_all.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, out], { stdio: 'ignore' });
  return out;
}

/** An image's package database: the suite's root filesystem's, into which `debs` are installed with dpkg. */
function image(dir: string, debs: string[]): string {
  fs.mkdirSync(path.join(dir, 'var/lib'), { recursive: true });
  fs.cpSync(path.join(baseRootfs(), 'var/lib/dpkg'), path.join(dir, 'var/lib/dpkg'), { recursive: true });
  for (const d of debs)
    execFileSync('dpkg', ['--root', dir, '--force-script-chrootless', '--force-not-root', '-i', d], {
      stdio: 'ignore',
    });
  return fs.readFileSync(path.join(dir, 'var/lib/dpkg/status'), 'utf8');
}

describe('packageDiff of two real dpkg databases', () => {
  it('is exact: one package added, one upgraded, nothing else', () => {
    const dir = tmpDir('ami-bakery-package-diff-');
    try {
      const v1 = deb(dir, 'ami-bakery-probe', '1.0-1');
      const v2 = deb(dir, 'ami-bakery-probe', '1.0-1+b1');
      const extra = deb(dir, 'ami-bakery-extra', '2:0.1~rc1');
      const golden = parseDpkgStatus(image(path.join(dir, 'golden'), [v1]));
      const next = parseDpkgStatus(image(path.join(dir, 'next'), [v2, extra]));
      expect(packageDiff(golden, next)).toEqual({
        added: [{ name: 'ami-bakery-extra', architecture: 'all', to: '2:0.1~rc1' }],
        removed: [],
        upgraded: [{ name: 'ami-bakery-probe', architecture: 'all', from: '1.0-1', to: '1.0-1+b1' }],
        downgraded: [],
      });
      // and back: removed and downgraded
      expect(packageDiff(next, golden)).toEqual({
        added: [],
        removed: [{ name: 'ami-bakery-extra', architecture: 'all', from: '2:0.1~rc1' }],
        upgraded: [],
        downgraded: [{ name: 'ami-bakery-probe', architecture: 'all', from: '1.0-1+b1', to: '1.0-1' }],
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
