/**
 * A control is its benchmark, its version and its number: markers of one CIS benchmark version are
 * never matched with content of another by their bare number. Fixtures are written here in the shapes
 * real hardening code uses (ansible-lockdown task names, block scalars, PRELIM/AUDIT tasks, headers);
 * the ids below are facts of ComplianceAsCode's control files (data/cis-crosswalk.json):
 * sshd_set_loglevel_info is CIS Ubuntu 20.04 v1.0.0 5.2.4 and Ubuntu 22.04 v2.0.0 5.1.14;
 * 22.04 v2.0.0 5.2.4 is sudo_require_authentication.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../action-scan/src/findings.js';
import { evaluateScanGate } from '../../action-scan/src/gate.js';
import {
  contentNumbering,
  numberingNotes,
  parseBenchmarkInput,
  planNumbering,
  translationFor,
} from '../../action-scan/src/numbering.js';
import { planAnnotations } from '../../action-scan/src/report/annotations.js';
import { buildSarif } from '../../action-scan/src/report/sarif.js';
import { parseBenchmark } from '../../shared/src/benchmark.js';
import { buildChangeMap, lockdownNameIds, parseCisReferences } from '../../shared/src/cis-map.js';

const ids = (text: string, file = 'x.sh') =>
  parseCisReferences(text, file).map((r) => `${r.line}:${r.scheme ? `${r.scheme}:` : ''}${r.cisId}`);

const CONTENT_2004 = contentNumbering(
  'CIS Ubuntu 22.04 Level 1 Server Benchmark This baseline aligns to the Center for Internet Security Ubuntu 22.04 LTS Benchmark, v1.0.0, released 07-21-2020.',
  '0.1.65',
);

function fail(rule: string, cisIds: string[], title = rule): Finding {
  return {
    engine: 'openscap',
    ruleId: `xccdf_org.ssgproject.content_rule_${rule}`,
    title,
    severity: 'medium',
    status: 'fail',
    cisIds,
  };
}

const LOGLEVEL = fail('sshd_set_loglevel_info', ['5.2.4'], 'Set LogLevel to INFO');
const SUDO_AUTH = fail('sudo_require_authentication', ['1.3.9'], 'Ensure users must provide password');

describe('benchmarks as people write them', () => {
  it.each([
    ['Ubuntu 22.04 v2.0.0', 'ubuntu2204 2.0.0'],
    ['ubuntu2204 2.0.0', 'ubuntu2204 2.0.0'],
    ['UBUNTU22-CIS v1.0.0', 'ubuntu2204 1.0.0'],
    ['Amazon Linux 2023 v1.0.0', 'al2023 1.0.0'],
    ['Red Hat Enterprise Linux 9 Benchmark, v2.0.0', 'rhel9 2.0.0'],
    ['Debian 12 v1.1', 'debian12 1.1.0'],
    ['CentOS Linux 7 v2.1.0', 'centos7 2.1.0'],
    ['Ubuntu 22.04', undefined],
    ['v2.0.0', undefined],
  ])('%s', (text, want) => {
    const b = parseBenchmark(text);
    expect(b ? `${b.product} ${b.version}` : undefined).toBe(want);
  });

  it('the content: its profile text, corrected where a release is known to mislabel it', () => {
    expect(CONTENT_2004.says).toEqual({ product: 'ubuntu2204', version: '1.0.0' });
    expect(CONTENT_2004.numbersBy).toEqual({ product: 'ubuntu2004', version: '1.0.0' });
    expect(CONTENT_2004.quirk).toMatch(/292 cis@ubuntu2204 references/);
    const later = contentNumbering('Ubuntu 22.04 LTS Benchmark, v1.0.0, released 08-30-2022.', '0.1.66');
    expect(later.numbersBy).toEqual({ product: 'ubuntu2204', version: '1.0.0' });
    expect(later.quirk).toBeUndefined();
  });

  it('the benchmark input: blank declares none; anything else names a product and version or is refused', () => {
    expect(parseBenchmarkInput('')).toBeUndefined();
    expect(parseBenchmarkInput('  ubuntu2204 v2.0.0 ')).toEqual({ product: 'ubuntu2204', version: '2.0.0' });
    const hostile = [
      ' \t ',
      'Übuntu 22.04 v2.0.0',
      'x'.repeat(100_000),
      'true',
      '42',
      'ubuntu2204 v0x2',
      '../../../etc/passwd',
      'Ubuntu 22.04 v2.0.0\n::error file=a,line=1::forged',
      '$(id) Ubuntu',
    ];
    for (const raw of hostile) {
      if (!raw.trim()) {
        expect(parseBenchmarkInput(raw)).toBeUndefined();
        continue;
      }
      let message = '';
      try {
        parseBenchmarkInput(raw);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, raw.slice(0, 40)).toMatch(/benchmark/);
      expect(message).not.toMatch(/\n::/);
      expect(message.length).toBeLessThan(400);
    }
  });
});

describe('markers in the shapes real code has', () => {
  it('ansible-lockdown: block-scalar names, only the leading id, no PRELIM/AUDIT/SECTION/WARN tasks', () => {
    const tasks = [
      '- name: "PRELIM | AUDIT | Register if snap being used"', // 1
      '- name: |', // 2
      '    "1.1.2.1.1 | PATCH | Ensure /tmp is configured', // 3
      '    1.1.2.1.2 | PATCH | Ensure nodev option set on /tmp partition"', // 4
      '  when: rule_1_1_2_1_1', // 5
      '', // 6
      '- name: "1.3.1.4 | PATCH | Ensure all AppArmor Profiles are enforcing | Make sure that 1.3.1.3 is not run"', // 7
      '  block:', // 8
      '    - name: "1.3.1.4 | AUDIT | Ensure all AppArmor Profiles are enforcing | Find profiles"', // 9
      '', // 10
      '- name: 4.2.16 | PATCH | Ensure SSH MaxAuthTries is set to 4 or less', // 11
      '- name: "1.2.1.1 | WARN | Ensure GPG keys are configured"', // 12
      '- name: "SCORED | 1.1.1.1 | PATCH | Ensure mounting of cramfs is disabled"', // 13
      '- name: "6.1 | SECTION | System file permissions"', // 14
    ].join('\n');
    expect(ids(tasks, 'tasks/main.yml')).toEqual([
      '2:1.1.2.1.1',
      '2:1.1.2.1.2',
      '7:1.3.1.4',
      '11:4.2.16',
      '13:1.1.1.1',
    ]);
    expect(lockdownNameIds('DevSec | NSA 2.2.4.1 | set umask')).toEqual([]);
  });

  it('rule ids with hyphens, #CIS with no space, spaced ranges and + lists', () => {
    const text = [
      '# rule package-08',
      '#CIS 1.1.1.1',
      'x # CIS 4.2.1.2 - 4.2.1.3',
      'y # CIS 5.1.2 - CIS 5.1.4',
      'z # CIS 5.1.8 + 5.1.9',
    ].join('\n');
    expect(ids(text)).toEqual([
      '1:rule:package-08',
      '2:1.1.1.1',
      '3:4.2.1.2',
      '3:4.2.1.3',
      '4:5.1.2',
      '4:5.1.3',
      '4:5.1.4',
      '5:5.1.8',
      '5:5.1.9',
    ]);
  });

  it('shell quoting: a quote opens anywhere in a word; a marker inside quotes is text', () => {
    const text = [
      `sed -i s/'^GRUB_CMDLINE_LINUX="'/'GRUB_CMDLINE_LINUX="audit=1 '/ /etc/default/grub  # CIS 4.1.3`,
      'echo " # CIS 9.9.1"',
    ].join('\n');
    expect(ids(text, 'ks/centos7.sh')).toEqual(['1:4.1.3']);
    // in YAML an apostrophe inside a word is text, not a quote
    expect(ids("- name: set root's umask # CIS 5.4.4", 'tasks/x.yml')).toEqual(['1:5.4.4']);
  });

  it('a header declares the file: its markers and bare "# 1.1.1.1 Ensure …" comments number by it', () => {
    const refs = parseCisReferences(
      [
        '# 1.1.1.1 Ensure cramfs is off (no header yet: prose)',
        '# CIS-Benchmark: Ubuntu 22.04 v2.0.0',
        '# 1.1.1.2 Ensure freevxfs is off',
        'a # CIS 5.1.14',
        'b # CIS Ubuntu 20.04 v1.0.0 5.2.4',
      ].join('\n'),
      'scripts/h.sh',
    );
    expect(
      refs.map((r) => [r.line, r.cisId, r.benchmark?.product, r.benchmark?.version, r.declaredBy]),
    ).toEqual([
      [3, '1.1.1.2', 'ubuntu2204', '2.0.0', 'file'],
      [4, '5.1.14', 'ubuntu2204', '2.0.0', 'file'],
      [5, '5.2.4', 'ubuntu2004', '1.0.0', 'marker'],
    ]);
    expect(() => parseCisReferences('# CIS-Benchmark: latest', 'scripts/bad.sh')).toThrow(
      /hardening-scripts.*scripts\/bad\.sh:1 declares "CIS-Benchmark: latest"/,
    );
  });
});

/** The code of a 22.04 v2.0.0 role: 5.1.14 is SSH LogLevel there, 5.2.4 a sudo task. */
const V2_ROLE = [
  '- name: "5.1.14 | PATCH | Ensure sshd LogLevel is configured"', // 1
  '  lineinfile: {path: /etc/ssh/sshd_config, line: LogLevel INFO}', // 2
  '', // 3
  '- name: "5.2.4 | PATCH | Ensure users must provide password for privilege escalation"', // 4
  '  lineinfile: {path: /etc/sudoers, line: x}', // 5
].join('\n');
const v2 = (text = V2_ROLE) =>
  buildChangeMap([
    {
      file: 'tasks/section_5.yml',
      text,
      declared: { benchmark: { product: 'ubuntu2204', version: '2.0.0' }, by: 'role' },
    },
  ]);

describe('matching failing rules with markers', () => {
  it('other version: through the rule ids, on the marker of the same recommendation, saying both numbers', () => {
    const map = v2();
    const plan = planNumbering(map, CONTENT_2004, true);
    expect(plan.declared.map((d) => d.how)).toEqual(['translated']);
    const [a] = planAnnotations([LOGLEVEL], map, { numbering: plan, fallbackFile: 't.pkr.hcl' });
    expect(a).toMatchObject({
      level: 'error',
      file: 'tasks/section_5.yml',
      line: 1,
      cisId: '5.1.14',
      implemented: true,
    });
    expect(a.message).toContain(
      "CIS 5.2.4 in the scan's Ubuntu 20.04 v1.0.0 numbering is 5.1.14 in your Ubuntu 22.04 v2.0.0 code",
    );
  });

  it("never by bare number across versions: 5.2.4 (SSH in the content) is not the code's 5.2.4 (sudo)", () => {
    const map = v2();
    const plan = planNumbering(map, CONTENT_2004, true);
    const anns = planAnnotations([LOGLEVEL, SUDO_AUTH], map, { numbering: plan });
    const onLine4 = anns.filter((a) => a.line === 4);
    // only the sudo rule lands on the sudo task (its 22.04 v2.0.0 id is 5.2.4 too), never the SSH one
    expect(onLine4.map((a) => a.ruleId)).toEqual([SUDO_AUTH.ruleId]);
    expect(anns.find((a) => a.ruleId === LOGLEVEL.ruleId)?.line).toBe(1);
  });

  it('no translation known: nothing is claimed, the implemented gate fails closed with the reason; any still judges', () => {
    const map = buildChangeMap([
      { file: 's.sh', text: '# CIS-Benchmark: Ubuntu 22.04 v9.0.0\nsshd # CIS 5.2.4\nsudo # CIS 5.1.14\n' },
    ]);
    const plan = planNumbering(map, CONTENT_2004, true);
    expect(plan.declared[0].how).toBe('none');
    const anns = planAnnotations([LOGLEVEL], map, { numbering: plan, fallbackFile: 's.sh' });
    expect(anns.filter((a) => a.implemented)).toEqual([]);
    expect(anns[0].message).toMatch(/could not be compared with this content \(Ubuntu 22\.04 v9\.0\.0\)/);
    const { problems } = numberingNotes(plan);
    expect(problems[0]).toMatch(
      /markers number by Ubuntu 22\.04 v9\.0\.0, the content by Ubuntu 20\.04 v1\.0\.0 .*2 marker\(s\) for 2 control\(s\) could not be compared/,
    );
    const gate = evaluateScanGate(
      { score: 100, annotations: anns, uncompared: problems },
      { failOn: 'implemented', failOnNewFailures: false },
    );
    expect(gate.verdict).toBe('failed');
    expect(gate.reasons.join('\n')).toMatch(/cannot judge markers it cannot compare/);
    expect(gate.reasons.join('\n')).not.toMatch(/claims to implement fail/);
    const any = evaluateScanGate(
      { score: 100, annotations: [], uncompared: problems },
      { failOn: 'any', failOnNewFailures: false },
    );
    expect(any.verdict).toBe('passed');
  });

  it("same benchmark and version: by number; undeclared markers: in the content's numbering", () => {
    const same = buildChangeMap([{ file: 's.sh', text: 'x # CIS Ubuntu 20.04 v1.0.0 5.2.4\n' }]);
    const plan = planNumbering(same, CONTENT_2004, true);
    expect(plan.declared[0].how).toBe('same');
    expect(planAnnotations([LOGLEVEL], same, { numbering: plan })[0]).toMatchObject({
      line: 1,
      implemented: true,
    });
    const bare = buildChangeMap([{ file: 's.sh', text: 'x # CIS 5.2.4\n' }]);
    const p2 = planNumbering(bare, CONTENT_2004, true);
    expect(planAnnotations([LOGLEVEL], bare, { numbering: p2 })[0]).toMatchObject({
      line: 1,
      implemented: true,
    });
    expect(numberingNotes(p2).notes.join('\n')).toMatch(
      /1 CIS marker\(s\) declare no benchmark.*CIS-Benchmark/,
    );
  });

  it('no CIS on either side (ANSSI content and markers): no note about CIS numbering', () => {
    const anssi = buildChangeMap([
      { file: 'k.sh', text: '# ANSSI BP28(R23)\nsysctl -w kernel.randomize_va_space=2\n' },
    ]);
    const plan = planNumbering(anssi, {}, true);
    expect(numberingNotes(plan)).toEqual({ problems: [], notes: [] });
    // a bare CIS marker with that content still gets its note
    const bare = planNumbering(buildChangeMap([{ file: 's.sh', text: 'x # CIS 5.2.4\n' }]), {}, true);
    expect(numberingNotes(bare).notes[0]).toBe(
      'The scan content numbers CIS recommendations by an unstated benchmark.',
    );
  });

  it('results without ComplianceAsCode rule ids cannot be translated: not compared', () => {
    const plan = planNumbering(v2(), CONTENT_2004, false);
    expect(plan.declared[0].how).toBe('none');
    expect(
      translationFor({ product: 'ubuntu2204', version: '2.0.0' })?.byRule.get('sshd_set_loglevel_info'),
    ).toEqual(['5.1.14']);
  });
});

describe('counts and texts', () => {
  it('the gate counts controls, not rules, and names each once', () => {
    const map = buildChangeMap([{ file: 's.sh', text: 'pam # CIS 5.3.1\n' }]);
    const anns = planAnnotations(
      ['minlen', 'dcredit', 'ucredit'].map((r) => fail(`accounts_password_pam_${r}`, ['5.3.1'])),
      map,
    );
    const gate = evaluateScanGate(
      { score: 0, annotations: anns },
      { failOn: 'implemented', failOnNewFailures: false },
    );
    expect(gate.reasons[0]).toMatch(
      /^3 rules in 1 control\(s\) the hardening code claims to implement fail: CIS 5\.3\.1 \(/,
    );
  });

  it('SARIF: one rule per scanner rule, each with its own title; the run says both benchmarks', () => {
    const map = buildChangeMap([{ file: 's.sh', text: 'pam # CIS 5.3.1\n' }]);
    const anns = planAnnotations(
      [
        fail('accounts_password_pam_minlen', ['5.3.1'], 'Minimum Length'),
        fail('accounts_password_pam_dcredit', ['5.3.1'], 'Minimum Digits'),
      ],
      map,
    );
    const sarif = buildSarif(anns, {
      toolVersion: '0',
      category: 'cis',
      benchmarks: { content: { numbersBy: 'Ubuntu 20.04 v1.0.0' }, code: [], undeclaredMarkers: 1 },
    }) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; shortDescription: { text: string } }> } };
        properties: object;
      }>;
    };
    const rules = sarif.runs[0].tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual([
      'CIS-5.3.1/accounts_password_pam_minlen',
      'CIS-5.3.1/accounts_password_pam_dcredit',
    ]);
    expect(rules.map((r) => r.shortDescription.text)).toEqual([
      'CIS 5.3.1: Minimum Length',
      'CIS 5.3.1: Minimum Digits',
    ]);
    expect(sarif.runs[0].properties).toMatchObject({
      benchmarks: { content: { numbersBy: 'Ubuntu 20.04 v1.0.0' } },
    });
  });
});
