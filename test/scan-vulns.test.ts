/**
 * The vulnerability gate through the CLI (issue 26's proof), beside a real OpenSCAP result (the
 * recorded ARF of a real oscap-chroot scan) and with the AMI in the EC2 sandbox:
 *   - a critical CVE with a fix fails the scan and tags the image vulnerable=true, which promote refuses;
 *   - waived, it passes, with the waiver shown; the earlier mark stays;
 *   - an unfixable high passes under the default, with a warning;
 *   - the compliance score is the same with and without the CVEs.
 * The findings files are written here in the shape `aws inspector2 list-findings --output json` prints.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARF_FIXTURE, runCli, tmpDir } from './helpers.js';
import { type Credentials, Ec2Sandbox } from './sandbox/ec2-sandbox.js';
import { sarifProblems } from './support/sarif-validate.js';

let sandbox: Ec2Sandbox;
let creds: Credentials;
beforeAll(async () => {
  sandbox = new Ec2Sandbox();
  await sandbox.start();
  creds = sandbox.addAccount('111111111111');
});
afterAll(() => sandbox.stop());

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const inspectorFinding = (id: string, severity: string, pkg: string, installed: string, fixed?: string) => ({
  awsAccountId: '111111111111',
  findingArn: `arn:aws:inspector2:eu-west-1:111111111111:finding/${id.replace(/\W/g, '')}`,
  type: 'PACKAGE_VULNERABILITY',
  title: `${id} - ${pkg}`,
  severity,
  status: 'ACTIVE',
  fixAvailable: fixed ? 'YES' : 'NO',
  firstObservedAt: 1764547200,
  inspectorScore: severity === 'CRITICAL' ? 9.8 : 7.5,
  resources: [{ id: 'ami-0123456789abcdef0', type: 'AWS_EC2_INSTANCE' }],
  packageVulnerabilityDetails: {
    vulnerabilityId: id,
    source: 'UBUNTU_CVE',
    cvss: [{ baseScore: severity === 'CRITICAL' ? 9.8 : 7.5, version: '3.1', source: 'NVD' }],
    vulnerablePackages: [
      {
        name: pkg,
        version: installed,
        epoch: 0,
        arch: 'X86_64',
        packageManager: 'OS',
        fixedInVersion: fixed ?? 'NotAvailable',
      },
    ],
  },
});

function repo(findings: object[], waivers?: string) {
  const root = tmpDir('ami-bakery-vulns-');
  const w = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  w('scripts/10-ssh.sh', '#!/bin/sh\n# CIS 5.2.6 Ensure SSH MaxAuthTries is set to 4 or less\necho ok\n');
  w('packer/ubuntu.pkr.hcl', 'source "amazon-ebs" "u" {}\nbuild { sources = ["source.amazon-ebs.u"] }\n');
  w('inspector/findings.json', JSON.stringify({ findings }, null, 2));
  if (waivers) w('compliance/waivers.yml', waivers);
  return root;
}

async function scan(root: string, amiId: string, extra: string[] = []) {
  const summary = path.join(root, 'summary.md');
  fs.writeFileSync(summary, '');
  const r = await runCli(
    [
      'scan',
      '--results',
      ARF_FIXTURE,
      '--hardening-scripts',
      'scripts/*.sh',
      '--template',
      'packer/ubuntu.pkr.hcl',
      '--fail-on',
      'none',
      '--ami-id',
      amiId,
      '--report-file',
      'out/report.json',
      '--sarif-file',
      'out/report.sarif',
      ...extra,
    ],
    {
      cwd: root,
      env: { ...sandbox.env(creds, 'eu-west-1'), GITHUB_WORKSPACE: root, GITHUB_STEP_SUMMARY: summary },
    },
  );
  const report = fs.existsSync(path.join(root, 'out/report.json'))
    ? JSON.parse(fs.readFileSync(path.join(root, 'out/report.json'), 'utf8'))
    : undefined;
  return { r, report, summary: fs.readFileSync(summary, 'utf8') };
}

const tagsOf = (amiId: string) => Object.fromEntries(sandbox.image('eu-west-1', amiId)!.tags);

describe('the vulnerability gate on a real scan', () => {
  const critical = inspectorFinding(
    'CVE-2024-6387',
    'CRITICAL',
    'openssh-server',
    '1:8.9p1-3ubuntu0.7',
    '1:8.9p1-3ubuntu0.10',
  );
  const unfixableHigh = inspectorFinding('CVE-2024-26130', 'HIGH', 'libssl3', '3.0.2-0ubuntu1.15');

  it('a critical CVE with a fix fails and tags vulnerable=true; the CIS score is unchanged; promote refuses it', async () => {
    const img = sandbox.putImage('111111111111', 'eu-west-1', { tags: { 'ami-bakery:verify': 'passed' } });
    const root = repo([critical, unfixableHigh]);
    const without = await scan(root, img.imageId);
    expect(without.r.code, without.r.stderr).toBe(0);
    expect(without.r.outputs).toMatchObject({
      'vulnerability-gate': 'unchecked',
      vulnerable: '',
      'cves-critical': '',
    });
    expect(tagsOf(img.imageId)['ami-bakery:vulnerable']).toBeUndefined();

    const { r, report, summary } = await scan(root, img.imageId, [
      '--vulnerabilities',
      'inspector/findings.json',
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /Vulnerability gate failed: 1 vulnerability\(ies\) at or above the threshold: CVE-2024-6387/,
    );
    expect(r.outputs).toMatchObject({
      'vulnerability-gate': 'failed',
      vulnerable: 'true',
      'cves-critical': '1',
      'cves-high': '1',
      'cves-medium': '0',
    });
    // the controls are what they were: CVEs are neither findings nor counted
    expect(r.outputs.score).toBe(without.r.outputs.score);
    expect(report.score).toBe(without.report.score);
    expect(report.counts).toEqual(without.report.counts);
    expect(report.findings.length).toBe(without.report.findings.length);
    expect(report.gate.verdict).toBe('ungated');
    expect(report.vulnerabilities).toMatchObject({
      vulnerable: true,
      gate: { verdict: 'failed', failOnSeverity: 'critical', fixableOnly: true },
      counts: { critical: 1, high: 1 },
    });
    expect(report.vulnerabilities.list.map((v: { id: string }) => v.id)).toEqual([
      'CVE-2024-6387',
      'CVE-2024-26130',
    ]);
    const tags = tagsOf(img.imageId);
    expect(tags).toMatchObject({
      'ami-bakery:vulnerable': 'true',
      'ami-bakery:cves-critical': '1',
      'ami-bakery:cves-high': '1',
      'ami-bakery:scan': 'ungated',
    });
    expect(tags['ami-bakery:vulnerable-reason']).toBe('scan: CVE-2024-6387');
    expect(summary).toContain('❌ vulnerability gate failed');
    // said at the top too: the control gate is ungated here, and the scan fails for the CVE
    expect(summary.split('### ')[0]).toContain('**❌ The vulnerability gate failed too**');
    expect(summary).toContain(
      '| critical (9.8) | `CVE-2024-6387` | openssh-server | `1:8.9p1-3ubuntu0.7` | `1:8.9p1-3ubuntu0.10` | ? | **fails the gate** |',
    );
    expect(summary).toContain(
      '| high (7.5) | `CVE-2024-26130` | libssl3 | `3.0.2-0ubuntu1.15` | — | ? | no fix yet |',
    );
    const sarifFile = path.join(root, 'out/report.sarif');
    const sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8'));
    const cve = sarif.runs[0].results.filter((x: { ruleId: string }) => /^CVE-/.test(x.ruleId));
    expect(cve.map((x: { ruleId: string; level: string }) => `${x.ruleId} ${x.level}`)).toEqual([
      'CVE-2024-6387 error',
      'CVE-2024-26130 warning',
    ]);
    expect(cve[0].locations[0].physicalLocation.artifactLocation.uri).toBe('packer/ubuntu.pkr.hcl');
    const rule = sarif.runs[0].tool.driver.rules.find((x: { id: string }) => x.id === 'CVE-2024-6387');
    expect(rule.properties['security-severity']).toBe('9.8');
    expect(await sarifProblems(sarifFile)).toEqual([]);
    const html = fs.readFileSync(path.join(root, 'out/report.html'), 'utf8');
    expect(html).toContain('<section id="vulnerabilities">');
    expect(html).toMatch(
      /<p id="vulnerability-gate" class="problem"><b>Vulnerability gate failed<\/b> \(1 critical, 1 high/,
    );
    expect(html).toMatch(/<code>CVE-2024-6387<\/code>.*<strong>fails the gate<\/strong>/s);

    // promote's default gate: the image passed verify and its scan tag, and is refused for the mark
    sandbox.image('eu-west-1', img.imageId)!.tags.set('ami-bakery:scan', 'passed');
    const promote = await runCli(
      ['promote', '--ami-id', img.imageId, '--source-region', 'eu-west-1', '--dry-run', 'true'],
      { cwd: root, env: { ...sandbox.env(creds, 'eu-west-1'), GITHUB_WORKSPACE: root } },
    );
    expect(promote.code).not.toBe(0);
    expect(promote.stderr).toMatch(/ami-bakery:vulnerable=true \(scan: CVE-2024-6387\)/);
  }, 120_000);

  it('a waived critical passes with the waiver shown; the mark an earlier scan set stays, said', async () => {
    const waivers = `waivers:\n  - id: CVE-2024-6387\n    package: openssh-server\n    reason: sshd listens on the VPN only\n    owner: security@example.com\n    expires: ${day(30)}\n`;
    const root = repo([critical], waivers);
    const fresh = sandbox.putImage('111111111111', 'eu-west-1', {});
    const ok = await scan(root, fresh.imageId, [
      '--vulnerabilities',
      'inspector/findings.json',
      '--waivers',
      'compliance/waivers.yml',
    ]);
    expect(ok.r.code, ok.r.stderr).toBe(0);
    expect(ok.r.outputs).toMatchObject({
      'vulnerability-gate': 'passed',
      vulnerable: 'false',
      'cves-critical': '0',
    });
    expect(tagsOf(fresh.imageId)['ami-bakery:vulnerable']).toBe('false');
    expect(ok.summary).toContain(
      `waived until ${day(30)} by security@example.com: sshd listens on the VPN only`,
    );
    expect(ok.report.vulnerabilities.list[0].waiver).toMatchObject({
      file: 'compliance/waivers.yml',
      line: 2,
    });
    const sarif = JSON.parse(fs.readFileSync(path.join(root, 'out/report.sarif'), 'utf8'));
    const cve = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'CVE-2024-6387');
    expect(cve.suppressions[0].justification).toContain('sshd listens on the VPN only');

    // an image a scan marked vulnerable stays marked when a later scan passes
    const marked = sandbox.putImage('111111111111', 'eu-west-1', {
      tags: { 'ami-bakery:vulnerable': 'true', 'ami-bakery:vulnerable-reason': 're-scan of ami-x: 40%' },
    });
    const again = await scan(root, marked.imageId, [
      '--vulnerabilities',
      'inspector/findings.json',
      '--waivers',
      'compliance/waivers.yml',
    ]);
    expect(again.r.code, again.r.stderr).toBe(0);
    expect(again.r.stderr).toMatch(/stays tagged ami-bakery:vulnerable=true \(re-scan of ami-x: 40%\)/);
    expect(tagsOf(marked.imageId)['ami-bakery:vulnerable']).toBe('true');
  }, 120_000);

  it('an unfixable high passes under the default with a warning; fail-on-fixable-only: false and high fail it', async () => {
    const root = repo([unfixableHigh]);
    const img = sandbox.putImage('111111111111', 'eu-west-1', {});
    const ok = await scan(root, img.imageId, ['--vulnerabilities', 'inspector/findings.json']);
    expect(ok.r.code, ok.r.stderr).toBe(0);
    expect(ok.r.outputs).toMatchObject({
      'vulnerability-gate': 'passed',
      vulnerable: 'false',
      'cves-high': '1',
    });
    expect(ok.r.stderr).toMatch(
      /^warning: CVE-2024-26130 \(high, libssl3 3\.0\.2-0ubuntu1\.15\) does not fail the gate: below fail-on-severity critical, and no fixed version yet \(fail-on-fixable-only\)$/m,
    );
    const strict = await scan(root, img.imageId, [
      '--vulnerabilities',
      'inspector/findings.json',
      '--fail-on-severity',
      'high',
      '--fail-on-fixable-only',
      'false',
    ]);
    expect(strict.r.code).toBe(1);
    expect(strict.r.outputs.vulnerable).toBe('true');
    const noFix = await scan(root, img.imageId, [
      '--vulnerabilities',
      'inspector/findings.json',
      '--fail-on-severity',
      'high',
    ]);
    expect(noFix.r.code, noFix.r.stderr).toBe(0);
    expect(noFix.r.stderr).toMatch(
      /CVE-2024-26130 .* does not fail the gate: no fixed version yet \(fail-on-fixable-only\)$/m,
    );
  }, 120_000);

  it('a results file of Inspector findings alone is read as vulnerabilities: no score is claimed, no CIS tag written', async () => {
    const root = repo([critical]);
    const img = sandbox.putImage('111111111111', 'eu-west-1', {
      tags: { 'ami-bakery:scan': 'passed', 'ami-bakery:cis-score': '91' },
    });
    const summary = path.join(root, 'summary.md');
    const r = await runCli(
      [
        'scan',
        '--results',
        'inspector/findings.json',
        '--ami-id',
        img.imageId,
        '--report-file',
        'out/r.json',
        '--sarif-file',
        '',
      ],
      {
        cwd: root,
        env: { ...sandbox.env(creds, 'eu-west-1'), GITHUB_WORKSPACE: root, GITHUB_STEP_SUMMARY: summary },
      },
    );
    expect(r.code).toBe(1);
    expect(r.outputs).toMatchObject({ gate: 'ungated', vulnerable: 'true' });
    expect(r.stdout).not.toMatch(/Score \d/);
    expect(fs.readFileSync(summary, 'utf8')).toContain(
      '**No compliance results were read** (vulnerabilities only)',
    );
    expect(tagsOf(img.imageId)).toMatchObject({
      'ami-bakery:scan': 'passed',
      'ami-bakery:cis-score': '91',
      'ami-bakery:vulnerable': 'true',
    });
  }, 60_000);

  it('a vulnerabilities file of compliance results, outside the repository, or not JSON is refused before anything', async () => {
    const root = repo([]);
    fs.writeFileSync(
      path.join(root, 'inspector/bad.json'),
      '{"findings": [{"findingArn": "arn:aws:inspector2:x", "severity": 5}]}',
    );
    const outside = path.join(tmpDir('ami-bakery-outside-'), 'f.json');
    fs.writeFileSync(outside, JSON.stringify({ findings: [critical] }));
    fs.symlinkSync(outside, path.join(root, 'inspector/link.json'));
    const img = sandbox.putImage('111111111111', 'eu-west-1', {});
    for (const [given, said] of [
      [path.relative(root, ARF_FIXTURE), /is outside the repository/],
      ['inspector/link.json', /is outside the repository/],
      ['inspector/bad.json', /Input "vulnerabilities".*findings\.0\.severity must be string/],
      ['inspector2x', /is not inspector-scan or inspector2, nor a file/],
    ] as const) {
      const { r } = await scan(root, img.imageId, ['--vulnerabilities', given]);
      expect(r.code, `${given}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(said);
      expect(tagsOf(img.imageId)).toEqual({});
    }
  }, 60_000);

  it('ami-bakery diff by AMI id: the score, the controls, and the CVEs new and gone between two images', async () => {
    const root = repo([critical, unfixableHigh]);
    const a = sandbox.putImage('111111111111', 'eu-west-1', {});
    const b = sandbox.putImage('111111111111', 'eu-west-1', {});
    const first = await scan(root, a.imageId, [
      '--vulnerabilities',
      'inspector/findings.json',
      '--fail-on-severity',
      'none',
    ]);
    expect(first.r.code, first.r.stderr).toBe(0);
    fs.mkdirSync(path.join(root, 'reports'));
    fs.renameSync(path.join(root, 'out/report.json'), path.join(root, 'reports/a.json'));
    // the next image: openssh fixed, a new medium in curl
    const medium = inspectorFinding(
      'CVE-2024-2398',
      'MEDIUM',
      'curl',
      '7.81.0-1ubuntu1.15',
      '7.81.0-1ubuntu1.16',
    );
    fs.writeFileSync(
      path.join(root, 'inspector/findings.json'),
      JSON.stringify({ findings: [unfixableHigh, medium] }),
    );
    const second = await scan(root, b.imageId, [
      '--vulnerabilities',
      'inspector/findings.json',
      '--baseline',
      'reports/a.json',
    ]);
    expect(second.r.code, second.r.stderr).toBe(0);
    // against the last golden image's report: which CVE is new
    expect(
      second.report.vulnerabilities.list.map((v: { id: string; isNew: boolean }) => [v.id, v.isNew]),
    ).toEqual([
      ['CVE-2024-26130', false],
      ['CVE-2024-2398', true],
    ]);
    expect(second.summary).toMatch(
      /\| `CVE-2024-2398` \| curl \| `7\.81\.0-1ubuntu1\.15` \| `7\.81\.0-1ubuntu1\.16` \| new \|/,
    );
    fs.renameSync(path.join(root, 'out/report.json'), path.join(root, 'reports/b.json'));
    const env = { GITHUB_WORKSPACE: root };
    const d = await runCli(['diff', a.imageId, b.imageId, '--history', 'reports/*.json'], { cwd: root, env });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain(`From ${a.imageId} (reports/a.json) to ${b.imageId} (reports/b.json)`);
    expect(d.stdout).toContain(`Score: ${first.report.score}% → ${second.report.score}% (+0)`);
    expect(d.stdout).toContain(
      'Vulnerabilities: 1 critical, 1 high → 0 critical, 1 high; 1 new, 1 gone; gate ungated → passed',
    );
    expect(d.stdout).toContain('  new:  CVE-2024-2398 (medium) in curl 7.81.0-1ubuntu1.15');
    expect(d.stdout).toContain('  gone: CVE-2024-6387 (critical) in openssh-server 1:8.9p1-3ubuntu0.7');
    // a report and an AMI id mix; an AMI id needs the history, and must be in it
    const mixed = await runCli(['diff', 'reports/a.json', b.imageId, '--history', 'reports/b.json'], {
      cwd: root,
      env,
    });
    expect(mixed.code, mixed.stderr).toBe(0);
    const bare = await runCli(['diff', a.imageId, 'reports/b.json'], { cwd: root, env });
    expect([bare.code, bare.stderr]).toEqual([
      2,
      expect.stringMatching(/Input "older report": is the AMI id .* no --history reports/),
    ]);
    const absent = await runCli(
      ['diff', 'ami-0000000000000000f', 'reports/b.json', '--history', 'reports/*.json'],
      {
        cwd: root,
        env,
      },
    );
    expect([absent.code, absent.stderr]).toEqual([
      2,
      expect.stringMatching(/none of the 2 --history report\(s\) is of it/),
    ]);
  }, 120_000);
});
