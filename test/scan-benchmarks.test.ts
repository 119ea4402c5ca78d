/**
 * A control is its benchmark, its version and its number, through the committed bundle as the runner
 * runs it: the suite's real ARF (ComplianceAsCode 0.1.65, labelled Ubuntu 22.04 v1.0.0, numbered like
 * 20.04 v1.0.0) against a role written here in the shape of an ansible-lockdown role for CIS Ubuntu
 * 22.04 v2.0.0 (defaults/main.yml with benchmark_version, tasks/ at the root, a PRELIM file that
 * sorts first, block-scalar names). In 22.04 v2.0.0, SSH MaxAuthTries is 5.1.16 and 5.2.6 is a sudo
 * recommendation; in the content's numbering MaxAuthTries is 5.2.6 (facts of ComplianceAsCode's
 * control files, data/cis-crosswalk.json).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARF_FIXTURE, outputValue, runActionBundle, tmpDir } from './helpers.js';

function role(version: string): string {
  const root = tmpDir('ami-bakery-role-');
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  write(
    'defaults/main.yml',
    `---\nbenchmark: UBUNTU22-CIS\nbenchmark_version: ${version}\nrule_5_1_16: true\n`,
  );
  write(
    'tasks/prelim.yml',
    [
      '- name: "PRELIM | AUDIT | Gather the sshd configuration"',
      '  ansible.builtin.shell: sshd -T',
      '',
      '- name: "5.1.16 | AUDIT | Ensure sshd MaxAuthTries is configured | read current value"',
      '  ansible.builtin.shell: grep MaxAuthTries /etc/ssh/sshd_config',
      '',
    ].join('\n'),
  );
  write(
    'tasks/section_5/cis_5.1.x.yml',
    [
      '---', // 1
      '- name: |', // 2
      '    "5.1.16 | PATCH | Ensure sshd MaxAuthTries is configured"', // 3
      '  ansible.builtin.lineinfile:', // 4
      '    path: /etc/ssh/sshd_config', // 5
      '    line: MaxAuthTries 4', // 6
      '',
    ].join('\n'),
  );
  write(
    'tasks/section_5/cis_5.2.x.yml',
    [
      '---', // 1
      '- name: "5.2.6 | PATCH | Ensure sudo authentication timeout is configured correctly"', // 2
      '  ansible.builtin.lineinfile:', // 3
      '    path: /etc/sudoers', // 4
      '    line: Defaults timestamp_timeout=15', // 5
      '',
    ].join('\n'),
  );
  return root;
}

const scan = (root: string, extra: Record<string, string> = {}) =>
  runActionBundle(
    'action-scan',
    {
      target: 'results',
      results: ARF_FIXTURE,
      'hardening-scripts': '',
      'sarif-file': 'out/scan.sarif',
      'report-file': 'out/scan.json',
      'report-html': 'none',
      'fail-on': 'implemented',
      'min-score': '',
      'github-token': '',
      ...extra,
    },
    { GITHUB_WORKSPACE: root },
    { cwd: root },
  );

/** The error annotations of the log (`::error title=…,file=…,line=…::message`). */
const errors = (stdout: string) => stdout.split('\n').filter((l) => /^::error .*\bfile=/.test(l));

describe('benchmarks and versions (action-scan bundle, real ARF, a 22.04 v2.0.0 role)', () => {
  it('a failing rule lands on the task of the same recommendation in the code’s numbering, never by bare number', async () => {
    const root = role('v2.0.0');
    const r = await scan(root);
    expect(r.code, r.stdout).toBe(1);
    const onTasks = errors(r.stdout);
    // MaxAuthTries (5.2.6 in the content) is on the 5.1.16 task, saying both numbers
    const maxAuth = onTasks.find((l) => /title=CIS 5\.1\.16 \(Ubuntu 22\.04 v2\.0\.0\)/.test(l));
    expect(maxAuth).toMatch(/file=tasks\/section_5\/cis_5\.1\.x\.yml,line=2::/);
    expect(maxAuth).toContain(
      "CIS 5.2.6 in the scan's Ubuntu 20.04 v1.0.0 numbering is 5.1.16 in your Ubuntu 22.04 v2.0.0 code",
    );
    // nothing from the content's 5.2.6 (SSH) lands on the code's 5.2.6 (sudo), nor on PRELIM/AUDIT tasks
    expect(onTasks.filter((l) => /cis_5\.2\.x\.yml/.test(l))).toEqual([]);
    expect(onTasks.filter((l) => /prelim\.yml/.test(l))).toEqual([]);
    expect(r.stdout).toMatch(/::error::Scan gate failed: .*CIS 5\.1\.16 \(Ubuntu 22\.04 v2\.0\.0\)/);
    // both sides' benchmarks, in the summary, the JSON report and SARIF
    expect(r.summary).toMatch(
      /numbers CIS recommendations by Ubuntu 20\.04 v1\.0\.0 \(its profile says Ubuntu 22\.04 v1\.0\.0\)/,
    );
    expect(r.summary).toMatch(
      /declare Ubuntu 22\.04 v2\.0\.0: matched through the rule ids of ComplianceAsCode/,
    );
    const report = JSON.parse(fs.readFileSync(path.join(root, 'out/scan.json'), 'utf8'));
    expect(report.benchmarks).toMatchObject({
      content: { says: 'Ubuntu 22.04 v1.0.0', numbersBy: 'Ubuntu 20.04 v1.0.0', release: '0.1.65' },
      code: [{ benchmark: 'Ubuntu 22.04 v2.0.0', how: 'translated', markers: 2, controls: 2 }],
      undeclaredMarkers: 0,
    });
    const sarif = JSON.parse(fs.readFileSync(path.join(root, 'out/scan.sarif'), 'utf8'));
    expect(sarif.runs[0].properties.benchmarks.code[0].benchmark).toBe('Ubuntu 22.04 v2.0.0');
    expect(outputValue(r.outputs, 'gate')).toBe('failed');
  });

  it('a benchmark nothing translates: no control is claimed, the implemented gate fails closed and says how to fix it', async () => {
    const root = role('v9.0.0');
    const r = await scan(root);
    expect(r.code, r.stdout).toBe(1);
    expect(errors(r.stdout)).toEqual([]);
    expect(r.stdout).toMatch(
      /Scan gate failed: The markers number by Ubuntu 22\.04 v9\.0\.0, the content by Ubuntu 20\.04 v1\.0\.0 .*2 marker\(s\) for 2 control\(s\) could not be compared/,
    );
    expect(r.stdout).not.toMatch(/claims to implement fail/);
    expect(r.summary).toMatch(/Not compared:/);
    // min-score does not depend on markers: it still judges
    const scored = await scan(root, { 'fail-on': 'none', 'min-score': '10' });
    expect(scored.code, scored.stdout).toBe(0);
    expect(outputValue(scored.outputs, 'gate')).toBe('passed');
  });

  it('the benchmark input: a value naming no benchmark is refused before anything is written', async () => {
    const root = role('v2.0.0');
    fs.rmSync(path.join(root, 'defaults'), { recursive: true });
    for (const bad of ['latest', 'Ubuntu 22.04', 'ubuntu2204 v2.0.0\n::error::forged']) {
      const r = await scan(root, { benchmark: bad });
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toMatch(/^::error::Input "benchmark": /m);
      expect(r.stdout).not.toMatch(/^::error::forged/m);
      expect(fs.existsSync(path.join(root, 'out'))).toBe(false);
    }
    // the input declares the markers of a role with no defaults: translated as above
    const r = await scan(root, { benchmark: 'ubuntu2204 v2.0.0' });
    expect(r.code).toBe(1);
    expect(errors(r.stdout).find((l) => /CIS 5\.1\.16 \(Ubuntu 22\.04 v2\.0\.0\)/.test(l))).toBeDefined();
  });

  it('failures with no repository file to sit on: no empty SARIF (it would close open alerts), and a loud warning', async () => {
    const root = tmpDir('ami-bakery-empty-');
    fs.mkdirSync(path.join(root, 'out'));
    fs.writeFileSync(path.join(root, 'out/scan.sarif'), '{"stale": true}');
    const r = await scan(root, { 'fail-on': 'any' });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(
      /^::warning::SARIF not written: 71 failing result\(s\) have no repository file/m,
    );
    expect(fs.existsSync(path.join(root, 'out/scan.sarif'))).toBe(false);
    expect(outputValue(r.outputs, 'sarif-file')).toBe('');
    expect(fs.existsSync(path.join(root, 'out/scan.json'))).toBe(true);
  });
});
