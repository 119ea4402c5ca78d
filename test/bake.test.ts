/** action-bake with the real packer binary (Debian's 1.6.6 builds null-builder templates offline). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, startCli, tmpDir } from './helpers.js';

const PK = 'test/fixtures/packer';
const base = (out: string) => [
  'bake',
  '--working-directory',
  PK,
  '--hardening-scripts',
  `${PK}/scripts/*.sh`,
  '--cis-manifest-file',
  path.join(out, 'cis-manifest.json'),
];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('bake with real Packer', () => {
  it('absolute template and glob (${{ github.workspace }}/...): the CIS manifest has repository paths', async () => {
    const out = tmpDir();
    const r = await runCli([
      'bake',
      '--template',
      path.join(ROOT, PK, 'null-ok.pkr.hcl'),
      '--working-directory',
      PK,
      '--hardening-scripts',
      `${ROOT}/${PK}/scripts/*.sh`,
      '--cis-manifest-file',
      path.join(out, 'cis-manifest.json'),
      '--vars',
      `out_dir=${out}\nimage_name=golden-ci`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'cis-manifest.json'), 'utf8'));
    expect(manifest.template).toBe(`${PK}/null-ok.pkr.hcl`);
    expect(manifest.files).toEqual([`${PK}/scripts/harden-ssh.sh`]);
    expect(manifest.changes[0].file).toBe(`${PK}/scripts/harden-ssh.sh`);
  });

  it('builds an HCL2 template, streams the log in groups, parses artifacts and the manifest, writes the CIS manifest', async () => {
    const out = tmpDir();
    const r = await runCli([
      ...base(out),
      '--template',
      'null-ok.pkr.hcl',
      '--vars',
      `out_dir=${out}\nimage_name=golden-ci`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    // the provisioner really ran, with our variables
    expect(fs.readFileSync(path.join(out, 'sshd_config'), 'utf8')).toBe('LogLevel INFO\nMaxAuthTries 4\n');
    expect(r.stdout).toContain('building golden-ci');
    expect(r.stdout).toMatch(/── null\.golden: Running local shell script: scripts\/harden-ssh\.sh/);
    expect(r.stdout).not.toMatch(/^\d{10},/m); // machine columns are parsed, not dumped
    // packer 1.6.6 reports the null artifact twice (the builder's, and the manifest post-processor's
    // pass-through): it is one artifact
    expect(JSON.parse(r.outputs['artifact-ids'])).toEqual(['Null']);
    // each step's line is its group's title, not printed again inside the group
    const stepLine = /null\.golden: Running local shell script: scripts\/harden-ssh\.sh/;
    expect(r.stdout.split('\n').filter((l) => stepLine.test(l))).toHaveLength(1);
    expect(r.outputs.amis).toBe('{}');
    // outside the repository: an absolute path (inside it, a repository path)
    expect(r.outputs['manifest-file']).toBe(fs.realpathSync(path.join(out, 'packer-manifest.json')));
    expect(
      JSON.parse(fs.readFileSync(path.join(out, 'packer-manifest.json'), 'utf8')).builds[0].custom_data,
    ).toEqual({ image_name: 'golden-ci' });
    expect(r.outputs['packer-version']).toMatch(/^\d+\.\d+\.\d+$/);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'cis-manifest.json'), 'utf8'));
    expect(manifest.controls).toEqual(['5.2.4', '5.2.6']);
    expect(manifest.changes[1]).toMatchObject({
      cisId: '5.2.6',
      file: `${PK}/scripts/harden-ssh.sh`,
      line: 10,
    });
    expect(manifest.hardeningSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a failing provisioner: annotation on the failing script line with its CIS ID, Packer errors in the message, cleanup ran, exit 1', async () => {
    const out = tmpDir();
    const r = await runCli([...base(out), '--template', 'null-break.json', '--vars', `out_dir=${out}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error: test\/fixtures\/packer\/scripts\/harden-ssh\.sh:12: Packer build failed in test\/fixtures\/packer\/scripts\/harden-ssh\.sh:12 \(CIS 5\.2\.6, the change at line 10\): .*sshd-config-set: command not found/,
    );
    expect(fs.existsSync(path.join(out, 'error-cleanup.marker'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'cis-manifest.json'))).toBe(false);
  });

  it('SIGTERM mid-build: forwarded to Packer, which cancels; leftovers are terminated (their trap cleans up) before the action exits', async () => {
    const out = tmpDir();
    const run = startCli([...base(out), '--template', 'slow.json', '--vars', `out_dir=${out}`]);
    const started = path.join(out, 'started.marker');
    for (let i = 0; i < 300 && !fs.existsSync(started); i++) await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(started), run.log()).toBe(true);
    const shellPid = Number(fs.readFileSync(started, 'utf8'));
    expect(alive(shellPid)).toBe(true);
    run.child.kill('SIGTERM');
    const { code } = await run.result;
    const log = run.log();
    expect(code).toBe(1);
    expect(log).toContain('Cancelling build after receiving terminated');
    expect(log).toContain('Cleanly cancelled builds after being interrupted');
    expect(log).toMatch(
      /packer build was cancelled; Packer cancelled the build and ran its cleanup before this step exited/,
    );
    // the provisioner Packer 1.6.6 leaves behind was stopped, and its cleanup ran, before we exited
    expect(fs.readFileSync(path.join(out, 'cleanup.marker'), 'utf8')).toBe('cleaned up\n');
    expect(alive(shellPid)).toBe(false);
  });

  it('the timeout input stops the build the same way', async () => {
    const out = tmpDir();
    const r = await runCli([
      ...base(out),
      '--template',
      'slow.json',
      '--vars',
      `out_dir=${out}`,
      '--timeout',
      '0.1',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/packer build did not finish within timeout \(0\.1 min\)/);
    expect(fs.existsSync(path.join(out, 'cleanup.marker'))).toBe(true);
  });
});

describe('bake: bad input exits 2 and Packer never builds', () => {
  const out = tmpDir();
  // the templates are the repository's (a template outside it is refused): a git-ignored tmp/ folder
  fs.mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, 'tmp', 'bake-templates-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'broken.json'), '{"builders": [{"type": "null",}]}');
  fs.writeFileSync(path.join(dir, 'broken.pkr.hcl'), 'source "null" "x" {\n  communicator =\n}\n');

  it.each([
    [['--template', 'nope.pkr.hcl'], /Input "template": "nope\.pkr\.hcl" does not exist/],
    [
      ['--template', path.join(dir, 'broken.json')],
      /Input "template": .*broken\.json is not valid JSON at line 1, column 31/,
    ],
    [
      ['--template', path.join(dir, 'broken.pkr.hcl')],
      /Input "template": packer validate rejected .*broken\.pkr\.hcl:[\s\S]*Invalid expression/,
    ],
    [
      ['--template', 'null-ok.pkr.hcl', '--var-files', 'missing.pkrvars.hcl'],
      /Input "var-files": ".*missing\.pkrvars\.hcl" does not exist/,
    ],
    [
      ['--template', 'null-ok.pkr.hcl', '--vars', 'out_dir'],
      /Input "vars": line 1 "out_dir" is not key=value/,
    ],
    [
      ['--template', 'null-ok.pkr.hcl', '--packer-version', '>=99.0.0'],
      /Input "packer-version": packer [\d.]+ on PATH does not satisfy ">=99\.0\.0"/,
    ],
    [
      ['--template', 'null-ok.pkr.hcl', '--only', 'nosuch.build'],
      /Input "only": "nosuch\.build" matches no build of the template \(it has null\.golden\)/,
    ],
    [
      ['--template', 'null-ok.pkr.hcl', '--aws-region', 'us-east-9'],
      /Input "aws-region": "us-east-9" is not an AWS region/,
    ],
  ])('%j', async (args, message) => {
    const r = await runCli([...base(out), ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).not.toContain('packer build');
  });

  it.each([
    [out, /Input "cis-manifest-file": ".*" is a directory/],
    [
      '/etc/hostname/cis-manifest.json',
      /Input "cis-manifest-file": ".*" is outside the repository and the temporary folders/,
    ],
    [
      path.join(out, 'x', 'cis-manifest.json').replace(out, '/proc/1'),
      /Input "cis-manifest-file": ".*" is outside the repository/,
    ],
  ])('cis-manifest-file %s is refused before building', async (file, message) => {
    const r = await runCli([
      'bake',
      '--working-directory',
      PK,
      '--template',
      'null-ok.pkr.hcl',
      '--hardening-scripts',
      `${PK}/scripts/*.sh`,
      '--cis-manifest-file',
      file,
      '--vars',
      `out_dir=${out}`,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).not.toContain('packer build');
  });

  it('an invalid HCL template is annotated at the line Packer reports', async () => {
    const r = await runCli([...base(out), '--template', path.join(dir, 'broken.pkr.hcl')]);
    expect(r.stderr).toMatch(
      new RegExp(
        `error: ${path.relative(ROOT, fs.realpathSync(dir)).replace(/[.]/g, '\\.')}/broken\\.pkr\\.hcl:2: Packer template is invalid`,
      ),
    );
  });
});

describe('bake: where the manifest post-processor writes', () => {
  it('resolves a quoted path with ${var.x} and a bare var.x, from -var values or defaults', async () => {
    const { manifestOutput } = await import('../action-bake/src/bake.js');
    const dir = tmpDir('ami-bakery-manifest-');
    const file = path.join(dir, 't.pkr.hcl');
    const write = (pp: string) =>
      fs.writeFileSync(
        file,
        `variable "out" {\n  type    = string\n  default = "default.json"\n}\n\nbuild {\n  post-processor "manifest" {\n${pp}\n    custom_data = {\n      a = "b"\n    }\n  }\n}\n`,
      );
    const cfg = (vars: Record<string, string>) => ({
      kind: 'hcl' as const,
      templateFiles: [file],
      workingDirectory: dir,
      vars: Object.entries(vars).map(([key, value]) => ({ key, value })),
    });
    write('    output = var.out');
    expect(manifestOutput(cfg({}))).toBe(path.join(dir, 'default.json'));
    expect(manifestOutput(cfg({ out: '/abs/m.json' }))).toBe('/abs/m.json');
    write('    output = "build/${var.out}"');
    expect(manifestOutput(cfg({ out: 'x.json' }))).toBe(path.join(dir, 'build/x.json'));
  });
});

describe("bake: the template is the repository's", () => {
  it('a template outside the repository is refused before Packer runs (found by the hostile-input suite)', async () => {
    const outside = tmpDir();
    fs.copyFileSync(path.join(ROOT, PK, 'null-ok.pkr.hcl'), path.join(outside, 't.pkr.hcl'));
    const r = await runCli([
      'bake',
      '--template',
      path.join(outside, 't.pkr.hcl'),
      '--vars',
      `out_dir=${outside}`,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Input "template": ".*t\.pkr\.hcl" is outside the repository/);
    expect(r.stdout).not.toContain('packer build');
  });
});
