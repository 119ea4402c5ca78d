/** Provenance tags on baked AMIs, each in its own region, via the real AWS SDK and the EC2 sandbox. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputTags, provenanceTags, tagBuilds } from '../action-bake/src/bake.js';
import { buildChangeMap } from '../shared/src/cis-map.js';
import { CliIo } from '../shared/src/io.js';
import { Ec2Sandbox } from './sandbox/ec2-sandbox.js';

let sandbox: Ec2Sandbox;
const saved = { ...process.env };

beforeAll(async () => {
  sandbox = new Ec2Sandbox();
  await sandbox.start();
  Object.assign(process.env, sandbox.env(sandbox.addAccount('222222222222'), 'us-east-1'));
});
afterAll(async () => {
  process.env = saved;
  await sandbox.stop();
});

describe('bake provenance tags', () => {
  it('tags the AMI of every region with commit, run url, template, CIS change count, hardening hash and source AMI', async () => {
    const east = sandbox.putImage('222222222222', 'us-east-1');
    const west = sandbox.putImage('222222222222', 'eu-west-1');
    const map = buildChangeMap([{ file: 'packer/scripts/ssh.sh', text: '# CIS 5.2.4\n# CIS 5.2.6\n' }]);
    const env = {
      GITHUB_SHA: 'c0ffee',
      GITHUB_REPOSITORY: 'acme/images',
      GITHUB_RUN_ID: '42',
      GITHUB_SERVER_URL: 'https://github.com',
    };
    const tags = provenanceTags(env, 'packer/ubuntu.pkr.hcl', map, 'ami-0e2c8caa4b6378d8c');
    const io = new CliIo({ inputs: {}, out: () => {}, err: () => {} });
    const images = [{ build: '', amis: { 'us-east-1': east.imageId, 'eu-west-1': west.imageId } }];
    await tagBuilds(io, images, () => tags);
    const expected = {
      'ami-bakery:commit': 'c0ffee',
      'ami-bakery:run-url': 'https://github.com/acme/images/actions/runs/42',
      'ami-bakery:template': 'packer/ubuntu.pkr.hcl',
      'ami-bakery:cis-changes': '2',
      'ami-bakery:hardening-sha': map.sha256,
      'ami-bakery:source-ami': 'ami-0e2c8caa4b6378d8c',
    };
    expect(Object.fromEntries(east.tags)).toEqual(expected);
    expect(Object.fromEntries(west.tags)).toEqual(expected);
    expect(
      sandbox.calls
        .filter((c) => c.action === 'CreateTags')
        .map((c) => c.region)
        .sort(),
    ).toEqual(['eu-west-1', 'us-east-1']);
  });

  it("reads each build's architecture from EC2 before tagging, so an arm64 and an x86_64 image in one region are told apart", async () => {
    const x86 = sandbox.putImage('222222222222', 'us-east-1');
    const arm = sandbox.putImage('222222222222', 'us-east-1', { architecture: 'arm64' });
    const io = new CliIo({ inputs: {}, out: () => {}, err: () => {} });
    const images: Array<{ build: string; amis: Record<string, string>; architecture?: string }> = [
      { build: 'amazon-ebs.ubuntu-x86', amis: { 'us-east-1': x86.imageId } },
      { build: 'amazon-ebs.ubuntu-arm', amis: { 'us-east-1': arm.imageId } },
    ];
    await tagBuilds(io, images, (i) => ({
      'ami-bakery:arch': i.architecture ?? '?',
      'ami-bakery:build': i.build,
    }));
    expect(images.map((i) => i.architecture)).toEqual(['x86_64', 'arm64']);
    expect(Object.fromEntries(arm.tags)).toEqual({
      'ami-bakery:arch': 'arm64',
      'ami-bakery:build': 'amazon-ebs.ubuntu-arm',
    });
    expect(x86.tags.get('ami-bakery:arch')).toBe('x86_64');
  });
});

describe('bake input tags', () => {
  it('tag the fingerprint only when Packer started from the base image it was computed with', () => {
    expect(
      inputTags('1.6.6', 'ami-0aaaaaaaaaaaaaaaa', { value: 'f1', sourceAmi: 'ami-0aaaaaaaaaaaaaaaa' }),
    ).toEqual({
      'ami-bakery:packer-version': '1.6.6',
      'ami-bakery:base-ami': 'ami-0aaaaaaaaaaaaaaaa',
      'ami-bakery:fingerprint': 'f1',
    });
    // a newer base image appeared between the fingerprint and the build: no fingerprint, the real base
    expect(
      inputTags('1.6.6', 'ami-0bbbbbbbbbbbbbbbb', { value: 'f1', sourceAmi: 'ami-0aaaaaaaaaaaaaaaa' }),
    ).toEqual({
      'ami-bakery:packer-version': '1.6.6',
      'ami-bakery:base-ami': 'ami-0bbbbbbbbbbbbbbbb',
    });
    expect(inputTags('1.6.6', undefined, undefined)).toEqual({ 'ami-bakery:packer-version': '1.6.6' });
  });
});
