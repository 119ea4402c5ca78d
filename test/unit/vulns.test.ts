/**
 * The vulnerability gate (issue 26), pure: Inspector findings and ScanSbom answers read as CVEs,
 * never as controls; the gate by severity and fixability; CVE waivers; timestamps; promote's refusal.
 * The fixtures are written here in the shapes of Inspector's API reference (ListFindings: Finding,
 * PackageVulnerabilityDetails; ScanSbom: CycloneDX 1.5 with Inspector's sbom_scanner properties).
 */
import { describe, expect, it } from 'vitest';
import { evaluateGate, parseRequire } from '../../action-promote/src/plan.js';
import { computeScore } from '../../action-scan/src/findings.js';
import { parseInspectorScanJson } from '../../action-scan/src/formats/inspector-scan.js';
import { type InspectorFinding, vulnerabilityOf } from '../../action-scan/src/formats/inspector2.js';
import { buildSarif } from '../../action-scan/src/report/sarif.js';
import { vulnerabilityLines } from '../../action-scan/src/report/vulns.js';
import {
  evaluateVulnGate,
  isVulnerabilityId,
  markNew,
  parseFailOnSeverity,
  toIsoTime,
  type Vulnerability,
  vulnCounts,
} from '../../action-scan/src/vulns.js';
import { applyWaivers, parseWaivers, vulnerabilityWaivers } from '../../action-scan/src/waivers.js';

const finding = (over: Partial<InspectorFinding> & { id: string; fixed?: string }): InspectorFinding => ({
  findingArn: `arn:aws:inspector2:us-east-1:111111111111:finding/${over.id}`,
  type: 'PACKAGE_VULNERABILITY',
  title: `${over.id} - pkg`,
  severity: 'HIGH',
  status: 'ACTIVE',
  packageVulnerabilityDetails: {
    vulnerabilityId: over.id,
    vulnerablePackages: [
      { name: 'pkg', version: '1.0', release: '1', epoch: 0, arch: 'X86_64', fixedInVersion: over.fixed },
    ],
  },
  ...over,
});

const vuln = (x: InspectorFinding) => vulnerabilityOf(x, 'test');
const GATE = { failOnSeverity: 'critical' as const, fixableOnly: true };

describe('Inspector findings are vulnerabilities', () => {
  it('reads id, severity, packages (epoch:version-release), fixed version, CVSS and fixability', () => {
    const v = vuln(
      finding({
        id: 'CVE-2024-6387',
        severity: 'CRITICAL',
        fixAvailable: 'YES',
        firstObservedAt: 1727740800,
        packageVulnerabilityDetails: {
          vulnerabilityId: 'CVE-2024-6387',
          cvss: [
            { baseScore: 8.1, version: '3.1', source: 'NVD' },
            { baseScore: 7.5, version: '3.1', source: 'UBUNTU_CVE' },
          ],
          vulnerablePackages: [
            {
              name: 'openssh-server',
              version: '8.9p1',
              release: '3ubuntu0.7',
              epoch: 1,
              fixedInVersion: '1:8.9p1-3ubuntu0.10',
            },
          ],
        },
      }),
    );
    expect(v).toMatchObject({
      id: 'CVE-2024-6387',
      severity: 'critical',
      cvss: 8.1,
      fixable: true,
      status: 'active',
      firstObserved: '2024-10-01T00:00:00.000Z',
      packages: [{ name: 'openssh-server', installed: '1:8.9p1-3ubuntu0.7', fixed: '1:8.9p1-3ubuntu0.10' }],
    });
  });

  it('"NotAvailable" is no fix; fixAvailable NO wins over a stray version; PARTIAL is fixable', () => {
    expect(vuln(finding({ id: 'CVE-2024-1', fixed: 'NotAvailable' })).fixable).toBe(false);
    expect(vuln(finding({ id: 'CVE-2024-1', fixed: 'NotAvailable' })).packages[0].fixed).toBeUndefined();
    expect(vuln(finding({ id: 'CVE-2024-2', fixed: '2.0', fixAvailable: 'NO' })).fixable).toBe(false);
    expect(vuln(finding({ id: 'CVE-2024-3', fixAvailable: 'PARTIAL' })).fixable).toBe(true);
  });

  it('an unknown status is active, an unknown or UNTRIAGED severity is unknown: nothing reads as harmless', () => {
    expect(vuln(finding({ id: 'CVE-2024-4', status: 'REOPENED' })).status).toBe('active');
    expect(vuln(finding({ id: 'CVE-2024-4', status: 'CLOSED' })).status).toBe('closed');
    expect(vuln(finding({ id: 'CVE-2024-4', status: 'SUPPRESSED' })).status).toBe('suppressed');
    expect(vuln(finding({ id: 'CVE-2024-5', severity: 'UNTRIAGED' })).severity).toBe('unknown');
    expect(vuln(finding({ id: 'CVE-2024-5', severity: 'SEVERE' })).severity).toBe('unknown');
  });

  it('API epoch seconds, milliseconds and EventBridge string dates are one time; junk is no time', () => {
    const iso = '2024-10-01T00:00:00.000Z';
    expect(toIsoTime(1727740800)).toBe(iso);
    expect(toIsoTime(1727740800000)).toBe(iso);
    expect(toIsoTime(1727740800.25)).toBe('2024-10-01T00:00:00.250Z');
    expect(toIsoTime('2024-10-01T00:00:00Z')).toBe(iso);
    expect(toIsoTime('2024-10-01T02:00:00+02:00')).toBe(iso);
    expect(toIsoTime(new Date(iso))).toBe(iso);
    for (const bad of ['', 'yesterday', '1727740800', 0, -5, Number.NaN, null, {}, '2024-13-45'])
      expect(toIsoTime(bad), String(bad)).toBeUndefined();
  });
});

describe('the vulnerability gate', () => {
  const critFix = vuln(finding({ id: 'CVE-2024-10', severity: 'CRITICAL', fixed: '2.0' }));
  const critNoFix = vuln(finding({ id: 'CVE-2024-11', severity: 'CRITICAL', fixed: 'NotAvailable' }));
  const highFix = vuln(finding({ id: 'CVE-2024-12', severity: 'HIGH', fixed: '2.0' }));
  const highNoFix = vuln(finding({ id: 'CVE-2024-13', severity: 'HIGH' }));
  const untriaged = vuln(finding({ id: 'CVE-2024-14', severity: 'UNTRIAGED', fixed: '2.0' }));
  const closedCrit = vuln(
    finding({ id: 'CVE-2024-15', severity: 'CRITICAL', fixed: '2.0', status: 'CLOSED' }),
  );

  it('fails on a critical CVE with a fix under the default, and marks the image vulnerable', () => {
    const g = evaluateVulnGate([critFix, highFix], GATE, true);
    expect(g.verdict).toBe('failed');
    expect(g.gating.map((v) => v.id)).toEqual(['CVE-2024-10']);
    expect(g.vulnerable).toBe(true);
    expect(g.reasons[0]).toMatch(/CVE-2024-10 \(fail-on-severity: critical, fixable only\)/);
    expect(g.warned.map((v) => v.id)).toEqual(['CVE-2024-12']);
  });

  it('passes an unfixable high (and an unfixable critical) under the default, each warned', () => {
    const g = evaluateVulnGate([highNoFix, critNoFix, closedCrit], GATE, true);
    expect(g.verdict).toBe('passed');
    expect(g.vulnerable).toBe(false);
    expect(g.warned.map((v) => v.id).sort()).toEqual(['CVE-2024-11', 'CVE-2024-13']);
  });

  it('fail-on-fixable-only: false fails on an unfixable one; a lower threshold takes the highs', () => {
    expect(
      evaluateVulnGate([critNoFix], { failOnSeverity: 'critical', fixableOnly: false }, true).verdict,
    ).toBe('failed');
    expect(evaluateVulnGate([highFix], { failOnSeverity: 'high', fixableOnly: true }, true).verdict).toBe(
      'failed',
    );
    expect(evaluateVulnGate([highFix], { failOnSeverity: 'critical', fixableOnly: true }, true).verdict).toBe(
      'passed',
    );
  });

  it('an untriaged CVE counts as at the threshold, whatever it is', () => {
    for (const t of ['critical', 'high', 'low'] as const)
      expect(evaluateVulnGate([untriaged], { failOnSeverity: t, fixableOnly: true }, true).verdict).toBe(
        'failed',
      );
  });

  it('none turns the gate off, yet the image is still marked by the default gate; unchecked claims nothing', () => {
    const off = evaluateVulnGate([critFix], { failOnSeverity: 'none', fixableOnly: true }, true);
    expect(off).toMatchObject({ verdict: 'ungated', vulnerable: true });
    expect(evaluateVulnGate([highFix], { failOnSeverity: 'none', fixableOnly: true }, true).vulnerable).toBe(
      false,
    );
    const none = evaluateVulnGate([], GATE, false);
    expect(none).toMatchObject({ verdict: 'unchecked', gating: [] });
    expect(none.vulnerable).toBeUndefined();
    // an empty list that was read is a pass, not "unchecked"
    expect(evaluateVulnGate([], GATE, true).verdict).toBe('passed');
  });

  it('counts active, unwaived CVEs per severity; closed and waived ones are not counted', () => {
    const waived = {
      ...highFix,
      id: 'CVE-2024-16',
      waiver: { reason: 'r', owner: 'o', expires: '2099-01-01', file: 'w.yml', line: 2 },
    };
    expect(vulnCounts([critFix, highFix, highNoFix, closedCrit, waived])).toMatchObject({
      critical: 1,
      high: 2,
    });
  });

  it('CVEs never reach the compliance score: a findings file adds no finding', () => {
    const rs = parseInspectorScanJson(
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        components: [],
        vulnerabilities: [{ id: 'CVE-2024-1' }],
      }),
      'x.json',
    );
    expect(rs.findings).toEqual([]);
    expect(computeScore(rs.findings).counts.total).toBe(0);
  });

  it('fail-on-severity: blank is the default, only none is off, anything else is refused', () => {
    expect(parseFailOnSeverity('')).toBe('critical');
    expect(parseFailOnSeverity('  ')).toBe('critical');
    expect(parseFailOnSeverity('HIGH')).toBe('high');
    expect(parseFailOnSeverity('none')).toBe('none');
    for (const bad of ['off', 'false', '0', 'crit', 'critical,high', '9.0', 'ｃｒｉｔｉｃａｌ', '$(id)'])
      expect(() => parseFailOnSeverity(bad), bad).toThrow(/fail-on-severity/);
  });
});

describe('vulnerability waivers', () => {
  const yaml = `waivers:
  - id: CVE-2024-6387
    package: openssh-server
    reason: sshd listens on the VPN only
    owner: security@example.com
    expires: 2099-01-15
  - id: CVE-2023-4911
    reason: expired one
    owner: security@example.com
    expires: 2020-01-01
  - id: CVE-2099-0001
    reason: names nothing
    owner: security@example.com
    expires: 2099-01-01
  - id: "5.2.6"
    reason: a control
    owner: platform@example.com
    expires: 2099-01-01
`;
  it('waive a CVE by id and package; an expired one is not applied; one naming nothing is a warning', () => {
    const ws = parseWaivers(yaml, 'compliance/waivers.yml');
    expect(ws[0]).toMatchObject({ id: 'CVE-2024-6387', package: 'openssh-server' });
    const vs = [
      {
        ...vuln(finding({ id: 'CVE-2024-6387', severity: 'CRITICAL', fixed: '2' })),
        packages: [{ name: 'OpenSSH-Server', installed: '1', fixed: '2' }],
      },
      {
        ...vuln(finding({ id: 'CVE-2024-6387', severity: 'CRITICAL', fixed: '2' })),
        packages: [{ name: 'openssh-client', installed: '1' }],
      },
      vuln(finding({ id: 'CVE-2023-4911', severity: 'CRITICAL', fixed: '2' })),
    ];
    const r = vulnerabilityWaivers(vs, ws, { today: '2026-12-03' }, true);
    expect(r.waived.map((w) => `${w.vuln.id} ${w.vuln.packages[0].name}`)).toEqual([
      'CVE-2024-6387 OpenSSH-Server',
    ]);
    expect(vs[1].waiver).toBeUndefined();
    expect(vs[2].waiver).toBeUndefined();
    expect(r.problems.map((p) => p.waiver.id)).toEqual(['CVE-2099-0001']);
    expect(evaluateVulnGate(vs, GATE, true).gating.map((v) => v.packages[0].name)).toEqual([
      'openssh-client',
      'pkg',
    ]);
    // without any vulnerability source, an unused CVE waiver is not a problem
    expect(vulnerabilityWaivers([], ws, { today: '2026-12-03' }, false).problems).toEqual([]);
  });

  it('CVE waivers stay out of the controls: no "names no rule" warning, and an expired one still fails', () => {
    const ws = parseWaivers(yaml, 'compliance/waivers.yml');
    const out = applyWaivers([], ws, { today: '2026-12-03', warnDays: 0 });
    expect(out.problems.filter((p) => /names no rule/.test(p.problem)).map((p) => p.waiver.id)).toEqual([
      '5.2.6',
    ]);
    expect(out.problems.filter((p) => p.level === 'error').map((p) => p.waiver.id)).toEqual([
      'CVE-2023-4911',
    ]);
  });

  it('package is for CVE waivers only; it is a string', () => {
    expect(() =>
      parseWaivers(
        'waivers:\n  - id: "5.2.6"\n    package: openssh\n    reason: r\n    owner: o\n    expires: 2099-01-01\n',
        'w.yml',
      ),
    ).toThrow(/w\.yml:3: "package" is for vulnerability waivers/);
    expect(() =>
      parseWaivers(
        'waivers:\n  - id: CVE-2024-1234\n    package: [a]\n    reason: r\n    owner: o\n    expires: 2099-01-01\n',
        'w.yml',
      ),
    ).toThrow(/"package" must be a package name, not a list/);
  });

  it('knows vulnerability ids from control ids', () => {
    for (const id of [
      'CVE-2024-6387',
      'cve-2014-0160',
      'GHSA-jfh8-c2jp-5v3q',
      'ALAS2-2024-2600',
      'ALAS-2023-1234',
      'DSA-5743-1',
      'USN-6859-1',
    ])
      expect(isVulnerabilityId(id), id).toBe(true);
    for (const id of [
      '5.2.6',
      'CVE-24-1',
      'CVE-2024-1',
      'xccdf_org.ssgproject.content_rule_x',
      'SSH-7408',
      'CVE-2024-6387 '.repeat(2),
    ])
      expect(isVulnerabilityId(id), id).toBe(false);
  });
});

describe('new since the last golden image', () => {
  it('marks a CVE new when the baseline did not have it in that package; without a baseline it is not compared', () => {
    const a = vuln(finding({ id: 'CVE-2024-20' }));
    const b = vuln(finding({ id: 'CVE-2024-21' }));
    markNew([a, b], [{ ...a }]);
    expect([a.isNew, b.isNew]).toEqual([false, true]);
    const c = vuln(finding({ id: 'CVE-2024-22' }));
    markNew([c], undefined);
    expect(c.isNew).toBeUndefined();
  });
});

describe('ScanSbom output (CycloneDX 1.5 with vulnerabilities)', () => {
  const bom = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    components: [
      {
        'bom-ref': 'comp-1',
        name: 'openssl',
        version: '3.0.2-0ubuntu1.10',
        purl: 'pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.10?arch=amd64',
      },
      { 'bom-ref': 'comp-2', name: 'zlib1g', version: '1:1.2.11.dfsg-2ubuntu9.2' },
    ],
    vulnerabilities: [
      {
        id: 'CVE-2023-5678',
        ratings: [{ severity: 'medium', score: 5.3, method: 'CVSSv31' }, { severity: 'high' }],
        affects: [{ ref: 'comp-1' }],
        created: '2023-11-06T16:15:00Z',
        properties: [
          { name: 'amazon:inspector:sbom_scanner:fixed_version:comp-1', value: '3.0.2-0ubuntu1.12' },
        ],
      },
      { id: 'CVE-2022-37434', ratings: [{ severity: 'critical', score: 9.8 }], affects: [{ ref: 'comp-2' }] },
      { id: 'CVE-2024-9999', affects: [{ ref: 'comp-unknown' }] },
    ],
  };
  it('reads each CVE with its most severe rating, its components and their fixed versions', () => {
    for (const doc of [bom, { sbom: bom }]) {
      const rs = parseInspectorScanJson(JSON.stringify(doc), 'out.json');
      const by = Object.fromEntries(rs.vulnerabilities!.map((v) => [v.id, v]));
      expect(by['CVE-2023-5678']).toMatchObject({
        severity: 'high',
        cvss: 5.3,
        fixable: true,
        firstObserved: '2023-11-06T16:15:00.000Z',
        packages: [
          { name: 'openssl', installed: '3.0.2-0ubuntu1.10', fixed: '3.0.2-0ubuntu1.12', arch: 'amd64' },
        ],
      });
      expect(by['CVE-2022-37434']).toMatchObject({ severity: 'critical', fixable: false });
      expect(by['CVE-2024-9999']).toMatchObject({
        severity: 'unknown',
        packages: [{ name: 'comp-unknown', installed: '?' }],
      });
    }
  });

  it("takes a component's version from its purl when it has none, and the CVSS ratings only (not EPSS)", () => {
    // the shape of Inspector's own example answer (user guide, "API output formats"): sbomgen
    // components carry only a purl, and every CVE has an EPSS rating (method other, 0–1)
    const rs = parseInspectorScanJson(
      JSON.stringify({
        status: 'SBOM parsed successfully, 1 vulnerabilities found',
        sbom: {
          bomFormat: 'CycloneDX',
          specVersion: '1.5',
          components: [
            { 'bom-ref': 'comp-1', name: 'libexample', purl: 'pkg:generic/acme/libexample@2.12.1' },
          ],
          vulnerabilities: [
            {
              id: 'CVE-2099-0002',
              ratings: [
                { score: 7.4, severity: 'high', method: 'CVSSv31' },
                { score: 6.8, severity: 'medium', method: 'CVSSv2' },
                { score: 0.97, severity: 'none', method: 'other' },
              ],
              affects: [{ ref: 'comp-1' }],
              properties: [{ name: 'amazon:inspector:sbom_scanner:fixed_version:comp-1', value: '2.15.0' }],
            },
          ],
        },
      }),
      'example.json',
    );
    expect(rs.vulnerabilities).toEqual([
      expect.objectContaining({
        severity: 'high',
        cvss: 7.4,
        packages: [{ name: 'libexample', installed: '2.12.1', fixed: '2.15.0' }],
      }),
    ]);
    const epssOnly = parseInspectorScanJson(
      JSON.stringify({
        ...bom,
        vulnerabilities: [{ id: 'CVE-2099-0003', ratings: [{ score: 0.5, method: 'other' }] }],
      }),
      'x.json',
    );
    expect(epssOnly.vulnerabilities![0].cvss).toBeUndefined();
  });

  it('an SBOM with no vulnerabilities is not a scan of it; a wrong type is refused by the schema', () => {
    expect(() =>
      parseInspectorScanJson(JSON.stringify({ ...bom, vulnerabilities: undefined }), 'sbom.json'),
    ).toThrow(/an SBOM, not a vulnerability scan/);
    expect(() =>
      parseInspectorScanJson(JSON.stringify({ ...bom, vulnerabilities: [{ id: 5 }] }), 'bad.json'),
    ).toThrow(/bad\.json/);
  });
});

describe('vulnerabilities in the summary and SARIF', () => {
  const list: Vulnerability[] = [
    vuln(finding({ id: 'CVE-2024-30', severity: 'CRITICAL', fixed: '2.0' })),
    {
      ...vuln(finding({ id: 'CVE-2024-31', severity: 'HIGH' })),
      title: '<img src=x onerror=alert(1)> | *x*',
    },
  ];
  list[1].packages[0].name = 'pkg|`evil`';
  const gate = evaluateVulnGate(list, GATE, true);
  const report = {
    gate: { verdict: gate.verdict, failOnSeverity: 'critical', fixableOnly: true, reasons: gate.reasons },
    vulnerable: true,
    counts: vulnCounts(list),
    sources: ['x'],
    list,
  };

  it('a table by severity, the failing one marked, foreign text escaped', () => {
    const md = vulnerabilityLines(report).join('\n');
    expect(md).toContain('❌ vulnerability gate failed');
    expect(md).toMatch(
      /\| critical \| `CVE-2024-30` \| pkg \| `1\.0-1` \| `2\.0` \| \? \| \*\*fails the gate\*\* \|/,
    );
    expect(md).toContain('pkg\\|\\`evil\\`');
    expect(md).toContain('no fix yet');
  });

  it('SARIF: one rule per CVE with security-severity, error when it fails the gate, on the template', () => {
    const sarif = buildSarif([], {
      toolVersion: '0',
      category: 'x',
      vulnerabilities: { list, gating: new Set(gate.gating), file: 'packer/t.pkr.hcl' },
    }) as {
      runs: Array<{
        tool: { driver: { rules: Array<Record<string, unknown>> } };
        results: Array<Record<string, unknown>>;
      }>;
    };
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['CVE-2024-30', 'CVE-2024-31']);
    expect((run.tool.driver.rules[0].properties as Record<string, string>)['security-severity']).toBe('9.5');
    expect(run.results.map((r) => r.level)).toEqual(['error', 'warning']);
    expect(JSON.stringify(run.results[0].locations)).toContain('packer/t.pkr.hcl');
  });
});

describe("promote's gate refuses an image marked vulnerable", () => {
  const tags = {
    'ami-bakery:verify': 'passed',
    'ami-bakery:scan': 'passed',
    'ami-bakery:vulnerable': 'true',
  };
  it('under the default and any other requirements, unless they name the tag; require: none is no gate at all', () => {
    expect(evaluateGate(parseRequire(''), tags)).toEqual([
      expect.stringMatching(/ami-bakery:vulnerable=true/),
    ]);
    expect(evaluateGate(parseRequire('scan=passed'), tags)).toHaveLength(1);
    expect(evaluateGate(parseRequire(''), { ...tags, 'ami-bakery:vulnerable': 'false' })).toEqual([]);
    expect(evaluateGate(parseRequire('scan=passed,vulnerable=true'), tags)).toEqual([]);
    expect(evaluateGate(parseRequire('none'), tags)).toEqual([]);
  });
});
