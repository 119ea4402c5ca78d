/** Reviewed waivers (issue 12): parsing, validity, matching, score, gate, annotations, SARIF. Pure. */
import { describe, expect, it } from 'vitest';
import { computeScore, type Finding } from '../../action-scan/src/findings.js';
import { evaluateScanGate } from '../../action-scan/src/gate.js';
import type { PlannedAnnotation } from '../../action-scan/src/report/annotations.js';
import { buildSarif } from '../../action-scan/src/report/sarif.js';
import {
  annotateWaivers,
  applyWaivers,
  parseWaivers,
  waiverProblems,
} from '../../action-scan/src/waivers.js';

const FILE = 'compliance/waivers.yml';
const YAML = `# reviewed 2026-11
waivers:
  - id: "1.1.2"
    reason: /tmp is a tmpfs mounted at boot on a single-volume image
    owner: platform@example.com
    expires: 2027-03-31
  - id: aide_build_database
    reason: immutable hosts
    owner: sec@example.com
    expires: 2026-11-01
  - id: "1.6.3"
    reason: prelink is not installed anyway
    owner: platform@example.com
    expires: 2026-12-01
    profiles: [cis_level1_server]
`;

const finding = (ruleId: string, cis: string, status: Finding['status']): Finding => ({
  engine: 'openscap',
  ruleId: `xccdf_org.ssgproject.content_rule_${ruleId}`,
  title: ruleId,
  severity: 'medium',
  status,
  cisIds: [cis],
});

describe('waivers file', () => {
  it('a real date under %YAML 1.1 (a timestamp there) reads as written', () => {
    const [w] = parseWaivers(
      '%YAML 1.1\n---\nwaivers:\n  - id: "1.1"\n    reason: x\n    owner: me\n    expires: 2027-03-31\n',
      FILE,
    );
    expect(w.expires).toBe('2027-03-31');
  });
  it('reads ids, dates and scopes, each with its line', () => {
    const ws = parseWaivers(YAML, FILE);
    expect(ws.map((w) => [w.id, w.expires, w.line])).toEqual([
      ['1.1.2', '2027-03-31', 3],
      ['aide_build_database', '2026-11-01', 7],
      ['1.6.3', '2026-12-01', 11],
    ]);
    expect(ws[2].profiles).toEqual(['cis_level1_server']);
  });
  it.each([
    [
      'waivers:\n  - id: "1.1"\n    expires: 31/03/2027\n',
      /waivers\.yml:3: "expires" of 1\.1 must be a date YYYY-MM-DD/,
    ],
    ['waivers:\n  - reason: x\n', /waivers\.yml:2: a waiver has no "id"/],
    [
      'waivers:\n  - id: "1.1"\n    expires: 2027-01-01\n    until: never\n',
      /waivers\.yml:4: "until" is not a waiver field/,
    ],
    ['waivers: [\n', /waivers\.yml:\d+: not valid YAML/],
    ['- id: 1\n', /waivers\.yml:1: expected a mapping with a "waivers" list/],
    // fields are scalars of their documented type, read from the YAML node (issue 22: 3-5)
    [
      'x: &who {a: 1}\nwaivers:\n  - id: "1.1"\n    reason: *who\n    owner: me\n    expires: 2027-01-01\n',
      /waivers\.yml:4: "reason" must be a string, not an alias/,
    ],
    [
      'waivers:\n  - id: "1.1"\n    reason: {why: x}\n    owner: me\n    expires: 2027-01-01\n',
      /waivers\.yml:3: "reason" must be a string, not a mapping/,
    ],
    [
      'waivers:\n  - id: "1.1"\n    reason: x\n    owner: [me]\n    expires: 2027-01-01\n',
      /waivers\.yml:4: "owner" must be a string, not a list/,
    ],
    [
      'waivers:\n  - id: "1.1"\n    reason: true\n    owner: me\n    expires: 2027-01-01\n',
      /waivers\.yml:3: "reason" must be a string, not a boolean/,
    ],
    [
      'waivers:\n  - id: "1.1"\n    reason: 42\n    owner: me\n    expires: 2027-01-01\n',
      /waivers\.yml:3: "reason" must be a string, not a number/,
    ],
    [
      'waivers:\n  - id: ["5.2.6"]\n    reason: x\n    owner: me\n    expires: 2027-01-01\n',
      /waivers\.yml:2: "id" must be a string .*, not a list/,
    ],
    [
      'waivers:\n  - id: 1.10\n    reason: x\n    owner: me\n    expires: 2027-01-01\n',
      /waivers\.yml:2: "id" must be a string .* \(unquoted, "1\.10" is the YAML number 1\.1\): quote it, id: "1\.10"/,
    ],
    [
      'waivers:\n  - id: "1.1"\n    reason: x\n    owner: me\n    expires: 2027-02-30\n',
      /waivers\.yml:5: "expires" of 1\.1 must be a date YYYY-MM-DD \(a real calendar day\), not "2027-02-30"/,
    ],
    [
      '%YAML 1.1\n---\nwaivers:\n  - id: "1.1"\n    reason: x\n    owner: me\n    expires: 2027-02-30\n',
      /waivers\.yml:7: "expires" of 1\.1 must be a date YYYY-MM-DD \(a real calendar day\), not "2027-02-30"/,
    ],
    [
      'waivers:\n  - id: "1.1"\n    reason: x\n    owner: me\n    expires: 2027-01-01\n    images: [1, ""]\n',
      /waivers\.yml:6: each of "images" of 1\.1 must be a non-empty string/,
    ],
  ])('bad input names the file and line: %j', (text, why) => {
    expect(() => parseWaivers(text, FILE)).toThrow(why);
    expect(() => parseWaivers(text, FILE)).toThrow(/Input "waivers"/);
  });
  it('expired, or without reason or owner, is an error; expiring within the warning days a warning', () => {
    const ws = parseWaivers(`${YAML}  - id: "9.9"\n    expires: 2027-01-01\n`, FILE);
    const p = waiverProblems(ws, '2026-11-23', 14).map((x) => `${x.level} ${x.waiver.id} ${x.problem}`);
    expect(p).toEqual([
      'error aide_build_database expired on 2026-11-01',
      'warning 1.6.3 expires on 2026-12-01, in 8 day(s)',
      'error 9.9 has no reason and owner: a waiver is a reviewed decision',
    ]);
  });
});

describe('applying waivers', () => {
  const ctx = {
    today: '2026-11-23',
    warnDays: 14,
    profile: 'cis_level1_server',
    amiId: 'ami-0123456789abcdef0',
  };
  it('a waived failure leaves the score; an expired waiver is not applied; a passing waived control is reported', () => {
    const findings = [
      finding('partition_for_tmp', '1.1.2', 'fail'),
      finding('aide_build_database', '1.4.1', 'fail'),
      finding('disable_prelink', '1.6.3', 'pass'),
      finding('sshd_set_max_auth_tries', '5.2.6', 'pass'),
    ];
    const before = computeScore(findings);
    const o = applyWaivers(findings, parseWaivers(YAML, FILE), ctx);
    expect(o.waived.map((w) => w.finding.cisIds[0])).toEqual(['1.1.2']);
    expect(o.unneeded.map((u) => u.waiver.id)).toEqual(['1.6.3']);
    const after = computeScore(findings);
    expect(before).toMatchObject({ score: 50, counts: { passed: 2, failed: 2 } });
    expect(after).toMatchObject({ score: 66.7, counts: { passed: 2, failed: 1, waived: 1 } });
  });
  it('scoped waivers apply only to their profiles and images', () => {
    const f = [finding('disable_prelink', '1.6.3', 'fail')];
    const ws = parseWaivers(YAML, FILE);
    expect(applyWaivers(f, ws, { ...ctx, profile: 'cis_level2_server' }).waived).toEqual([]);
    expect(applyWaivers(f, ws, ctx).waived).toHaveLength(1);
  });
  it('a waiver naming no rule of the scan is a warning at its line, not an error and not silent (issue 23)', () => {
    const ws = parseWaivers(
      `waivers:\n  - id: "9.9.9"\n    reason: typo\n    owner: me\n    expires: 2027-01-01\n`,
      FILE,
    );
    const o = applyWaivers([finding('partition_for_tmp', '1.1.2', 'fail')], ws, ctx);
    expect(o.problems).toEqual([
      expect.objectContaining({
        level: 'warning',
        problem: expect.stringMatching(/^names no rule of this scan \(profile cis_level1_server\)/),
        waiver: expect.objectContaining({ id: '9.9.9', line: 2 }),
      }),
    ]);
    // a waiver scoped to another profile is not this scan's business: no warning
    const other = parseWaivers(
      `waivers:\n  - id: "9.9.9"\n    reason: r\n    owner: me\n    expires: 2027-01-01\n    profiles: [stig]\n`,
      FILE,
    );
    expect(applyWaivers([finding('partition_for_tmp', '1.1.2', 'fail')], other, ctx).problems).toEqual([]);
  });
});

describe('waivers in annotations, gate and SARIF', () => {
  const planned = (f: Finding): PlannedAnnotation => ({
    level: 'error',
    file: 'scripts/10-fs.sh',
    line: 4,
    title: `CIS ${f.cisIds[0]}: ${f.title}`,
    message: 'Expected: a separate /tmp',
    cisId: f.cisIds[0],
    control: `CIS ${f.cisIds[0]}`,
    ruleId: f.ruleId,
    engine: f.engine,
    severity: f.severity,
    status: f.status,
    implemented: true,
  });
  const findings = [
    finding('partition_for_tmp', '1.1.2', 'fail'),
    finding('aide_build_database', '1.4.1', 'fail'),
  ];
  const o = applyWaivers(findings, parseWaivers(YAML, FILE), { today: '2026-11-23', warnDays: 14 });
  const annotations = annotateWaivers(findings.map(planned), o);

  it('a waived failure is a notice on its waiver line; an expired waiver an error on its own line', () => {
    const waived = annotations.find((a) => a.cisId === '1.1.2')!;
    expect(waived).toMatchObject({ level: 'notice', file: FILE, line: 3 });
    expect(waived.title).toBe(
      'CIS 1.1.2: waived until 2027-03-31 by platform@example.com: /tmp is a tmpfs mounted at boot on a single-volume image',
    );
    expect(waived.message).toMatch(/^Fails, and is waived \(at scripts\/10-fs\.sh:4\)/);
    const expired = annotations.find((a) => a.ruleId === 'waiver/aide_build_database')!;
    expect(expired).toMatchObject({
      level: 'error',
      file: FILE,
      line: 7,
      title: 'Waiver aide_build_database expired on 2026-11-01',
    });
    // the control of the expired waiver still fails where it is implemented
    expect(annotations.find((a) => a.cisId === '1.4.1')).toMatchObject({
      level: 'error',
      file: 'scripts/10-fs.sh',
    });
  });
  it('the gate: a waived control does not fail it, an expired waiver does', () => {
    const onlyWaived = annotateWaivers(
      [planned(findings[0])],
      applyWaivers([finding('partition_for_tmp', '1.1.2', 'fail')], parseWaivers(YAML, FILE).slice(0, 1), {
        today: '2026-11-23',
        warnDays: 14,
      }),
    );
    expect(
      evaluateScanGate({ score: 90, annotations: onlyWaived }, { failOn: 'any', failOnNewFailures: false })
        .verdict,
    ).toBe('passed');
    const g = evaluateScanGate({ score: 90, annotations }, { failOn: 'none', failOnNewFailures: false });
    expect(g.verdict).toBe('failed');
    expect(g.reasons.join()).toMatch(
      /1 waiver\(s\) expired or incomplete: compliance\/waivers\.yml:7 aide_build_database expired/,
    );
  });
  it('SARIF: the waived result is suppressed (external, accepted) with the justification', () => {
    const sarif = buildSarif(annotations, { toolVersion: 't', category: 'c' }) as {
      runs: Array<{ results: Array<{ suppressions?: Array<Record<string, unknown>>; level: string }> }>;
    };
    const suppressed = sarif.runs[0].results.filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0].suppressions?.[0]).toMatchObject({
      kind: 'external',
      status: 'accepted',
      justification:
        'waived until 2027-03-31 by platform@example.com: /tmp is a tmpfs mounted at boot on a single-volume image',
    });
  });
});

describe('waive-mode skip: the tailoring', () => {
  it('deselects every rule of the benchmark a valid waiver names, by CIS id or rule id; expired ones stay selected', async () => {
    const { tailoringXml, waivedRules } = await import('../../action-scan/src/waivers.js');
    const rules = new Map([
      ['xccdf_org.ssgproject.content_rule_partition_for_tmp', { cisIds: ['1.1.2'] }],
      ['xccdf_org.ssgproject.content_rule_mount_option_tmp_nodev', { cisIds: ['1.1.3'] }],
      ['xccdf_org.ssgproject.content_rule_aide_build_database', { cisIds: ['1.4.1'] }],
    ]);
    const waived = waivedRules(rules, parseWaivers(YAML, FILE), {
      today: '2026-11-23',
      profile: 'cis_level1_server',
    });
    expect([...waived.keys()]).toEqual(['xccdf_org.ssgproject.content_rule_partition_for_tmp']);
    const t = tailoringXml(
      'xccdf_org.ssgproject.content_profile_cis_level1_server',
      '/ds.xml',
      waived,
      new Date('2026-11-23T10:00:00Z'),
    );
    expect(t.profileId).toBe('xccdf_org.ami-bakery_profile_cis_level1_server_waived');
    expect(t.xml).toContain('extends="xccdf_org.ssgproject.content_profile_cis_level1_server"');
    expect(t.xml).toContain(
      '<xccdf-1.2:select idref="xccdf_org.ssgproject.content_rule_partition_for_tmp" selected="false"/>',
    );
    expect(t.xml).toContain('<!-- compliance/waivers.yml:3 waived until 2027-03-31 by platform@example.com');
  });
});

describe('InSpec waiver file', () => {
  it('valid waivers keyed by control id, run: false, with expiry and justification; expired ones left out', async () => {
    const { inspecWaiverFile } = await import('../../action-scan/src/waivers.js');
    const { parse } = await import('yaml');
    const doc = parse(inspecWaiverFile(parseWaivers(YAML, FILE), '2026-11-23'));
    expect(Object.keys(doc)).toEqual(['1.1.2', '1.6.3']);
    expect(doc['1.1.2']).toEqual({
      expiration_date: '2027-03-31',
      run: false,
      justification:
        '/tmp is a tmpfs mounted at boot on a single-volume image (owner: platform@example.com; compliance/waivers.yml:3)',
    });
  });
});

describe('SARIF fixes', () => {
  it("a failing control's remediation is a SARIF fix: under the marker block when implemented, with its marker when not; none for a waived one", () => {
    const base = {
      title: 't',
      message: 'm',
      ruleId: 'xccdf_org.ssgproject.content_rule_sshd_set_max_auth_tries',
      engine: 'openscap',
      severity: 'medium',
      status: 'fail',
      fix: "sed -i 's/^MaxAuthTries.*/MaxAuthTries 4/' /etc/ssh/sshd_config",
      fixVerdict: { verified: true, said: 'verified in a copy of the image' },
    };
    const implemented: PlannedAnnotation = {
      ...base,
      level: 'error',
      file: 'hardening/20-ssh.sh',
      line: 7,
      endLine: 9,
      control: 'CIS 5.2.6',
      implemented: true,
    };
    const missing: PlannedAnnotation = {
      ...base,
      ruleId: 'r2',
      level: 'warning',
      file: 'packer/t.pkr.hcl',
      line: 1,
      control: 'CIS 5.2.7',
      implemented: false,
    };
    const waived: PlannedAnnotation = {
      ...base,
      ruleId: 'r3',
      level: 'notice',
      file: FILE,
      line: 3,
      implemented: true,
      waiver: { reason: 'r', owner: 'o', expires: '2027-01-01', file: FILE, line: 3 },
    };
    const sarif = buildSarif([implemented, missing, waived], { toolVersion: 't', category: 'c' }) as {
      runs: Array<{
        results: Array<{
          fixes?: Array<{
            artifactChanges: Array<{
              artifactLocation: { uri: string };
              replacements: Array<{
                deletedRegion: { startLine: number };
                insertedContent: { text: string };
              }>;
            }>;
          }>;
        }>;
      }>;
    };
    const [a, b, c] = sarif.runs[0].results;
    const change = (r: typeof a) => r.fixes?.[0].artifactChanges[0];
    expect(change(a)?.artifactLocation.uri).toBe('hardening/20-ssh.sh');
    expect(change(a)?.replacements[0].deletedRegion.startLine).toBe(10);
    expect(change(a)?.replacements[0].insertedContent.text).toBe(`${base.fix}\n`);
    expect(change(b)?.replacements[0].insertedContent.text).toBe(`# CIS 5.2.7\n${base.fix}\n`);
    expect(c.fixes).toBeUndefined();
  });
});
