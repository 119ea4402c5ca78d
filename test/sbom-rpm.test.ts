/**
 * rpm images (issue 26), against the real rpm: the version order as rpm's own `rpm.vercmp` has it,
 * and the SBOM and package diff of two rpm databases into which real packages (built here with
 * rpmbuild, with their licenses) were installed with rpm itself: one added, one upgraded.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as cdx from '@cyclonedx/cyclonedx-library';
import { describe, expect, it } from 'vitest';
import { readRpmDatabase } from '../action-scan/src/engine.js';
import { compareRpmVersions, packageDiff } from '../action-scan/src/sbom/diff.js';
import { installedPackages, reportPackages } from '../action-scan/src/sbom/packages.js';
import { imageSbom } from '../action-scan/src/sbom/write.js';
import { tmpDir } from './helpers.js';

const run = promisify(execFile);

describe('compareRpmVersions', () => {
  it("orders as rpm's rpm.vercmp does, on the hard cases", async () => {
    const versions = [
      '1.0',
      '1.0-1',
      '1.0-2',
      '1.0-10',
      '1:0.9-1',
      '0:1.0-1',
      '1.0~rc1-1',
      '1.0~rc1~1-1',
      '1.0^git1-1',
      '1.0^-1',
      '1.0a-1',
      '1.0.1-1',
      '1.00-1',
      '1.0_1-1',
      '1.0.a-1',
      'a-1',
      '2.36-9.el9',
      '2.36-9.el9_2',
      '3.0.8-1.amzn2023.0.14',
      '3.0.8-1.amzn2023.0.9',
      '10-1',
      '9-1',
    ];
    const lua = `%{lua: local v = {${versions.map((v) => `"${v}"`).join(',')}}; local out = {}; for i = 1, #v do for j = 1, #v do out[#out + 1] = rpm.vercmp(v[i], v[j]) end end; print(table.concat(out, ","))}`;
    const { stdout } = await run('rpm', ['--eval', lua]);
    const says = stdout.trim().split(',').map(Number);
    expect(says).toHaveLength(versions.length ** 2);
    let k = 0;
    for (const a of versions)
      for (const b of versions) {
        const ours = Math.sign(compareRpmVersions(a, b));
        expect([a, b, ours]).toEqual([a, b, says[k++]]);
      }
  });
});

/** A real rpm of our own, built with rpmbuild. */
async function rpmOf(
  dir: string,
  name: string,
  version: string,
  release: string,
  license: string,
  epoch?: number,
) {
  const spec = path.join(dir, `${name}-${version}-${release}.spec`);
  fs.writeFileSync(
    spec,
    `Name: ${name}\nVersion: ${version}\nRelease: ${release}\n${epoch ? `Epoch: ${epoch}\n` : ''}Summary: test package of the ami-bakery suite\nLicense: ${license}\nBuildArch: noarch\n%description\ntest package\n%files\n`,
  );
  const top = path.join(dir, 'rpmbuild');
  await run('rpmbuild', ['--define', `_topdir ${top}`, '-bb', spec]);
  return path.join(top, 'RPMS/noarch', `${name}-${version}-${release}.noarch.rpm`);
}

/** An rpm image's package database at /var/lib/rpm, with `rpms` installed by rpm (database only). */
async function image(dir: string, rpms: string[]): Promise<string> {
  fs.mkdirSync(path.join(dir, 'var/lib/rpm'), { recursive: true });
  await run('rpm', ['--root', dir, '--dbpath', '/var/lib/rpm', '--initdb']);
  await run('rpm', ['--root', dir, '--dbpath', '/var/lib/rpm', '-i', '--nodeps', '--justdb', ...rpms]);
  return dir;
}

describe('an rpm image: its SBOM and its package diff', () => {
  it('lists exactly what rpm -qa lists, with licenses and rpm purls, valid CycloneDX 1.5; the diff of two images is exact', async () => {
    const dir = tmpDir('ami-bakery-rpm-');
    const probe1 = await rpmOf(dir, 'ami-bakery-probe', '1.0', '2', 'MIT AND Apache-2.0');
    const probe2 = await rpmOf(dir, 'ami-bakery-probe', '1.0', '10', 'MIT AND Apache-2.0');
    const base = await rpmOf(dir, 'ami-bakery-base', '2.36', '9.el9', 'GPLv2+');
    const extra = await rpmOf(dir, 'ami-bakery-extra', '0.9', '1', 'BSD-3-Clause', 1);
    const golden = await image(path.join(dir, 'golden'), [probe1, base]);
    const next = await image(path.join(dir, 'next'), [probe2, base, extra]);

    const inv = await readRpmDatabase(next);
    expect(inv.rpmProblem).toBeUndefined();
    const { format, packages } = installedPackages({ rpmPackages: inv.rpmPackages });
    expect(format).toBe('rpm');
    // exactly what rpm itself lists
    const { stdout } = await run('rpm', [
      '--root',
      next,
      '--dbpath',
      '/var/lib/rpm',
      '-qa',
      '--qf',
      '%{NAME} %{EVR}\\n',
    ]);
    expect(packages.map((p) => `${p.name} ${p.version}`).sort()).toEqual(stdout.trim().split('\n').sort());

    const sbom = imageSbom(
      { osRelease: 'ID=amzn\nVERSION_ID="2023"\nPRETTY_NAME="Amazon Linux 2023"\n', ...inv },
      { amiId: 'ami-0123456789abcdef0', architecture: 'x86_64', commit: 'c0ffee1' } as never,
    );
    if ('none' in sbom) throw new Error(sbom.none);
    expect(
      await new cdx.Validation.JsonStrictValidator(cdx.Spec.Version.v1dot5).validate(sbom.json),
    ).toBeNull();
    const bom = JSON.parse(sbom.json) as {
      components: Array<{ name: string; purl: string; licenses?: Array<Record<string, unknown>> }>;
    };
    const by = Object.fromEntries(bom.components.map((c) => [c.name, c]));
    expect(by['ami-bakery-extra'].purl).toBe(
      'pkg:rpm/amzn/ami-bakery-extra@0.9-1?arch=noarch&distro=amzn-2023&epoch=1',
    );
    expect(by['ami-bakery-probe'].licenses).toEqual([{ expression: 'MIT AND Apache-2.0' }]);
    expect(by['ami-bakery-extra'].licenses).toEqual([{ license: { id: 'BSD-3-Clause' } }]);
    expect(by['ami-bakery-base'].licenses).toEqual([{ license: { name: 'GPLv2+' } }]);

    const before = reportPackages(
      installedPackages({ rpmPackages: (await readRpmDatabase(golden)).rpmPackages }).packages,
    );
    expect(packageDiff(before, reportPackages(packages), 'rpm')).toEqual({
      added: [{ name: 'ami-bakery-extra', architecture: 'noarch', to: '1:0.9-1' }],
      removed: [],
      // 10 after 2: rpm's order, not the text's
      upgraded: [{ name: 'ami-bakery-probe', architecture: 'noarch', from: '1.0-2', to: '1.0-10' }],
      downgraded: [],
    });
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('says why when rpm cannot read the image, and an image with no package database has no SBOM', async () => {
    const dir = tmpDir('ami-bakery-rpm-');
    fs.mkdirSync(path.join(dir, 'var/lib/rpm'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'var/lib/rpm/rpmdb.sqlite'), 'not a database');
    const inv = await readRpmDatabase(dir);
    expect(inv.rpmProblem).toMatch(/^rpm -qa failed \(exit 1\): error: cannot open Packages database in /);
    expect(imageSbom({ osRelease: '', ...inv }, {} as never)).toEqual({ none: inv.rpmProblem });
    const none = imageSbom({ osRelease: '' }, {} as never);
    expect(none).toEqual({
      none: 'the image has no package database (neither /var/lib/dpkg/status nor /var/lib/rpm)',
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
