/** The committed action-promote bundle, run as the runner runs it, against the EC2/STS/SSM sandbox. */
import { describe, expect, it } from 'vitest';
import { outputValue, runActionBundle } from './helpers.js';
import { Ec2Sandbox } from './sandbox/ec2-sandbox.js';

describe('action-promote dist bundle', () => {
  it('promotes across two regions, writes outputs and a summary table; the gate failing fails the step', async () => {
    const sb = new Ec2Sandbox({ copyLatencyMs: 200 });
    await sb.start();
    try {
      const creds = sb.addAccount('111111111111');
      const ok = sb.putImage('111111111111', 'us-west-2', {
        name: 'build-7',
        tags: { 'ami-bakery:verify': 'passed', 'ami-bakery:scan': 'passed' },
      });
      const env = sb.env(creds, 'us-west-2');
      const r = await runActionBundle(
        'action-promote',
        {
          'ami-id': ok.imageId,
          regions: 'us-west-2,eu-central-1',
          name: 'golden-{source}',
          require: 'verify=passed,scan=passed',
          'max-concurrency': '5',
          encrypt: 'true',
        },
        env,
      );
      expect(r.code, r.stdout).toBe(0);
      const amis = JSON.parse(outputValue(r.outputs, 'amis') ?? '{}');
      // encrypt: the source region's golden image is an encrypted copy, not the build AMI
      expect(amis['111111111111']['us-west-2']).toMatch(/^ami-/);
      expect(amis['111111111111']['us-west-2']).not.toBe(ok.imageId);
      expect(amis['111111111111']['eu-central-1']).toMatch(/^ami-/);
      expect(r.summary).toMatch(
        /\| 111111111111 \| eu-central-1 \| copied \| `ami-.*` \| \d+ s \| golden \|/,
      );
      expect(outputValue(r.outputs, 'failed')).toBe('0');

      const bad = sb.putImage('111111111111', 'us-west-2', {
        name: 'build-8',
        tags: { 'ami-bakery:verify': 'failed' },
      });
      const refused = await runActionBundle(
        'action-promote',
        {
          'ami-id': bad.imageId,
          regions: 'us-west-2',
          require: 'verify=passed,scan=passed',
          encrypt: 'true',
          'max-concurrency': '5',
        },
        env,
      );
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/::error::promote refused/);
      // the refusal has a job summary of its own: each failed requirement, and what was not done (issue 24)
      expect(refused.summary).toContain('## ami-bakery promote: refused');
      expect(refused.summary).toMatch(/- ❌ verify=passed: ami-bakery:verify is "failed"/);
      expect(refused.summary).toMatch(/- ❌ scan=passed: /);
      expect(refused.summary).toContain(
        'Nothing was copied, shared, published or retired. It would have been copied to 1 destination(s): `111111111111/us-west-2`',
      );
    } finally {
      await sb.stop();
    }
  });

  it('mode stage then discard, as the reusable workflow runs them: candidates out, then nothing left', async () => {
    const sb = new Ec2Sandbox({ copyLatencyMs: 2000 });
    await sb.start();
    try {
      const creds = sb.addAccount('111111111111');
      const src = sb.putImage('111111111111', 'us-west-2', { name: 'build-9', tags: {} });
      const env = sb.env(creds, 'us-west-2');
      const inputs = { 'ami-id': src.imageId, regions: 'us-west-2,eu-central-1', encrypt: 'true' };
      const staged = await runActionBundle('action-promote', { ...inputs, mode: 'stage' }, env);
      expect(staged.code, staged.stdout).toBe(0);
      const candidates = JSON.parse(outputValue(staged.outputs, 'candidates') ?? '{}');
      expect(Object.keys(candidates['111111111111']).sort()).toEqual(['eu-central-1', 'us-west-2']);
      expect(outputValue(staged.outputs, 'amis')).toBe('{}');
      expect(staged.summary).toMatch(/promote \(stage\)[\s\S]*\| 111111111111 \| eu-central-1 \| started \|/);
      const discarded = await runActionBundle('action-promote', { ...inputs, mode: 'discard' }, env);
      expect(discarded.code, discarded.stdout).toBe(0);
      expect(outputValue(discarded.outputs, 'discarded')).toBe('2');
      for (const region of ['us-west-2', 'eu-central-1'])
        expect(sb.imagesOf('111111111111', region).filter((i) => i.imageId !== src.imageId)).toEqual([]);
    } finally {
      await sb.stop();
    }
  });
});
