/**
 * Issue 16's classes, each against the real part it is about: real oscap results (chroot scans of
 * the test root filesystem, a Debian 11 results file), real Lynis on that root filesystem, real git
 * for the pull request's changed lines, and Microsoft's SARIF validator on every SARIF written.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateScanGate, parseFailOn } from '../action-scan/src/gate.js';
import type { PlannedAnnotation } from '../action-scan/src/report/annotations.js';
import { planAnnotations, prioritise } from '../action-scan/src/report/annotations.js';
import { CHECK_SUMMARY_LIMIT } from '../action-scan/src/report/checks.js';
import { buildSummary } from '../action-scan/src/report/summary.js';
import { buildChangeMap, parseCisReferences } from '../shared/src/cis-map.js';
import { ARF_FIXTURE, baseRootfs, ROOT, runCli, tmpDir, UBUNTU2204_DS } from './helpers.js';
import { sarifProblems } from './support/sarif-validate.js';

const execFileAsync = promisify(execFile);

const refs = (text: string) =>
  parseCisReferences(text, 'x.sh').map((r) => `${r.line}:${r.scheme ? `${r.scheme}:` : ''}${r.cisId}`);

describe('1. markers after code on the same line; case; other benchmarks', () => {
  it('a comment that follows code is a marker, whatever the code holds before it', () => {
    expect(refs('apt-get install -y --no-install-recommends aide # CIS 1.4.1')).toEqual(['1:1.4.1']);
    expect(refs('x ; y # CIS 5.2.4')).toEqual(['1:5.2.4']);
    expect(refs('a && b # CIS 3.2.2')).toEqual(['1:3.2.2']);
    expect(refs('Set-ItemProperty -Path HKLM:\\x -Name y -Value 1 # CIS 2.3.1.1')).toEqual(['1:2.3.1.1']);
    expect(refs('  PermitRootLogin: "no" # CIS 5.2.10')).toEqual(['1:5.2.10']);
    expect(refs('resource "x" "y" { } // CIS 1.1.1.1')).toEqual(['1:1.1.1.1']);
    expect(refs('SELECT 1; -- CIS 6.1.1')).toEqual(['1:6.1.1']);
  });

  it('text inside quotes is not a comment', () => {
    expect(refs('echo "# CIS 9.9 done"')).toEqual([]);
    expect(refs("sed -i 's/^#MaxAuthTries.*/MaxAuthTries 4 # CIS 5.2.6/' f")).toEqual([]);
    expect(refs('echo "a # b" # CIS 4.4')).toEqual(['1:4.4']);
  });

  it('the keyword is matched in any case', () => {
    expect(refs('# cis 1.2.3')).toEqual(['1:1.2.3']);
    expect(refs('x # Cis 1.2.4')).toEqual(['1:1.2.4']);
  });

  it('names ANSSI, STIG, rule and Lynis ids too', () => {
    expect(refs('# ANSSI BP28(R12) and R13')).toEqual(['1:anssi:BP28(R12)', '1:anssi:R13']);
    expect(refs('sysctl -w x=1 # STIG UBTU-22-010000, UBTU-22-010001 make it so')).toEqual([
      '1:stig:UBTU-22-010000',
      '1:stig:UBTU-22-010001',
    ]);
    expect(refs('# rule sshd_set_max_auth_tries')).toEqual(['1:rule:sshd_set_max_auth_tries']);
    expect(refs('# xccdf_org.ssgproject.content_rule_sshd_set_max_auth_tries')).toEqual([
      '1:rule:xccdf_org.ssgproject.content_rule_sshd_set_max_auth_tries',
    ]);
    expect(refs('# Lynis SSH-7408: harden sshd')).toEqual(['1:lynis:SSH-7408']);
  });

  it('a STIG profile finding lands on its STIG marker', () => {
    const map = buildChangeMap([{ file: 's.sh', text: 'x\n# STIG UBTU-20-010450\nsed -i y f\n' }]);
    const [a] = planAnnotations(
      [
        {
          engine: 'openscap',
          ruleId: 'xccdf_org.ssgproject.content_rule_r',
          title: 'T',
          severity: 'medium',
          status: 'fail',
          cisIds: [],
          refs: [{ scheme: 'stig', id: 'UBTU-20-010450' }],
        },
      ],
      map,
      { fallbackFile: 's.sh', profileScheme: 'stig' },
    );
    expect(a).toMatchObject({ level: 'error', file: 's.sh', line: 2, title: 'STIG UBTU-20-010450: T' });
  });
});

describe('8. changed lines: the marker block counts', () => {
  it('a change under a marker (not on the comment line) puts that control first', () => {
    const map = buildChangeMap([{ file: 'h.sh', text: '# CIS 1.1\na\nb\n\n# CIS 2.2\nc\n' }]);
    const f = (id: string) => ({
      engine: 'openscap' as const,
      ruleId: `r${id}`,
      title: id,
      severity: 'medium' as const,
      status: 'fail' as const,
      cisIds: [id],
    });
    const plan = planAnnotations([f('1.1'), f('2.2')], map, 'h.sh');
    expect(plan.map((a) => [a.line, a.endLine])).toEqual([
      [1, 3],
      [5, 6],
    ]);
    expect(prioritise(plan, new Map([['h.sh', new Set([6])]])).map((a) => a.cisId)).toEqual(['2.2', '1.1']);
    // a blank line ends the block: line 4 belongs to no control
    expect(prioritise(plan, new Map([['h.sh', new Set([4])]])).map((a) => a.cisId)).toEqual(['1.1', '2.2']);
  });

  it('shallow clone: the base commit comes from the pull_request event (fetched when missing)', async () => {
    const origin = tmpDir('ami-bakery-origin-');
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', ...args], {
        cwd,
        encoding: 'utf8',
      }).trim();
    git(origin, 'init', '-q', '-b', 'main');
    fs.mkdirSync(path.join(origin, 'scripts'));
    const script =
      '# CIS 5.2.6\necho "MaxAuthTries 4" >> /etc/ssh/sshd_config\n\n# CIS 6.1.4\nchmod 0640 /etc/shadow\n';
    fs.writeFileSync(path.join(origin, 'scripts/h.sh'), script);
    git(origin, 'add', '.');
    git(origin, 'commit', '-qm', 'base');
    const base = git(origin, 'rev-parse', 'HEAD');
    fs.writeFileSync(path.join(origin, 'scripts/h.sh'), script.replace('0640', '0644'));
    git(origin, 'commit', '-qam', 'pr');
    const work = tmpDir('ami-bakery-shallow-');
    execFileSync('git', ['clone', '-q', '--depth=1', `file://${origin}`, work]);
    expect(() => git(work, 'cat-file', '-e', base)).toThrow(); // not in the shallow clone
    const event = path.join(work, '..', `${path.basename(work)}-event.json`);
    fs.writeFileSync(event, JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: 'x' } } }));
    const r = await runCli(
      [
        'scan',
        '--results',
        ARF_FIXTURE,
        '--hardening-scripts',
        'scripts/*.sh',
        '--report-file',
        '',
        '--sarif-file',
        '',
      ],
      { cwd: work, env: { GITHUB_WORKSPACE: work, GITHUB_EVENT_PATH: event } },
    );
    expect(r.code, r.stderr).toBe(1);
    const first = r.stderr.split('\n').find((l) => /^(error|warning): /.test(l));
    expect(first).toMatch(/^error: scripts\/h\.sh:4: CIS 6\.1\.4: /);
  });
});

describe('9. the check run summary is cut at a row boundary', () => {
  it('never cuts inside a table row, and says how many rows were left out', () => {
    const annotations: PlannedAnnotation[] = Array.from({ length: 2000 }, (_, i) => ({
      level: 'warning',
      file: 'scripts/x.sh',
      line: 1,
      title: `CIS 9.${i}: ${'a long title '.repeat(5)}(not implemented)`,
      message: 'm',
      cisId: `9.${i}`,
      control: `CIS 9.${i}`,
      ruleId: `r${i}`,
      engine: 'openscap',
      severity: 'low',
      status: 'fail',
      implemented: false,
    }));
    const counts = {
      total: 2000,
      passed: 0,
      failed: 2000,
      errors: 0,
      notapplicable: 0,
      notchecked: 0,
      informational: 0,
    };
    const md = buildSummary(
      {
        title: 't',
        score: 0,
        weightedScore: 0,
        counts,
        gate: { verdict: 'failed', reasons: [] },
        annotations,
      },
      CHECK_SUMMARY_LIMIT,
    );
    expect(md.length).toBeLessThanOrEqual(CHECK_SUMMARY_LIMIT);
    const lines = md.trimEnd().split('\n');
    const rows = lines.filter((l) => l.startsWith('| CIS 9.'));
    for (const row of rows) expect(row).toMatch(/^\| CIS 9\.\d+ \| .* \| low \| `scripts\/x\.sh` \|$/);
    expect(lines.at(-1)).toBe(
      `…and ${2000 - rows.length} more row(s) left out to stay under the check run summary limit (64,000 characters): see the SARIF file and the JSON report.`,
    );
  });
});

describe('10. the gate fails closed', () => {
  const a = (implemented: boolean): PlannedAnnotation => ({
    level: implemented ? 'error' : 'warning',
    title: 't',
    message: 'm',
    ruleId: 'r',
    engine: 'openscap',
    severity: 'low',
    status: 'fail',
    implemented,
    control: 'CIS 1.1',
  });
  it('blank fail-on is the default; an unknown value is bad input', () => {
    expect(parseFailOn('')).toBe('implemented');
    expect(parseFailOn('  ')).toBe('implemented');
    expect(() => parseFailOn('never')).toThrow(/Input "fail-on": "never" is not one of/);
  });
  it('implemented fails on a claimed control only; new without a baseline counts every failure', () => {
    const cfg = { failOnNewFailures: false };
    expect(
      evaluateScanGate({ score: 50, annotations: [a(false)] }, { ...cfg, failOn: 'implemented' }).verdict,
    ).toBe('passed');
    expect(
      evaluateScanGate({ score: 99, annotations: [a(true)] }, { ...cfg, failOn: 'implemented' }).verdict,
    ).toBe('failed');
    expect(evaluateScanGate({ score: 99, annotations: [a(false)] }, { ...cfg, failOn: 'new' }).verdict).toBe(
      'failed',
    );
    expect(evaluateScanGate({ score: 10, annotations: [a(true)] }, { ...cfg, failOn: 'none' }).verdict).toBe(
      'ungated',
    );
    expect(
      evaluateScanGate({ score: 10, annotations: [a(true)] }, { ...cfg, failOn: 'none', minScore: 5 })
        .verdict,
    ).toBe('passed');
  });
});

describe('real engines', () => {
  let ws: string;
  let lynisReport: string;
  beforeAll(async () => {
    // a repository of its own, with no hardening scripts at all
    ws = tmpDir('ami-bakery-ws-');
    execFileSync('git', ['init', '-q'], { cwd: ws });
    lynisReport = path.join(ws, 'lynis-report.dat');
    // awaited: a synchronous audit of a minute stalls vitest's worker RPC past its fixed 60 s
    await execFileAsync(
      'lynis',
      [
        'audit',
        'system',
        '--forensics',
        '--rootdir',
        baseRootfs(),
        '--report-file',
        lynisReport,
        '--no-colors',
        '--quiet',
      ],
      { cwd: ws, maxBuffer: 64 * 1024 * 1024 },
    );
  }, 180_000);

  it('13/5. Lynis: kinds kept, the release notice not counted, its index shown; every finding has a location; SARIF valid', async () => {
    const summary = path.join(ws, 'summary.md');
    fs.writeFileSync(summary, '');
    const sarif = path.join(ws, 'out.sarif');
    const r = await runCli(
      [
        'scan',
        '--results',
        'lynis-report.dat',
        '--sarif-file',
        sarif,
        '--report-file',
        '',
        '--fail-on',
        'any',
      ],
      { cwd: ws, env: { GITHUB_WORKSPACE: ws, GITHUB_STEP_SUMMARY: summary } },
    );
    expect(r.code, r.stderr).toBe(1);
    const text = fs.readFileSync(lynisReport, 'utf8');
    expect(text).toMatch(/^suggestion\[\]=LYNIS\|/m);
    expect(r.stderr).not.toMatch(/Lynis LYNIS|LYNIS:/);
    const index = /^hardening_index=(\d+)/m.exec(text)?.[1];
    expect(fs.readFileSync(summary, 'utf8')).toContain(`Lynis hardening index: **${index}**`);
    // suggestions are notices, warnings are warnings, never errors (no marker claims them)
    const suggestions = new Set([...text.matchAll(/^suggestion\[\]=([A-Z]+-\d+)\|/gm)].map((m) => m[1]));
    const warnings = new Set([...text.matchAll(/^warning\[\]=([A-Z]+-\d+)\|/gm)].map((m) => m[1]));
    expect(suggestions.size).toBeGreaterThan(5);
    expect(r.stderr).not.toMatch(/^error: lynis/m);
    for (const id of warnings)
      expect(r.stderr).toMatch(new RegExp(`^warning: lynis-report\\.dat:1: Lynis ${id}: `, 'm'));
    for (const id of [...suggestions].filter((s) => !warnings.has(s)).slice(0, 5))
      expect(r.stderr).toMatch(new RegExp(`^notice: lynis-report\\.dat:1: Lynis ${id}: `, 'm'));
    // a test with several messages shows them all (FILE-6310: /home, /tmp, /var)
    expect(r.stderr).toMatch(/Lynis FILE-6310: .*\(\+2 more\)[\s\S]*Found: .*\/home.*; .*\/tmp.*; .*\/var/);
    expect(Number(r.outputs['annotations-delivered'])).toBe(Number(r.outputs.annotations));
    expect(sarifProblems(sarif)).toEqual([]);
  });

  it('11. results of another product read with this data stream are refused (exit 2)', async () => {
    const results = path.join(ws, 'debian11-results.xml');
    try {
      await execFileAsync(
        'oscap',
        [
          'xccdf',
          'eval',
          '--profile',
          'xccdf_org.ssgproject.content_profile_standard',
          '--results',
          results,
          '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml',
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      );
    } catch {
      // exit 2: some rules did not pass; the results file is written all the same
    }
    const r = await runCli(
      [
        'scan',
        '--results',
        results,
        '--datastream',
        UBUNTU2204_DS,
        '--hardening-scripts',
        `${ROOT}/test/fixtures/hardening/**`,
      ],
      {
        env: { GITHUB_WORKSPACE: ROOT },
      },
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /Input "datastream": .* holds results for benchmark xccdf_org\.ssgproject\.content_benchmark_DEBIAN-11, but the data stream .* is benchmark xccdf_org\.ssgproject\.content_benchmark_UBUNTU_22-04/,
    );
  });

  it('12/15. a non-CIS profile is titled by its profile, rule markers place its findings, and a directory is a glob', async () => {
    const dir = path.join(ws, 'hardening');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'pkgs.sh'),
      "#!/bin/sh\necho 'home stays on the root volume' # rule partition_for_home\n",
    );
    const summary = path.join(ws, 'summary-standard.md');
    fs.writeFileSync(summary, '');
    const sarif = path.join(ws, 'standard.sarif');
    const r = await runCli(
      [
        'scan',
        '--target',
        `chroot:${baseRootfs()}`,
        '--profile',
        'standard',
        '--datastream',
        UBUNTU2204_DS,
        '--hardening-scripts',
        'hardening',
        '--sarif-file',
        sarif,
        '--report-file',
        '',
      ],
      { cwd: ws, env: { GITHUB_WORKSPACE: ws, GITHUB_STEP_SUMMARY: summary } },
    );
    expect(r.stderr).toMatch(/^error: hardening\/pkgs\.sh:2: rule partition_for_home: /m);
    expect(r.code, r.stderr).toBe(1);
    const md = fs.readFileSync(summary, 'utf8');
    expect(md).toContain('## ami-bakery scan: Compliance (standard)');
    expect(md).not.toContain('CIS compliance');
    expect(sarifProblems(sarif)).toEqual([]);
    const missing = await runCli(['scan', '--results', ws, '--report-file', '', '--sarif-file', ''], {
      cwd: ws,
      env: { GITHUB_WORKSPACE: ws },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Input "results": ".*" is a directory, not a result file/);
  });

  it('the demo-sized real ARF gives SARIF that code scanning accepts', async () => {
    const sarif = path.join(ws, 'arf.sarif');
    await runCli(
      [
        'scan',
        '--results',
        ARF_FIXTURE,
        '--hardening-scripts',
        'test/fixtures/hardening/**',
        '--sarif-file',
        sarif,
        '--report-file',
        '',
      ],
      { env: { GITHUB_WORKSPACE: ROOT } },
    );
    expect(JSON.parse(fs.readFileSync(sarif, 'utf8')).runs[0].results).toHaveLength(71);
    expect(sarifProblems(sarif)).toEqual([]);
  });
});
