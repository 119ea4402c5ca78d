import { describe, expect, it } from 'vitest';
import type { Finding } from '../../action-scan/src/findings.js';
import { parseChangedLines, planAnnotations, prioritise } from '../../action-scan/src/report/annotations.js';
import {
  compareReports,
  REPORT_SCHEMA,
  type ScanReport,
  toReportFinding,
} from '../../action-scan/src/report/report.js';
import { buildSarif } from '../../action-scan/src/report/sarif.js';
import { buildSummary } from '../../action-scan/src/report/summary.js';
import { buildChangeMap } from '../../shared/src/cis-map.js';

const finding = (over: Partial<Finding>): Finding => ({
  engine: 'openscap',
  ruleId: 'xccdf_org.ssgproject.content_rule_sshd_set_max_auth_tries',
  title: 'Set SSH authentication attempt limit',
  severity: 'medium',
  status: 'fail',
  cisIds: ['5.2.6'],
  expected: 'MaxAuthTries 4',
  found: '/etc/ssh/sshd_config: "MaxAuthTries 6"',
  ...over,
});

const map = buildChangeMap([
  {
    file: 'scripts/ssh.sh',
    text: '#!/bin/sh\n# CIS 5.2.6\necho MaxAuthTries 6 >> /etc/ssh/sshd_config\n# CIS 5.2\n',
  },
  { file: 'scripts/zz.sh', text: '# CIS 5.2.6 (again)\n' },
]);

describe('annotations', () => {
  it('puts a failing control on the line of its change, titled with the CIS ID, with expected/found', () => {
    const [a] = planAnnotations([finding({})], map, 'template.pkr.hcl');
    expect(a).toMatchObject({ file: 'scripts/ssh.sh', line: 2, level: 'error', implemented: true });
    expect(a.title).toBe('CIS 5.2.6: Set SSH authentication attempt limit');
    expect(a.message).toContain('Expected: MaxAuthTries 4');
    expect(a.message).toContain('Found: /etc/ssh/sshd_config: "MaxAuthTries 6"');
    expect(a.message).toContain('xccdf_org.ssgproject.content_rule_sshd_set_max_auth_tries');
    expect(a.message).toContain('Also changed at: scripts/zz.sh:1');
  });

  it('falls back to the parent section change, saying so', () => {
    const [a] = planAnnotations([finding({ cisIds: ['5.2.9'], title: 'Disable root login' })], map);
    expect(a).toMatchObject({ file: 'scripts/ssh.sh', line: 4 });
    expect(a.message).toMatch(/No change carries CIS 5\.2\.9 itself/);
  });

  it('annotates a control with no change as "not implemented" on the template', () => {
    const [a] = planAnnotations(
      [finding({ cisIds: ['1.4.1'], title: 'Install AIDE' })],
      map,
      'template.pkr.hcl',
    );
    expect(a).toMatchObject({ file: 'template.pkr.hcl', line: 1, implemented: false });
    expect(a.title).toBe('CIS 1.4.1: Install AIDE (not implemented)');
  });

  it('skips passing and not-applicable findings; a claimed control that errors is still an error', () => {
    const plan = planAnnotations(
      [finding({ status: 'pass' }), finding({ status: 'notapplicable' }), finding({ status: 'error' })],
      map,
    );
    expect(plan.map((a) => [a.level, a.status])).toEqual([['error', 'error']]);
  });

  it('orders annotations on lines the PR changed first', () => {
    const diff = [
      'diff --git a/scripts/zz.sh b/scripts/zz.sh',
      '--- a/scripts/zz.sh',
      '+++ b/scripts/zz.sh',
      '@@ -0,0 +1,2 @@',
      '+# CIS 4.4',
      '+x',
    ].join('\n');
    const changed = parseChangedLines(diff);
    expect([...(changed.get('scripts/zz.sh') ?? [])]).toEqual([1, 2]);
    const plan = [
      { file: 'scripts/ssh.sh', line: 2, title: 'a' },
      { file: 'scripts/zz.sh', line: 1, title: 'b' },
    ] as unknown as Parameters<typeof prioritise>[0];
    expect(prioritise(plan, changed).map((a) => a.title)).toEqual(['b', 'a']);
  });
});

describe('SARIF', () => {
  const plan = planAnnotations(
    [finding({}), finding({ ruleId: 'lynis-x', engine: 'lynis', cisIds: [], title: 'Lynis thing' })],
    map,
    'template.pkr.hcl',
  );
  const sarif = buildSarif(plan, { toolVersion: '0.1.0', category: 'cis_level1_server' }) as {
    version: string;
    runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<Record<string, any>> }>;
  };

  it('has one rule per scanner rule, named by its CIS control, and results at the script line', () => {
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([
      'CIS-5.2.6/sshd_set_max_auth_tries',
      'lynis/lynis-x',
    ]);
    const r = run.results[0];
    expect(r.ruleId).toBe('CIS-5.2.6/sshd_set_max_auth_tries');
    expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe('scripts/ssh.sh');
    expect(r.locations[0].physicalLocation.region.startLine).toBe(2);
    expect(r.partialFingerprints['amiBakeryFinding/v1']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps fingerprints stable when the line moves', () => {
    const moved = buildChangeMap([{ file: 'scripts/ssh.sh', text: '\n\n\n# CIS 5.2.6\n' }]);
    const again = buildSarif(planAnnotations([finding({})], moved), {
      toolVersion: '0.1.0',
      category: 'x',
    }) as typeof sarif;
    expect(again.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(4);
    expect(again.runs[0].results[0].partialFingerprints).toEqual(
      sarif.runs[0].results[0].partialFingerprints,
    );
  });
});

describe('baseline comparison', () => {
  const report = (findings: Finding[], score: number): ScanReport => ({
    schema: REPORT_SCHEMA,
    generatedAt: '',
    sources: [],
    score,
    weightedScore: score,
    counts: { total: 0, passed: 0, failed: 0, errors: 0, notapplicable: 0, notchecked: 0, informational: 0 },
    findings: findings.map((f) => toReportFinding(f)),
  });

  it('lists new failures and newly fixed controls', () => {
    const before = report(
      [finding({ ruleId: 'a', status: 'pass' }), finding({ ruleId: 'b', status: 'fail' })],
      50,
    );
    const after = report(
      [
        finding({ ruleId: 'a', status: 'fail' }),
        finding({ ruleId: 'b', status: 'pass' }),
        finding({ ruleId: 'c' }),
      ],
      33.3,
    );
    const d = compareReports(after, before);
    expect(d.newFailures.map((f) => f.ruleId)).toEqual(['a', 'c']);
    expect(d.fixed.map((f) => f.ruleId)).toEqual(['b']);
    expect(d.scoreDelta).toBe(-16.7);
  });
});

describe('job summary', () => {
  it('stays under the size limit and says how many rows were cut', () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      finding({ ruleId: `r${i}`, cisIds: [`9.9.${i}`], title: 'x'.repeat(200) }),
    );
    const plan = planAnnotations(many, map, 't.pkr.hcl');
    const md = buildSummary(
      {
        title: 's',
        score: 0,
        weightedScore: 0,
        counts: {
          total: 3000,
          passed: 0,
          failed: 3000,
          errors: 0,
          notapplicable: 0,
          notchecked: 0,
          informational: 0,
        },
        gate: { verdict: 'failed', reasons: ['score 0% is below min-score 80%'] },
        annotations: plan,
      },
      100_000,
    );
    expect(md.length).toBeLessThanOrEqual(100_000);
    expect(md).toMatch(/…and \d+ more row\(s\) left out to stay under/);
    expect(md).toContain('❌ gate failed');
  });
});
