/**
 * Bake only when something changed, through the committed bundle, the real Packer (null builder)
 * and the real AWS SDK against the sandbox, in a real git repository. The base image comes from a
 * public SSM parameter (as Canonical publishes Ubuntu's): same inputs → Packer does not run and the
 * golden image is the output; a hardening file changed → bake, naming the file; a new base AMI in
 * SSM → bake, naming it.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundleResult, FIXTURES, outputValue, runActionBundle, tmpDir } from './helpers.js';
import { type Credentials, Ec2Sandbox } from './sandbox/ec2-sandbox.js';

const run = promisify(execFile);
const ACCOUNT = '111111111111';
const CANONICAL = '099720109477';
const REGION = 'eu-west-1';
const PARAM = '/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id';

let sandbox: Ec2Sandbox;
let creds: Credentials;
let root: string;
/** the build's variables are part of the fingerprint: the same ones each run */
const OUT = tmpDir('ami-bakery-unchanged-out-');

const TEMPLATE = `variable "out_dir" {
  type = string
}

variable "source_ami" {
  type    = string
  default = ""
}

source "null" "golden" {
  communicator = "none"
}

build {
  sources = ["source.null.golden"]

  provisioner "shell-local" {
    environment_vars = ["BASE=\${var.source_ami}"]
    inline           = ["echo \\"base image $BASE\\""]
  }

  provisioner "shell-local" {
    script           = "scripts/harden-ssh.sh"
    environment_vars = ["OUT_DIR=\${var.out_dir}"]
  }
}
`;

const publicImage = () => {
  const img = sandbox.putImage(CANONICAL, REGION, {
    name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server',
  });
  img.launchPermissions.add('all');
  return img.imageId;
};

beforeAll(async () => {
  sandbox = new Ec2Sandbox();
  await sandbox.start();
  creds = sandbox.addAccount(ACCOUNT);
  root = tmpDir('ami-bakery-unchanged-');
  fs.mkdirSync(path.join(root, 'packer/scripts'), { recursive: true });
  fs.writeFileSync(path.join(root, 'packer/ubuntu.pkr.hcl'), TEMPLATE);
  fs.copyFileSync(
    path.join(FIXTURES, 'packer/scripts/harden-ssh.sh'),
    path.join(root, 'packer/scripts/harden-ssh.sh'),
  );
  fs.mkdirSync(path.join(root, 'hardening'));
  fs.writeFileSync(path.join(root, 'hardening/10-ssh.sh'), '#!/bin/sh\n# CIS 5.2.6\necho MaxAuthTries 4\n');
  const git = (...a: string[]) =>
    run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a], { cwd: root });
  await git('init', '-q', '-b', 'main');
  await git('add', '.');
  await git('commit', '-q', '-m', 'image');
});
afterAll(() => sandbox.stop());

const bake = (): Promise<BundleResult> =>
  runActionBundle(
    'action-bake',
    {
      template: 'ubuntu.pkr.hcl',
      'working-directory': 'packer',
      vars: `out_dir=${OUT}`,
      'hardening-scripts': 'hardening/*.sh',
      'cis-manifest-file': path.join(tmpDir(), 'cis-manifest.json'),
      'skip-unchanged': 'true',
      'source-ami': `ssm:${PARAM}`,
      'aws-region': REGION,
    },
    { ...sandbox.env(creds, REGION), GITHUB_WORKSPACE: root },
    { cwd: root },
  );

/** What promote leaves after a bake with this fingerprint: a golden image with the bake's provenance. */
async function promoted(r: BundleResult, base: string): Promise<string> {
  const commit = (await run('git', ['rev-parse', 'HEAD'], { cwd: root })).stdout.trim();
  return sandbox.putImage(ACCOUNT, REGION, {
    name: 'golden-ubuntu-22.04-2026-11-01',
    tags: {
      'ami-bakery:status': 'golden',
      'ami-bakery:template': 'packer/ubuntu.pkr.hcl',
      'ami-bakery:fingerprint': outputValue(r.outputs, 'fingerprint')!,
      'ami-bakery:commit': commit,
      // on a promoted copy source-ami is the build AMI; base-ami keeps the base image
      'ami-bakery:source-ami': 'ami-0b0b0b0b0b0b0b0b0',
      'ami-bakery:base-ami': base,
      'ami-bakery:packer-version': outputValue(r.outputs, 'packer-version')!,
    },
  }).imageId;
}

describe('bake skip-unchanged (fingerprint)', () => {
  let base1: string;
  let golden: string;

  it('no golden image yet: Packer runs, from the base AMI SSM names, and says why', async () => {
    base1 = publicImage();
    sandbox.putPublicParameter(REGION, PARAM, base1);
    const r = await bake();
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(`Source AMI: ${base1} (SSM ${PARAM})`);
    expect(r.stdout).toContain(`base image ${base1}`); // Packer got it as variable source_ami
    expect(outputValue(r.outputs, 'skipped')).toBe('false');
    expect(outputValue(r.outputs, 'fingerprint')).toMatch(/^[0-9a-f]{64}$/);
    expect(outputValue(r.outputs, 'changes')).toBe('no golden image of this template yet');
    golden = await promoted(r, base1);
  });

  it('same inputs: Packer does not run, the golden image is the output', async () => {
    const r = await bake();
    expect(r.code, r.stdout).toBe(0);
    expect(outputValue(r.outputs, 'skipped')).toBe('true');
    expect(outputValue(r.outputs, 'ami-id')).toBe(golden);
    expect(JSON.parse(outputValue(r.outputs, 'amis')!)).toEqual({ [REGION]: golden });
    expect(outputValue(r.outputs, 'skip-reason')).toMatch(
      new RegExp(`golden image ${golden} .* has the same fingerprint: same base AMI ${base1}`),
    );
    expect(r.stdout).not.toContain('packer build');
    expect(r.summary).toContain('## ami-bakery bake: skipped, nothing changed');
  });

  it('one hardening file changed: bake, naming the file', async () => {
    const file = path.join(root, 'hardening/10-ssh.sh');
    const before = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, before.replace('MaxAuthTries 4', 'MaxAuthTries 3'));
    try {
      const r = await bake();
      expect(r.code, r.stdout).toBe(0);
      expect(outputValue(r.outputs, 'skipped')).toBe('false');
      expect(outputValue(r.outputs, 'changes')).toBe('changed file(s): hardening/10-ssh.sh');
      expect(r.stdout).toContain('packer build');
      expect(r.summary).toContain('- changed file(s): hardening/10-ssh.sh');
    } finally {
      fs.writeFileSync(file, before);
    }
  });

  it('a new base AMI in SSM: bake, naming it', async () => {
    const base2 = publicImage();
    sandbox.putPublicParameter(REGION, PARAM, base2);
    const r = await bake();
    expect(r.code, r.stdout).toBe(0);
    expect(outputValue(r.outputs, 'skipped')).toBe('false');
    expect(outputValue(r.outputs, 'changes')).toBe(`new base AMI ${base2} (was ${base1})`);
    expect(r.stdout).toContain(`base image ${base2}`);
  });

  /** bake of the repository's template with skip-unchanged and the given source-ami */
  const bakeFrom = (sourceAmi: string) =>
    runActionBundle(
      'action-bake',
      {
        template: 'ubuntu.pkr.hcl',
        'working-directory': 'packer',
        vars: `out_dir=${tmpDir()}`,
        'skip-unchanged': 'true',
        'source-ami': sourceAmi,
        'aws-region': REGION,
      },
      { ...sandbox.env(creds, REGION), GITHUB_WORKSPACE: root },
      { cwd: root },
    );

  it('an SSM parameter that does not exist is bad input, named, before Packer runs', async () => {
    sandbox.putPublicParameter(REGION, PARAM, base1);
    const r = await bakeFrom('ssm:/aws/service/nothing/here');
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(
      /Input "source-ami": SSM parameter \/aws\/service\/nothing\/here does not exist in this region/,
    );
    expect(r.stdout).not.toContain('packer build');
  });

  it('an SSM parameter that names an AMI that does not exist is bad input before Packer runs (issue 22: 24)', async () => {
    sandbox.putPublicParameter(REGION, '/aws/service/gone/ami-id', 'ami-0ffffffffffffffff');
    const r = await bakeFrom('ssm:/aws/service/gone/ami-id');
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(
      /Input "source-ami": SSM parameter \/aws\/service\/gone\/ami-id names ami-0ffffffffffffffff, which does not exist/,
    );
    expect(r.stdout).not.toContain('packer build');
  });
});
