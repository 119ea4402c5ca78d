/** action-promote through the CLI and the real AWS SDK against the local EC2/STS/SSM sandbox. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, tmpDir } from './helpers.js';
import {
  B,
  baseArgs,
  C,
  copiesNamed,
  mutations,
  REGIONS,
  SRC,
  stopWorld,
  world,
} from './support/promote-world.js';

afterEach(stopWorld);

describe('promote: 3 regions × 3 accounts', () => {
  it('copies encrypted with each region key, tags images and snapshots, shares, publishes SSM, deprecates', async () => {
    const { sb, env, source } = await world({ copyLatencyMs: 300 });
    const r = await runCli(baseArgs(source.imageId), { env });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const amis = JSON.parse(r.outputs.amis);
    expect(Object.keys(amis).sort()).toEqual([SRC, B, C]);
    // encrypted everywhere: the source region gets an encrypted copy too
    expect(r.outputs).toMatchObject({ copied: '9', reused: '0', failed: '0' });
    const name = 'golden-ubuntu-22.04-c0ffee1';
    for (const account of [SRC, B, C]) {
      for (const region of REGIONS) {
        const id = amis[account][region];
        expect(id, `${account}/${region}`).toMatch(/^ami-/);
        expect(id).not.toBe(source.imageId);
        const param = sb.parameter(account, region, '/golden/ubuntu-22.04/latest');
        expect(param?.value, `ssm ${account}/${region}`).toBe(id);
        const copies = copiesNamed(sb, account, region, name);
        expect(copies).toHaveLength(1);
        const img = copies[0];
        expect(img.imageId).toBe(id);
        expect(img.encrypted).toBe(true);
        expect(img.kmsKeyId).toBe(`alias/golden-${region}`);
        expect(Object.fromEntries(img.tags)).toMatchObject({
          'ami-bakery:source-ami': source.imageId,
          'ami-bakery:status': 'golden',
          'ami-bakery:verify': 'passed',
          'ami-bakery:commit': 'c0ffee1234',
          team: 'platform',
        });
        const snap = sb.snapshots.get(`${region}/${img.snapshotIds[0]}`)!;
        expect(snap.tags.get('ami-bakery:source-ami')).toBe(source.imageId);
        expect(snap.createVolumePermissions.has('444444444444')).toBe(true);
        expect(img.launchPermissions.has('444444444444')).toBe(true);
        const days = (Date.parse(img.deprecationTime!) - Date.now()) / 86_400_000;
        expect(days).toBeGreaterThan(89.9);
        expect(days).toBeLessThan(90.1);
      }
    }
    // copies ran in the destination accounts' own credentials (AssumeRole), masked from the log
    expect(sb.calls.filter((c) => c.action === 'AssumeRole').length).toBe(2);
    expect(
      sb.calls
        .filter((c) => c.action === 'CopyImage')
        .map((c) => c.accountId)
        .sort(),
    ).toEqual([SRC, SRC, SRC, B, B, B, C, C, C]);
    expect(r.stdout + r.stderr).not.toMatch(/ASIA\d{12}/);
    // the build AMI was shared with B and C only while they copied it, and is neither golden nor shared now
    expect(
      sb.calls.some((c) => c.action === 'ModifyImageAttribute' && c.params.ImageId === source.imageId),
    ).toBe(true);
    expect([...source.launchPermissions]).toEqual([]);
    expect(source.tags.get('ami-bakery:status')).toBe('promoted'); // recorded, never golden
    expect(sb.snapshots.get(`us-east-1/${source.snapshotIds[0]}`)?.createVolumePermissions.size).toBe(0);
  });

  it('a second run reuses every copy and creates nothing new', async () => {
    const { sb, env, source } = await world();
    expect((await runCli(baseArgs(source.imageId), { env })).code).toBe(0);
    const before = sb.images.size;
    const again = await runCli(baseArgs(source.imageId), { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.outputs).toMatchObject({ copied: '0', reused: '9' });
    expect(sb.images.size).toBe(before);
  });
});

describe('promote: crash halfway, then re-run', () => {
  it('finishes every destination with zero duplicates', async () => {
    const { sb, env, source } = await world({ copyLatencyMs: 4000 });
    // six of the nine copies are refused at first (their slots taken) and wait: killed while they do
    sb.failNext('CopyImage', 'ResourceLimitExceeded', 6);
    const copies = () =>
      [...sb.images.values()].filter((i) => i.tags.get('ami-bakery:source-ami') === source.imageId).length;
    const run = startCli(baseArgs(source.imageId), { env });
    for (let i = 0; i < 200 && copies() < 3; i++) await new Promise((r) => setTimeout(r, 50));
    run.child.kill('SIGKILL');
    await run.result;
    const startedCopies = copies();
    expect(startedCopies).toBeGreaterThanOrEqual(3);
    expect(startedCopies).toBeLessThan(9);
    // killed mid-way: nothing is golden yet
    expect([...sb.images.values()].some((i) => i.tags.get('ami-bakery:status') === 'golden')).toBe(false);
    const r = await runCli(baseArgs(source.imageId), { env });
    expect(r.code, r.stderr).toBe(0);
    expect(Number(r.outputs.reused)).toBeGreaterThanOrEqual(3);
    expect(Number(r.outputs.copied) + Number(r.outputs.reused)).toBe(9);
    for (const account of [SRC, B, C]) {
      for (const region of REGIONS) {
        expect(
          copiesNamed(sb, account, region, 'golden-ubuntu-22.04-c0ffee1'),
          `${account}/${region}`,
        ).toHaveLength(1);
      }
    }
  });
});

describe('promote: throttling and the concurrent-copy limit', () => {
  it('with 20% of EC2 calls throttled and a copy limit of 2 (already reached by other copies), every destination succeeds', async () => {
    const { sb, env, source } = await world({
      throttleRate: 0.2,
      snapshotCopyLimit: 2,
      copyLatencyMs: 200,
      seed: 7,
    });
    // two other copies are already running in B/eu-west-1: ours must queue until they finish, which
    // they do only once ours has been refused and queued (no race with a slow start)
    const others = [0, 1].map((i) =>
      sb.putImage(B, 'eu-west-1', {
        name: `other-${i}`,
        state: 'pending',
        availableAt: Date.now() + 600_000,
      }),
    );
    const run = startCli(baseArgs(source.imageId), { env });
    for (
      let i = 0;
      i < 1200 &&
      !/222222222222\/eu-west-1: the account's concurrent snapshot copy quota is taken/.test(run.log());
      i++
    )
      await new Promise((res) => setTimeout(res, 50));
    for (const o of others) o.availableAt = Date.now();
    const r = await run.result;
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.outputs.copied).toBe('9');
    expect(sb.throttled).toBeGreaterThan(0);
    expect(r.stdout).toMatch(
      /222222222222\/eu-west-1: the account's concurrent snapshot copy quota is taken \(ResourceLimitExceeded\); waiting for room/,
    );
    expect(
      sb.calls.some((c) => c.action === 'CopyImage' && c.accountId === B && c.region === 'eu-west-1'),
    ).toBe(true);
    expect(copiesNamed(sb, B, 'eu-west-1', 'golden-ubuntu-22.04-c0ffee1')).toHaveLength(1);
  });
});

describe('promote: the snapshot copy quota (20 per destination account × region, as EBS counts)', () => {
  it('three runs of 8-volume AMIs into the same accounts and region: the one that does not fit waits for room, none fails, the quota is never passed', async () => {
    const { sb, env } = await world({ copyLatencyMs: 1500 });
    const tags = { 'ami-bakery:verify': 'passed', 'ami-bakery:scan': 'passed' };
    const sources = [0, 1, 2].map((i) =>
      sb.putImage(SRC, 'us-east-1', { name: `fleet-${i}-build`, tags, volumes: 8 }),
    );
    const runs = sources.map((s, i) =>
      runCli(
        baseArgs(s.imageId, {
          regions: 'eu-west-1',
          accounts: [SRC, B].join('\n'),
          name: `golden-fleet-${i}`,
          'ssm-parameter': `/golden/fleet-${i}/latest`,
        }),
        { env },
      ),
    );
    const done = await Promise.all(runs);
    for (const r of done) {
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(r.outputs).toMatchObject({ copied: '2', failed: '0' });
      expect(r.stdout).toMatch(/copying as ami-\w+ \(8 snapshot slots\)/);
    }
    // 24 slots were wanted in each of SRC/eu-west-1 and B/eu-west-1: EC2 (the sandbox) refused the
    // copy that did not fit, and that run waited for room instead of failing
    const waited = done.filter((r) => /concurrent snapshot copy quota is taken/.test(r.stdout));
    expect(waited.length).toBeGreaterThanOrEqual(1);
    for (const key of [`${SRC}/eu-west-1`, `${B}/eu-west-1`]) {
      expect(sb.maxSnapshotCopies.get(key), key).toBeLessThanOrEqual(20);
      expect(sb.maxSnapshotCopies.get(key), key).toBeGreaterThanOrEqual(16);
    }
    for (let i = 0; i < 3; i++) {
      const [copy] = copiesNamed(sb, B, 'eu-west-1', `golden-fleet-${i}`);
      expect(copy.snapshotIds).toHaveLength(8);
      expect(copy.tags.get('ami-bakery:status')).toBe('golden');
    }
  });

  it('asks for a time-based copy when copy-completion-minutes is set', async () => {
    const { sb, env, source } = await world();
    const r = await runCli(
      baseArgs(source.imageId, { regions: 'eu-west-1', 'copy-completion-minutes': '60' }),
      {
        env,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const copies = sb.calls.filter((c) => c.action === 'CopyImage');
    expect(copies).toHaveLength(3);
    for (const c of copies) expect(c.params.SnapshotCopyCompletionDurationMinutes).toBe('60');
  });
});

describe('promote: retention', () => {
  it('keeps the newest N golden images, never one used by an instance or a launch template default', async () => {
    const { sb, env, source } = await world();
    const fam = { 'ami-bakery:status': 'golden', 'ami-bakery:family': 'golden-ubuntu-22.04-' };
    const old = (n: number) =>
      sb.putImage(SRC, 'eu-west-1', {
        name: `golden-ubuntu-22.04-old${n}`,
        creationDate: `2026-0${n}-01T00:00:00.000Z`,
        tags: fam,
      });
    const [o1, o2, o3, o4] = [old(1), old(2), old(3), old(4)];
    sb.putInstance(SRC, 'eu-west-1', o1.imageId);
    sb.putLaunchTemplate(SRC, 'eu-west-1', o2.imageId);
    const r = await runCli(
      [
        'promote',
        '--ami-id',
        source.imageId,
        '--regions',
        'us-east-1,eu-west-1',
        '--name',
        'golden-ubuntu-22.04-{sha}',
        '--retain',
        '2',
      ],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    const live = new Set(sb.imagesOf(SRC, 'eu-west-1').map((i) => i.imageId));
    expect(live.has(o4.imageId)).toBe(true); // newest old one: kept with the new copy (retain 2)
    expect(live.has(o1.imageId)).toBe(true); // in use by an instance
    expect(live.has(o2.imageId)).toBe(true); // a launch template's default version
    expect(live.has(o3.imageId)).toBe(false); // retired
    expect(sb.snapshots.get(`eu-west-1/${o3.snapshotIds[0]}`)?.deleted).toBe(true);
    expect(r.outputs.retired).toBe('1');
    expect(r.stdout).toMatch(/keeping .*in use by an instance or a launch template's default version/);
  });
});

describe('promote: retention of build AMIs (encrypt)', () => {
  it('the build AMI is recorded as promoted, and older promoted build AMIs of the family are retired per retain', async () => {
    const { sb, env, source } = await world();
    const fam = { 'ami-bakery:status': 'promoted', 'ami-bakery:family': 'golden-ubuntu-22.04-' };
    const b1 = sb.putImage(SRC, 'us-east-1', {
      name: 'build-1',
      creationDate: '2026-01-01T00:00:00.000Z',
      tags: fam,
    });
    const b2 = sb.putImage(SRC, 'us-east-1', {
      name: 'build-2',
      creationDate: '2026-02-01T00:00:00.000Z',
      tags: fam,
    });
    sb.putInstance(SRC, 'us-east-1', b1.imageId);
    const r = await runCli(
      [
        'promote',
        '--ami-id',
        source.imageId,
        '--regions',
        'us-east-1',
        '--name',
        'golden-ubuntu-22.04-{sha}',
        '--retain',
        '1',
      ],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(source.tags.get('ami-bakery:status')).toBe('promoted');
    const live = new Set(sb.imagesOf(SRC, 'us-east-1').map((i) => i.imageId));
    expect(live.has(source.imageId)).toBe(true); // the one just promoted
    expect(live.has(b1.imageId)).toBe(true); // in use by an instance
    expect(live.has(b2.imageId)).toBe(false); // retired
    expect(r.stdout).toMatch(/\(build AMIs\): retired ami-\w+ \(build-2\)/);
  });
});

describe('promote: refused or rejected, with nothing changed', () => {
  it('the gate refuses an AMI without passing provenance tags (exit 1)', async () => {
    const { sb, env, source } = await world(
      {},
      { 'ami-bakery:verify': 'passed', 'ami-bakery:scan': 'failed' },
    );
    const r = await runCli(baseArgs(source.imageId), { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /promote refused ami-[0-9a-f]+: scan=passed: ami-bakery:scan is "failed"\. Nothing was copied/,
    );
    expect(mutations(sb)).toEqual([]);
  });

  it('a missing provenance tag says which stage writes it', async () => {
    const { sb, env, source } = await world({}, { 'ami-bakery:scan': 'passed' });
    const r = await runCli(baseArgs(source.imageId, { require: 'verify=passed,tested=yes' }), { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /verify=passed: the AMI has no ami-bakery:verify tag \(written by action-verify when it knows the region, tag-ami\); tested=yes: the AMI has no ami-bakery:tested tag\./,
    );
    expect(mutations(sb)).toEqual([]);
  });

  it('score>=N in require reads ami-bakery:cis-score', async () => {
    const { sb, env, source } = await world();
    const r = await runCli(baseArgs(source.imageId, { require: 'scan=passed,score>=95' }), { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/score>=95: ami-bakery:cis-score is 91\.5/);
    expect(mutations(sb)).toEqual([]);
  });

  it.each([
    [{ accounts: '12345' }, /Input "accounts": "12345" is not a 12-digit AWS account id/],
    [{ regions: 'us-east-1,eu-wset-1' }, /Input "regions": "eu-wset-1" is not an AWS region/],
    [
      { 'kms-key-ids': 'us-east-1=alias/a\neu-west-1=alias/b' },
      /Input "kms-key-ids": has no key for 111111111111:ap-southeast-2/,
    ],
    [
      { 'ami-id': 'ami-0aaaaaaaaaaaaaaaa' },
      /Input "ami-id": ami-0aaaaaaaaaaaaaaaa was not found in us-east-1/,
    ],
    [{ 'role-name': '' }, /Input "role-name": is needed to reach accounts 222222222222, 333333333333/],
  ])('%j', async (override, message) => {
    const { sb, env, source } = await world();
    const r = await runCli(baseArgs(source.imageId, override), { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(mutations(sb)).toEqual([]);
  });

  it('a role that cannot be assumed is an input error before any change', async () => {
    const { sb, env, source } = await world();
    const r = await runCli(baseArgs(source.imageId, { 'role-name': 'wrong-role' }), { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot assume arn:aws:iam::222222222222:role\/wrong-role: AccessDenied/);
    expect(mutations(sb)).toEqual([]);
  });

  it('dry-run prints the plan, says so in the job summary, and changes nothing', async () => {
    const { sb, env, source } = await world();
    const summary = path.join(tmpDir(), 'summary.md');
    fs.writeFileSync(summary, '');
    const r = await runCli(baseArgs(source.imageId, { 'dry-run': 'true' }), {
      env: { ...env, GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.outputs.plan);
    expect(plan).toHaveLength(9);
    expect(plan.filter((d: { state: string }) => d.state === 'copy')).toHaveLength(9);
    expect(mutations(sb)).toEqual([]);
    const md = fs.readFileSync(summary, 'utf8');
    expect(md).toMatch(/^## ami-bakery promote \(all, dry run: nothing was changed\)/);
    expect(md).toContain('Nothing was copied, tagged, shared or published.');
    expect(md.match(/\| copy it \|/g)).toHaveLength(9);
  });
});

describe('promote: when to poll a copy next', () => {
  it('polls near the ETA from snapshot progress, never in a burst, and backs off without progress', async () => {
    const { nextPollMs } = await import('../action-promote/src/copy.js');
    // 40 % after 60 s: about 90 s left, polled a little early.
    expect(nextPollMs(60_000, 40, 250)).toBe(15_000);
    // An early estimate (about 5.4 s left) is not trusted beyond the time spent so far.
    expect(nextPollMs(4_000, 40, 250)).toBe(4_000);
    expect(nextPollMs(120, 5, 250)).toBe(250);
    // Nearly done after 10 minutes: just after the ETA (0.6 s) by the floor, 2 % of the time spent
    // (12 s), not a tight loop.
    expect(nextPollMs(600_000, 99.9, 250)).toBe(12_601);
    // A short copy nearly done: just after its ETA (19 ms) by 100 ms, not the 250 ms fallback.
    expect(nextPollMs(1_900, 99, 250)).toBe(119);
    // Past half-way the estimate is trusted: 60 % after 1.2 s, 0.8 s left, polled just after it.
    expect(nextPollMs(1_200, 60, 250)).toBe(900);
    // ...but bounded by 15 s, however long it says is left.
    expect(nextPollMs(600_000, 50, 250)).toBe(15_000);
    // No progress reported yet: the caller's back-off.
    expect(nextPollMs(1_000, undefined, 750)).toBe(750);
    expect(nextPollMs(1_000, 0, 750)).toBe(750);
    // Snapshots complete but the image not yet available: soon, not the grown back-off.
    expect(nextPollMs(2_000, 100, 5_000)).toBe(100);
  });
});

describe('promote: the gate fails closed (issue 15)', () => {
  it.each(['', '   ', '\n'])(
    'an empty or blank require (%j) means the default gate, not "no requirements"',
    async (req) => {
      const { sb, env, source } = await world({}, { 'ami-bakery:commit': 'c0ffee1234' });
      const r = await runCli(baseArgs(source.imageId, { require: req }), { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /promote refused ami-\w+: verify=passed: the AMI has no ami-bakery:verify tag/,
      );
      expect(mutations(sb)).toEqual([]);
    },
  );

  it('require: none is explicit and loud, and recorded on the copies', async () => {
    const { sb, env, source } = await world({}, {});
    const r = await runCli(
      baseArgs(source.imageId, { require: 'none', regions: 'eu-west-1', accounts: SRC }),
      {
        env,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: The provenance gate is OFF \(require: none\)/);
    const [copy] = copiesNamed(sb, SRC, 'eu-west-1', 'golden-ubuntu-22.04-local');
    expect(Object.fromEntries(copy.tags)).toMatchObject({
      'ami-bakery:gate': 'none',
      'ami-bakery:status': 'golden',
    });
  });

  it.each([
    [{ require: 'verify==passed' }, /Input "require": "verify==passed" is not key=value/],
    [{ require: 'verify=passed,none' }, /Input "require": "none" turns the gate off and stands alone/],
    [
      { 'deprecate-after': '999999999999999d' },
      /Input "deprecate-after": "999999999999999d" is not a duration/,
    ],
    [{ 'deprecate-after': '5000w' }, /Input "deprecate-after": "5000w" is longer than 10 years/],
    [{ 'deprecate-after': '0d' }, /Input "deprecate-after": "0d" is zero/],
    [{ 'max-concurrency': '0x10' }, /Input "max-concurrency": "0x10" is not a number from 1 to 1000/],
    [{ 'copy-slots': '0' }, /Input "copy-slots": "0" is not a number from 1 to 10000/],
    [{ 'copy-slots': '2.5' }, /Input "copy-slots": "2.5" is not a whole number/],
    [{ 'copy-completion-minutes': '20' }, /Input "copy-completion-minutes": "20" is not a multiple of 15/],
    [
      { 'copy-completion-minutes': '2895' },
      /Input "copy-completion-minutes": "2895" is not a number from 15 to 2880/,
    ],
    [{ retain: '1e1' }, /Input "retain": "1e1" is not a number/],
    [{ regions: 'us-east-9' }, /Input "regions": "us-east-9" is not an AWS region/],
    [{ name: 'golden|{date}' }, /Input "name": .* is not a valid AMI name/],
    [{ deadline: 'soon' }, /Input "deadline": "soon" is not a number/],
    // what AWS would refuse, refused up front (issue 22: 15)
    [
      { tags: `team=${'x'.repeat(257)}` },
      /Input "tags": EC2 would refuse them: the value of "team" has 257 characters/,
    ],
    [{ tags: `${'k'.repeat(129)}=v` }, /Input "tags": .*has 129 characters \(1 to 128\)/],
    [{ tags: 'aws:owner=me' }, /Input "tags": line 1: "aws:owner/],
    [
      { tags: Array.from({ length: 51 }, (_, i) => `t${i}=v`).join('\n') },
      /Input "tags": EC2 would refuse them: 51 tags, more than the 50/,
    ],
    [
      { 'ssm-parameter': '/aws/service/ami' },
      /Input "ssm-parameter": .* starts with aws or ssm, which SSM reserves/,
    ],
    [{ 'ssm-parameter': 'SSM/x' }, /Input "ssm-parameter": .* starts with aws or ssm/],
    [
      { 'ssm-parameter': `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}` },
      /is 16 levels deep; SSM allows 15/,
    ],
    [{ 'ssm-parameter': '/golden//latest' }, /has an empty level/],
    // {arch} is the one placeholder, checked as the longest architecture EC2 has (x86_64_mac)
    [
      { 'ssm-parameter': '/golden/{arch' },
      /Input "ssm-parameter": "\/golden\/\{arch" is not an SSM parameter name/,
    ],
    [
      { 'ssm-parameter': '/golden/{ARCH}' },
      /Input "ssm-parameter": "\/golden\/\{ARCH\}" is not an SSM parameter/,
    ],
    [{ 'ssm-parameter': '/golden/{arch}/$(id)' }, /Input "ssm-parameter": .* is not an SSM parameter name/],
    [
      { 'ssm-parameter': `/${'p'.repeat(1002)}/{arch}` },
      /Input "ssm-parameter": .* is not an SSM parameter name/,
    ],
    [{ name: `g-{arch}-${'x'.repeat(117)}` }, /Input "name": "g-x86_64_mac-x+" is not a valid AMI name/],
    [
      { 'instance-refresh-min-healthy': '90.5' },
      /Input "instance-refresh-min-healthy": "90.5" is not a whole percentage/,
    ],
    // meaningless without launch-templates (issue 22: 24)
    [
      { 'instance-refresh': 'true' },
      /Input "instance-refresh": acts on the launch templates .* launch-templates is empty/,
    ],
    [{ 'launch-template-default': 'true' }, /Input "launch-template-default": acts on the launch templates/],
  ])('%j is bad input before any AWS call (exit 2)', async (override, message) => {
    const { sb, env, source } = await world();
    const n = sb.calls.length;
    const r = await runCli(baseArgs(source.imageId, override), { env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(sb.calls.length).toBe(n);
  });

  it("the copies' tags, the source's provenance included, over EC2's 50 are refused before any change (issue 22: 15)", async () => {
    const many: Record<string, string> = { 'ami-bakery:verify': 'passed', 'ami-bakery:scan': 'passed' };
    for (let i = 0; i < 44; i++) many[`ami-bakery:x${i}`] = 'v';
    const { sb, env, source } = await world({}, many);
    const before = mutations(sb).length;
    const r = await runCli(baseArgs(source.imageId, { tags: 'team=platform\nowner=me' }), { env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /Input "tags": the copies' tags .* would be refused by EC2: 5\d tags, more than the 50/,
    );
    expect(mutations(sb).length).toBe(before);
  });

  it('the sandbox refuses what EC2 and SSM refuse, as they do', async () => {
    const { sb } = await world();
    const { EC2Client, CreateTagsCommand } = await import('@aws-sdk/client-ec2');
    const { SSMClient, PutParameterCommand } = await import('@aws-sdk/client-ssm');
    const creds = sb.addAccount('555555555555');
    const opts = {
      region: 'us-east-1',
      endpoint: sb.env(creds, 'us-east-1').AWS_ENDPOINT_URL,
      credentials: creds,
    };
    const ec2 = new EC2Client(opts);
    const ssm = new SSMClient(opts);
    const img = sb.putImage('555555555555', 'us-east-1', {});
    const tag = (Tags: Array<{ Key: string; Value: string }>) =>
      ec2.send(new CreateTagsCommand({ Resources: [img.imageId], Tags }));
    await expect(tag([{ Key: 'k', Value: 'v'.repeat(257) }])).rejects.toThrow(/256/);
    await expect(tag(Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })))).rejects.toThrow(
      /maximum number of tags/,
    );
    await expect(
      ssm.send(new PutParameterCommand({ Name: '/aws/x', Value: 'v', Type: 'String' })),
    ).rejects.toThrow(/prefixed/);
    ec2.destroy();
    ssm.destroy();
  });

  it('a repeated flag is bad input, not two values joined by a newline', async () => {
    const { sb, env, source } = await world();
    const n = sb.calls.length;
    const r = await runCli([...baseArgs(source.imageId), '--deprecate-after', '0d'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Input "deprecate-after": is given twice/);
    expect(sb.calls.length).toBe(n);
  });
});

describe('promote: golden only when every destination is available (issue 15)', () => {
  it('a copy that ends failed is removed with its snapshots and copied again on the next run; nothing golden before', async () => {
    const { sb, env, source } = await world({ failCopies: 1, copyLatencyMs: 200 });
    const args = baseArgs(source.imageId, {
      regions: 'us-east-1,eu-west-1',
      accounts: `${SRC},${B}`,
      'max-concurrency': '1',
    });
    const first = await runCli(args, { env });
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(
      /ended failed; it was deregistered with its snapshots, and a re-run copies again/,
    );
    expect(first.stderr).toMatch(
      /1 of 4 destination\(s\) failed .*Nothing was tagged golden\. Available: .*Re-run promote to resume/,
    );
    expect(first.outputs).toMatchObject({ failed: '1', amis: '{}' });
    const failedCopy = [...sb.images.values()].find((i) => i.willFail)!;
    expect(sb.stateOf(failedCopy)).toBe('deregistered');
    expect(sb.snapshots.get(`${failedCopy.region}/${failedCopy.snapshotIds[0]}`)?.deleted).toBe(true);
    expect([...sb.images.values()].some((i) => i.tags.get('ami-bakery:status') === 'golden')).toBe(false);
    expect(source.tags.get('ami-bakery:status')).toBeUndefined();

    const second = await runCli(args, { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.outputs).toMatchObject({ copied: '1', reused: '3', failed: '0' });
    const amis = JSON.parse(second.outputs.amis);
    for (const a of [SRC, B])
      for (const region of ['us-east-1', 'eu-west-1']) {
        const img = sb.images.get(`${region}/${amis[a][region]}`)!;
        expect(img.tags.get('ami-bakery:status'), `${a}/${region}`).toBe('golden');
        expect(img.encrypted).toBe(true);
      }
  });

  it('a {time} name template: killed and re-run, still one copy per destination (found by source tag)', async () => {
    const { sb, env, source } = await world({ copyLatencyMs: 3000 });
    const args = baseArgs(source.imageId, {
      name: 'golden-{date}-{time}',
      regions: 'us-east-1,eu-west-1',
      accounts: SRC,
    });
    const run = startCli(args, { env });
    for (let i = 0; i < 200 && sb.calls.filter((c) => c.action === 'CopyImage').length < 2; i++)
      await new Promise((r) => setTimeout(r, 50));
    run.child.kill('SIGKILL');
    await run.result;
    await new Promise((r) => setTimeout(r, 1100)); // the next second: another {time}
    const r = await runCli(args, { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ copied: '0', reused: '2' });
    for (const region of ['us-east-1', 'eu-west-1'])
      expect(
        sb.imagesOf(SRC, region).filter((i) => i.tags.get('ami-bakery:source-ami') === source.imageId),
      ).toHaveLength(1);
  });

  it('a destination that fails says which are done and that a re-run resumes; the re-run finishes it', async () => {
    const { sb, env, source } = await world({ copyLatencyMs: 100 });
    const args = baseArgs(source.imageId, { regions: 'us-east-1,eu-west-1', accounts: `${SRC},${B}` });
    sb.failNext('CopyImage', 'InvalidRequest', 1);
    const first = await runCli(args, { env });
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(
      /1 of 4 destination\(s\) failed \(\d{12}\/[\w-]+: .*\)\. Nothing was tagged golden\. Available: (\d{12}\/[\w-]+, ){2}\d{12}\/[\w-]+\. Re-run promote to resume/,
    );
    expect(first.outputs).toMatchObject({ failed: '1', copied: '3' });
    const again = await runCli(args, { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.outputs).toMatchObject({ failed: '0', copied: '1', reused: '3' });
  });

  it('a name another image holds in a destination is refused before anything is shared or copied (issue 22: 13)', async () => {
    const { sb, env, source } = await world({ copyLatencyMs: 50 });
    const args = (ami: string) =>
      baseArgs(ami, {
        regions: 'us-east-1,eu-west-1',
        accounts: `${SRC},${B}`,
        name: 'golden-ubuntu-22.04-{sha}',
      });
    expect((await runCli(args(source.imageId), { env: { ...env, GITHUB_SHA: 'abc1234def' } })).code).toBe(0);
    // a rebuild of the same commit: a new build AMI, the same {sha} name
    const rebuilt = sb.putImage(SRC, 'us-east-1', {
      name: 'ubuntu-22.04-hardened-build-43',
      tags: { 'ami-bakery:verify': 'passed', 'ami-bakery:scan': 'passed', 'ami-bakery:commit': 'abc1234def' },
    });
    const before = mutations(sb).length;
    const r = await runCli(args(rebuilt.imageId), { env: { ...env, GITHUB_SHA: 'abc1234def' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /Input "name": "golden-ubuntu-22\.04-abc1234" is already the name of another image in \d{12}\/[\w-]+ has ami-\w+ \(a copy of ami-\w+, golden\);.*Nothing was shared or copied\./,
    );
    expect(mutations(sb).length).toBe(before);
  });

  it('publishing that fails part-way says exactly what is golden (issue 22: 12)', async () => {
    const { sb, env, source } = await world({ copyLatencyMs: 50 });
    const args = baseArgs(source.imageId, { regions: 'us-east-1,eu-west-1', accounts: `${SRC},${B}` });
    const golden = () =>
      [SRC, B].flatMap((a) =>
        ['us-east-1', 'eu-west-1'].flatMap((r) =>
          sb.imagesOf(a, r).filter((i) => i.tags.get('ami-bakery:status') === 'golden'),
        ),
      );
    // a step before "golden" fails in one destination: nothing is golden, no parameter names a copy
    sb.failNext('EnableImageDeprecation', 'InvalidParameterValue', 1);
    const first = await runCli(args, { env });
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toMatch(/1 of 4 destination\(s\) failed .*Nothing was tagged golden\./);
    expect(golden()).toEqual([]);
    expect(sb.calls.filter((c) => c.action === 'PutParameter')).toEqual([]);
    // the parameter of one destination cannot be written: every copy is golden, and it says which
    // three the parameter names
    sb.failNext('PutParameter', 'ValidationException', 1);
    const second = await runCli(args, { env });
    expect(second.code).toBe(1);
    expect(golden()).toHaveLength(4);
    expect(second.stderr).toMatch(
      /Tagged golden in 4 of 4: [\d/a-z, -]+; the SSM parameter names the copy in (\d{12}\/[\w-]+, ){2}\d{12}\/[\w-]+\./,
    );
    expect(second.stderr).not.toMatch(/Nothing was tagged golden/);
  });

  it('under 50% throttling every run finishes, or says which destinations are done and that a re-run resumes', async () => {
    for (const seed of [3]) {
      const { sb, env, source } = await world({ throttleRate: 0.5, copyLatencyMs: 100, seed });
      const r = await runCli(
        baseArgs(source.imageId, { regions: 'us-east-1,eu-west-1', accounts: `${SRC},${B}` }),
        { env },
      );
      expect(sb.throttled).toBeGreaterThan(0);
      if (r.code !== 0) expect(r.stderr).toMatch(/Available: .*Re-run promote to resume/);
      else expect(r.outputs.failed).toBe('0');
      await stopWorld();
    }
  }, 180_000);
});
