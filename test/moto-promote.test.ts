/**
 * action-promote's main paths against moto's EC2/STS/SSM server (a real AWS stand-in besides our
 * sandbox): fan-out to several regions, a re-run that reuses, a kill and re-run, retention.
 */
import {
  CopyImageCommand,
  CreateImageCommand,
  CreateLaunchTemplateCommand,
  CreateTagsCommand,
  DescribeImagesCommand,
  DescribeLaunchTemplateVersionsCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from './helpers.js';
import { MOTO_ACCOUNT, type Moto, startMoto } from './support/moto.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(() => moto?.stop());

const ec2 = (region: string) => moto.ec2(region);

/** A build AMI of our own, as bake leaves it: created from an instance, with provenance tags. */
async function buildAmi(
  name: string,
  tags: Record<string, string> = { 'ami-bakery:verify': 'passed', 'ami-bakery:scan': 'passed' },
) {
  const c = ec2('us-east-1');
  const base = (await c.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0].ImageId!;
  const inst = await c.send(
    new RunInstancesCommand({ ImageId: base, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' }),
  );
  const { ImageId } = await c.send(
    new CreateImageCommand({ InstanceId: inst.Instances![0].InstanceId!, Name: name }),
  );
  await c.send(
    new CreateTagsCommand({
      Resources: [ImageId!],
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  return ImageId!;
}

async function copiesOf(source: string, region: string) {
  return (
    (
      await ec2(region).send(
        new DescribeImagesCommand({
          Owners: ['self'],
          Filters: [{ Name: 'tag:ami-bakery:source-ami', Values: [source] }],
        }),
      )
    ).Images ?? []
  ).filter((i) => i.State !== 'deregistered');
}

const args = (ami: string, extra: string[] = []) => [
  'promote',
  '--ami-id',
  ami,
  '--regions',
  REGIONS.join(','),
  '--name',
  'golden-moto-{date}-{time}',
  '--ssm-parameter',
  '/golden/moto/latest',
  ...extra,
];

describe('promote launch-templates against moto', () => {
  it('rolls a launch template out to the golden copy as its default version, once', async () => {
    const c = ec2('us-east-1');
    const older = await buildAmi('build-lt-1');
    const one = [
      '--regions',
      'us-east-1',
      '--name',
      'golden-motolt-{date}-{time}',
      '--ssm-parameter',
      '/golden/motolt/latest',
    ];
    expect((await runCli(['promote', '--ami-id', older, ...one], { env: moto.env('us-east-1') })).code).toBe(
      0,
    );
    const lt = await c.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'moto-web',
        LaunchTemplateData: { ImageId: older },
      }),
    );
    const ltId = lt.LaunchTemplate!.LaunchTemplateId!;
    const newer = await buildAmi('build-lt-2');
    const lts = [
      '--launch-templates',
      `${MOTO_ACCOUNT}:us-east-1:moto-web`,
      '--launch-template-default',
      'true',
    ];
    const r = await runCli(['promote', '--ami-id', newer, ...one, ...lts], { env: moto.env('us-east-1') });
    expect(r.code, r.stderr).toBe(0);
    const golden = JSON.parse(r.outputs.amis)[MOTO_ACCOUNT]['us-east-1'];
    const def = async () =>
      (
        await c.send(
          new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: ltId, Versions: ['$Default'] }),
        )
      ).LaunchTemplateVersions![0];
    expect((await def()).LaunchTemplateData?.ImageId).toBe(golden);

    // a re-run makes no second version
    const again = await runCli(['promote', '--ami-id', newer, ...one, ...lts], {
      env: moto.env('us-east-1'),
    });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.outputs['launch-template-versions'])[0]).toMatchObject({
      created: false,
      version: 2,
    });
    // (quarantine is tested against the sandbox only: moto 5.2.1 has no EnableImageDeprecation)
  }, 120_000);
});

describe('promote against moto', () => {
  it('fans out to every region (golden tags, SSM), and a re-run reuses them all', async () => {
    const source = await buildAmi('build-fanout');
    const r = await runCli(args(source), { env: moto.env('us-east-1') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ copied: '3', reused: '0', failed: '0' });
    const amis = JSON.parse(r.outputs.amis)[MOTO_ACCOUNT];
    for (const region of REGIONS) {
      const [copy] = await copiesOf(source, region);
      expect(copy.ImageId).toBe(amis[region]);
      expect(copy.ImageId).not.toBe(source);
      const tags = Object.fromEntries((copy.Tags ?? []).map((t) => [t.Key, t.Value]));
      expect(tags).toMatchObject({
        'ami-bakery:status': 'golden',
        'ami-bakery:verify': 'passed',
        'ami-bakery:source-ami': source,
      });
      const ssm = new SSMClient({
        region,
        endpoint: moto.endpoint,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
      expect(
        (await ssm.send(new GetParameterCommand({ Name: '/golden/moto/latest' }))).Parameter?.Value,
      ).toBe(copy.ImageId);
    }
    // the build AMI itself is not golden: it is recorded as promoted (for retention)
    const [src] = (await ec2('us-east-1').send(new DescribeImagesCommand({ ImageIds: [source] }))).Images!;
    expect((src.Tags ?? []).find((t) => t.Key === 'ami-bakery:status')?.Value).toBe('promoted');

    await new Promise((res) => setTimeout(res, 1100)); // another {time}: the name differs, the copies do not
    const again = await runCli(args(source), { env: moto.env('us-east-1') });
    expect(again.code, again.stderr).toBe(0);
    expect(again.outputs).toMatchObject({ copied: '0', reused: '3' });
    for (const region of REGIONS) expect(await copiesOf(source, region)).toHaveLength(1);
  });

  it('killed after its first copy, then re-run: every region has exactly one copy', async () => {
    const source = await buildAmi('build-kill');
    const run = startCli(args(source, ['--max-concurrency', '1']), { env: moto.env('us-east-1') });
    for (let i = 0; i < 200 && !/copying as ami-/.test(run.log()); i++)
      await new Promise((res) => setTimeout(res, 10));
    run.child.kill('SIGKILL');
    await run.result;
    const r = await runCli(args(source), { env: moto.env('us-east-1') });
    expect(r.code, r.stderr).toBe(0);
    expect(Number(r.outputs.copied) + Number(r.outputs.reused)).toBe(3);
    for (const region of REGIONS) expect(await copiesOf(source, region), region).toHaveLength(1);
  });

  it('retain keeps the newest N golden images of the family and deregisters the rest', async () => {
    const family = 'golden-retain-';
    const old: string[] = [];
    for (const n of [1, 2, 3]) {
      const id = await buildAmi(`build-old-${n}`);
      const copy = await ec2('eu-west-1').send(
        new CopyImageCommand({ SourceImageId: id, SourceRegion: 'us-east-1', Name: `${family}old${n}` }),
      );
      await ec2('eu-west-1').send(
        new CreateTagsCommand({
          Resources: [copy.ImageId!],
          Tags: [
            { Key: 'ami-bakery:status', Value: 'golden' },
            { Key: 'ami-bakery:family', Value: family },
          ],
        }),
      );
      old.push(copy.ImageId!);
      await new Promise((res) => setTimeout(res, 1100)); // creation dates a second apart
    }
    const source = await buildAmi('build-retain');
    const r = await runCli(
      [
        'promote',
        '--ami-id',
        source,
        '--regions',
        'eu-west-1',
        '--name',
        `${family}{date}-{sha}`,
        '--retain',
        '2',
      ],
      { env: { ...moto.env('us-east-1'), GITHUB_SHA: 'abcdef1234' } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs.retired).toBe('2');
    const live = new Set(
      ((await ec2('eu-west-1').send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? [])
        .filter((i) => i.State === 'available')
        .map((i) => i.ImageId),
    );
    expect(live.has(old[2])).toBe(true); // the newest old one, with the new copy: retain 2
    expect(live.has(old[0])).toBe(false);
    expect(live.has(old[1])).toBe(false);
  });
});
