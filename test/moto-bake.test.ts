/**
 * action-bake with a real amazon-ebs build: Packer 1.6.6's built-in builder against moto's EC2 on
 * 127.0.0.1 (custom_endpoint_ec2). Asserts the AMI per region, the manifest, the provenance tags
 * (written with the SDK through AWS_ENDPOINT_URL), and that a cancelled build leaves no instance running.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postStepEnv, runCli, startActionBundle, startCli, tmpDir } from './helpers.js';
import { type Moto, startMoto } from './support/moto.js';

const PK = 'test/fixtures/packer';
let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(() => moto?.stop());

const ec2 = (region: string) => moto.ec2(region);

/** The build's instances that are not terminated (tagged by the template's run_tags). */
const liveInstances = async () =>
  (
    (
      await ec2('us-east-1').send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: 'tag:ami-bakery-test', Values: ['moto-build'] },
            { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
          ],
        }),
      )
    ).Reservations ?? []
  ).flatMap((x) => x.Instances ?? []);

const bake = (out: string, extraVars: string[] = []) => [
  'bake',
  '--working-directory',
  PK,
  '--template',
  'amazon-ebs-moto.pkr.hcl',
  '--hardening-scripts',
  `${PK}/amazon-ebs-moto.pkr.hcl`,
  '--cis-manifest-file',
  path.join(out, 'cis-manifest.json'),
  '--vars',
  [`ec2_endpoint=${moto.endpoint}`, `out_dir=${out}`, ...extraVars].join('\n'),
];

describe('bake: a real amazon-ebs build against moto', () => {
  it('outputs the AMI per region, the manifest and the artifact once, and tags both AMIs with their provenance', async () => {
    const out = tmpDir();
    const r = await runCli(bake(out), { env: { ...moto.env('us-east-1'), GITHUB_SHA: 'feedface12' } });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const amis = JSON.parse(r.outputs.amis);
    expect(Object.keys(amis).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(r.outputs['ami-id']).toBe(amis['us-east-1']);
    const ids = JSON.parse(r.outputs['artifact-ids']);
    expect(ids).toHaveLength(1);
    expect(ids[0].split(',').sort()).toEqual([
      `eu-west-1:${amis['eu-west-1']}`,
      `us-east-1:${amis['us-east-1']}`,
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'packer-manifest.json'), 'utf8'));
    expect(manifest.builds[0].artifact_id).toContain(amis['us-east-1']);
    for (const region of ['us-east-1', 'eu-west-1']) {
      const [img] = (await ec2(region).send(new DescribeImagesCommand({ ImageIds: [amis[region]] }))).Images!;
      const tags = Object.fromEntries((img.Tags ?? []).map((t) => [t.Key, t.Value]));
      expect(tags, region).toMatchObject({
        'ami-bakery:commit': 'feedface12',
        'ami-bakery:template': `${PK}/amazon-ebs-moto.pkr.hcl`,
        'ami-bakery:cis-changes': '1',
      });
      expect(tags['ami-bakery:source-ami']).toMatch(/^ami-/);
    }
    // the build's own instance is gone
    expect(await liveInstances()).toEqual([]);
  });

  it('cancelled mid-build (SIGTERM): Packer cleans up, no instance is left running, no temporary key pair or security group', async () => {
    const out = tmpDir();
    const run = startCli(bake(out, ['sleep_seconds=60']), { env: moto.env('us-east-1') });
    for (let i = 0; i < 300 && !fs.existsSync(path.join(out, 'provisioned.marker')); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(path.join(out, 'provisioned.marker')), run.log()).toBe(true);
    const c = ec2('us-east-1');
    expect((await liveInstances()).length).toBe(1); // the build's instance is up
    run.child.kill('SIGTERM');
    const r = await run.result;
    expect(r.code).not.toBe(0);
    expect(run.log()).toMatch(/packer build was cancelled/);
    expect(await liveInstances()).toEqual([]);
    const keys = (await c.send(new DescribeKeyPairsCommand({}))).KeyPairs ?? [];
    expect(keys.filter((k) => k.KeyName?.startsWith('packer_'))).toEqual([]);
    const groups = (await c.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
    expect(groups.filter((g) => g.GroupName?.startsWith('packer_'))).toEqual([]);
  });
});

describe('bake: the action killed outright (SIGKILL) mid-build', () => {
  it('Packer survives it (no broken pipe) and the post step makes it cancel and clean up: no instance left running', async () => {
    const out = tmpDir();
    const inputs = {
      'working-directory': PK,
      template: 'amazon-ebs-moto.pkr.hcl',
      'hardening-scripts': `${PK}/amazon-ebs-moto.pkr.hcl`,
      'cis-manifest-file': path.join(out, 'cis-manifest.json'),
      vars: [`ec2_endpoint=${moto.endpoint}`, `out_dir=${out}`, 'sleep_seconds=20'].join('\n'),
    };
    const env = { ...moto.env('us-east-1'), AWS_REGION: 'us-east-1' };
    const run = startActionBundle('action-bake', inputs, env);
    for (let i = 0; i < 300 && !fs.existsSync(path.join(out, 'provisioned.marker')); i++)
      await new Promise((r) => setTimeout(r, 100));
    run.child.kill('SIGKILL');
    const main = await run.result;
    expect(main.state['packer-pgid']).toMatch(/^\d+$/);
    const c = ec2('us-east-1');
    expect((await liveInstances()).length).toBe(1); // Packer is still building, unobserved
    const post = await startActionBundle('action-bake', inputs, { ...env, ...postStepEnv(main.state) })
      .result;
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toMatch(/interrupting it so it cancels the build and cleans up/);
    expect(await liveInstances()).toEqual([]);
    const images =
      (
        await c.send(
          new DescribeImagesCommand({
            Owners: ['self'],
            Filters: [{ Name: 'name', Values: ['golden-moto-*'] }],
          }),
        )
      ).Images ?? [];
    const before = images.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(
      (
        (
          await c.send(
            new DescribeImagesCommand({
              Owners: ['self'],
              Filters: [{ Name: 'name', Values: ['golden-moto-*'] }],
            }),
          )
        ).Images ?? []
      ).length,
    ).toBe(before);
  }, 90_000);
});
