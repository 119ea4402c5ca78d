/**
 * One promote run carrying several source images (issue 25: a family's x86_64 and arm64 images,
 * as bake's `ami-ids`), through the real AWS SDK against the sandbox. The sources share each
 * destination account × region's snapshot slots and its looks at copy progress; everything that
 * cannot be shared (names, SSM parameters, a family's architecture) is refused before any change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tmpDir } from './helpers.js';
import { B, GATE, MUTATING, SRC, stopWorld, world } from './support/promote-world.js';

afterEach(stopWorld);

const REGIONS = ['us-east-1', 'eu-west-1'];
const args = (amiId: string, over: Record<string, string> = {}) =>
  Object.entries({
    'ami-id': amiId,
    regions: REGIONS.join(','),
    accounts: `${SRC},${B}`,
    'role-name': 'ami-promoter',
    name: 'golden-ubuntu-22.04-{arch}-{sha}',
    'ssm-parameter': '/golden/ubuntu-22.04/{arch}',
    ...over,
  }).reduce((a, [k, v]) => [...a, `--${k}`, v], ['promote']);

/** the sandbox with a 2-volume x86_64 build AMI and a 2-volume arm64 one of the same family */
async function twoArchitectures(opts: { copyLatencyMs?: number; failCopies?: number } = {}, armTags = GATE) {
  const w = await world({ copyLatencyMs: opts.copyLatencyMs ?? 300, failCopies: opts.failCopies }, GATE);
  const x86 = w.sb.putImage(SRC, 'us-east-1', {
    name: 'ubuntu-22.04-hardened-build-43-x86_64',
    tags: GATE,
    volumes: 2,
  });
  const arm = w.sb.putImage(SRC, 'us-east-1', {
    name: 'ubuntu-22.04-hardened-build-43-arm64',
    tags: armTags,
    architecture: 'arm64',
    volumes: 2,
  });
  return { ...w, x86, arm, amiIds: JSON.stringify({ x86_64: x86.imageId, arm64: arm.imageId }) };
}

describe('promote: several source images in one run', () => {
  it("copies bake's ami-ids (x86_64 and arm64) everywhere, one SSM parameter per architecture, looking at both with one call", async () => {
    const { sb, env, x86, arm, amiIds } = await twoArchitectures();
    const summary = path.join(tmpDir(), 'summary.md');
    fs.writeFileSync(summary, '');
    const r = await runCli(args(amiIds), { env: { ...env, GITHUB_STEP_SUMMARY: summary } });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.outputs.copied).toBe('8'); // 2 sources × 2 accounts × 2 regions
    expect(r.outputs.failed).toBe('0');
    const amis = JSON.parse(r.outputs.amis);
    expect(Object.keys(amis).sort()).toEqual([x86.imageId, arm.imageId].sort());
    expect(JSON.parse(r.outputs['amis-x86_64'])).toEqual(amis[x86.imageId]);
    expect(JSON.parse(r.outputs['amis-arm64'])).toEqual(amis[arm.imageId]);
    for (const account of [SRC, B])
      for (const region of REGIONS) {
        const xi = sb.image(region, amis[x86.imageId][account][region])!;
        const ai = sb.image(region, amis[arm.imageId][account][region])!;
        expect([xi.architecture, ai.architecture]).toEqual(['x86_64', 'arm64']);
        expect([xi.name, ai.name]).toEqual([
          'golden-ubuntu-22.04-x86_64-c0ffee1',
          'golden-ubuntu-22.04-arm64-c0ffee1',
        ]);
        expect([xi.tags.get('ami-bakery:status'), ai.tags.get('ami-bakery:status')]).toEqual([
          'golden',
          'golden',
        ]);
        expect(sb.parameter(account, region, '/golden/ubuntu-22.04/x86_64')?.value).toBe(xi.imageId);
        expect(sb.parameter(account, region, '/golden/ubuntu-22.04/arm64')?.value).toBe(ai.imageId);
        // a look at progress in an account × region asks for both sources' copies in one call
        const both = sb.calls.filter(
          (c) =>
            c.action === 'DescribeImages' &&
            c.accountId === account &&
            c.region === region &&
            c.params['Filter.1.Name'] === 'image-id' &&
            [c.params['Filter.1.Value.1'], c.params['Filter.1.Value.2']].sort().join() ===
              [xi.imageId, ai.imageId].sort().join(),
        );
        expect(both.length, `${account}/${region}`).toBeGreaterThan(0);
        // both copies (and their snapshots) become golden in one CreateTags there: CopyImage gave
        // them their provenance, so only the status changes
        const tagged = sb.calls.filter(
          (c) =>
            c.action === 'CreateTags' &&
            c.accountId === account &&
            c.region === region &&
            Object.entries(c.params).some(([k, v]) => /^Tag\.\d+\.Value$/.test(k) && v === 'golden'),
        );
        const resources = (c: (typeof tagged)[number]) =>
          Object.keys(c.params).filter((k) => k.startsWith('ResourceId.')).length;
        expect(tagged.map(resources)).toEqual([6]);
        expect(tagged[0].params['Tag.1.Key']).toBe('ami-bakery:status');
        expect(tagged[0].params['Tag.2.Key']).toBeUndefined();
        // and so does the plan's look for earlier copies, once per account × region
        const planned = sb.calls.filter(
          (c) =>
            c.action === 'DescribeImages' &&
            c.accountId === account &&
            c.region === region &&
            c.params['Filter.1.Name'] === 'tag:ami-bakery:source-ami',
        );
        expect(planned.map((c) => [c.params['Filter.1.Value.1'], c.params['Filter.1.Value.2']])).toEqual([
          [x86.imageId, arm.imageId],
        ]);
      }
    // the log says which source a line is about, and the figures once for the run
    expect(r.stdout).toMatch(/\[arm64\] .*copying as ami-/);
    expect(r.stdout).toMatch(/\[x86_64\] .*copying as ami-/);
    expect(r.stdout.match(/looks? at copy progress over 4 account × region pairs/g)).toHaveLength(1);
    // a section per source in the summary
    const md = fs.readFileSync(summary, 'utf8');
    expect(md).toContain(`\`${x86.imageId}\` (us-east-1) → **golden-ubuntu-22.04-x86_64-c0ffee1**`);
    expect(md).toContain(`\`${arm.imageId}\` (us-east-1) → **golden-ubuntu-22.04-arm64-c0ffee1**`);
    expect(md.match(/All 4 destination\(s\) are golden/g)).toHaveLength(2);
  });

  it('the sources share each account × region snapshot slots: with 2 slots the 2-volume copies go one at a time', async () => {
    const { sb, env, amiIds } = await twoArchitectures({ copyLatencyMs: 400 });
    const r = await runCli(args(amiIds, { 'copy-slots': '2' }), { env });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.outputs.copied).toBe('8');
    // one scheduler per source would have copied both at once: 4 snapshot copies in flight
    for (const account of [SRC, B])
      for (const region of REGIONS) expect(sb.maxSnapshotCopies.get(`${account}/${region}`)).toBe(2);
    expect(r.stdout).toContain('at most 2 of 2 snapshot slots held per account × region');
  });

  it('a copy of one source failing leaves both architectures candidates: neither is golden or published, and the step fails', async () => {
    const { sb, env, amiIds } = await twoArchitectures({ failCopies: 1 });
    const r = await runCli(args(amiIds), { env });
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toContain('none is tagged golden or published');
    expect(r.stderr + r.stdout).toMatch(
      /1 of 2 source images did not finish: ami-\w+: 1 of 4 destination\(s\) failed/,
    );
    const amis = JSON.parse(r.outputs.amis);
    expect(Object.values(amis)).toEqual([{}, {}]);
    expect(r.outputs.failed).toBe('1');
    expect(sb.calls.filter((c) => c.action === 'PutParameter')).toEqual([]);
    const golden = [...sb.imagesOf(SRC, 'us-east-1'), ...sb.imagesOf(B, 'us-east-1')].filter(
      (i) => i.tags.get('ami-bakery:status') === 'golden',
    );
    expect(golden).toEqual([]);
  });

  it('one source failing its gate refuses the run: nothing is shared or copied for the other either', async () => {
    const { sb, env, amiIds } = await twoArchitectures({}, { ...GATE, 'ami-bakery:scan': 'failed' });
    const r = await runCli(args(amiIds), { env });
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/promote refused ami-\w+: .*scan/);
    expect(sb.calls.filter((c) => MUTATING.includes(c.action))).toEqual([]);
  });

  it.each<{
    why: string;
    input: (x: string, a: string) => string;
    extra: Record<string, string>;
    error: RegExp;
  }>([
    {
      why: 'an architecture EC2 does not agree with',
      input: (x: string, a: string) => JSON.stringify({ arm64: x, x86_64: a }),
      extra: {},
      error: /"ami-id": gives ami-\w+ as arm64, and EC2 says it is x86_64/,
    },
    {
      why: 'two sources copied under one name',
      input: (x: string, a: string) => `${x},${a}`,
      extra: { name: 'golden-ubuntu-22.04-{sha}' },
      error: /"name": .*gives the 2 images' copies one name/,
    },
    {
      why: 'one parameter for two images',
      input: (x: string, a: string) => `${x}\n${a}`,
      extra: { 'ssm-parameter': '/golden/ubuntu-22.04/latest' },
      error: /"ssm-parameter": .*would name 2 images at once/,
    },
    {
      why: 'launch templates, which launch one architecture',
      input: (x: string, a: string) => `${x},${a}`,
      extra: { 'launch-templates': `${SRC}:us-east-1:lt-0123456789abcdef0` },
      error: /"launch-templates": rolls out one image, and ami-id lists 2/,
    },
    {
      why: 'the same source twice',
      input: (x: string) => `${x},${x}`,
      extra: {},
      error: /"ami-id": lists ami-\w+ twice/,
    },
  ])('refuses $why before any change', async ({ input, extra, error }) => {
    const { sb, env, x86, arm } = await twoArchitectures();
    const r = await runCli(args(input(x86.imageId, arm.imageId), extra), { env });
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(error);
    expect(sb.calls.filter((c) => MUTATING.includes(c.action))).toEqual([]);
  });

  it('two x86_64 sources whose copies render to one name are refused once read, before any change', async () => {
    const { sb, env, x86 } = await twoArchitectures();
    const other = sb.putImage(SRC, 'us-east-1', { name: 'debian-12-hardened-build-7', tags: GATE });
    const r = await runCli(args(`${x86.imageId},${other.imageId}`, { name: 'golden-{arch}-{sha}' }), {
      env,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(
      /"name": ami-\w+ and ami-\w+ would both be copied as "golden-x86_64-c0ffee1"/,
    );
    expect(sb.calls.filter((c) => MUTATING.includes(c.action))).toEqual([]);
  });

  it('a dry run of two sources plans both, keyed by source, and changes nothing', async () => {
    const { sb, env, x86, arm, amiIds } = await twoArchitectures();
    const r = await runCli(args(amiIds, { 'dry-run': 'true' }), { env });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const plan = JSON.parse(r.outputs.plan) as Array<{ source: string; state: string }>;
    expect(plan.filter((d) => d.source === x86.imageId && d.state === 'copy')).toHaveLength(4);
    expect(plan.filter((d) => d.source === arm.imageId && d.state === 'copy')).toHaveLength(4);
    expect(r.outputs.copied).toBe('0');
    expect(sb.calls.filter((c) => MUTATING.includes(c.action))).toEqual([]);
  });

  it('stage then publish then discard of two sources: candidates per source, golden after publish, nothing left to discard', async () => {
    const { sb, env, x86, arm, amiIds } = await twoArchitectures();
    const staged = await runCli(args(amiIds, { mode: 'stage' }), { env });
    expect(staged.code, staged.stderr + staged.stdout).toBe(0);
    expect(staged.outputs.amis).toBe('{}');
    const candidates = JSON.parse(staged.outputs.candidates);
    expect(Object.keys(candidates).sort()).toEqual([x86.imageId, arm.imageId].sort());
    const published = await runCli(args(amiIds, { mode: 'publish' }), { env });
    expect(published.code, published.stderr + published.stdout).toBe(0);
    expect(published.outputs.copied).toBe('0');
    expect(published.outputs.reused).toBe('8');
    expect(JSON.parse(published.outputs.amis)).toEqual(candidates);
    const discarded = await runCli(args(amiIds, { mode: 'discard' }), { env });
    expect(discarded.code, discarded.stderr + discarded.stdout).toBe(0);
    expect(discarded.outputs.discarded).toBe('0'); // golden copies are never discarded
  });
});
