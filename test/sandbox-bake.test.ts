/**
 * action-bake with a real amazon-ebs build against the EC2 sandbox (Packer 1.6.6's built-in
 * builder, custom_endpoint_ec2): the sandbox answers what Packer asks (key pair, security group,
 * RunInstances, StopInstances, CreateImage, TerminateInstances), so the AMI bake outputs is one
 * the other stages then find, tag, copy and share in the same stand-in.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tmpDir } from './helpers.js';
import { Ec2Sandbox } from './sandbox/ec2-sandbox.js';

const PK = 'test/fixtures/packer';
const BUILD = '111111111111';
const CANONICAL = '099720109477';
let sandbox: Ec2Sandbox;
beforeAll(async () => {
  sandbox = new Ec2Sandbox();
  await sandbox.start();
});
afterAll(() => sandbox?.stop());

describe('bake: a real amazon-ebs build against the sandbox', () => {
  it('finds the newest base image, makes the AMI, tags it, and leaves no key pair, security group or instance', async () => {
    const creds = sandbox.addAccount(BUILD);
    sandbox.addAccount(CANONICAL);
    const old = sandbox.putImage(CANONICAL, 'us-east-1', {
      name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20260101',
      creationDate: '2026-01-01T00:00:00.000Z',
    });
    const base = sandbox.putImage(CANONICAL, 'us-east-1', {
      name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20261101',
      creationDate: '2026-11-01T00:00:00.000Z',
    });
    for (const i of [old, base]) i.launchPermissions.add('all');
    const out = tmpDir();
    const image = tmpDir();
    fs.mkdirSync(path.join(image, 'etc/ssh'), { recursive: true });
    fs.writeFileSync(path.join(image, 'etc/ssh/sshd_config'), '');
    const r = await runCli(
      [
        'bake',
        '--working-directory',
        PK,
        '--template',
        'amazon-ebs-sandbox.pkr.hcl',
        '--hardening-scripts',
        `${PK}/amazon-ebs-sandbox.pkr.hcl`,
        '--cis-manifest-file',
        path.join(out, 'cis-manifest.json'),
        '--vars',
        `ec2_endpoint=${sandbox.endpoint}\nimage_dir=${image}\nmanifest=${path.join(out, 'packer-manifest.json')}`,
      ],
      // Packer's own waiter knob: poll every second, not every 15 s
      { env: { ...sandbox.env(creds, 'us-east-1'), GITHUB_SHA: 'c0ffee1234', AWS_POLL_DELAY_SECONDS: '1' } },
    );
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const ami = r.outputs['ami-id'];
    expect(JSON.parse(r.outputs.amis)).toEqual({ 'us-east-1': ami });
    const img = sandbox.image('us-east-1', ami)!;
    expect(img.ownerId).toBe(BUILD);
    expect(sandbox.stateOf(img)).toBe('available');
    expect(Object.fromEntries(img.tags)).toMatchObject({
      'ami-bakery:source-ami': base.imageId,
      'ami-bakery:commit': 'c0ffee1234',
      'ami-bakery:cis-changes': '1',
    });
    // the provisioner ran on the disk that stands for the instance's
    expect(fs.readFileSync(path.join(image, 'etc/ssh/sshd_config'), 'utf8')).toBe('MaxAuthTries 4\n');
    const built = sandbox.instances.get(`us-east-1/${img.sourceInstanceId}`)!;
    expect(built.imageId).toBe(base.imageId);
    expect(built.tags.get('ami-bakery-test')).toBe('sandbox-build');
    expect(sandbox.build.leftovers(BUILD)).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'packer-manifest.json'), 'utf8'));
    expect(manifest.builds.at(-1).artifact_id).toBe(`us-east-1:${ami}`);
    expect(manifest.builds.at(-1).custom_data.image_dir).toBe(image);
  });
});
