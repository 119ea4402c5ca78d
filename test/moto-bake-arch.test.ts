/**
 * action-bake with a real two-architecture amazon-ebs build (issue 25): Packer 1.6.6 builds an
 * x86_64 and an arm64 source in the same region against moto's EC2. Both AMIs reach the outputs,
 * keyed by build and by architecture (EC2's own `Architecture`, read back), and skip-unchanged
 * rebuilds only the build whose base image changed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CreateTagsCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tmpDir } from './helpers.js';
import { type Moto, startMoto } from './support/moto.js';

const PK = 'test/fixtures/packer';
const TEMPLATE = `${PK}/amazon-ebs-moto-arch.pkr.hcl`;
const X86 = 'amazon-ebs.base-x86_64';
const ARM = 'amazon-ebs.base-arm64';
let moto: Moto;
// one output directory for every bake: the vars (out_dir among them) are part of the fingerprint
let out: string;
const provisioned = () =>
  fs.readFileSync(path.join(out, 'provisioned.marker'), 'utf8').trim().split('\n').length;
/** The public base images moto starts with: one x86_64, two arm64 (the newer is withdrawn later). */
const base = (id: string, arch: string, date: string) => ({
  ami_id: id,
  name: `ami-bakery-test-base-${arch}-${date.slice(0, 10)}`,
  description: `test base image, ${arch}`,
  owner_id: '099720109477',
  architecture: arch,
  image_type: 'machine',
  public: true,
  platform: 'Linux/UNIX',
  state: 'available',
  hypervisor: 'xen',
  root_device_name: '/dev/sda1',
  root_device_type: 'ebs',
  virtualization_type: 'hvm',
  creation_date: date,
});
const X86_BASE = 'ami-0a86000000000000a';
const ARM_OLD = 'ami-0a64000000000000a';
const ARM_NEW = 'ami-0a64000000000000b';
beforeAll(async () => {
  moto = await startMoto({
    amis: [
      base(X86_BASE, 'x86_64', '2026-11-01T00:00:00.000Z'),
      base(ARM_OLD, 'arm64', '2026-10-01T00:00:00.000Z'),
      base(ARM_NEW, 'arm64', '2026-11-01T00:00:00.000Z'),
    ],
  });
}, 30_000);
afterAll(() => moto?.stop());

const ec2 = () => moto.ec2('us-east-1');

const bake = (extra: string[] = []) => [
  'bake',
  '--working-directory',
  PK,
  '--template',
  'amazon-ebs-moto-arch.pkr.hcl',
  '--hardening-scripts',
  TEMPLATE,
  '--cis-manifest-file',
  path.join(out, 'cis-manifest.json'),
  '--aws-region',
  'us-east-1',
  '--vars',
  [`ec2_endpoint=${moto.endpoint}`, `out_dir=${out}`].join('\n'),
  ...extra,
];

const image = async (id: string) =>
  (await ec2().send(new DescribeImagesCommand({ ImageIds: [id] }))).Images![0];
const tagsOf = async (id: string) =>
  Object.fromEntries(((await image(id)).Tags ?? []).map((t) => [t.Key, t.Value]));

describe('bake: an x86_64 and an arm64 build of one template, in one region', () => {
  let first: {
    builds: Record<string, { architecture: string; 'ami-id': string; amis: Record<string, string> }>;
  };

  it('outputs both AMIs by build and by architecture, and tags each with its build and EC2’s architecture', async () => {
    out = tmpDir();
    const r = await runCli(bake(), { env: { ...moto.env('us-east-1'), GITHUB_SHA: 'feedface12' } });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const builds = JSON.parse(r.outputs.builds);
    first = { builds };
    expect(Object.keys(builds).sort()).toEqual([ARM, X86]);
    expect(builds[X86].architecture).toBe('x86_64');
    expect(builds[ARM].architecture).toBe('arm64');
    expect(builds[X86]['ami-id']).not.toBe(builds[ARM]['ami-id']);
    expect(r.outputs['ami-id-x86_64']).toBe(builds[X86]['ami-id']);
    expect(r.outputs['ami-id-arm64']).toBe(builds[ARM]['ami-id']);
    expect(JSON.parse(r.outputs['ami-ids'])).toEqual({
      x86_64: builds[X86]['ami-id'],
      arm64: builds[ARM]['ami-id'],
    });
    expect(JSON.parse(r.outputs.architectures)).toEqual(['arm64', 'x86_64']);
    // a map by region cannot hold both: empty, and said
    expect(JSON.parse(r.outputs.amis)).toEqual({});
    expect(r.stdout + r.stderr).toMatch(/more than one build made an AMI in us-east-1/);
    for (const [build, arch] of [
      [X86, 'x86_64'],
      [ARM, 'arm64'],
    ]) {
      const id = builds[build]['ami-id'];
      expect((await image(id)).Architecture).toBe(arch);
      const tags = await tagsOf(id);
      expect(tags).toMatchObject({ 'ami-bakery:build': build, 'ami-bakery:arch': arch });
      // each build's own base image and fingerprint
      expect(tags['ami-bakery:base-ami']).toMatch(/^ami-/);
      expect(tags['ami-bakery:fingerprint']).toMatch(/^[0-9a-f]{64}$/);
    }
    const x86Tags = await tagsOf(builds[X86]['ami-id']);
    const armTags = await tagsOf(builds[ARM]['ami-id']);
    expect(x86Tags['ami-bakery:base-ami']).not.toBe(armTags['ami-bakery:base-ami']);
    expect(x86Tags['ami-bakery:fingerprint']).not.toBe(armTags['ami-bakery:fingerprint']);
    expect((await image(armTags['ami-bakery:base-ami'])).Architecture).toBe('arm64');
    // both builds ran, and left no instance
    expect(provisioned()).toBe(2);
    const live = (
      (
        await ec2().send(
          new DescribeInstancesCommand({
            Filters: [
              { Name: 'tag:ami-bakery-test', Values: ['moto-arch-build'] },
              { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
            ],
          }),
        )
      ).Reservations ?? []
    ).flatMap((x) => x.Instances ?? []);
    expect(live).toEqual([]);
  }, 120_000);

  it('skip-unchanged: both golden and unchanged, Packer does not run; the arm64 base image changes and arm64 alone is rebuilt', async () => {
    expect(first, 'the first bake ran').toBeDefined();
    const ids = [first.builds[X86]['ami-id'], first.builds[ARM]['ami-id']];
    await ec2().send(
      new CreateTagsCommand({ Resources: ids, Tags: [{ Key: 'ami-bakery:status', Value: 'golden' }] }),
    );
    const same = await runCli(bake(['--skip-unchanged', 'true']), { env: moto.env('us-east-1') });
    expect(same.code, same.stderr + same.stdout).toBe(0);
    expect(same.outputs.skipped).toBe('true');
    expect(provisioned()).toBe(2); // Packer did not run
    expect(JSON.parse(same.outputs['ami-ids'])).toEqual({ x86_64: ids[0], arm64: ids[1] });

    // the newest arm64 base image is withdrawn: the arm64 build's base is now the older one
    expect((await tagsOf(ids[1]))['ami-bakery:base-ami']).toBe(ARM_NEW);
    expect((await tagsOf(ids[0]))['ami-bakery:base-ami']).toBe(X86_BASE);
    await ec2().send(new DeregisterImageCommand({ ImageId: ARM_NEW }));
    const r = await runCli(bake(['--skip-unchanged', 'true']), { env: moto.env('us-east-1') });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.outputs.skipped).toBe('false');
    // only the arm64 build ran
    expect(provisioned()).toBe(3);
    expect(r.stdout).toMatch(new RegExp(`-only=${ARM.replace('.', '\\.')}\\b`));
    expect(r.outputs.changes).toMatch(new RegExp(`${ARM}: new base AMI ${ARM_OLD}`));
    const byArch = JSON.parse(r.outputs['ami-ids']);
    expect(byArch.x86_64).toBe(ids[0]); // reused
    expect(byArch.arm64).not.toBe(ids[1]); // baked anew
    expect((await tagsOf(byArch.arm64))['ami-bakery:base-ami']).toBe(ARM_OLD);
    expect(JSON.parse(r.outputs.builds)[X86]).toMatchObject({ architecture: 'x86_64', 'ami-id': ids[0] });
  }, 180_000);
});
