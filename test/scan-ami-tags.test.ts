/** action-scan's ami-id tagging through the real AWS SDK against the local EC2 sandbox. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARF_FIXTURE, runCli, tmpDir } from './helpers.js';
import { type Credentials, Ec2Sandbox } from './sandbox/ec2-sandbox.js';

const HARDENING = 'test/fixtures/hardening/**';
let sandbox: Ec2Sandbox;
let creds: Credentials;

beforeAll(async () => {
  sandbox = new Ec2Sandbox();
  await sandbox.start();
  creds = sandbox.addAccount('111111111111');
});
afterAll(() => sandbox.stop());

const scan = (amiId: string, extra: string[] = [], region = 'eu-west-1') =>
  runCli(
    [
      'scan',
      '--results',
      ARF_FIXTURE,
      '--hardening-scripts',
      HARDENING,
      '--ami-id',
      amiId,
      '--report-file',
      '',
      '--sarif-file',
      '',
      // the score is the gate these tests are about, unless a test sets fail-on
      ...(extra.includes('--fail-on') ? [] : ['--fail-on', 'none']),
      ...extra,
    ],
    {
      env: sandbox.env(creds, region),
    },
  );

describe('scan --ami-id: the score trend of the image family', () => {
  it('earlier golden images of the family with a score of this profile are the trend, in the summary and the HTML report', async () => {
    const T = 'packer/ubuntu-22.04.pkr.hcl';
    const golden = (date: string, tags: Record<string, string>) =>
      sandbox.putImage('111111111111', 'eu-west-1', {
        creationDate: date,
        tags: {
          'ami-bakery:template': T,
          'ami-bakery:status': 'golden',
          'ami-bakery:cis-profile': 'cis_level1_server',
          ...tags,
        },
      });
    golden('2026-08-01T00:00:00.000Z', { 'ami-bakery:cis-score': '61.5' });
    golden('2026-09-01T00:00:00.000Z', { 'ami-bakery:cis-score': '70' });
    golden('2026-09-15T00:00:00.000Z', { 'ami-bakery:cis-score': '99', 'ami-bakery:cis-profile': 'stig' });
    golden('2026-09-20T00:00:00.000Z', {
      'ami-bakery:cis-score': '88',
      'ami-bakery:template': 'other.pkr.hcl',
    });
    golden('2026-09-25T00:00:00.000Z', { 'ami-bakery:cis-score': '77', 'ami-bakery:status': 'candidate' });
    const img = sandbox.putImage('111111111111', 'eu-west-1', { tags: { 'ami-bakery:template': T } });
    const dir = tmpDir();
    const summary = path.join(dir, 'summary.md');
    fs.writeFileSync(summary, '');
    const r = await runCli(
      ['scan', '--results', ARF_FIXTURE, '--hardening-scripts', HARDENING, '--ami-id', img.imageId].concat([
        '--report-file',
        path.join(dir, 'r.json'),
        '--sarif-file',
        '',
        '--fail-on',
        'none',
      ]),
      { env: { ...sandbox.env(creds, 'eu-west-1'), GITHUB_STEP_SUMMARY: summary } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /Trend: 2 earlier golden image\(s\) of ami-bakery:template=packer\/ubuntu-22\.04\.pkr\.hcl with a cis_level1_server score in eu-west-1/,
    );
    expect(fs.readFileSync(summary, 'utf8')).toContain(`line [61.5, 70, ${r.outputs.score}]`);
    const html = fs.readFileSync(path.join(dir, 'r.html'), 'utf8');
    expect(html.match(/<circle /g)).toHaveLength(3);
  });
});

describe('scan --ami-id tags the image with its result', () => {
  it('tags score, profile and scan=passed', async () => {
    const img = sandbox.putImage('111111111111', 'eu-west-1', { name: 'golden-ubuntu-22.04-test' });
    const r = await scan(img.imageId, ['--min-score', '50']);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.fromEntries(img.tags)).toEqual({
      'ami-bakery:cis-score': r.outputs.score,
      'ami-bakery:cis-profile': 'cis_level1_server',
      'ami-bakery:scan': 'passed',
    });
    const call = sandbox.calls.find((c) => c.action === 'CreateTags');
    expect(call).toMatchObject({ accountId: '111111111111', region: 'eu-west-1' });
  });

  it('tags scan=failed when the gate fails (and still exits 1)', async () => {
    const img = sandbox.putImage('111111111111', 'eu-west-1');
    const r = await scan(img.imageId, ['--min-score', '95']);
    expect(r.code).toBe(1);
    expect(img.tags.get('ami-bakery:scan')).toBe('failed');
  });

  it('the default gate (fail-on: implemented) fails when a control the scripts claim fails: scan=failed', async () => {
    const img = sandbox.putImage('111111111111', 'eu-west-1');
    const r = await scan(img.imageId, ['--fail-on', '']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/claims to implement fail/);
    expect(img.tags.get('ami-bakery:scan')).toBe('failed');
  });

  it('no gate at all (fail-on: none, no min-score) is loud and never tags scan=passed', async () => {
    const img = sandbox.putImage('111111111111', 'eu-west-1');
    const r = await scan(img.imageId, ['--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: fail-on: none and no min-score: this scan gates nothing/);
    expect(r.outputs.gate).toBe('ungated');
    expect(img.tags.get('ami-bakery:scan')).toBe('ungated');
  });

  it('an AMI that does not exist is a clear input error before the scan: nothing tagged, no report written (issue 22: 22)', async () => {
    const before = sandbox.calls.filter((c) => c.action === 'CreateTags').length;
    const r = await scan('ami-0123456789abcdef0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /Input "ami-id": ami-0123456789abcdef0 does not exist in eu-west-1 for these credentials/,
    );
    // refused before the results were read: no annotation, no summary of a scan
    expect(r.stderr).not.toMatch(/^(error|warning): [\w/.-]+:\d+: /m);
    expect(r.stdout).not.toMatch(/^── Annotations/m);
    expect(sandbox.calls.filter((c) => c.action === 'CreateTags').length).toBe(before);
  });

  it('a malformed region is rejected before any call', async () => {
    const n = sandbox.calls.length;
    const r = await scan('ami-0123456789abcdef0', ['--aws-region', 'moon-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Input "aws-region": "moon-1" is not an AWS region name/);
    expect(sandbox.calls.length).toBe(n);
  });
});
