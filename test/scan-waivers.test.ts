/**
 * Waivers through the CLI on a real OpenSCAP result (the recorded ARF of a real oscap-chroot scan):
 * a waived claimed control stops failing the gate and leaves the score; an expired waiver fails it,
 * annotated on its own line; a malformed file is bad input; the SARIF passes Microsoft's validator.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ARF_FIXTURE, ROOT, runCli, tmpDir } from './helpers.js';
import { sarifProblems } from './support/sarif-validate.js';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

function repo(waivers?: string) {
  const root = tmpDir('ami-bakery-waivers-');
  fs.mkdirSync(path.join(root, 'scripts'));
  fs.writeFileSync(
    path.join(root, 'scripts/10-fs.sh'),
    '#!/bin/sh\n# CIS 1.1.2 Ensure /tmp is a separate partition\nsystemctl enable tmp.mount\n',
  );
  if (waivers !== undefined) {
    fs.mkdirSync(path.join(root, 'compliance'));
    fs.writeFileSync(path.join(root, 'compliance/waivers.yml'), waivers);
  }
  return root;
}

const waiver = (expires: string) =>
  `waivers:\n  - id: "1.1.2"\n    reason: single-volume image, /tmp is a tmpfs\n    owner: platform@example.com\n    expires: ${expires}\n`;

async function scan(root: string, withWaivers: boolean) {
  const summary = path.join(root, 'summary.md');
  const r = await runCli(
    [
      'scan',
      '--results',
      ARF_FIXTURE,
      '--hardening-scripts',
      'scripts/*.sh',
      '--report-file',
      path.join(root, 'out/report.json'),
      '--sarif-file',
      path.join(root, 'out/report.sarif'),
      ...(withWaivers ? ['--waivers', 'compliance/waivers.yml'] : []),
    ],
    { cwd: root, env: { GITHUB_WORKSPACE: root, GITHUB_STEP_SUMMARY: summary } },
  );
  const report = fs.existsSync(path.join(root, 'out/report.json'))
    ? JSON.parse(fs.readFileSync(path.join(root, 'out/report.json'), 'utf8'))
    : undefined;
  return { r, report, summary: fs.existsSync(summary) ? fs.readFileSync(summary, 'utf8') : '' };
}

describe('waivers on a real scan', () => {
  it('a waived claimed control: a notice on the waiver line, out of the score and the gate, suppressed in SARIF', async () => {
    const root = repo(waiver(day(90)));
    const without = await scan(root, false);
    expect(without.r.code).toBe(1);
    expect(without.r.stderr).toMatch(/^error: scripts\/10-fs\.sh:2: CIS 1\.1\.2/m);

    const { r, report, summary } = await scan(root, true);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/^error: /m);
    expect(r.stderr).toMatch(
      new RegExp(
        `^notice: compliance/waivers\\.yml:2: CIS 1\\.1\\.2: waived until ${day(90)} by platform@example\\.com: single-volume image`,
        'm',
      ),
    );
    const waived = report.findings.filter((f: { waiver?: unknown }) => f.waiver);
    expect(waived.length).toBeGreaterThan(0);
    expect(report.counts.waived).toBe(waived.length);
    expect(report.counts.failed).toBe(without.report.counts.failed - waived.length);
    expect(report.score).toBeGreaterThan(without.report.score);
    expect(summary).toMatch(/\*\*Waived\*\* \(\d+, counted neither passed nor failed in the score\)/);
    expect(summary).toContain(
      `waived until ${day(90)} by platform@example.com: single-volume image, /tmp is a tmpfs`,
    );
    const sarifFile = path.join(root, 'out/report.sarif');
    const sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8'));
    const suppressed = sarif.runs[0].results.filter((x: { suppressions?: unknown[] }) => x.suppressions);
    expect(suppressed.length).toBe(waived.length);
    expect(await sarifProblems(sarifFile)).toEqual([]);
  }, 120_000);

  it('an expired waiver is not applied and fails the gate, annotated on its line', async () => {
    const root = repo(waiver(day(-1)));
    const { r, summary } = await scan(root, true);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^error: compliance/waivers\\.yml:2: Waiver 1\\.1\\.2 expired on ${day(-1)}`, 'm'),
    );
    expect(r.stderr).toMatch(/^error: scripts\/10-fs\.sh:2: CIS 1\.1\.2/m);
    expect(r.stderr).toMatch(/Scan gate failed: .*1 waiver\(s\) expired or incomplete/);
    expect(summary).toMatch(
      /❌ Waiver 1\.1\.2 \(`compliance\/waivers\.yml:2`\) expired on .*: not applied, the gate fails\./,
    );
  });

  it('a malformed waivers file is bad input naming the file and line, before anything runs', async () => {
    const root = repo('waivers:\n  - id: "1.1.2"\n    owner: me\n    expires: next year\n');
    const { r } = await scan(root, true);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /Input "waivers": compliance\/waivers\.yml:4: "expires" of 1\.1\.2 must be a date YYYY-MM-DD/,
    );
    expect(fs.existsSync(path.join(root, 'out/report.json'))).toBe(false);
  });
});

describe('waivers with InSpec results', () => {
  it('an InSpec control is waived by its id, and the waivers are written as an InSpec waiver file', async () => {
    const root = repo(
      `waivers:\n  - id: sshd-max-auth-tries\n    reason: bastion policy sets it\n    owner: sec@example.com\n    expires: ${day(60)}\n`,
    );
    const r = await runCli(
      [
        'scan',
        '--results',
        path.join(ROOT, 'test/fixtures/inspec/cis-ubuntu-22.04.json'),
        '--hardening-scripts',
        'scripts/*.sh',
        '--fail-on',
        'none',
        '--report-file',
        'out/report.json',
        '--sarif-file',
        '',
        '--waivers',
        'compliance/waivers.yml',
        '--inspec-waiver-file',
        'out/inspec-waivers.yml',
      ],
      { cwd: root, env: { GITHUB_WORKSPACE: root } },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(root, 'out/report.json'), 'utf8'));
    const waived = report.findings
      .filter((f: { waiver?: unknown }) => f.waiver)
      .map((f: { ruleId: string }) => f.ruleId);
    expect(waived).toEqual(['sshd-max-auth-tries']);
    expect(r.stderr).toMatch(/^notice: compliance\/waivers\.yml:2: .*waived until/m);
    const inspec = parse(fs.readFileSync(path.join(root, 'out/inspec-waivers.yml'), 'utf8'));
    expect(inspec['sshd-max-auth-tries']).toMatchObject({ run: false, expiration_date: day(60) });
    expect(r.outputs['inspec-waiver-file']).toBe('out/inspec-waivers.yml');
  });
});
