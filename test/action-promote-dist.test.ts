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
    } finally {
      await sb.stop();
    }
  });
});
