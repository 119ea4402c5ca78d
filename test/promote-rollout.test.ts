/**
 * Roll out and protection rails through the CLI and the real AWS SDK against the EC2/STS/SSM
 * sandbox: launch templates get a version with the golden copy of their account and region (the
 * default with launch-template-default; once, however often promote runs), quarantine rolls them
 * back, a launch template outside the destinations is refused before anything changes, and
 * deregistration protection holds a golden image until retention has lifted it and its cooldown ran.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import type { Ec2Sandbox } from './sandbox/ec2-sandbox.js';
import { B, baseArgs, mutations, SRC, stopWorld, world } from './support/promote-world.js';

afterEach(stopWorld);

const REGIONS = ['us-east-1', 'eu-west-1'];
const args = (ami: string, over: Record<string, string> = {}) =>
  baseArgs(ami, { regions: REGIONS.join(','), accounts: `${SRC}\n${B}`, 'kms-key-ids': '', ...over });
const goldenCopy = (sb: Ec2Sandbox, source: string, account: string, region: string) =>
  sb
    .imagesOf(account, region)
    .find(
      (i) => i.tags.get('ami-bakery:source-ami') === source && i.tags.get('ami-bakery:status') === 'golden',
    )!;

describe('promote launch-templates', () => {
  it('each template gets a default version with the golden copy of its account and region; a re-run makes none', async () => {
    const { sb, env, source } = await world();
    const base = sb.putImage(SRC, 'us-east-1', { name: 'base' });
    const web = sb.putLaunchTemplate(SRC, 'us-east-1', base.imageId, 'web-servers');
    const workers = sb.putLaunchTemplate(B, 'eu-west-1', 'ami-0aaaaaaaaaaaaaaaa');
    const lts = `${SRC}:us-east-1:web-servers\n${B}:eu-west-1:${workers}`;
    const r = await runCli(
      args(source.imageId, { 'launch-templates': lts, 'launch-template-default': 'true' }),
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    const east = goldenCopy(sb, source.imageId, SRC, 'us-east-1');
    const west = goldenCopy(sb, source.imageId, B, 'eu-west-1');
    expect(sb.launchTemplate('us-east-1', web)).toMatchObject({ defaultVersion: 2 });
    expect(sb.launchTemplate('us-east-1', web)?.versions.map((v) => v.imageId)).toEqual([
      base.imageId,
      east.imageId,
    ]);
    expect(sb.launchTemplate('eu-west-1', workers)?.versions[1].imageId).toBe(west.imageId);
    expect(JSON.parse(r.outputs['launch-template-versions'])).toEqual([
      expect.objectContaining({
        account: SRC,
        region: 'us-east-1',
        launchTemplate: 'web-servers',
        version: 2,
        imageId: east.imageId,
        isDefault: true,
        created: true,
      }),
      expect.objectContaining({
        account: B,
        region: 'eu-west-1',
        launchTemplate: workers,
        version: 2,
        imageId: west.imageId,
        isDefault: true,
        created: true,
      }),
    ]);

    const again = await runCli(
      args(source.imageId, { 'launch-templates': lts, 'launch-template-default': 'true' }),
      { env },
    );
    expect(again.code, again.stderr).toBe(0);
    expect(sb.launchTemplate('us-east-1', web)?.versions).toHaveLength(2);
    expect(
      JSON.parse(again.outputs['launch-template-versions']).map((x: { created: boolean }) => x.created),
    ).toEqual([false, false]);
  }, 60_000);

  it('a template outside the destinations, or one that does not exist, is refused before anything changes', async () => {
    const { sb, env, source } = await world();
    const r = await runCli(args(source.imageId, { 'launch-templates': `${SRC}:ap-southeast-2:web` }), {
      env,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Input "launch-templates": .*region ap-southeast-2 is not a destination/);
    const r2 = await runCli(args(source.imageId, { 'launch-templates': `${SRC}:us-east-1:nothing-here` }), {
      env,
    });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(
      /Input "launch-templates": .*nothing-here: no such launch template in 111111111111\/us-east-1/,
    );
    const r3 = await runCli(args(source.imageId, { 'launch-templates': 'us-east-1:lt-1' }), { env });
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/is not account:region:launch-template/);
    expect(mutations(sb)).toEqual([]);
  });

  it('an arm64 image is refused for a template whose instance type runs only x86_64, before anything changes; an arm64 template takes it', async () => {
    const { sb, env } = await world();
    const arm = sb.putImage(SRC, 'us-east-1', {
      name: 'ubuntu-22.04-hardened-build-42-arm64',
      architecture: 'arm64',
      tags: { 'ami-bakery:verify': 'passed', 'ami-bakery:scan': 'passed', 'ami-bakery:commit': 'c0ffee1234' },
    });
    sb.putLaunchTemplate(SRC, 'us-east-1', 'ami-0aaaaaaaaaaaaaaaa', 'web-x86', 'm5.large');
    sb.putLaunchTemplate(SRC, 'us-east-1', 'ami-0aaaaaaaaaaaaaaaa', 'web-arm', 'm7g.large');
    const r = await runCli(args(arm.imageId, { 'launch-templates': `${SRC}:us-east-1:web-x86` }), { env });
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toMatch(
      /Input "launch-templates": the image is arm64, and 111111111111:us-east-1:web-x86 launches m5\.large \(x86_64\)/,
    );
    expect(mutations(sb)).toEqual([]);
    const ok = await runCli(args(arm.imageId, { 'launch-templates': `${SRC}:us-east-1:web-arm` }), { env });
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    const t = [...sb.launchTemplates.values()].find((x) => x.name === 'web-arm')!;
    expect(t.versions.at(-1)).toMatchObject({
      imageId: goldenCopy(sb, arm.imageId, SRC, 'us-east-1').imageId,
      instanceType: 'm7g.large',
    });
  });

  it('quarantine rolls the launch templates back to the last golden image that passed its scan', async () => {
    const { sb, env, source: older } = await world();
    expect((await runCli(args(older.imageId), { env })).code).toBe(0);
    const lt = sb.putLaunchTemplate(SRC, 'us-east-1', 'ami-0aaaaaaaaaaaaaaaa', 'web');
    const newer = sb.putImage(SRC, 'us-east-1', {
      name: 'build-43',
      tags: { 'ami-bakery:verify': 'passed', 'ami-bakery:scan': 'passed', 'ami-bakery:commit': 'beefcafe99' },
    });
    const lts = { 'launch-templates': `${SRC}:us-east-1:web`, 'launch-template-default': 'true' };
    expect((await runCli(args(newer.imageId, lts), { env })).code).toBe(0);
    expect(sb.launchTemplate('us-east-1', lt)?.versions.at(-1)?.imageId).toBe(
      goldenCopy(sb, newer.imageId, SRC, 'us-east-1').imageId,
    );
    const q = await runCli(args(newer.imageId, { ...lts, mode: 'quarantine' }), { env });
    expect(q.code, q.stderr).toBe(0);
    const t = sb.launchTemplate('us-east-1', lt)!;
    expect(t.versions[t.defaultVersion - 1].imageId).toBe(
      goldenCopy(sb, older.imageId, SRC, 'us-east-1').imageId,
    );
  }, 60_000);
});

describe('promote instance-refresh', () => {
  it('refreshes the Auto Scaling groups that launch from the template (a pinned one to the new version), once', async () => {
    const { sb, env, source } = await world();
    const lt = sb.putLaunchTemplate(SRC, 'us-east-1', 'ami-0aaaaaaaaaaaaaaaa', 'web');
    const other = sb.putLaunchTemplate(SRC, 'us-east-1', 'ami-0aaaaaaaaaaaaaaaa', 'batch');
    const follows = sb.putAutoScalingGroup(SRC, 'us-east-1', 'web-asg', lt);
    const pinned = sb.putAutoScalingGroup(SRC, 'us-east-1', 'web-canary', lt, '1');
    const unrelated = sb.putAutoScalingGroup(SRC, 'us-east-1', 'batch-asg', other);
    const opts = {
      regions: 'us-east-1',
      accounts: SRC,
      'launch-templates': `${SRC}:us-east-1:web`,
      'instance-refresh': 'true',
      'instance-refresh-min-healthy': '75',
    };
    const r = await runCli(args(source.imageId, opts), { env });
    expect(r.code, r.stderr).toBe(0);
    expect(follows.refreshes).toEqual([{ id: expect.any(String), minHealthy: 75 }]);
    expect(pinned.refreshes).toEqual([{ id: expect.any(String), minHealthy: 75, desiredVersion: '2' }]);
    expect(unrelated.refreshes).toEqual([]);
    const [rolled] = JSON.parse(r.outputs['launch-template-versions']);
    expect(rolled.refreshes.map((x: { group: string }) => x.group).sort()).toEqual(['web-asg', 'web-canary']);

    const again = await runCli(args(source.imageId, opts), { env });
    expect(again.code, again.stderr).toBe(0);
    expect(follows.refreshes).toHaveLength(1);
    expect(again.stdout).toMatch(/Auto Scaling group web-asg: a refresh is already in progress/);
  }, 60_000);
});

describe('promote deregistration-protection', () => {
  it('protects the golden copies; retention lifts the protection and retires the image only after the cooldown', async () => {
    const { sb, env, source: first } = await world();
    const one = { regions: 'us-east-1', accounts: SRC, 'deregistration-protection': 'true', retain: '1' };
    expect((await runCli(args(first.imageId, one), { env })).code).toBe(0);
    const old = goldenCopy(sb, first.imageId, SRC, 'us-east-1');
    expect(old.deregistrationProtection).toBe('enabled-with-cooldown');
    const second = sb.putImage(SRC, 'us-east-1', {
      name: 'build-43',
      tags: { 'ami-bakery:verify': 'passed', 'ami-bakery:scan': 'passed', 'ami-bakery:commit': 'beefcafe99' },
    });
    const r = await runCli(args(second.imageId, one), { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`not retiring ${old.imageId} .*yet: deregistration protection lifted .*cooldown`),
    );
    expect(sb.stateOf(old)).toBe('available');
    // a day later the cooldown is over: the next run retires it
    old.deregistrationProtection = `disabled-until ${new Date(Date.now() - 1000).toISOString()}`;
    const later = await runCli(args(second.imageId, one), { env });
    expect(later.code, later.stderr).toBe(0);
    expect(sb.stateOf(old)).toBe('deregistered');
    expect(goldenCopy(sb, second.imageId, SRC, 'us-east-1').deregistrationProtection).toBe(
      'enabled-with-cooldown',
    );
  }, 60_000);
});

describe('promote share-with all (public)', () => {
  it('is refused before anything changes where AMI Block Public Access blocks new public sharing', async () => {
    const { sb, env, source } = await world();
    sb.imageBlockPublicAccess.set(`${B}/eu-west-1`, 'block-new-sharing');
    const r = await runCli(args(source.imageId, { 'share-with': 'all' }), { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /Input "share-with": "all" shares the golden image publicly, and AMI Block Public Access blocks new public sharing in 222222222222\/eu-west-1/,
    );
    expect(mutations(sb)).toEqual([]);
  });
  it('where it is allowed, the golden copies are public', async () => {
    const { sb, env, source } = await world();
    const r = await runCli(
      args(source.imageId, { 'share-with': 'all', regions: 'us-east-1', accounts: SRC }),
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect([...goldenCopy(sb, source.imageId, SRC, 'us-east-1').launchPermissions]).toEqual(['all']);
  });
});
