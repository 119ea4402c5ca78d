/**
 * The image's SBOM (issue 26): packages from a dpkg status file (in the shape dpkg writes it), and
 * CycloneDX 1.5 JSON validated with CycloneDX's own strict schema validator.
 */
import * as cdx from '@cyclonedx/cyclonedx-library';
import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA, validateReport } from '../../action-scan/src/report/report.js';
import { packageLines } from '../../action-scan/src/report/summary.js';
import { buildSbom, debPurl } from '../../action-scan/src/sbom/cyclonedx.js';
import { packageDiff } from '../../action-scan/src/sbom/diff.js';
import { parseDpkgStatus } from '../../action-scan/src/sbom/packages.js';

// the fields dpkg writes per package; continuation lines, a removed package with its configuration
// kept, a half-installed one, an epoch, a binNMU and a package of another architecture
const STATUS = `Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12988
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Depends: libgcc-s1
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: bash
Essential: yes
Status: install ok installed
Architecture: amd64
Source: bash (5.2.15-2)
Version: 5.2.15-2+b13
Description: GNU Bourne Again SHell

Package: old-tool
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1

Package: broken
Status: install reinstreq half-installed
Architecture: amd64
Version: 2.0-1

Package: tzdata
Status: install ok installed
Architecture: all
Version: 2024a-0+deb12u1

Package: libc6
Status: install ok installed
Architecture: i386
Source: glibc
Version: 2.36-9+deb12u4

Package: openssh-server
Status: install ok installed
Architecture: amd64
Source: openssh
Version: 1:9.2p1-2+deb12u3
`;

describe('parseDpkgStatus', () => {
  it('lists the installed packages only, with version, architecture and source package', () => {
    const p = parseDpkgStatus(STATUS);
    expect(p.map((x) => `${x.name}:${x.architecture}=${x.version}`)).toEqual([
      'libc6:amd64=2.36-9+deb12u4',
      'bash:amd64=5.2.15-2+b13',
      'tzdata:all=2024a-0+deb12u1',
      'libc6:i386=2.36-9+deb12u4',
      'openssh-server:amd64=1:9.2p1-2+deb12u3',
    ]);
    expect(p[0].source).toEqual({ name: 'glibc' });
    // a binNMU: same source name, the source's own version
    expect(p[1].source).toEqual({ name: 'bash', version: '5.2.15-2' });
    expect(p[2].source).toBeUndefined();
  });

  it('reads nothing from text that is not a status file', () => {
    expect(parseDpkgStatus('')).toEqual([]);
    expect(parseDpkgStatus('<html>\n<body>')).toEqual([]);
    expect(parseDpkgStatus('Package: x\nVersion: 1\n')).toEqual([]);
  });
});

describe('buildSbom', () => {
  const facts = {
    osId: 'debian',
    osVersion: '12',
    osName: 'Debian GNU/Linux 12 (bookworm)',
    amiId: 'ami-0123456789abcdef0',
    architecture: 'x86_64',
    commit: '0123456789abcdef0123456789abcdef01234567',
    toolVersion: '0.1.0',
    timestamp: new Date('2026-12-02T00:00:00Z'),
  };

  it('purls as packageurl-js (the purl spec’s own library) writes deb: vendor namespace, arch, distro and upstream qualifiers', () => {
    const [, bash, , , ssh] = parseDpkgStatus(STATUS);
    expect(debPurl(ssh, 'debian', '12')).toBe(
      'pkg:deb/debian/openssh-server@1:9.2p1-2+deb12u3?arch=amd64&distro=debian-12&upstream=openssh',
    );
    expect(debPurl(bash, 'ubuntu', '22.04')).toBe(
      'pkg:deb/ubuntu/bash@5.2.15-2+b13?arch=amd64&distro=ubuntu-22.04&upstream=bash%405.2.15-2',
    );
  });

  it('is CycloneDX 1.5 JSON that the strict schema validator accepts, naming the image, its architecture and the commit', async () => {
    const json = buildSbom(parseDpkgStatus(STATUS), facts);
    const problems = await new cdx.Validation.JsonStrictValidator(cdx.Spec.Version.v1dot5).validate(json);
    expect(problems).toBeNull();
    const bom = JSON.parse(json);
    expect(bom.specVersion).toBe('1.5');
    expect(bom.metadata.component).toMatchObject({ type: 'operating-system', version: '12' });
    expect(bom.metadata.component.properties).toEqual([
      { name: 'ami-bakery:ami-id', value: facts.amiId },
      { name: 'ami-bakery:arch', value: 'x86_64' },
      { name: 'ami-bakery:commit', value: facts.commit },
    ]);
    // both architectures of libc6 are there, apart
    expect(
      bom.components.filter((c: { name: string }) => c.name === 'libc6').map((c: { purl: string }) => c.purl),
    ).toHaveLength(2);
    expect(bom.components).toHaveLength(5);
    // the same packages give the same document (sorted), so its digest says whether anything changed
    expect(buildSbom([...parseDpkgStatus(STATUS)].reverse(), facts)).toBe(json);
  });

  it('a document the validator refuses is refused: the test would see a broken SBOM', async () => {
    const bom = JSON.parse(buildSbom(parseDpkgStatus(STATUS), facts));
    bom.components[0].type = 'rpm';
    const problems = await new cdx.Validation.JsonStrictValidator(cdx.Spec.Version.v1dot5).validate(
      JSON.stringify(bom),
    );
    expect(problems).not.toBeNull();
  });
});

describe('the package diff in reports', () => {
  const base = { schema: REPORT_SCHEMA, generatedAt: '2026-12-01T00:00:00Z', score: 90, findings: [] };
  const pkg = (name: string, version = '1.0-1', architecture = 'amd64') => ({ name, version, architecture });

  it('a baseline whose packages carry markup, or a diff naming something else than an AMI, is refused before use', () => {
    expect(validateReport({ ...base, packages: [pkg('openssl')] }, 'b.json').packages).toHaveLength(1);
    for (const bad of [
      { packages: [pkg('<img src=x onerror=alert(1)>')] },
      { packages: [pkg('openssl', '1.0 `id`')] },
      { packages: [pkg('openssl', '1.0', 'amd64\n::error::x')] },
      { packages: [{ name: 'openssl' }] },
      { packageDiff: { since: '<b>', added: [], removed: [], upgraded: [], downgraded: [] } },
    ])
      expect(() => validateReport({ ...base, ...bad }, 'b.json'), JSON.stringify(bad)).toThrow(/not a valid/);
  });

  it('the summary counts every change, shows at most 100 rows and says where the rest are', () => {
    const before = Array.from({ length: 150 }, (_, i) => pkg(`lib${i}`));
    const after = [
      ...before.slice(0, 140).map((p, i) => (i < 5 ? { ...p, version: '1.0-2' } : p)),
      pkg('new'),
    ];
    const d = packageDiff(before, after);
    const lines = packageLines({ installed: after.length, diff: { since: 'ami-0123456789abcdef0', ...d } });
    expect(lines[0]).toBe(
      'Packages since `ami-0123456789abcdef0`: **1 added, 10 removed, 5 upgraded, 0 downgraded** (141 installed).',
    );
    expect(lines.filter((l) => /^\| (added|removed|upgraded) \|/.test(l))).toHaveLength(16);
    expect(lines).toContain('| upgraded | lib0 | amd64 | `1.0-1` | `1.0-2` |');
    const many = packageLines({
      installed: 300,
      diff: packageDiff(
        [],
        Array.from({ length: 300 }, (_, i) => pkg(`p${i}`)),
      ),
    });
    expect(many.filter((l) => l.startsWith('| added |'))).toHaveLength(100);
    expect(many).toContain('| … | 200 more in the JSON report | | | |');
    expect(packageLines({ installed: 3 })).toEqual([
      'Packages: 3 installed (the baseline lists none to compare with).',
      '',
    ]);
  });
});
