/**
 * promote mode quarantine through the CLI and the real AWS SDK against the EC2/STS/SSM sandbox, over
 * two accounts × two regions: a golden image whose re-scan failed is taken out of use everywhere
 * promote copied it (deprecated now, launch permissions removed, tagged quarantined), and each SSM
 * parameter rolls back to the previous golden image that passed its scan; a re-run changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import type { Ec2Sandbox } from './sandbox/ec2-sandbox.js';
import { B, baseArgs, mutations, SRC, stopWorld, world } from './support/promote-world.js';

afterEach(stopWorld);

const REGIONS = ['us-east-1', 'eu-west-1'];
const PARAM = '/golden/ubuntu-22.04/latest';
const args = (ami: string, over: Record<string, string> = {}) =>
  baseArgs(ami, { regions: REGIONS.join(','), accounts: `${SRC}\n${B}`, 'kms-key-ids': '', ...over });

const copiesOf = (sb: Ec2Sandbox, source: string) =>
  [SRC, B].flatMap((a) =>
    REGIONS.flatMap((r) => sb.imagesOf(a, r).filter((i) => i.tags.get('ami-bakery:source-ami') === source)),
  );

describe('promote mode quarantine', () => {
  it('deprecates and unshares every copy in 2 accounts × 2 regions, rolls SSM back to the last passing golden image; a re-run is a no-op', async () => {
    const { sb, env, source: older } = await world();
    const first = await runCli(args(older.imageId), { env });
    expect(first.code, first.stderr).toBe(0);
    const newer = sb.putImage(SRC, 'us-east-1', {
      name: 'ubuntu-22.04-hardened-build-43',
      tags: {
        'ami-bakery:verify': 'passed',
        'ami-bakery:scan': 'passed',
        'ami-bakery:cis-score': '93',
        'ami-bakery:commit': 'beefcafe99',
      },
    });
    const second = await runCli(args(newer.imageId), { env });
    expect(second.code, second.stderr).toBe(0);
    const newCopies = copiesOf(sb, newer.imageId);
    expect(newCopies).toHaveLength(4);
    for (const a of [SRC, B])
      for (const r of REGIONS)
        expect(newCopies.map((c) => c.imageId)).toContain(sb.parameter(a, r, PARAM)?.value);
    expect(newCopies.every((c) => c.launchPermissions.has('444444444444'))).toBe(true);

    // the re-scan of the copy in use in us-east-1 failed: quarantine it, by the id the scan found
    const inUse = newCopies.find((c) => c.ownerId === SRC && c.region === 'us-east-1')!;
    const before = mutations(sb).length;
    const q = await runCli(args(inUse.imageId, { mode: 'quarantine' }), { env });
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout).toContain(`${inUse.imageId} is a copy of ${newer.imageId} (us-east-1)`);
    for (const c of copiesOf(sb, newer.imageId)) {
      expect(c.tags.get('ami-bakery:status'), c.imageId).toBe('quarantined');
      expect(c.tags.get('ami-bakery:vulnerable')).toBe('true');
      expect(Date.parse(c.deprecationTime ?? '')).toBeLessThan(Date.now() + 2 * 60_000);
      expect([...c.launchPermissions]).toEqual([]);
    }
    // the build AMI itself is out of use too
    expect(sb.image('us-east-1', newer.imageId)?.tags.get('ami-bakery:status')).toBe('quarantined');
    const olderCopies = copiesOf(sb, older.imageId);
    for (const a of [SRC, B])
      for (const r of REGIONS) {
        const back = olderCopies.find((c) => c.ownerId === a && c.region === r)!;
        expect(sb.parameter(a, r, PARAM)?.value, `${a}/${r}`).toBe(back.imageId);
        expect(back.tags.get('ami-bakery:status')).toBe('golden');
      }
    const report = JSON.parse(q.outputs.quarantined);
    expect(report).toHaveLength(4);
    expect(report.every((d: { ssm: { action: string } }) => d.ssm.action === 'rolled-back')).toBe(true);
    expect(mutations(sb).length).toBeGreaterThan(before);

    // idempotent: nothing left to change
    const settled = mutations(sb).length;
    const again = await runCli(args(inUse.imageId, { mode: 'quarantine' }), { env });
    expect(again.code, again.stderr).toBe(0);
    expect(mutations(sb).length).toBe(settled);
    expect(
      JSON.parse(again.outputs.quarantined).every(
        (d: { quarantined: string[]; already: string[] }) => !d.quarantined.length && d.already.length,
      ),
    ).toBe(true);
  }, 120_000);

  it('no earlier golden image passed its scan: the parameter is left, loudly', async () => {
    const { sb, env, source } = await world();
    const p = await runCli(args(source.imageId, { regions: 'us-east-1', accounts: SRC }), { env });
    expect(p.code, p.stderr).toBe(0);
    const q = await runCli(
      args(source.imageId, { regions: 'us-east-1', accounts: SRC, mode: 'quarantine' }),
      { env },
    );
    expect(q.code, q.stderr).toBe(0);
    const copy = copiesOf(sb, source.imageId).find((c) => c.region === 'us-east-1' && c.ownerId === SRC)!;
    expect(sb.parameter(SRC, 'us-east-1', PARAM)?.value).toBe(copy.imageId);
    expect(q.stderr).toMatch(
      /warning: .*still names the quarantined image .*no golden image of family golden-ubuntu-22\.04- passed its last scan/,
    );
  }, 60_000);

  it('dry-run changes nothing and says what a real run would do; discard likewise (issue 22: 10)', async () => {
    const { sb, env, source } = await world();
    expect((await runCli(args(source.imageId), { env })).code).toBe(0);
    const before = mutations(sb).length;
    const q = await runCli(args(source.imageId, { mode: 'quarantine', 'dry-run': 'true' }), { env });
    expect(q.code, q.stderr).toBe(0);
    expect(mutations(sb).length).toBe(before);
    expect(q.outputs.quarantined).toBe('[]');
    const plan = JSON.parse(q.outputs.plan);
    expect(plan.flatMap((d: { quarantined: string[] }) => d.quarantined)).toHaveLength(5); // 4 copies + the build AMI
    expect(q.stdout).toMatch(/would be quarantined/);
    expect(q.stdout).toContain('dry-run: nothing was changed.');
    expect(copiesOf(sb, source.imageId).every((c) => c.tags.get('ami-bakery:status') === 'golden')).toBe(
      true,
    );

    const staged = sb.putImage(SRC, 'us-east-1', {
      name: 'build-44',
      tags: { 'ami-bakery:commit': 'abc1234' },
    });
    expect((await runCli(args(staged.imageId, { mode: 'stage' }), { env })).code).toBe(0);
    const afterStage = mutations(sb).length;
    const d = await runCli(args(staged.imageId, { mode: 'discard', 'dry-run': 'true' }), { env });
    expect(d.code, d.stderr).toBe(0);
    expect(mutations(sb).length).toBe(afterStage);
    expect(d.outputs.discarded).toBe('0');
    expect(JSON.parse(d.outputs.plan).flatMap((x: { removed: string[] }) => x.removed)).toHaveLength(4);
    expect(d.stdout).toMatch(/would discard candidate/);
  });

  it('an image ami-bakery neither baked nor promoted is left alone (issue 22: 14)', async () => {
    const { sb, env } = await world();
    const foreign = sb.putImage(SRC, 'us-east-1', { name: 'team-x-database', tags: { Owner: 'team-x' } });
    const before = mutations(sb).length;
    const r = await runCli(args(foreign.imageId, { mode: 'quarantine' }), { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`Input "ami-id": ${foreign.imageId} \\(team-x-database\\) carries no ami-bakery tags`),
    );
    expect(mutations(sb).length).toBe(before);
    expect(sb.image('us-east-1', foreign.imageId)?.deprecationTime).toBeUndefined();
  });
});
