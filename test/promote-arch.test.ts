/**
 * Promote per architecture (issue 25): the x86_64 and arm64 images of one family, promoted one run
 * each into the same accounts and regions, through the real AWS SDK against the sandbox. Each copy
 * is tagged with its architecture, `{arch}` names its name and SSM parameter, and retention never
 * retires the other architecture's golden images.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import { GATE, SRC, stopWorld, world } from './support/promote-world.js';

afterEach(stopWorld);

const promote = (ami: string, opts: { name?: string; retain?: string } = {}) => [
  'promote',
  '--ami-id',
  ami,
  '--regions',
  'us-east-1,eu-west-1',
  '--name',
  opts.name ?? 'golden-ubuntu-22.04-{arch}-{sha}',
  '--ssm-parameter',
  '/golden/ubuntu-22.04/{arch}',
  ...(opts.retain ? ['--retain', opts.retain] : []),
];

describe('promote: an x86_64 and an arm64 image of one family', () => {
  it('tags each copy with its architecture, publishes one SSM parameter per architecture, and retains per architecture', async () => {
    const { sb, env, source: x86 } = await world({}, GATE);
    const arm = sb.putImage(SRC, 'us-east-1', {
      name: 'ubuntu-22.04-hardened-build-42-arm64',
      tags: GATE,
      architecture: 'arm64',
    });
    // an older golden x86_64 image of the family in eu-west-1: retain 1 retires it on the x86_64 run only
    const family = { 'ami-bakery:status': 'golden', 'ami-bakery:family': 'golden-ubuntu-22.04-' };
    const oldX86 = sb.putImage(SRC, 'eu-west-1', {
      name: 'golden-ubuntu-22.04-x86_64-old',
      creationDate: '2026-01-01T00:00:00.000Z',
      tags: family,
    });
    const r1 = await runCli(promote(x86.imageId, { retain: '1' }), { env });
    expect(r1.code, r1.stderr + r1.stdout).toBe(0);
    const live = () => new Set(sb.imagesOf(SRC, 'eu-west-1').map((i) => i.imageId));
    expect(live().has(oldX86.imageId)).toBe(false); // retired by its own architecture's run
    const r2 = await runCli(promote(arm.imageId, { retain: '1' }), { env });
    expect(r2.code, r2.stderr + r2.stdout).toBe(0);
    expect(r2.outputs.retired).toBe('0'); // the x86_64 golden images are not the arm64 run's to retire
    const x86Copies = JSON.parse(r1.outputs.amis)[SRC];
    const armCopies = JSON.parse(r2.outputs.amis)[SRC];
    for (const region of ['us-east-1', 'eu-west-1']) {
      const xi = sb.image(region, x86Copies[region])!;
      const ai = sb.image(region, armCopies[region])!;
      expect(xi.architecture).toBe('x86_64');
      expect(ai.architecture).toBe('arm64');
      expect(xi.tags.get('ami-bakery:arch')).toBe('x86_64');
      expect(ai.tags.get('ami-bakery:arch')).toBe('arm64');
      expect(xi.name).toBe('golden-ubuntu-22.04-x86_64-c0ffee1');
      expect(ai.name).toBe('golden-ubuntu-22.04-arm64-c0ffee1');
      expect(sb.parameter(SRC, region, '/golden/ubuntu-22.04/x86_64')?.value).toBe(x86Copies[region]);
      expect(sb.parameter(SRC, region, '/golden/ubuntu-22.04/arm64')?.value).toBe(armCopies[region]);
      // both golden copies of this run stay
      expect(live().has(x86Copies['eu-west-1'])).toBe(true);
    }
    expect(sb.parameter(SRC, 'us-east-1', '/golden/ubuntu-22.04/{arch}')).toBeUndefined();
  });

  it('quarantine of an arm64 copy rolls its parameter back to the last arm64 golden image, never to a newer x86_64 one', async () => {
    const { sb, env, source: x86 } = await world({}, GATE);
    const build = (n: number, arch: string) =>
      sb.putImage(SRC, 'us-east-1', {
        name: `ubuntu-22.04-hardened-build-${n}-${arch}`,
        creationDate: `2026-0${n}-01T00:00:00.000Z`,
        tags: GATE,
        architecture: arch,
      });
    const oldArm = build(1, 'arm64');
    const newArm = build(3, 'arm64');
    const runs = [];
    for (const ami of [oldArm.imageId, x86.imageId, newArm.imageId]) {
      // a distinct commit per run: the copies' names differ
      const r = await runCli(promote(ami, { name: `golden-ubuntu-22.04-{arch}-${ami.slice(-6)}` }), {
        env,
      });
      expect(r.code, r.stderr + r.stdout).toBe(0);
      runs.push(JSON.parse(r.outputs.amis)[SRC]);
    }
    const [oldArmCopies, x86Copies, newArmCopies] = runs;
    expect(sb.parameter(SRC, 'us-east-1', '/golden/ubuntu-22.04/arm64')?.value).toBe(
      newArmCopies['us-east-1'],
    );
    const q = await runCli(
      [
        'promote',
        '--mode',
        'quarantine',
        '--ami-id',
        newArmCopies['us-east-1'],
        '--regions',
        'us-east-1,eu-west-1',
        '--ssm-parameter',
        '/golden/ubuntu-22.04/{arch}',
      ],
      { env },
    );
    expect(q.code, q.stderr + q.stdout).toBe(0);
    for (const region of ['us-east-1', 'eu-west-1']) {
      expect(sb.parameter(SRC, region, '/golden/ubuntu-22.04/arm64')?.value).toBe(oldArmCopies[region]);
      // the x86_64 parameter is not touched
      expect(sb.parameter(SRC, region, '/golden/ubuntu-22.04/x86_64')?.value).toBe(x86Copies[region]);
    }
  });
});
