/**
 * Fail closed on what was added since the last trust pass (issue 22), through the committed bundles
 * as the runner runs them. Each case failed before its fix.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARF_FIXTURE, FIXTURES, outputValue, runActionBundle, startActionBundle, tmpDir } from './helpers.js';

/** InSpec JSON reporter output, written here in its shape: controls whose results are given. */
function inspecResults(controls: Array<{ id: string; results: Array<{ status: string }> }>): string {
  return JSON.stringify({
    platform: { name: 'ubuntu', release: '22.04' },
    profiles: [
      {
        name: 'hardening',
        version: '1.0.0',
        controls: controls.map((c) => ({ id: c.id, title: c.id, impact: 0.5, tags: {}, results: c.results })),
      },
    ],
    statistics: { duration: 1 },
    version: '5.22.0',
  });
}

describe('a scan that evaluated nothing is an error, never a pass (issue 22: 2)', () => {
  it.each([
    [
      'every control skipped',
      [
        { id: 'a', results: [{ status: 'skipped' }] },
        { id: 'b', results: [{ status: 'skipped' }] },
      ],
    ],
    ['no results at all', [{ id: 'a', results: [] }]],
  ])('%s', async (_, controls) => {
    const root = tmpDir();
    fs.writeFileSync(path.join(root, 'inspec.json'), inspecResults(controls));
    const r = await runActionBundle(
      'action-scan',
      {
        target: 'results',
        results: path.join(root, 'inspec.json'),
        'report-file': 'out/scan.json',
        'sarif-file': 'out/scan.sarif',
        'report-html': 'none',
        'fail-on': 'implemented',
      },
      { GITHUB_WORKSPACE: root },
      { cwd: root },
    );
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(
      /^::error::Input "results": evaluated nothing: none of \d+ rule result\(s\) passed or failed/m,
    );
    expect(outputValue(r.outputs, 'gate')).toBeUndefined();
    expect(fs.existsSync(path.join(root, 'out'))).toBe(false);
  });
});

describe('foreign text cannot forge workflow commands in the log (issue 22: 17)', () => {
  it('a finding title and the check name holding "\\n::error …::" stay text', async () => {
    const root = tmpDir();
    const forged = 'Ensure x\n::error file=forged.sh,line=1::forged annotation\n::add-mask::x';
    fs.writeFileSync(
      path.join(root, 'inspec.json'),
      inspecResults([
        { id: forged, results: [{ status: 'failed' }] },
        { id: 'ok', results: [{ status: 'passed' }] },
      ]),
    );
    fs.writeFileSync(path.join(root, 'hardening.sh'), '# rule ok\ntrue\n');
    const r = await runActionBundle(
      'action-scan',
      {
        target: 'results',
        results: path.join(root, 'inspec.json'),
        'hardening-scripts': 'hardening.sh',
        'report-file': '',
        'sarif-file': '',
        'report-html': 'none',
        'fail-on': 'any',
        'check-name': 'scan\n::error file=forged2.sh,line=2::forged by check-name',
      },
      { GITHUB_WORKSPACE: root },
      { cwd: root },
    );
    expect(r.code, r.stdout).toBe(1);
    const commands = r.stdout.split('\n').filter((l) => /^\s*::/.test(l));
    expect(
      commands.filter((l) => /forged/.test(l) && !/^::(error|warning|notice)[^:]*::.*%0A/.test(l)),
    ).toEqual([]);
    expect(r.stdout).not.toMatch(/^\s*::error file=forged/m);
    expect(r.stdout).not.toMatch(/^\s*::add-mask::/m);
  });
});

describe('outputs are never written through links or into directories (issue 22: 21, 22)', () => {
  /** A workspace whose committed files include links planted by a pull request. */
  function workspace(): { root: string; outside: string } {
    const root = tmpDir('ami-bakery-links-');
    const outside = tmpDir('ami-bakery-outside-');
    fs.writeFileSync(path.join(outside, 'victim'), 'untouched');
    fs.symlinkSync(path.join(outside, 'victim'), path.join(root, 'ami-bakery-scan.sarif'));
    fs.symlinkSync(outside, path.join(root, 'out'));
    fs.mkdirSync(path.join(root, 'adir'));
    fs.writeFileSync(path.join(root, 'hardening.sh'), '# rule ok\ntrue\n');
    fs.writeFileSync(
      path.join(root, 'inspec.json'),
      inspecResults([{ id: 'ok', results: [{ status: 'failed' }] }]),
    );
    return { root, outside };
  }
  const scanWith = (root: string, extra: Record<string, string>) =>
    runActionBundle(
      'action-scan',
      {
        target: 'results',
        results: path.join(root, 'inspec.json'),
        'hardening-scripts': 'hardening.sh',
        'sarif-file': 'ok.sarif',
        'report-file': 'ok.json',
        'report-html': 'none',
        'fail-on': 'any',
        ...extra,
      },
      { GITHUB_WORKSPACE: root },
      { cwd: root },
    );

  it.each([
    ['sarif-file', 'ami-bakery-scan.sarif', /is a symbolic link/],
    ['report-file', 'out/report.json', /would be written through out, a link that leaves the repository/],
    [
      'report-html',
      'out/deep/er/report.html',
      /would be written through out, a link that leaves the repository/,
    ],
    [
      'inspec-waiver-file',
      'out/waivers.yml',
      /would be written through out, a link that leaves the repository/,
    ],
    ['suggest-file', 'adir', /is a directory/],
    ['results-file', 'ami-bakery-scan.sarif', /is a symbolic link/],
  ])('%s: %s is refused before the scan', async (input, file, why) => {
    const { root, outside } = workspace();
    const r = await scanWith(root, { [input]: file });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(`^::error::Input "${input}": "${file.replace(/[./]/g, '\\$&')}" ${why.source}`, 'm'),
    );
    expect(fs.readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('untouched');
    expect(fs.readdirSync(outside)).toEqual(['victim']);
    expect(fs.existsSync(path.join(root, 'ok.sarif'))).toBe(false);
  });

  it('bake: a committed cis-manifest.json link is refused before Packer runs', async () => {
    const { root, outside } = workspace();
    fs.cpSync(path.join(FIXTURES, 'packer'), path.join(root, 'packer'), { recursive: true });
    fs.symlinkSync(path.join(outside, 'victim'), path.join(root, 'cis-manifest.json'));
    const r = await runActionBundle(
      'action-bake',
      {
        template: 'packer/null-ok.pkr.hcl',
        vars: `out_dir=${root}`,
        'hardening-scripts': 'packer/scripts/*.sh',
        timeout: '5',
      },
      { GITHUB_WORKSPACE: root },
      { cwd: root },
    );
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/^::error::Input "cis-manifest-file": "cis-manifest\.json" is a symbolic link/m);
    expect(r.stdout).not.toMatch(/Running local shell script/);
    expect(fs.readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('untouched');
  });
});

describe('a GitHub API that never answers (issue 22: 20)', () => {
  it("the reports are written first; the runner's SIGINT abandons the hung call and the step ends before SIGKILL", async () => {
    const hung: http.ServerResponse[] = [];
    let requests = 0;
    const api = http.createServer((_req, res) => {
      requests++;
      hung.push(res); // never answered
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const root = tmpDir();
    fs.cpSync(path.join(FIXTURES, 'hardening'), path.join(root, 'hardening'), { recursive: true });
    try {
      const run = startActionBundle(
        'action-scan',
        {
          target: 'results',
          results: ARF_FIXTURE,
          'hardening-scripts': 'hardening/**',
          'report-file': 'out/scan.json',
          'sarif-file': 'out/scan.sarif',
          'report-html': 'none',
          'fail-on': 'none',
          'min-score': '0',
          'github-token': 'ghs_hung_token',
        },
        {
          GITHUB_WORKSPACE: root,
          GITHUB_REPOSITORY: 'acme/images',
          GITHUB_SHA: '1111111111111111111111111111111111111111',
          GITHUB_API_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
        },
        { cwd: root },
      );
      for (let i = 0; i < 300 && !requests; i++) await new Promise((r) => setTimeout(r, 100));
      expect(requests, run.log()).toBeGreaterThan(0);
      // the check run is hanging: the reports and the outputs are already there
      expect(fs.existsSync(path.join(root, 'out/scan.json'))).toBe(true);
      expect(fs.existsSync(path.join(root, 'out/scan.sarif'))).toBe(true);
      let exited = false;
      run.result.then(() => {
        exited = true;
      });
      run.child.kill('SIGINT');
      await Promise.race([run.result, new Promise((r) => setTimeout(r, 7500))]);
      if (!exited) run.child.kill('SIGTERM');
      await Promise.race([run.result, new Promise((r) => setTimeout(r, 2500))]);
      const killed = !exited;
      if (killed) run.child.kill('SIGKILL');
      const r = await run.result;
      expect(killed, `the step outlived the runner's SIGKILL:\n${r.stdout}`).toBe(false);
      expect(r.stdout).toMatch(/abandoned, the step was cancelled/);
      expect(outputValue(r.outputs, 'gate')).toBe('passed');
    } finally {
      for (const res of hung) res.destroy();
      api.close();
    }
  }, 60_000);

  it("every call is bounded: one that gets no answer is abandoned after its timeout, not undici's 300 s", async () => {
    const { octokitFor } = await import('../action-scan/src/report/checks.js');
    const hung: http.ServerResponse[] = [];
    const api = http.createServer((_req, res) => hung.push(res));
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    try {
      const octokit = await octokitFor(
        { token: 'x', baseUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}` },
        300,
      );
      await expect(
        octokit.rest.checks.create({ owner: 'a', repo: 'b', name: 'n', head_sha: 'c' }),
      ).rejects.toThrow(/POST \/repos\/\{owner\}\/\{repo\}\/check-runs: no answer within 0\.3 s/);
    } finally {
      for (const res of hung) res.destroy();
      api.close();
    }
  });
});

describe('ssh-key: the body is checked, not only the envelope (issue 22: 24)', () => {
  it('keys ssh-keygen writes pass; a garbage body or a passphrase is refused naming the input', async () => {
    const { loadPrivateKey } = await import('../shared/src/ssh-keys.js');
    const { execFileSync } = await import('node:child_process');
    const dir = tmpDir();
    const key = (name: string, args: string[]) => {
      execFileSync('ssh-keygen', ['-q', ...args, '-f', path.join(dir, name)]);
      return path.join(dir, name);
    };
    for (const args of [
      ['-t', 'ed25519', '-N', ''],
      ['-t', 'rsa', '-m', 'PEM', '-N', ''],
      ['-t', 'ecdsa', '-N', ''],
    ])
      expect(() => loadPrivateKey(key(args.join('_'), args))).not.toThrow();
    for (const args of [
      ['-t', 'ed25519', '-N', 'secret'],
      ['-t', 'rsa', '-m', 'PEM', '-N', 'secret'],
    ])
      expect(() => loadPrivateKey(key(args.join('_'), args))).toThrow(
        /Input "ssh-key": is protected by a passphrase/,
      );
    for (const kind of ['OPENSSH', 'RSA', 'EC'])
      expect(() =>
        loadPrivateKey(
          `-----BEGIN ${kind} PRIVATE KEY-----\nZ2FyYmFnZQ==\n-----END ${kind} PRIVATE KEY-----\n`,
        ),
      ).toThrow(new RegExp(`Input "ssh-key": has a "${kind} PRIVATE KEY" block whose body is not a key`));
  });
});

describe('scan: inputs that mean nothing alone, content that is not content (issue 22: 24)', () => {
  const scanWith = (root: string, extra: Record<string, string>) =>
    runActionBundle(
      'action-scan',
      {
        target: 'results',
        results: ARF_FIXTURE,
        'report-file': 'out/r.json',
        'report-html': 'none',
        ...extra,
      },
      { GITHUB_WORKSPACE: root },
      { cwd: root },
    );
  it.each([
    [{ issue: 'true' }, /Input "issue": opens issues about images in use, so it needs in-use: true/],
    [{ regions: 'eu-west-1' }, /Input "regions": are the regions in-use looks at/],
    [{ datastream: 'package.json' }, /Input "datastream": "package\.json" is not SCAP content/],
    [{ datastream: 'nope.xml' }, /Input "datastream": "nope\.xml" does not exist or cannot be read/],
    [{ baseline: 'secret.txt' }, /Input "baseline": secret\.txt is not JSON\. Fix/],
    [{ history: 'secret.txt' }, /Input "history": secret\.txt: secret\.txt is not JSON/],
  ])('%j is refused before anything is written', async (extra, why) => {
    const root = tmpDir();
    fs.writeFileSync(path.join(root, 'package.json'), '{"name": "x"}');
    fs.writeFileSync(path.join(root, 'secret.txt'), 'hunter2-do-not-echo-this-into-the-log');
    const r = await scanWith(root, extra);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(why);
    expect(r.stdout).not.toContain('hunter2');
    expect(fs.existsSync(path.join(root, 'out'))).toBe(false);
  });
});

describe('output result tells bad input from a failed gate from a failed run, in every action (issue 22: exit codes)', () => {
  it.each([
    ['action-scan', { target: 'results', results: ARF_FIXTURE, benchmark: 'latest' }, 'input-error'],
    [
      'action-scan',
      { target: 'results', results: ARF_FIXTURE, 'fail-on': 'any', 'report-html': 'none' },
      'gate-failed',
    ],
    [
      'action-scan',
      { target: 'results', results: ARF_FIXTURE, 'fail-on': 'none', 'min-score': '0', 'report-html': 'none' },
      'success',
    ],
    ['action-bake', { template: 'nope.pkr.hcl' }, 'input-error'],
    ['action-verify', { 'ami-id': 'ami-0123456789abcdef0', 'terraform-dir': 'nowhere' }, 'input-error'],
    ['action-promote', { 'ami-id': 'not-an-ami' }, 'input-error'],
  ] as const)('%s %j → %s', async (action, inputs, result) => {
    const root = tmpDir();
    const r = await runActionBundle(action, { ...inputs }, { GITHUB_WORKSPACE: root }, { cwd: root });
    expect(outputValue(r.outputs, 'result'), r.stdout).toBe(result);
    expect(r.code).toBe(result === 'success' ? 0 : 1);
    if (result !== 'success') expect(r.summary).toMatch(new RegExp(`\\*\\*Result: ${result}\\*\\* — `));
  });
});

it('result error: a run that failed (terraform apply fails) is neither bad input nor a gate', async () => {
  const root = tmpDir();
  fs.cpSync(path.join(FIXTURES, 'terraform/apply-fails'), path.join(root, 'tf'), { recursive: true });
  const r = await runActionBundle(
    'action-verify',
    { 'ami-id': 'ami-0123456789abcdef0', 'terraform-dir': 'tf', 'tag-ami': 'false' },
    { GITHUB_WORKSPACE: root },
    { cwd: root },
  );
  expect(r.code, r.stdout).toBe(1);
  expect(outputValue(r.outputs, 'result')).toBe('error');
  expect(r.summary).toMatch(/\*\*Result: error\*\* — terraform apply failed/);
}, 60_000);
