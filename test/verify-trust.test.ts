/**
 * Issue 15's verify classes, with the real terraform binary: sensitive outputs never printed,
 * every input checked before `terraform init`, and the runner's cancel sequence (SIGINT, SIGTERM
 * ~7.5 s later, SIGKILL ~10 s after the first) leaving nothing running and nothing applied.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FIXTURES,
  outputValue,
  portOpen,
  postStepEnv,
  runCli,
  startActionBundle,
  stateResources,
  tfModule,
  tmpDir,
} from './helpers.js';
import { freePort } from './sshd.js';
import { startHttpBackend } from './support/http-backend.js';

const AMI = 'ami-0123456789abcdef0';

/** Processes still running with this work dir in their environment (provisioner children). */
function leftovers(work: string): number[] {
  const pids: number[] = [];
  for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes(`WORK_DIR=${work}`))
        pids.push(Number(p));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const inputs = (dir: string, work: string, port: number, extra: Record<string, string> = {}) => ({
  'ami-id': AMI,
  'terraform-dir': dir,
  vars: `port=${port}\nwork_dir=${work}`,
  'aws-region': 'us-east-1',
  'tag-ami': 'false',
  timeout: '10',
  ...extra,
});

describe('7. sensitive outputs are never printed', () => {
  it('CLI: every leaf of a sensitive string or map is masked; the log says <sensitive>', async () => {
    const { dir, work } = tfModule('secrets');
    const port = await freePort();
    const r = await runCli([
      'verify',
      ...Object.entries(inputs(dir, work, port)).flatMap(([k, v]) => [`--${k}`, v]),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const all = r.stdout + r.stderr;
    for (const secret of ['s3cr3t-Pa55word-91', 'admin-7781', 'an0ther"Secret!', 'an0ther\\"Secret!'])
      expect(all).not.toContain(secret);
    expect(all).toMatch(/Outputs: .*db_credentials=<sensitive>/);
    expect(all).toMatch(/Outputs: .*db_password=<sensitive>/);
  });

  it('action: the values stay available as step outputs, and are registered as secrets first', async () => {
    const { dir, work } = tfModule('secrets');
    const port = await freePort();
    const main = await startActionBundle('action-verify', inputs(dir, work, port)).result;
    expect(main.code, main.stdout).toBe(0);
    expect(outputValue(main.outputs, 'db_password')).toBe('s3cr3t-Pa55word-91');
    expect(JSON.parse(outputValue(main.outputs, 'db_credentials')!)).toEqual({
      user: 'admin-7781',
      password: 'an0ther"Secret!',
    });
    const lines = main.stdout.split('\n');
    for (const secret of ['s3cr3t-Pa55word-91', 'admin-7781', 'an0ther"Secret!']) {
      expect(lines).toContain(`::add-mask::${secret}`);
      expect(lines.filter((l) => l.includes(secret) && !l.startsWith('::add-mask::'))).toEqual([]);
    }
  });
});

describe('8. every input is checked before terraform init (exit 2, nothing created)', () => {
  const specs = tmpDir('ami-bakery-specs-');
  const spec = (name: string, body: string) => {
    const p = path.join(specs, name);
    fs.writeFileSync(p, `checks:\n${body}`);
    return p;
  };
  it.each([
    [
      'url as a mapping',
      { 'smoke-tests': spec('a.yml', '  - name: a\n    kind: http\n    url: {a: b}\n') },
      /:4: "url" must be a single value, not a mapping/,
    ],
    [
      'url not a url',
      { 'smoke-tests': spec('b.yml', '  - name: a\n    kind: http\n    url: not a url\n') },
      /:4: "url" must be an http:\/\/ or https:\/\/ URL/,
    ],
    [
      'host as a list',
      { 'smoke-tests': spec('c.yml', '  - name: a\n    kind: tcp\n    host: [a, b]\n    port: 22\n') },
      /:4: "host" must be a single value, not a list/,
    ],
    [
      'a public key as ssh-key',
      { 'ssh-key': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK0 user@host' },
      /Input "ssh-key": is neither a private key nor a readable key file/,
    ],
    [
      'a key file that holds no private key',
      { 'ssh-key': path.join(FIXTURES, 'terraform', 'smoke-ok.yml') },
      /Input "ssh-key": is not a private key/,
    ],
    [
      'no region, and the module outputs instance ids',
      { 'aws-region': '' },
      /Input "aws-region": no region given/,
    ],
  ])('%s', async (_name, extra, message) => {
    const { dir, work } = tfModule();
    const port = await freePort();
    const all = { ...inputs(dir, work, port), ...extra };
    const r = await runCli(['verify', ...Object.entries(all).flatMap(([k, v]) => [`--${k}`, v])], {
      env: { AWS_REGION: '', AWS_DEFAULT_REGION: '' },
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(fs.existsSync(path.join(dir, '.terraform'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'terraform.tfstate'))).toBe(false);
  });
});

describe('9. the runner cancel sequence', () => {
  it('SIGINT, SIGTERM after 7.5 s: apply stops at once, nothing is left running, the post step destroys', async () => {
    const { dir, work } = tfModule('slow');
    const port = await freePort();
    const run = startActionBundle('action-verify', inputs(dir, work, port));
    for (let i = 0; i < 300 && !fs.existsSync(path.join(work, 'slow.started')); i++) await sleep(100);
    expect(leftovers(work).length, run.log()).toBeGreaterThan(0); // the provisioner's sleep 300 runs
    const t0 = Date.now();
    let exited = false;
    run.result.then(() => {
      exited = true;
    });
    run.child.kill('SIGINT');
    await Promise.race([run.result, sleep(7500)]);
    if (!exited) run.child.kill('SIGTERM');
    await Promise.race([run.result, sleep(2500)]);
    const killed = !exited;
    if (killed) run.child.kill('SIGKILL');
    const main = await run.result;
    expect(killed, `the main step outlived the runner's SIGKILL deadline:\n${main.stdout}`).toBe(false);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(main.code).not.toBe(0);
    expect(main.stdout).toMatch(/Cancelled: the test environment is left to the post step/);
    expect(
      leftovers(work).filter((p) => fs.existsSync(`/proc/${p}`) && !/\bpython3\b/.test(cmdline(p))),
    ).toEqual([]);
    const post = await startActionBundle('action-verify', inputs(dir, work, port), postStepEnv(main.state))
      .result;
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toContain('Destroy complete!');
    expect(await portOpen(port)).toBe(false);
    expect(stateResources(dir)).toBe(0);
    expect(leftovers(work)).toEqual([]);
  }, 60_000);

  it('SIGKILL mid-apply: the post step stops the orphaned apply, clears its lock if any, and destroys', async () => {
    const { dir, work } = tfModule('slow');
    const port = await freePort();
    const run = startActionBundle('action-verify', inputs(dir, work, port));
    for (let i = 0; i < 300 && !fs.existsSync(path.join(work, 'slow.started')); i++) await sleep(100);
    run.child.kill('SIGKILL');
    const main = await run.result;
    expect(main.state['terraform-pgid']).toMatch(/^\d+$/);
    const post = await startActionBundle('action-verify', inputs(dir, work, port), postStepEnv(main.state))
      .result;
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toMatch(/terraform apply \(process group \d+\) is still running: stopping it/);
    expect(post.stdout).toContain('Destroy complete!');
    expect(await portOpen(port)).toBe(false);
    expect(stateResources(dir)).toBe(0);
    expect(leftovers(work)).toEqual([]);
  }, 60_000);
});

describe('9. a state lock left by a run killed outright', () => {
  it("the post step recognises the lock as its own run's, releases it (force-unlock) and destroys", async () => {
    const backend = await startHttpBackend();
    try {
      const { dir, work } = tfModule('slow');
      fs.cpSync(path.join(FIXTURES, 'terraform', 'http-backend'), dir, { recursive: true });
      const port = await freePort();
      const all = inputs(dir, work, port, { 'backend-config': backend.config.join('\n') });
      const run = startActionBundle('action-verify', all);
      for (let i = 0; i < 300 && !fs.existsSync(path.join(work, 'slow.started')); i++) await sleep(100);
      expect(backend.lock(), run.log()).toBeDefined();
      // killed outright: the step, and Terraform with it, so nothing releases the lock
      run.child.kill('SIGKILL');
      const main = await run.result;
      process.kill(-Number(main.state['terraform-pgid']), 'SIGKILL');
      await sleep(300);
      expect(backend.lock()?.ID).toMatch(/\S/);
      const post = await startActionBundle('action-verify', all, postStepEnv(main.state)).result;
      expect(post.code, post.stdout).toBe(0);
      expect(post.stdout).toMatch(
        /The state is locked by this job's earlier run \(lock [\w-]+, .*\): releasing it/,
      );
      expect(post.stdout).toContain('Destroy complete!');
      expect(backend.lock()).toBeUndefined();
      expect(backend.state()?.resources ?? []).toEqual([]);
      // What a Terraform killed outright had not yet saved to the backend (it saves state
      // periodically) is unknown to any destroy: here, the local "instance" started before the kill.
      // That is why the action never kills Terraform outright itself. Stop it by hand.
      const pidFile = path.join(work, 'server.pid');
      if (fs.existsSync(pidFile)) process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGTERM');
    } finally {
      await backend.close();
    }
  }, 60_000);

  it('a lock taken by someone else is not forced', async () => {
    const { lockOf } = await import('../action-verify/src/terraform.js');
    const lock = lockOf({
      code: 1,
      signal: null,
      timedOut: false,
      aborted: false,
      stdout: '',
      stderr:
        'Error: Error acquiring the state lock\n\nLock Info:\n  ID:        1b6d1a3e-0000\n  Path:      x\n  Operation: OperationTypeApply\n  Who:       alice@laptop\n  Version:   1.11.4\n  Created:   2026-11-23 12:00:00.1 +0000 UTC\n',
    });
    expect(lock).toEqual({
      id: '1b6d1a3e-0000',
      who: 'alice@laptop',
      created: '2026-11-23 12:00:00.1 +0000 UTC',
    });
  });
});

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
