/** The committed action-verify bundle as main step and post step, the way the runner runs them. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_TF_MODULE, outputValue, portOpen, runActionBundle, tmpDir } from './helpers.js';
import { freePort } from './sshd.js';

describe('action-verify dist bundle', () => {
  it('keep: the main step leaves the environment up for later steps; the post step destroys it', async () => {
    const dir = tmpDir('ami-bakery-tf-');
    fs.cpSync(LOCAL_TF_MODULE, dir, { recursive: true });
    const work = tmpDir();
    const port = await freePort();
    const inputs = {
      'ami-id': 'ami-0123456789abcdef0',
      'terraform-dir': dir,
      vars: `port=${port}\nwork_dir=${work}`,
      'smoke-tests': 'test/fixtures/terraform/smoke-ok.yml',
      keep: 'true',
      'ami-variable': 'ami_id',
      'aws-region': 'us-east-1',
      'tag-ami': 'false',
      timeout: '10',
    };
    const main = await runActionBundle('action-verify', inputs);
    expect(main.code, main.stdout).toBe(0);
    expect(outputValue(main.outputs, 'passed')).toBe('2');
    expect(outputValue(main.outputs, 'public_ip')).toBe('127.0.0.1');
    expect(main.summary).toContain('## ami-bakery verify');
    // a module outside the repository is named by its absolute path, never as ../../…
    expect(main.summary).toContain(`in \`${dir}\``);
    expect(main.summary).not.toMatch(/in `\.\.\//);
    expect(await portOpen(port)).toBe(true); // kept for later steps
    expect(main.state.isPost).toBe('true');
    expect(JSON.parse(main.state.terraform).dir).toBe(dir);

    const stateEnv = Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v]));
    const post = await runActionBundle('action-verify', inputs, stateEnv);
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toContain('Destroy complete!');
    expect(await portOpen(port)).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8')).resources).toEqual([]);
  });

  it('without keep the main step destroys, and the post step has nothing left to do', async () => {
    const dir = tmpDir('ami-bakery-tf-');
    fs.cpSync(LOCAL_TF_MODULE, dir, { recursive: true });
    const work = tmpDir();
    const port = await freePort();
    const inputs = {
      'ami-id': 'ami-0123456789abcdef0',
      'terraform-dir': dir,
      vars: `port=${port}\nwork_dir=${work}`,
      'ami-variable': 'ami_id',
      'aws-region': 'us-east-1',
      'tag-ami': 'false',
      timeout: '10',
    };
    const main = await runActionBundle('action-verify', inputs);
    expect(main.code, main.stdout).toBe(0);
    expect(await portOpen(port)).toBe(false);
    const post = await runActionBundle(
      'action-verify',
      inputs,
      Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v])),
    );
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('Nothing to destroy.');
  });
});
