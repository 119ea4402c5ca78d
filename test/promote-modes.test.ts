/**
 * action-promote's modes (issue 14) through the CLI and the real AWS SDK against the EC2/STS/SSM
 * sandbox: stage starts private candidate copies before the gate, publish gates and finishes them,
 * discard removes them; a crashed run's candidates are swept by the next run of the family.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli } from './helpers.js';
import type { Ec2Sandbox } from './sandbox/ec2-sandbox.js';
import { B, baseArgs, C, REGIONS, SRC, stopWorld, world } from './support/promote-world.js';

afterEach(stopWorld);

const ACCOUNTS = [SRC, B, C];
const NAME = 'golden-ubuntu-22.04-c0ffee1';
const FAMILY = 'golden-ubuntu-22.04-';

/** Every live copy of `source` per destination, with what a user would look at. */
function copiesOf(sb: Ec2Sandbox, source: string) {
  return ACCOUNTS.flatMap((account) =>
    REGIONS.map((region) => ({
      at: `${account}/${region}`,
      images: sb
        .imagesOf(account, region)
        .filter((i) => i.tags.get('ami-bakery:source-ami') === source)
        .map((i) => ({
          name: i.name,
          status: i.tags.get('ami-bakery:status'),
          kms: i.kmsKeyId,
          shared: [...i.launchPermissions].sort(),
        })),
    })),
  );
}

/** Snapshots still there (not deleted) that belong to a copy of `source`. */
const liveCopySnapshots = (sb: Ec2Sandbox, source: string) =>
  [...sb.snapshots.values()].filter((s) => !s.deleted && s.tags.get('ami-bakery:source-ami') === source);

describe('promote modes', () => {
  it('stage starts every copy as a private candidate without waiting; publish then makes the same golden set as all', async () => {
    const staged = await world({ copyLatencyMs: 1500 });
    const stage = await runCli(baseArgs(staged.source.imageId, { mode: 'stage' }), { env: staged.env });
    expect(stage.code, stage.stderr).toBe(0);
    expect(stage.outputs).toMatchObject({ copied: '9', reused: '0', failed: '0', amis: '{}' });
    expect(Object.keys(JSON.parse(stage.outputs.candidates)).sort()).toEqual(ACCOUNTS);
    // it did not wait: the copies are still pending when stage returns
    const after = ACCOUNTS.flatMap((a) => REGIONS.flatMap((r) => staged.sb.imagesOf(a, r)));
    expect(after.filter((i) => i.state === 'pending').length).toBeGreaterThan(0);
    // candidates only: nothing golden, no launch permission for anyone, no SSM parameter, no deprecation
    for (const d of copiesOf(staged.sb, staged.source.imageId)) {
      expect(d.images, d.at).toEqual([
        { name: NAME, status: 'candidate', kms: expect.any(String), shared: [] },
      ]);
    }
    const acts = staged.sb.calls.map((c) => c.action);
    expect(acts).not.toContain('PutParameter');
    expect(acts).not.toContain('EnableImageDeprecation');

    // stage shared the build AMI for copying; publish copies nothing, and still ends every share (issue 22: 9)
    const build = staged.sb.image('us-east-1', staged.source.imageId)!;
    expect(build.launchPermissions.size).toBeGreaterThan(0);
    const publish = await runCli(baseArgs(staged.source.imageId, { mode: 'publish' }), { env: staged.env });
    expect(publish.code, publish.stderr).toBe(0);
    expect(publish.outputs).toMatchObject({ copied: '0', reused: '9', failed: '0' });
    expect([...build.launchPermissions]).toEqual([]);
    for (const id of build.snapshotIds)
      expect([...(staged.sb.snapshots.get(`us-east-1/${id}`)?.createVolumePermissions ?? [])], id).toEqual(
        [],
      );
    const stagedSet = copiesOf(staged.sb, staged.source.imageId);
    const stagedAmis = JSON.parse(publish.outputs.amis);
    await stopWorld();

    const direct = await world({ copyLatencyMs: 300 });
    const all = await runCli(baseArgs(direct.source.imageId), { env: direct.env });
    expect(all.code, all.stderr).toBe(0);
    expect(stagedSet).toEqual(copiesOf(direct.sb, direct.source.imageId));
    expect(stagedSet.every((d) => d.images.length === 1 && d.images[0].status === 'golden')).toBe(true);
    expect(Object.keys(stagedAmis).sort()).toEqual(Object.keys(JSON.parse(all.outputs.amis)).sort());
  }, 60_000);

  it('stage, then the gate fails: publish refuses and leaves the candidates; discard leaves nothing, twice', async () => {
    const { sb, env, source } = await world(
      { copyLatencyMs: 200 },
      { 'ami-bakery:verify': 'passed', 'ami-bakery:scan': 'failed' },
    );
    const stage = await runCli(baseArgs(source.imageId, { mode: 'stage' }), { env });
    expect(stage.code, stage.stderr).toBe(0);
    const publish = await runCli(baseArgs(source.imageId, { mode: 'publish' }), { env });
    expect(publish.code).toBe(1);
    expect(publish.stderr).toMatch(/promote refused .*scan=passed: ami-bakery:scan is "failed"/);
    expect(
      copiesOf(sb, source.imageId).every((d) => d.images.length === 1 && d.images[0].status === 'candidate'),
    ).toBe(true);
    expect(sb.image('us-east-1', source.imageId)?.launchPermissions.size).toBeGreaterThan(0); // shared for copying

    const discard = await runCli(baseArgs(source.imageId, { mode: 'discard' }), { env });
    expect(discard.code, discard.stderr).toBe(0);
    expect(discard.outputs.discarded).toBe('9');
    expect(copiesOf(sb, source.imageId).flatMap((d) => d.images)).toEqual([]);
    expect(liveCopySnapshots(sb, source.imageId)).toEqual([]);
    // the build AMI itself stays, no longer shared
    expect(sb.image('us-east-1', source.imageId)?.state).toBe('available');
    expect(sb.image('us-east-1', source.imageId)?.launchPermissions.size).toBe(0);
    const again = await runCli(baseArgs(source.imageId, { mode: 'discard' }), { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.outputs.discarded).toBe('0');
  }, 60_000);

  it('discard never touches a golden image', async () => {
    const { sb, env, source } = await world({ copyLatencyMs: 100 });
    const all = await runCli(baseArgs(source.imageId, { regions: 'eu-west-1', accounts: SRC }), { env });
    expect(all.code, all.stderr).toBe(0);
    const r = await runCli(
      baseArgs(source.imageId, { regions: 'eu-west-1', accounts: SRC, mode: 'discard' }),
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs.discarded).toBe('0');
    expect(r.stdout + r.stderr).toMatch(/kept ami-\w+ \(status golden\): not a candidate/);
    expect(
      sb.imagesOf(SRC, 'eu-west-1').filter((i) => i.tags.get('ami-bakery:status') === 'golden'),
    ).toHaveLength(1);
  });

  it('killed during stage, then publish: every destination golden, one copy each', async () => {
    const { sb, env, source } = await world({ copyLatencyMs: 2000 });
    const run = startCli(baseArgs(source.imageId, { mode: 'stage' }), { env });
    for (let i = 0; i < 200 && sb.calls.filter((c) => c.action === 'CopyImage').length < 1; i++)
      await new Promise((r) => setTimeout(r, 25));
    run.child.kill('SIGKILL');
    await run.result;
    const publish = await runCli(baseArgs(source.imageId, { mode: 'publish' }), { env });
    expect(publish.code, publish.stderr).toBe(0);
    expect(Number(publish.outputs.copied) + Number(publish.outputs.reused)).toBe(9);
    for (const d of copiesOf(sb, source.imageId))
      expect(
        d.images.map((i) => i.status),
        d.at,
      ).toEqual(['golden']);
  }, 60_000);

  it("a crashed run's stale candidates of the family are swept; fresh ones and golden images are not", async () => {
    const { sb, env, source } = await world({ copyLatencyMs: 100 });
    const old = new Date(Date.now() - 30 * 3_600_000).toISOString();
    const tags = (status: string) => ({
      'ami-bakery:status': status,
      'ami-bakery:family': FAMILY,
      'ami-bakery:source-ami': 'ami-0000000000000dead',
    });
    const stale = sb.putImage(B, 'eu-west-1', {
      name: 'crashed',
      creationDate: old,
      tags: tags('candidate'),
    });
    const fresh = sb.putImage(B, 'eu-west-1', { name: 'running-now', tags: tags('candidate') });
    const golden = sb.putImage(B, 'eu-west-1', {
      name: 'old-golden',
      creationDate: old,
      tags: tags('golden'),
    });
    const r = await runCli(baseArgs(source.imageId, { mode: 'stage' }), { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs['stale-removed']).toBe('1');
    expect(r.stdout + r.stderr).toMatch(
      new RegExp(`removed ${stale.imageId}, a candidate of ami-0000000000000dead left by an unfinished run`),
    );
    const live = sb.imagesOf(B, 'eu-west-1').map((i) => i.imageId);
    expect(live).not.toContain(stale.imageId);
    expect(live).toEqual(expect.arrayContaining([fresh.imageId, golden.imageId]));
    expect(sb.snapshots.get(`eu-west-1/${stale.snapshotIds[0]}`)?.deleted).toBe(true);
  });

  it.each([
    [{ mode: 'promote' }, /Input "mode": "promote" is not one of all, stage, publish, discard/],
    [{ 'candidate-ttl': 'soon' }, /Input "candidate-ttl": "soon" is not a duration/],
  ])('%j is bad input before any AWS call (exit 2)', async (override, why) => {
    const { sb, env, source } = await world();
    const r = await runCli(baseArgs(source.imageId, override), { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
    expect(sb.calls).toEqual([]);
  });
});
