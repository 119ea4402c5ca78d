/**
 * Amazon Inspector over the API (issue 26), as the runner runs us (the CLI, the AWS SDK over HTTP):
 *   - ScanSbom: the SBOM of a real root filesystem (the suite's debootstrap image, scanned by the real
 *     oscap-chroot) goes to the sandbox's Inspector Scan, which answers from a table this test owns,
 *     keyed on versions `dpkg-query` reads from that image; what was sent is exactly the SBOM written;
 *     a 5xx is retried by the SDK's standard strategy, a 4xx is said and fails closed;
 *   - ListFindings after ListCoverage against the sandbox (paged, coverage that comes late, an
 *     instance Inspector cannot scan), and ListFindings against moto 5.2.1 with injected findings.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Inspector2Client } from '@aws-sdk/client-inspector2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFindingsOfAmi } from '../action-scan/src/vuln-api.js';
import { ARF_FIXTURE, baseRootfs, ROOT, runCli, tmpDir } from './helpers.js';
import { type Credentials, Ec2Sandbox } from './sandbox/ec2-sandbox.js';
import { type Moto, startMoto } from './support/moto.js';

const run = promisify(execFile);
const IMAGES = '/var/lib/ami-bakery-test';
let image: string;
let sandbox: Ec2Sandbox;
let creds: Credentials;
/** what dpkg itself says is installed in the image: name → version */
let installed: Map<string, string>;

beforeAll(async () => {
  fs.mkdirSync(IMAGES, { recursive: true, mode: 0o755 });
  fs.chmodSync(IMAGES, 0o755);
  const dir = fs.mkdtempSync(path.join(IMAGES, 'inspector-'));
  fs.chmodSync(dir, 0o755);
  image = path.join(dir, 'root');
  await run(path.join(ROOT, 'test/setup/harden-image.sh'), [baseRootfs(), image], { maxBuffer: 16 << 20 });
  const { stdout } = await run('dpkg-query', [
    `--admindir=${image}/var/lib/dpkg`,
    '-W',
    '-f',
    '${db:Status-Abbrev} ${Package} ${Version}\n',
  ]);
  installed = new Map(
    stdout
      .split('\n')
      .filter((l) => l.startsWith('ii'))
      .map((l) => l.split(/\s+/).slice(1, 3) as [string, string]),
  );
  sandbox = new Ec2Sandbox();
  await sandbox.start();
  creds = sandbox.addAccount('111111111111');
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  if (image) fs.rmSync(path.dirname(image), { recursive: true, force: true });
});

function repo() {
  const root = tmpDir('ami-bakery-inspector-');
  fs.mkdirSync(path.join(root, 'scripts'));
  fs.writeFileSync(path.join(root, 'scripts/10.sh'), '#!/bin/sh\n# CIS 5.2.6\necho\n');
  return root;
}

const scanImage = (root: string, extra: string[], env: Record<string, string> = {}) =>
  runCli(
    [
      'scan',
      '--target',
      `chroot:${image}`,
      '--profile',
      'standard',
      '--hardening-scripts',
      'scripts/*.sh',
      '--fail-on',
      'none',
      '--report-file',
      'out/report.json',
      '--sarif-file',
      '',
      '--sbom-file',
      'out/sbom.cdx.json',
      '--vulnerabilities',
      'inspector-scan',
      '--aws-region',
      'eu-west-1',
      ...extra,
    ],
    { cwd: root, env: { ...sandbox.env(creds, 'eu-west-1'), GITHUB_WORKSPACE: root, ...env } },
  );

describe('vulnerabilities: inspector-scan (ScanSbom of the image SBOM)', () => {
  it('sends the SBOM written, and gates on what Inspector answers for the packages dpkg lists', async () => {
    const ssh = installed.get('openssh-server') ?? installed.get('openssh-client');
    const libc = installed.get('libc6');
    const bash = installed.get('bash');
    expect([ssh, libc, bash].every(Boolean), [...installed.keys()].join(' ')).toBe(true);
    const sshName = installed.has('openssh-server') ? 'openssh-server' : 'openssh-client';
    sandbox.inspector.vulnTable = [
      // affected: fixed in a version after the installed one
      { package: sshName, fixed: `${ssh}+sec1`, id: 'CVE-2024-6387', severity: 'critical', score: 8.1 },
      // affected, no fix yet
      { package: 'libc6', id: 'CVE-2023-4911', severity: 'high', score: 7.8 },
      // not affected: the installed version is past the fix
      { package: 'bash', fixed: '1.0', id: 'CVE-2014-6271', severity: 'critical', score: 9.8 },
    ];
    const root = repo();
    const summary = path.join(root, 'summary.md');
    const r = await scanImage(root, [], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code, r.stderr).toBe(1);
    expect(r.outputs).toMatchObject({
      'vulnerability-gate': 'failed',
      vulnerable: 'true',
      'cves-critical': '1',
      'cves-high': '1',
    });
    expect(r.stderr).toMatch(/Vulnerability gate failed: .*CVE-2024-6387/);
    // one text: what was sent is what was written, component for component
    const written = JSON.parse(fs.readFileSync(path.join(root, 'out/sbom.cdx.json'), 'utf8'));
    expect(sandbox.inspector.sboms.at(-1)).toEqual(written);
    expect(written.components.length).toBe(installed.size);
    const report = JSON.parse(fs.readFileSync(path.join(root, 'out/report.json'), 'utf8'));
    expect(report.vulnerabilities.list.map((v: { id: string }) => v.id)).toEqual([
      'CVE-2024-6387',
      'CVE-2023-4911',
    ]);
    expect(report.vulnerabilities.list[0].packages).toEqual([
      { name: sshName, installed: ssh, fixed: `${ssh}+sec1`, arch: expect.any(String) },
    ]);
    expect(report.vulnerabilities.sources).toEqual(['inspector-scan ScanSbom']);
    expect(fs.readFileSync(summary, 'utf8')).toContain(`| \`${ssh}+sec1\` |`);
    expect(sandbox.calls.filter((c) => c.action === 'ScanSbom')).toHaveLength(1);
  }, 120_000);

  it('a 5xx is retried (the SDK standard strategy); a 4xx is said, and nothing is passed', async () => {
    sandbox.inspector.vulnTable = [];
    sandbox.failNext('inspector-scan:ScanSbom', 'InternalServerException/500', 1);
    const root = repo();
    const r = await scanImage(root, []);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Inspector Scan: transient \(HTTP 500\); retrying in \d+ ms/);
    expect(r.outputs).toMatchObject({
      'vulnerability-gate': 'passed',
      vulnerable: 'false',
      'cves-critical': '0',
    });

    sandbox.failNext('inspector-scan:ScanSbom', 'AccessDeniedException/403', 1);
    const denied = await scanImage(repo(), []);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(
      /inspector-scan: ScanSbom refused the SBOM \(HTTP 403 AccessDeniedException\): injected failure/,
    );
    expect(denied.outputs.vulnerable).toBeUndefined();
  }, 120_000);

  it('is refused before anything runs where there is no image to send', async () => {
    const root = repo();
    const withSource = (source: string) =>
      runCli(
        [
          'scan',
          '--results',
          ARF_FIXTURE,
          '--hardening-scripts',
          'scripts/*.sh',
          '--vulnerabilities',
          source,
        ],
        { cwd: root, env: { ...sandbox.env(creds, 'eu-west-1'), GITHUB_WORKSPACE: root } },
      );
    const r = await withSource('inspector-scan');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /Input "vulnerabilities": inspector-scan sends the image's SBOM, and target results reads no image/,
    );
    const noAmi = await withSource('inspector2');
    expect(noAmi.code).toBe(2);
    expect(noAmi.stderr).toMatch(
      /Input "vulnerabilities": inspector2 reads the findings of instances of ami-id/,
    );
  });
});

const finding = (i: number, amiId: string, severity = 'MEDIUM') => ({
  awsAccountId: '111111111111',
  findingArn: `arn:aws:inspector2:eu-west-1:111111111111:finding/${String(i).padStart(32, '0')}`,
  type: 'PACKAGE_VULNERABILITY',
  title: `CVE-2024-${10000 + i} - pkg${i}`,
  severity,
  status: 'ACTIVE',
  fixAvailable: 'YES',
  firstObservedAt: 1764547200 + i,
  lastObservedAt: 1764547200 + i,
  updatedAt: 1764547200 + i,
  remediation: { recommendation: { text: 'upgrade' } },
  resources: [
    { id: 'i-0123456789abcdef0', type: 'AWS_EC2_INSTANCE', details: { awsEc2Instance: { imageId: amiId } } },
  ],
  packageVulnerabilityDetails: {
    vulnerabilityId: `CVE-2024-${10000 + i}`,
    source: 'UBUNTU_CVE',
    vulnerablePackages: [{ name: `pkg${i}`, version: '1.0', fixedInVersion: '1.1' }],
  },
});

describe('vulnerabilities: inspector2 (ListFindings of the AMI, after its coverage)', () => {
  const scanAmi = (root: string, amiId: string) =>
    runCli(
      [
        'scan',
        '--results',
        ARF_FIXTURE,
        '--hardening-scripts',
        'scripts/*.sh',
        '--fail-on',
        'none',
        '--ami-id',
        amiId,
        '--report-file',
        'out/report.json',
        '--sarif-file',
        '',
        '--vulnerabilities',
        'inspector2',
      ],
      { cwd: root, env: { ...sandbox.env(creds, 'eu-west-1'), GITHUB_WORKSPACE: root } },
    );

  it('waits for coverage that comes late, then reads every page of findings, epoch times and all', async () => {
    const img = sandbox.putImage('111111111111', 'eu-west-1', {});
    const other = sandbox.putImage('111111111111', 'eu-west-1', {});
    sandbox.inspector.cover({
      instanceId: 'i-0123456789abcdef0',
      amiId: img.imageId,
      accountId: '111111111111',
      region: 'eu-west-1',
      // pending for the first two looks, whatever the machine's speed: the scan must wait
      pendingLooks: 2,
    });
    for (let i = 0; i < 130; i++)
      sandbox.inspector.putFinding('111111111111', 'eu-west-1', img.imageId, finding(i, img.imageId));
    sandbox.inspector.putFinding(
      '111111111111',
      'eu-west-1',
      img.imageId,
      finding(500, img.imageId, 'CRITICAL'),
    );
    sandbox.inspector.putFinding(
      '111111111111',
      'eu-west-1',
      other.imageId,
      finding(900, other.imageId, 'CRITICAL'),
    );
    const root = repo();
    const r = await scanAmi(root, img.imageId);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /Inspector2: waiting for coverage \(i-0123456789abcdef0: ACTIVE PENDING_INITIAL_SCAN\)/,
    );
    expect(r.stdout).toMatch(new RegExp(`Inspector2: 1 instance\\(s\\) of ${img.imageId} scanned`));
    expect(r.stdout).toContain(`Inspector2: 131 finding(s) for instances of ${img.imageId}`);
    expect(r.outputs).toMatchObject({ 'cves-critical': '1', 'cves-medium': '130', vulnerable: 'true' });
    const report = JSON.parse(fs.readFileSync(path.join(root, 'out/report.json'), 'utf8'));
    const crit = report.vulnerabilities.list[0];
    expect(crit).toMatchObject({
      id: 'CVE-2024-10500',
      firstObserved: new Date((1764547200 + 500) * 1000).toISOString(),
    });
    // two pages of 100
    expect(sandbox.calls.filter((c) => c.action === 'ListFindings').length).toBeGreaterThanOrEqual(2);
    expect(sandbox.image('eu-west-1', img.imageId)!.tags.get('ami-bakery:cves-critical')).toBe('1');
  }, 60_000);

  it('an instance Inspector cannot scan ends the wait at once, and nothing is passed', async () => {
    const img = sandbox.putImage('111111111111', 'eu-west-1', {});
    sandbox.inspector.cover({
      instanceId: 'i-0fedcba9876543210',
      amiId: img.imageId,
      accountId: '111111111111',
      region: 'eu-west-1',
      inactive: 'UNMANAGED_EC2_INSTANCE',
    });
    const r = await scanAmi(repo(), img.imageId);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /inspector2: Inspector cannot scan the instance\(s\) of ami-\w+ \(i-0fedcba9876543210: INACTIVE UNMANAGED_EC2_INSTANCE\)/,
    );
    expect(sandbox.image('eu-west-1', img.imageId)!.tags.get('ami-bakery:vulnerable')).toBeUndefined();
  }, 60_000);
});

describe('vulnerabilities: ListFindings against moto 5.2.1', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(() => moto?.stop());

  it("reads moto's injected findings through the SDK, its timestamps and statuses as Inspector's", async () => {
    const ami = 'ami-0123456789abcdef0';
    const results = [[finding(1, ami, 'CRITICAL'), { ...finding(2, ami, 'HIGH'), status: 'CLOSED' }]];
    const res = await fetch(`${moto.endpoint}/moto-api/static/inspector2/findings-results`, {
      method: 'POST',
      body: JSON.stringify({ results, account_id: '123456789012', region: 'us-east-1' }),
    });
    expect(res.status).toBe(201);
    const env = moto.env('us-east-1');
    const client = new Inspector2Client({
      region: 'us-east-1',
      endpoint: env.AWS_ENDPOINT_URL,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
    const set = await listFindingsOfAmi(client, ami);
    expect(set.findings).toEqual([]);
    expect(set.vulnerabilities).toEqual([
      expect.objectContaining({
        id: 'CVE-2024-10001',
        severity: 'critical',
        status: 'active',
        fixable: true,
        firstObserved: new Date((1764547200 + 1) * 1000).toISOString(),
        packages: [{ name: 'pkg1', installed: '1.0', fixed: '1.1' }],
      }),
      expect.objectContaining({ id: 'CVE-2024-10002', severity: 'high', status: 'closed' }),
    ]);
    client.destroy();
  }, 60_000);
});
