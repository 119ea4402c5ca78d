/** The committed action-bake bundle, run as the runner runs it, on a real offline Packer build. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputValue, runActionBundle, tmpDir } from './helpers.js';

describe('action-bake dist bundle', () => {
  it('builds, writes outputs, the CIS manifest and a job summary', async () => {
    const out = tmpDir();
    const r = await runActionBundle('action-bake', {
      template: 'null-ok.pkr.hcl',
      'working-directory': 'test/fixtures/packer',
      vars: `out_dir=${out}`,
      'hardening-scripts': 'test/fixtures/packer/scripts/*.sh',
      'cis-manifest-file': path.join(out, 'cis-manifest.json'),
      timeout: '10',
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^::group::null\.golden: Running local shell script: scripts\/harden-ssh\.sh$/m);
    expect(outputValue(r.outputs, 'cis-changes')).toBe('2');
    expect(outputValue(r.outputs, 'amis')).toBe('{}');
    expect(fs.existsSync(path.join(out, 'cis-manifest.json'))).toBe(true);
    expect(r.summary).toContain('## ami-bakery bake');
  });

  it('a missing template fails the step naming the input', async () => {
    const r = await runActionBundle('action-bake', { template: 'nope.pkr.hcl', 'working-directory': '.' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error::Input "template": "nope\.pkr\.hcl" does not exist/);
  });
});
