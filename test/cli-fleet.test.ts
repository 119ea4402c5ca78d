/**
 * `ami-bakery fleet` (issue 25) as a caller workflow's plan job runs it: the example's images.yml
 * becomes the matrix, written to GITHUB_OUTPUT; every path a family names is checked inside the
 * repository before any job starts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tmpDir } from './helpers.js';
import { parseFileCommands } from './support/file-commands.js';

/** A repository with one family whose paths exist, and a link pointing out of it. */
function repo(images: string): string {
  const dir = tmpDir('ami-bakery-fleet-');
  for (const d of ['img', 'env']) fs.mkdirSync(path.join(dir, d));
  fs.writeFileSync(path.join(dir, 'img/t.pkr.hcl'), '');
  fs.writeFileSync(path.join(dir, 'images.yml'), images);
  const outside = tmpDir('ami-bakery-fleet-outside-');
  fs.writeFileSync(path.join(outside, 't.pkr.hcl'), '');
  fs.writeFileSync(path.join(outside, 'images.yml'), images);
  fs.symlinkSync(outside, path.join(dir, 'link-out'));
  return dir;
}

const family = (over: Record<string, string> = {}) =>
  [
    'defaults:',
    '  aws-region: us-east-1',
    '  role-to-assume: arn:aws:iam::111111111111:role/build',
    'families:',
    '  web:',
    ...Object.entries({
      'working-directory': 'img',
      template: 't.pkr.hcl',
      'terraform-dir': 'env',
      ...over,
    }).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`),
  ].join('\n');

describe('ami-bakery fleet', () => {
  it("plans the example's two families (Ubuntu in two architectures, Debian ANSSI) into GITHUB_OUTPUT", async () => {
    const out = path.join(tmpDir(), 'output');
    fs.writeFileSync(out, '');
    const r = await runCli(['fleet', '--images', 'examples/images.yml'], { env: { GITHUB_OUTPUT: out } });
    expect(r.code, r.stderr).toBe(0);
    const written = parseFileCommands(fs.readFileSync(out, 'utf8'));
    expect(written.count).toBe('3');
    const matrix = JSON.parse(written.matrix) as Array<Record<string, string | boolean>>;
    expect(matrix.map((e) => [e.family, e.only, e['scan-profile'], e['ssh-user']])).toEqual([
      ['ubuntu-22.04-cis-x86_64', 'amazon-ebs.ubuntu', 'cis_level1_server', 'ubuntu'],
      ['ubuntu-22.04-cis-arm64', 'amazon-ebs.ubuntu-arm64', 'cis_level1_server', 'ubuntu'],
      ['debian-11-anssi', '', 'anssi_np_nt28_average', 'admin'],
    ]);
    expect(matrix[0]['promote-accounts']).toBe('111111111111,222222222222');
    expect(r.stderr).toMatch(/fleet examples\/images\.yml: 3 images/);
    expect(r.stderr).toMatch(/ubuntu-22\.04-cis-arm64: bake .*\(only amazon-ebs\.ubuntu-arm64\)/);
    // the weekly cron re-scans both families; one no family has is an empty plan, not an error
    const weekly = await runCli(['fleet', '--images', 'examples/images.yml', '--schedule', '0 6 * * 1']);
    expect(JSON.parse(weekly.outputs.matrix).every((e: { rescan: boolean }) => e.rescan)).toBe(true);
    const none = await runCli(['fleet', '--images', 'examples/images.yml', '--schedule', '0 7 * * *']);
    expect([none.code, none.outputs.matrix, none.outputs.count]).toEqual([0, '[]', '0']);
    expect(none.stderr).toMatch(/not on this schedule: ubuntu-22\.04-cis, debian-11-anssi/);
  });

  it.each([
    [
      'a template that is not there',
      { template: 'missing.pkr.hcl' },
      /families\.web\.template": names "img\/missing\.pkr\.hcl", which is not a file or directory/,
    ],
    ['a template outside the repository', { template: '../../../../etc/passwd' }, /families\.web\.template"/],
    [
      'a working directory through a link out',
      { 'working-directory': 'link-out' },
      /families\.web\.working-directory"/,
    ],
    [
      'a terraform-dir that is a file',
      { 'terraform-dir': 'img/t.pkr.hcl' },
      /terraform-dir": names "img\/t\.pkr\.hcl", which is not a dir/,
    ],
    ['smoke tests that are not there', { 'smoke-tests': 'smoke.yml' }, /smoke-tests": names "smoke\.yml"/],
    ['waivers outside', { waivers: 'img/t.pkr.hcl\n../x.yml' }, /families\.web\.waivers"/],
  ])('refuses %s, with exit 2 and nothing planned', async (_, over, message) => {
    const dir = repo(family(over));
    const r = await runCli(['fleet'], { cwd: dir, env: { GITHUB_WORKSPACE: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).not.toMatch(/matrix=/);
  });

  it.each([
    ['blank', '', /Input "images": names "\.", which is not a file/],
    ['traversal', '../../../../etc/passwd', /Input "images"/],
    ['symlink', 'link-out/images.yml', /Input "images"/],
    ['missing', 'nope.yml', /names "nope\.yml", which is not a file/],
    ['not YAML', 'img/bad.yml', /img\/bad\.yml is not YAML/],
    ['huge', 'x'.repeat(5000), /Input "images"/],
    ['injection', '$(id).yml\n::error::forged', /Input "images"/],
  ])('refuses --images %s', async (cls, images, message) => {
    const dir = repo(family());
    fs.writeFileSync(path.join(dir, 'img/bad.yml'), 'a: [');
    const r = await runCli(['fleet', '--images', images], { cwd: dir, env: { GITHUB_WORKSPACE: dir } });
    expect(r.code, `${cls}: ${r.stderr}`).toBe(2);
    expect(r.stderr).toMatch(message);
    // no line of the message is a workflow command
    expect(r.stderr).not.toMatch(/^::/m);
    expect(r.stderr.length).toBeLessThan(2000);
  });

  it('refuses a --schedule that is not a cron, and an unknown flag with its near miss', async () => {
    const dir = repo(family());
    const env = { GITHUB_WORKSPACE: dir };
    const bad = await runCli(['fleet', '--schedule', '0 5 * *'], { cwd: dir, env });
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/Input "schedule": is not a cron/)]);
    const typo = await runCli(['fleet', '--image', 'images.yml'], { cwd: dir, env });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/did you mean --images/);
    const ok = await runCli(['fleet'], { cwd: dir, env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.outputs.matrix)[0]).toMatchObject({ family: 'web', template: 't.pkr.hcl' });
  });
});
