import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARF_FIXTURE, type CliResult, FIXTURES, ROOT, runCli, tmpDir, unzipToString } from './helpers.js';
import { sarifProblems } from './support/sarif-validate.js';

const HARDENING = 'test/fixtures/hardening/**';

/** Independent oracle: failing rules and their CIS benchmark IDs, read from the ARF with regexes. */
function failingCisIdsByRegex(xml: string): Set<string> {
  const tr = xml.slice(xml.indexOf('<TestResult'), xml.indexOf('</TestResult>'));
  const failing = [...tr.matchAll(/<rule-result idref="([^"]+)"[^>]*>\s*<result>fail<\/result>/g)].map(
    (m) => m[1],
  );
  const ids = new Set<string>();
  for (const rule of failing) {
    const start =
      xml.indexOf(`<xccdf-1.2:Rule selected="false" id="${rule}"`) + 1 || xml.indexOf(`id="${rule}"`);
    const body = xml.slice(start, xml.indexOf('</xccdf-1.2:Rule>', start));
    for (const m of body.matchAll(/href="https:\/\/www\.cisecurity\.org\/benchmark\/[^"]*">([\d.]+)</g))
      ids.add(m[1]);
  }
  return ids;
}

/** Independent oracle: where each CIS ID is written in the fixture scripts (plain text search). */
function linesMentioning(id: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else
        fs.readFileSync(p, 'utf8')
          .split('\n')
          .forEach((l, i) => {
            const re = new RegExp(`(CIS [^\\n]*\\b|"|'|\\| )${id.replace(/\./g, '\\.')}(?![.\\d])`);
            if (re.test(l) && !/\d-\d/.test(l)) out.push(`${path.relative(ROOT, p)}:${i + 1}`);
          });
    }
  };
  walk(path.join(FIXTURES, 'hardening'));
  return out;
}

describe('ami-bakery scan --target results (real oscap ARF)', () => {
  let r: CliResult;
  let dir: string;
  beforeAll(async () => {
    dir = tmpDir();
    r = await runCli([
      'scan',
      '--target',
      'results',
      '--results',
      ARF_FIXTURE,
      '--hardening-scripts',
      HARDENING,
      '--report-file',
      path.join(dir, 'report.json'),
      '--sarif-file',
      path.join(dir, 'scan.sarif'),
    ]);
  });

  it('fails the default gate (claimed controls fail) and prints score/failed/total that agree with a hand count', () => {
    expect(r.code, r.stderr).toBe(1);
    expect(r.outputs.gate).toBe('failed');
    expect(r.stderr).toMatch(
      /Scan gate failed: (\d+ rules in )?\d+ control\(s\) the hardening code claims to implement fail: CIS \d/,
    );
    const xml = unzipToString(ARF_FIXTURE);
    const tr = xml.slice(xml.indexOf('<TestResult'), xml.indexOf('</TestResult>'));
    const count = (s: string) => (tr.match(new RegExp(`<result>${s}</result>`, 'g')) ?? []).length;
    const pass = count('pass');
    const fail = count('fail');
    const selected = count('\\w+') - count('notselected');
    expect(Number(r.outputs.failed)).toBe(fail);
    expect(Number(r.outputs.passed)).toBe(pass);
    expect(Number(r.outputs.total)).toBe(selected);
    expect(Number(r.outputs.score)).toBeCloseTo(Math.round((1000 * pass) / (pass + fail)) / 10, 5);
  });

  it('annotates every failing control that has a change, at the line of that change', () => {
    const xml = unzipToString(ARF_FIXTURE);
    let checked = 0;
    for (const id of failingCisIdsByRegex(xml)) {
      for (const where of linesMentioning(id).slice(0, 1)) {
        expect(r.stderr, `CIS ${id} at ${where}`).toContain(`error: ${where}: CIS ${id}: `);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4); // 5.2.6, 6.1.4, 5.2.13, 5.2.22 at least
    expect(r.stderr).toMatch(
      /error: test\/fixtures\/hardening\/scripts\/20-ssh\.sh:22: CIS 5\.2\.6: Set SSH authentication attempt limit: Expected: .*= 4\)\n\s+Found: \/etc\/ssh\/sshd_config: "MaxAuthTries 6"/,
    );
  });

  it('shows every failure (not only ten) and marks controls with no change as not implemented', () => {
    // claimed controls are errors; missing ones are warnings, listed after them
    const errors = r.stderr.split('\n').filter((l) => /^error: \S+:\d+: /.test(l));
    const warnings = r.stderr.split('\n').filter((l) => /^warning: \S+:\d+: .*\(not implemented\)/.test(l));
    expect(errors.length).toBeGreaterThanOrEqual(4);
    expect(errors.length + warnings.length).toBe(Number(r.outputs.failed));
    expect(r.stderr).toMatch(/warning: \S+:1: CIS 1\.4\.1: Install AIDE \(not implemented\)/);
    expect(r.stderr.lastIndexOf('error: test/')).toBeLessThan(r.stderr.indexOf('(not implemented)'));
  });

  it('writes SARIF (valid for code scanning) and a JSON report a later run can use as baseline', () => {
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'scan.sarif'), 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(Number(r.outputs.failed));
    expect(sarifProblems(path.join(dir, 'scan.sarif'))).toEqual([]);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expect(report.schema).toBe('ami-bakery/scan-report@1');
    expect(report.score).toBe(Number(r.outputs.score));
    expect(
      report.findings.find((f: { ruleId: string }) => f.ruleId.endsWith('sshd_set_max_auth_tries')).location,
    ).toBe('test/fixtures/hardening/scripts/20-ssh.sh:22');
  });

  it('compares with a baseline: new failures, newly fixed, and the fail-on-new-failures gate', async () => {
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
    for (const f of report.findings) {
      if (f.ruleId.endsWith('sshd_set_max_auth_tries')) f.status = 'pass';
      if (f.ruleId.endsWith('kernel_module_cramfs_disabled')) f.status = 'fail';
    }
    const baseline = path.join(dir, 'baseline.json');
    fs.writeFileSync(baseline, JSON.stringify(report));
    const summary = path.join(dir, 'summary.md');
    fs.writeFileSync(summary, '');
    const args = [
      'scan',
      '--results',
      ARF_FIXTURE,
      '--hardening-scripts',
      HARDENING,
      '--baseline',
      baseline,
      '--report-file',
      '',
      '--sarif-file',
      '',
      '--fail-on',
      'none',
    ];
    const ok = await runCli(args, { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.outputs['new-failures']).toBe('1');
    expect(ok.outputs.fixed).toBe('1');
    const md = fs.readFileSync(summary, 'utf8');
    expect(md).toContain('**1 new failure(s)**, 1 newly fixed');
    expect(md).toMatch(
      /\| CIS 5\.2\.6 \| Set SSH authentication attempt limit \| medium \| `test\/fixtures\/hardening\/scripts\/20-ssh\.sh:22` \|/,
    );
    const gated = await runCli([...args, '--fail-on-new-failures', 'true']);
    expect(gated.code).toBe(1);
    expect(gated.stderr).toMatch(/1 new failure\(s\) against the baseline/);
  });
});

describe('paths are relative to the repository root, whatever the cwd', () => {
  it('from a subdirectory, with no GITHUB_WORKSPACE (the git top level), an absolute template and a relative glob', async () => {
    const r = await runCli(
      [
        'scan',
        '--results',
        path.relative(path.join(ROOT, 'test'), ARF_FIXTURE),
        '--hardening-scripts',
        './fixtures/hardening/**',
        '--template',
        path.join(ROOT, 'test/fixtures/packer/null-ok.pkr.hcl'),
        '--report-file',
        '',
        '--sarif-file',
        '',
      ],
      { cwd: path.join(ROOT, 'test') },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: test\/fixtures\/hardening\/scripts\/20-ssh\.sh:22: CIS 5\.2\.6: /m);
    expect(r.stderr).toMatch(
      /^warning: test\/fixtures\/packer\/null-ok\.pkr\.hcl:1: CIS [\d.]+: .*\(not implemented\)/m,
    );
    expect(r.stderr).not.toMatch(/^(error|warning): (\.\/|\/|fixtures\/)/m);
    expect(r.stdout).toMatch(/^test\/fixtures\/oscap\/ubuntu2204-cis-l1-arf\.xml\.gz: openscap/m);
  });
});

describe('baseline: cache', () => {
  it('outside GitHub Actions (no cache service) warns and runs without a baseline', async () => {
    const r = await runCli([
      'scan',
      '--results',
      ARF_FIXTURE,
      '--hardening-scripts',
      HARDENING,
      '--baseline',
      'cache',
      '--report-file',
      '',
      '--sarif-file',
      '',
      '--fail-on',
      'none',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /warning: baseline: cache: the Actions cache service is not available here; comparing with no baseline/,
    );
    expect(r.outputs['new-failures']).toBe('0');
  });
});

describe('gates and outputs', () => {
  it('min-score fails the run with exit 1 when the score is below it, and writes $GITHUB_OUTPUT', async () => {
    const dir = tmpDir();
    const out = path.join(dir, 'out');
    fs.writeFileSync(out, '');
    const r = await runCli(
      [
        'scan',
        '--results',
        ARF_FIXTURE,
        '--hardening-scripts',
        HARDENING,
        '--min-score',
        '90',
        '--fail-on',
        'none',
        '--report-file',
        '',
        '--sarif-file',
        '',
      ],
      {
        env: { GITHUB_OUTPUT: out },
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/score 59\.9% is below min-score 90%/);
    expect(r.outputs.gate).toBe('failed');
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^gate<<ami_bakery_\w+\nfailed\n/m);
    const pass = await runCli([
      'scan',
      '--results',
      ARF_FIXTURE,
      '--hardening-scripts',
      HARDENING,
      '--min-score',
      '50',
      '--fail-on',
      'none',
      '--report-file',
      '',
      '--sarif-file',
      '',
    ]);
    expect(pass.code).toBe(0);
    expect(pass.outputs.gate).toBe('passed');
  });
});

describe('bad input exits 2 with a message naming the input and the fix', () => {
  const dir = tmpDir();
  const bad = path.join(dir, 'bad.xml');
  fs.writeFileSync(bad, '<?xml version="1.0"?><arf:asset-report-collection xmlns:arf="x"><a></b>');
  fs.writeFileSync(path.join(dir, 'outside.sh'), '# CIS 1.1\n');
  const empty = path.join(dir, 'empty-results.xml');
  fs.writeFileSync(
    empty,
    '<?xml version="1.0"?><TestResult xmlns="http://checklists.nist.gov/xccdf/1.2" id="t"></TestResult>',
  );

  it.each([
    [['--results', bad], /Input "results": .*bad\.xml is not well-formed XML.*Fix:/],
    [['--results', empty], /Input "results": contain no rule results \(empty result set\)/],
    [['--results', path.join(dir, '*.nothing')], /Input "results": no files match/],
    [
      ['--results', ARF_FIXTURE, '--hardening-scripts', 'nowhere/**/*.sh'],
      /Input "hardening-scripts": no files match "nowhere\/\*\*\/\*\.sh"/,
    ],
    [
      ['--results', ARF_FIXTURE, '--hardening-scripts', 'scripts/[abc.sh'],
      /Input "hardening-scripts": "scripts\/\[abc\.sh" is not a valid glob/,
    ],
    [
      ['--results', ARF_FIXTURE, '--min-score', 'high'],
      /Input "min-score": "high" is not a number from 0 to 100/,
    ],
    [['--results', ARF_FIXTURE, '--ami-id', 'ami-xyz'], /Input "ami-id": "ami-xyz" is not an AMI id/],
    [['--target', 'ftp://host'], /Input "target": "ftp:\/\/host" is not a known target/],
    [['--target', 'results'], /Input "results": is required when target is "results"/],
    [['--no-such-flag', 'x'], /Input "no-such-flag": is not an input of this stage/],
    [
      ['--target', 'local', '--content-version', 'latest'],
      /Input "content-version": "latest" is not a ComplianceAsCode version\. Fix: e\.g\. 0\.1\.76/,
    ],
    [['--results', ARF_FIXTURE, '--fail-on', 'sometimes'], /Input "fail-on": "sometimes" is not one of/],
    // issue 23: results of cis_level1_server are not read as another profile's
    [
      ['--results', ARF_FIXTURE, '--profile', 'cis_level2_server'],
      /Input "profile": "cis_level2_server" is not the profile of the results, which were evaluated with cis_level1_server\. Fix: set --profile cis_level1_server/,
    ],
    [
      ['--results', ARF_FIXTURE, '--hardening-scripts', '/etc/pass*'],
      /Input "hardening-scripts": matches \d+ file\(s\) outside the repository/,
    ],
    [
      ['--results', ARF_FIXTURE, '--hardening-scripts', `${path.relative(ROOT, dir)}/*.sh`],
      /Input "hardening-scripts": matches \d+ file\(s\) outside the repository/,
    ],
    [
      ['--results', ARF_FIXTURE, '--template', '/etc/hostname'],
      /Input "template": "\/etc\/hostname" is outside the repository/,
    ],
    [
      ['--results', ARF_FIXTURE, '--baseline', '/nonexistent/report.json'],
      /Input "baseline": "\/nonexistent\/report\.json" cannot be read/,
    ],
    [
      ['--results', ARF_FIXTURE, '--history', 'test/fixtures/oscap/*.nothing'],
      /Input "history": "test\/fixtures\/oscap\/\*\.nothing" matches no file/,
    ],
    [
      ['--results', ARF_FIXTURE, '--history', 'package.json'],
      /Input "history": package\.json: .*give only JSON reports written by ami-bakery scan/,
    ],
  ])('%j', async (args, message) => {
    const withScripts = args.includes('--hardening-scripts')
      ? args
      : [...args, '--hardening-scripts', HARDENING];
    const r = await runCli(['scan', ...withScripts]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('lists the stage inputs with --help (from action.yml)', async () => {
    const r = await runCli(['scan', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--hardening-scripts');
    expect(r.stdout).toContain('--min-score');
  });
});

describe('scan --results with AWS Inspector2 CIS results', () => {
  it('annotates a failing Inspector2 CIS check on the script line marked with its CIS ID', async () => {
    const r = await runCli([
      'scan',
      '--results',
      'test/fixtures/inspector2/cis-scan-result-details.json',
      '--hardening-scripts',
      'examples/ubuntu-22.04-cis/scripts/**',
      '--report-file',
      '',
      '--sarif-file',
      '',
    ]);
    // 5.2.6 is claimed by the example's 50-ssh.sh and fails: the default gate fails
    expect(r.code, r.stderr).toBe(1);
    const file = 'examples/ubuntu-22.04-cis/scripts/hardening/50-ssh.sh';
    const line = fs
      .readFileSync(path.join(ROOT, file), 'utf8')
      .split('\n')
      .findIndex((l) => l.startsWith('# CIS 5.2.6'));
    expect(r.stderr).toContain(
      `error: ${file}:${line + 1}: CIS 5.2.6: Ensure SSH MaxAuthTries is set to 4 or less: Expected: Edit /etc/ssh/sshd_config and set MaxAuthTries 4`,
    );
    expect(r.outputs).toMatchObject({ passed: '1', failed: '2', score: '33.3' });
  });
});
