import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeScore, type ResultSet } from '../action-scan/src/findings.js';
import { detectFormat, loadDatastreamContent, parseResultsFile } from '../action-scan/src/formats/index.js';
import { InputError } from '../shared/src/errors.js';
import {
  ARF_FIXTURE,
  FIXTURES,
  TESTRESULT_FIXTURE,
  tmpDir,
  UBUNTU2204_DS,
  unzipToString,
} from './helpers.js';

/** Count rule-results by result, the way a person would: read the TestResult and tally. */
function handCount(xml: string): Record<string, number> {
  const tr = xml.slice(xml.indexOf('<TestResult'), xml.indexOf('</TestResult>'));
  const counts: Record<string, number> = {};
  for (const m of tr.matchAll(/<rule-result\b[\s\S]*?<result>(\w+)<\/result>/g))
    counts[m[1]] = (counts[m[1]] ?? 0) + 1;
  return counts;
}

describe('OpenSCAP ARF (recorded from a real oscap-chroot run)', () => {
  let rs: ResultSet;
  let xml: string;
  beforeAll(async () => {
    rs = await parseResultsFile(ARF_FIXTURE);
    xml = unzipToString(ARF_FIXTURE);
  });

  it('counts agree with counting the rule-results by hand', () => {
    const hand = handCount(xml);
    const { counts, score } = computeScore(rs.findings);
    expect(counts.passed).toBe(hand.pass);
    expect(counts.failed).toBe(hand.fail);
    expect(counts.notapplicable).toBe(hand.notapplicable);
    expect(counts.total).toBe(rs.findings.length - hand.notselected);
    expect(score).toBeCloseTo((100 * hand.pass) / (hand.pass + hand.fail), 1);
    expect(rs.profile).toBe('xccdf_org.ssgproject.content_profile_cis_level1_server');
  });

  it('takes CIS IDs from benchmark references only (not CIS Controls or PCI numbers)', () => {
    const maxAuth = rs.findings.find((f) => f.ruleId.endsWith('sshd_set_max_auth_tries'));
    expect(maxAuth?.cisIds).toEqual(['5.2.6']);
    const cramfs = rs.findings.find((f) => f.ruleId.endsWith('kernel_module_cramfs_disabled'));
    expect(cramfs?.cisIds).toEqual(['1.1.1.1']);
    expect(maxAuth?.title).toBe('Set SSH authentication attempt limit');
  });

  it('gives expected and found evidence from the OVAL results', () => {
    const maxAuth = rs.findings.find((f) => f.ruleId.endsWith('sshd_set_max_auth_tries'))!;
    expect(maxAuth.status).toBe('fail');
    expect(maxAuth.expected).toContain('= 4');
    expect(maxAuth.found).toContain('MaxAuthTries 6');
    const shadow = rs.findings.find((f) => f.ruleId.endsWith('file_permissions_etc_shadow'))!;
    expect(shadow.found).toMatch(/\/etc\/shadow: mode 0640/);
  });

  it('reads a bare TestResult file with rule metadata from the data stream', async () => {
    const bare = await parseResultsFile(TESTRESULT_FIXTURE, {
      datastreamContent: () => loadDatastreamContent(UBUNTU2204_DS),
    });
    const hand = handCount(fs.readFileSync(TESTRESULT_FIXTURE, 'utf8'));
    expect(computeScore(bare.findings).counts.failed).toBe(hand.fail);
    expect(bare.findings.find((f) => f.ruleId.endsWith('sshd_set_max_auth_tries'))?.cisIds).toEqual([
      '5.2.6',
    ]);
  });
});

describe('format detection is by content', () => {
  it('recognises each format from its first bytes', () => {
    expect(detectFormat('<?xml version="1.0"?>\n<arf:asset-report-collection xmlns:arf="x">')).toBe('arf');
    expect(
      detectFormat('<?xml version="1.0"?><Benchmark xmlns="http://checklists.nist.gov/xccdf/1.2">'),
    ).toBe('xccdf');
    expect(detectFormat('\uFEFF<TestResult id="x">')).toBe('xccdf');
    expect(detectFormat('<ds:data-stream-collection>')).toBe('datastream');
    expect(detectFormat('{"platform":{"name":"ubuntu"},"profiles":[]}')).toBe('inspec');
    expect(detectFormat('# Lynis Report\nreport_version_major=1\nlynis_version=3.0.9\n')).toBe('lynis');
    expect(detectFormat('<html><body>')).toBe('unknown');
    expect(detectFormat('{"a":1}')).toBe('unknown');
  });

  it('parses an ARF whatever its file name', async () => {
    const dir = tmpDir();
    const misnamed = path.join(dir, 'scan-output.json');
    fs.copyFileSync(ARF_FIXTURE, misnamed);
    expect((await parseResultsFile(misnamed)).engine).toBe('openscap');
  });
});

describe('InSpec / cinc-auditor JSON', () => {
  it('normalises controls, CIS tags, severity and evidence', async () => {
    const rs = await parseResultsFile(path.join(FIXTURES, 'inspec', 'cis-ubuntu-22.04.json'));
    const byId = Object.fromEntries(rs.findings.map((f) => [f.ruleId, f]));
    expect(byId['sshd-max-auth-tries']).toMatchObject({
      status: 'fail',
      cisIds: ['5.2.6'],
      severity: 'medium',
    });
    expect(byId['sshd-max-auth-tries'].found).toContain('got: 6');
    expect(byId['sshd-max-auth-tries'].expected).toContain('cmp <= 4');
    expect(byId['sshd-root-login']).toMatchObject({ status: 'fail', cisIds: ['5.2.9'], severity: 'high' });
    expect(byId['sshd-loglevel'].status).toBe('pass');
    expect(byId['aide-installed'].status).toBe('notchecked');
    expect(byId['no-cis-tag'].cisIds).toEqual([]);
    expect(computeScore(rs.findings)).toMatchObject({ score: 25, counts: { passed: 1, failed: 3 } });
  });
});

describe('AWS Inspector2 JSON (CIS scan results and vulnerability findings)', () => {
  it('takes CIS IDs from the check, PASSED/FAILED/SKIPPED as pass/fail/notchecked, with evidence', async () => {
    const rs = await parseResultsFile(path.join(FIXTURES, 'inspector2', 'cis-scan-result-details.json'));
    expect(rs.engine).toBe('inspector2');
    expect(rs.target).toBe('i-0123456789abcdef0 UBUNTU_22_04');
    const byCis = Object.fromEntries(rs.findings.map((f) => [f.cisIds.join(','), f]));
    expect(byCis['5.2.6']).toMatchObject({
      status: 'fail',
      title: 'Ensure SSH MaxAuthTries is set to 4 or less',
      expected: 'Edit /etc/ssh/sshd_config and set MaxAuthTries 4',
      found: 'MaxAuthTries is set to 6 in /etc/ssh/sshd_config',
    });
    expect(byCis['3.2.2'].status).toBe('pass');
    expect(byCis['1.1.2.1'].status).toBe('notchecked');
    expect(computeScore(rs.findings)).toMatchObject({ score: 33.3, counts: { passed: 1, failed: 2 } });
  });

  it('reads ListFindings as vulnerabilities, never as controls: ACTIVE with its fixed version, CLOSED kept as closed', async () => {
    const rs = await parseResultsFile(path.join(FIXTURES, 'inspector2', 'list-findings.json'));
    expect(rs.findings).toEqual([]);
    const byId = Object.fromEntries((rs.vulnerabilities ?? []).map((v) => [v.id, v]));
    expect(byId['CVE-2024-6387']).toMatchObject({
      status: 'active',
      severity: 'high',
      fixable: true,
      packages: [{ name: 'openssh-server', installed: '8.9p1-3ubuntu0.7', fixed: '1:8.9p1-3ubuntu0.10' }],
    });
    expect(byId['CVE-2023-4911']).toMatchObject({ status: 'closed', severity: 'critical' });
  });

  it('is told apart from InSpec JSON by content, and a JSON without either list is an error', async () => {
    expect(detectFormat('{"scanResultDetails": [')).toBe('inspector2');
    expect(detectFormat('{"findings":[{"findingArn":"arn:aws:inspector2:us-east-1:1:finding/x"')).toBe(
      'inspector2',
    );
    expect(detectFormat('{"platform":{"name":"ubuntu"},"profiles":[')).toBe('inspec');
    const dir = tmpDir();
    const f = path.join(dir, 'x.json');
    fs.writeFileSync(f, '{"findingArn": "arn:aws:inspector2:us-east-1:1:finding/x"}');
    await expect(parseResultsFile(f)).rejects.toThrow(
      /not Inspector2 GetCisScanResultDetails or ListFindings output/,
    );
  });
});

describe('Lynis report', () => {
  it('keeps Lynis test ids; warnings and suggestions fail their test', async () => {
    const rs = await parseResultsFile(path.join(FIXTURES, 'lynis', 'lynis-report.dat'));
    const byId = Object.fromEntries(rs.findings.map((f) => [f.ruleId, f]));
    expect(byId['PKGS-7392']).toMatchObject({ status: 'fail', severity: 'high', cisIds: [] });
    expect(byId['SSH-7408'].status).toBe('fail');
    expect(byId['SSH-7408'].found).toContain('MaxAuthTries (6 --> 3)');
    expect(byId['AUTH-9262'].status).toBe('pass');
    expect(rs.findings).toHaveLength(6);
  });
});

describe('bad result files give a clear InputError (exit 2)', () => {
  const dir = tmpDir();
  const write = (name: string, data: string | Buffer) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, data);
    return p;
  };

  it.each([
    [
      'malformed XML',
      () => write('bad.xml', '<?xml version="1.0"?><Benchmark><Rule id="a"></Benchmark>'),
      /not well-formed XML/,
    ],
    ['truncated ARF', () => write('cut.xml', unzipToString(ARF_FIXTURE).slice(0, 2_000_000)), /truncated/],
    [
      'truncated gzip ARF',
      () => write('cut.xml.gz', fs.readFileSync(ARF_FIXTURE).subarray(0, 300_000)),
      /not well-formed|truncated|unexpected end/i,
    ],
    ['malformed JSON', () => write('bad.json', '{"profiles": [ {"controls": ['), /InSpec|JSON/],
    ['unknown format', () => write('x.txt', 'hello world\n'), /unknown format/],
    ['empty file', () => write('empty.xml', ''), /is empty/],
    ['a data stream instead of results', () => UBUNTU2204_DS, /data stream/],
    ['a missing file', () => path.join(dir, 'nope.xml'), /does not exist/],
  ])('%s', async (_name, make, message) => {
    const file = make();
    const err = await parseResultsFile(file).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/Input "results"/);
  });

  it('a gzip member that is cut short still reports the file', async () => {
    const p = write('arf.xml.gz', zlib.gzipSync('<arf:asset-report-collection xmlns:arf="x"><a>'));
    await expect(parseResultsFile(p)).rejects.toThrow(/arf\.xml\.gz/);
  });
});

describe('InSpec and Inspector2 JSON are checked against their schemas (issue 22: 23)', () => {
  it.each([
    [{ profiles: [{ controls: 'x' }] }, /profiles\.0\.controls must be array/],
    [
      { profiles: [{ controls: [{ id: 'a', impact: 'high', results: [] }] }] },
      /profiles\.0\.controls\.0\.impact must be number/,
    ],
    [{ profiles: [{ controls: [{ id: 5 }] }] }, /profiles\.0\.controls\.0\.id must be string/],
    [
      { profiles: [{ controls: [{ id: 'a', results: [null] }] }] },
      /profiles\.0\.controls\.0\.results\.0 must be object/,
    ],
    [{ scanResultDetails: [{ checkId: 1 }] }, /scanResultDetails\.0\.checkId must be string/],
    [
      { findings: [{ findingArn: 'arn:aws:inspector2:x', severity: ['HIGH'] }] },
      /findings\.0\.severity must be string/,
    ],
  ])('%j is bad input naming the field, not a crash', async (doc, why) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ami-bakery-json-'));
    const file = path.join(dir, 'results.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    const e = await parseResultsFile(file).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(why);
  });
});
