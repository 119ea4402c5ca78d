/**
 * The example's second family (issue 25): Debian 11 hardened to ANSSI BP-028, scanned with the real
 * oscap and Debian's own ssg-debian content (profile anssi_np_nt28_average of ssg-debian11-ds.xml).
 * The suite's root filesystem is made to say Debian 11 (test/fixtures/debian/00-as-debian-11.sh),
 * the example's scripts run in it as Packer would (offline: no package installs), with one line
 * broken in a copy of them; the scan must annotate that line with the ANSSI recommendation, and
 * what the other lines do must pass.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as cdx from '@cyclonedx/cyclonedx-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseRootfs, ROOT, runCli, tmpDir } from './helpers.js';
import { launchChromium } from './support/browser.js';

const EX = 'examples/debian-11-anssi';
const KERNEL = `${EX}/scripts/hardening/10-kernel.sh`;
// an image directory whose path components are root-owned and not world-writable, as the scan tests use
const IMAGES = '/var/lib/ami-bakery-test';
let repo: string;
let image: string;

beforeAll(async () => {
  // the consumer's repository: the example, with address-space randomisation turned off by mistake
  repo = tmpDir('ami-bakery-debian-repo-');
  fs.cpSync(path.join(ROOT, EX), path.join(repo, EX), { recursive: true });
  const kernel = path.join(repo, KERNEL);
  const text = fs.readFileSync(kernel, 'utf8');
  expect(text).toContain('set_sysctl kernel.randomize_va_space 2\n');
  fs.writeFileSync(kernel, text.replace('kernel.randomize_va_space 2', 'kernel.randomize_va_space 0'));
  fs.mkdirSync(IMAGES, { recursive: true, mode: 0o755 });
  image = path.join(fs.mkdtempSync(path.join(IMAGES, 'debian-')), 'root');
  const scripts = fs
    .readdirSync(path.join(repo, EX, 'scripts/hardening'))
    .sort()
    .map((f) => path.join(repo, EX, 'scripts/hardening', f));
  await promisify(execFile)(
    path.join(ROOT, 'test/setup/harden-image.sh'),
    [baseRootfs(), image, path.join(ROOT, 'test/fixtures/debian/00-as-debian-11.sh'), ...scripts],
    { env: { ...process.env, AMI_BAKERY_OFFLINE: '1' }, maxBuffer: 16 * 1024 * 1024 },
  );
}, 180_000);

/** The scan of the example's image with Debian's ANSSI content and the example's waivers. */
const scanOfImage = () => [
  'scan',
  '--target',
  `chroot:${image}`,
  '--profile',
  'anssi_np_nt28_average',
  '--hardening-scripts',
  `${EX}/scripts/**`,
  '--waivers',
  `${EX}/compliance/waivers.yml`,
];

afterAll(() => {
  if (image) fs.rmSync(path.dirname(image), { recursive: true, force: true });
  if (repo) fs.rmSync(repo, { recursive: true, force: true });
});

describe('examples/debian-11-anssi against the real oscap and ssg-debian', () => {
  it('annotates the broken line with its ANSSI recommendation, passes the other changes, waives the partitions; its SBOM is what dpkg lists, and the next image’s package diff is exact', async () => {
    const report = path.join(tmpDir(), 'report.json');
    const sbom = path.join(path.dirname(report), 'sbom.cdx.json');
    const r = await runCli(
      [...scanOfImage(), '--report-file', report, '--sarif-file', '', '--sbom-file', sbom],
      { cwd: repo, env: { GITHUB_WORKSPACE: repo, GITHUB_SHA: 'a'.repeat(40) } },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('ssg-debian11-ds.xml');
    // the profile's 45 rules, scored apart from CIS numbering
    expect(r.outputs.total).toBe('45');
    const marker =
      fs
        .readFileSync(path.join(repo, KERNEL), 'utf8')
        .split('\n')
        .findIndex((l) => l.startsWith('# ANSSI BP28(R23)')) + 1;
    expect(r.stderr).toMatch(
      new RegExp(
        `error: ${KERNEL.replace(/\./g, '\\.')}:${marker}: ANSSI BP28\\(R23\\): Enable Randomized Layout of Virtual Address Space: .*\\n\\s+Found: /etc/sysctl\\.d/60-anssi-kernel\\.conf: "kernel\\.randomize_va_space = 0"`,
      ),
    );
    const findings = (
      JSON.parse(fs.readFileSync(report, 'utf8')) as {
        findings: Array<{ ruleId: string; status: string; waiver?: { file: string } }>;
      }
    ).findings.map((f) => ({ ...f, rule: f.ruleId.replace(/^xccdf_org\.ssgproject\.content_rule_/, '') }));
    const status = (rule: string) => findings.find((f) => f.rule === rule)?.status;
    // what the scripts change, each under its marker, passes
    for (const rule of [
      'sysctl_fs_suid_dumpable',
      'sysctl_fs_protected_hardlinks',
      'sysctl_fs_protected_symlinks',
      'file_permissions_systemmap',
      'apt_sources_list_official',
      'file_permissions_etc_shadow',
      'file_permissions_etc_gshadow',
    ])
      expect([rule, status(rule)]).toEqual([rule, 'pass']);
    // the partitions of a single-volume image and the other logger are waived, from the example's file
    expect(
      findings
        .filter((f) => f.waiver)
        .map((f) => f.rule)
        .sort(),
    ).toEqual([
      'package_syslogng_installed',
      'partition_for_home',
      'partition_for_tmp',
      'partition_for_var',
      'partition_for_var_log',
      'partition_for_var_log_audit',
      'service_syslogng_enabled',
    ]);
    // failing and not waived: the broken line, and what the offline build could not install
    expect(
      findings
        .filter((f) => f.status === 'fail' && !f.waiver)
        .map((f) => f.rule)
        .sort(),
    ).toEqual([
      'ensure_logrotate_activated',
      'package_ntp_installed',
      'package_rsyslog_installed',
      'rsyslog_files_groupownership',
      'rsyslog_files_ownership',
      'rsyslog_files_permissions',
      'service_rsyslog_enabled',
      'sysctl_kernel_randomize_va_space',
    ]);
    // the ntp rule is referenced to ANSSI's NTP guide, not BP-028: the marker says so, and it is found
    expect(r.stderr).toMatch(/20-packages\.sh:\d+: ANSSI NT012\(R03\): Install the ntp service/);

    // the SBOM (issue 26): exactly what dpkg itself lists as installed in the image, valid CycloneDX 1.5
    const json = fs.readFileSync(sbom, 'utf8');
    expect(await new cdx.Validation.JsonStrictValidator(cdx.Spec.Version.v1dot5).validate(json)).toBeNull();
    const dpkg = await promisify(execFile)(
      'dpkg-query',
      [
        '--admindir',
        path.join(image, 'var/lib/dpkg'),
        '-W',
        '-f',
        '${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\n',
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    const installed = dpkg.stdout
      .split('\n')
      .filter((l) => l.startsWith('installed\t'))
      .map((l) => l.split('\t').slice(1).join(' '))
      .sort();
    const bom = JSON.parse(json) as {
      metadata: {
        component: { name: string; version: string; properties: Array<{ name: string; value: string }> };
      };
      components: Array<{
        name: string;
        version: string;
        purl: string;
        properties: Array<{ name: string; value: string }>;
      }>;
    };
    const listed = bom.components
      .map(
        (c) =>
          `${c.name} ${c.version} ${c.properties.find((p) => p.name === 'ami-bakery:package-arch')?.value}`,
      )
      .sort();
    expect(installed.length).toBeGreaterThan(100);
    expect(listed).toEqual(installed);
    expect(bom.components.find((c) => c.name === 'openssh-server')?.purl).toMatch(
      /^pkg:deb\/debian\/openssh-server@[^?]+\?arch=amd64&distro=debian-11&upstream=openssh/,
    );
    expect(bom.metadata.component).toMatchObject({ name: 'Debian GNU/Linux 11 (bullseye)', version: '11' });
    expect(bom.metadata.component.properties).toEqual([{ name: 'ami-bakery:commit', value: 'a'.repeat(40) }]);
    expect(r.outputs['sbom-file']).toBe(sbom);
    expect(r.outputs.packages).toBe(String(installed.length));
    expect(r.outputs['sbom-sha256']).toBe(createHash('sha256').update(json).digest('hex'));

    // the next image has one package more: its scan, with this report as the baseline, shows it in
    // the JSON report and the job summary, beside the CIS diff
    const debs = tmpDir();
    fs.mkdirSync(path.join(debs, 'p/DEBIAN'), { recursive: true });
    fs.writeFileSync(
      path.join(debs, 'p/DEBIAN/control'),
      'Package: ami-bakery-probe\nVersion: 1.0-1\nArchitecture: all\nMaintainer: Platform <platform@example.com>\nDescription: a package the next image adds\n',
    );
    await promisify(execFile)('dpkg-deb', [
      '--root-owner-group',
      '--build',
      path.join(debs, 'p'),
      path.join(debs, 'p.deb'),
    ]);
    await promisify(execFile)('dpkg', [
      '--root',
      image,
      '--force-script-chrootless',
      '-i',
      path.join(debs, 'p.deb'),
    ]);
    const summary = path.join(debs, 'summary.md');
    fs.writeFileSync(summary, '');
    const next = await runCli(
      [
        ...scanOfImage(),
        '--baseline',
        report,
        '--report-file',
        path.join(debs, 'next.json'),
        '--sarif-file',
        '',
        '--sbom-file',
        '',
        '--report-html',
        path.join(debs, 'next.html'),
      ],
      { cwd: repo, env: { GITHUB_WORKSPACE: repo, GITHUB_STEP_SUMMARY: summary } },
    );
    expect(next.code, next.stderr).toBe(1);
    const nextReport = JSON.parse(fs.readFileSync(path.join(debs, 'next.json'), 'utf8'));
    expect(nextReport.packageDiff).toEqual({
      added: [{ name: 'ami-bakery-probe', architecture: 'all', to: '1.0-1' }],
      removed: [],
      upgraded: [],
      downgraded: [],
    });
    expect(nextReport.packages).toHaveLength(installed.length + 1);
    const md = fs.readFileSync(summary, 'utf8');
    expect(md).toContain(
      `Packages since the baseline: **1 added, 0 removed, 0 upgraded, 0 downgraded** (${installed.length + 1} installed).`,
    );
    expect(md).toContain('| added | ami-bakery-probe | all | — | `1.0-1` |');
    // the HTML report, as a reviewer opens it (headless Chromium, no network)
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`file://${path.join(debs, 'next.html')}`);
      const section = page.locator('#packages');
      expect(await section.isVisible()).toBe(true);
      expect(await section.locator('p').textContent()).toBe(
        `1 added, 0 removed, 0 upgraded, 0 downgraded since the baseline (${installed.length + 1} installed).`,
      );
      expect(await section.locator('tbody tr').allInnerTexts()).toEqual([
        'added\tami-bakery-probe\tall\t—\t1.0-1',
      ]);
    } finally {
      await browser.close();
    }
    // ami-bakery diff: the same story from the two reports, as anyone can ask it later
    fs.mkdirSync(path.join(repo, 'reports'));
    fs.copyFileSync(report, path.join(repo, 'reports/golden.json'));
    fs.copyFileSync(path.join(debs, 'next.json'), path.join(repo, 'reports/next.json'));
    const diff = await runCli(['diff', 'reports/golden.json', 'reports/next.json'], {
      cwd: repo,
      env: { GITHUB_WORKSPACE: repo },
    });
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain(`Score: ${r.outputs.score}% → ${next.outputs.score}% (+0)`);
    expect(diff.stdout).toContain('Controls: 0 newly failing, 0 newly fixed');
    expect(diff.stdout).toContain('**1 added, 0 removed, 0 upgraded, 0 downgraded**');
    expect(diff.stdout).toContain('| added | ami-bakery-probe | all | — | `1.0-1` |');
    const outside = await runCli(['diff', report, 'reports/next.json'], {
      cwd: repo,
      env: { GITHUB_WORKSPACE: repo },
    });
    expect([outside.code, outside.stderr]).toEqual([2, expect.stringMatching(/Input "older report"/)]);
    fs.writeFileSync(
      path.join(repo, 'reports/forged.json'),
      JSON.stringify({ schema: 'ami-bakery/scan-report@1', score: 'x' }),
    );
    const forged = await runCli(['diff', 'reports/forged.json', 'reports/next.json'], {
      cwd: repo,
      env: { GITHUB_WORKSPACE: repo },
    });
    expect([forged.code, forged.stderr]).toEqual([
      2,
      expect.stringMatching(/is not a valid ami-bakery\/scan-report@1/),
    ]);
    // no SBOM asked for: none written, and none claimed
    expect(next.outputs['sbom-file']).toBe('');
    fs.rmSync(debs, { recursive: true, force: true });
  }, 120_000);
});
