/** action-verify with the real terraform binary on local modules, a real sshd, and the EC2 sandbox. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portOpen, runCli, startCli, stateResources, tfModule, tmpDir } from './helpers.js';
import { Ec2Sandbox } from './sandbox/ec2-sandbox.js';
import { freePort, startSshd, type TestSshd } from './sshd.js';

const AMI = 'ami-0123456789abcdef0';

/**
 * The local module declares an instance_id output (empty here), so a region is required before
 * anything is applied; no EC2 call is made for an empty id, and tag-ami is off (no AWS here).
 */
const args = (dir: string, work: string, port: number, extra: string[] = [], vars: string[] = []) => [
  'verify',
  '--ami-id',
  AMI,
  '--terraform-dir',
  dir,
  '--vars',
  [`port=${port}`, `work_dir=${work}`, ...vars].join('\n'),
  ...(extra.includes('--aws-region') ? [] : ['--aws-region', 'us-east-1']),
  ...(extra.includes('--tag-ami') ? [] : ['--tag-ami', 'false']),
  ...extra,
];

describe('verify: apply, check, destroy', () => {
  it('passes its smoke checks against the environment built from the AMI, exposes outputs, and destroys it', async () => {
    const { dir, work } = tfModule();
    const port = await freePort();
    const r = await runCli(args(dir, work, port, ['--smoke-tests', 'test/fixtures/terraform/smoke-ok.yml']));
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({
      passed: '2',
      failed: '0',
      public_ip: '127.0.0.1',
      http_port: String(port),
    });
    expect(JSON.parse(r.outputs.outputs)).toMatchObject({ public_ip: '127.0.0.1', http_port: port });
    expect(r.stdout).toMatch(/PASS serves the AMI marker/);
    expect(fs.readFileSync(path.join(work, 'ami.txt'), 'utf8').trim()).toBe(AMI); // the AMI reached the module
    expect(await portOpen(port)).toBe(false);
    expect(stateResources(dir)).toBe(0);
  });

  it('a failing smoke check: annotated on its spec line, exit 1, still destroyed', async () => {
    const { dir, work } = tfModule();
    const port = await freePort();
    const r = await runCli(
      args(dir, work, port, ['--smoke-tests', 'test/fixtures/terraform/smoke-failing.yml']),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error: test\/fixtures\/terraform\/smoke-failing\.yml:9: Smoke check failed: health page: expected HTTP 200 from http:\/\/127\.0\.0\.1:\d+\/health, got 404/,
    );
    expect(r.stderr).toMatch(/1 of 2 smoke check\(s\) failed: health page/);
    expect(r.outputs).toMatchObject({ passed: '1', failed: '1' });
    expect(await portOpen(port)).toBe(false);
    expect(stateResources(dir)).toBe(0);
  });

  it('apply failure: clear message, exit 1, what was created is destroyed', async () => {
    const { dir, work } = tfModule('apply-fails');
    const port = await freePort();
    const r = await runCli(args(dir, work, port));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/terraform apply failed \(exit 1\)[\s\S]*configuring the test instance failed/);
    expect(fs.existsSync(path.join(work, 'ami.txt'))).toBe(true); // the server had been started
    expect(await portOpen(port)).toBe(false);
    expect(fs.existsSync(path.join(work, 'server.pid'))).toBe(false);
    expect(stateResources(dir)).toBe(0);
  });

  it('timeout: stops terraform, destroys, exit 1', async () => {
    const { dir, work } = tfModule('slow');
    const port = await freePort();
    const r = await runCli(args(dir, work, port, ['--timeout', '0.15']));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the timeout \(0\.15 min\) ran out during terraform apply/);
    expect(fs.existsSync(path.join(work, 'slow.started'))).toBe(true);
    expect(await portOpen(port)).toBe(false);
    expect(stateResources(dir)).toBe(0);
  });

  it('SIGTERM mid-apply: terraform is stopped, the environment destroyed, exit non-zero', async () => {
    const { dir, work } = tfModule('slow');
    const port = await freePort();
    const run = startCli(args(dir, work, port));
    for (
      let i = 0;
      i < 300 && !(fs.existsSync(path.join(work, 'slow.started')) && (await portOpen(port)));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await portOpen(port), run.log()).toBe(true);
    run.child.kill('SIGTERM');
    const { code } = await run.result;
    const log = run.log();
    expect(code, log).toBe(1);
    expect(log).toMatch(/cancelled during terraform apply/);
    expect(log).toMatch(/Destroy complete!/);
    expect(await portOpen(port)).toBe(false);
    expect(stateResources(dir)).toBe(0);
  });
});

describe('verify: the spec is checked before anything is applied (exit 2, file:line)', () => {
  const specs = tmpDir();
  const write = (name: string, text: string) => {
    const p = path.join(specs, name);
    fs.writeFileSync(p, text);
    return p;
  };
  it.each([
    [
      'unknown kind',
      'checks:\n  - name: a\n    kind: ping\n    host: x\n',
      /:3: unknown kind "ping": use tcp, http or command/,
    ],
    [
      'missing port',
      'checks:\n  - name: a\n    kind: tcp\n    host: x\n',
      /:2: tcp check "a" is missing "port"/,
    ],
    ['bad YAML', 'checks:\n  - name: a\n    kind: [tcp\n', /:\d+: not valid YAML/],
    [
      'a field of another kind',
      'checks:\n  - name: a\n    kind: tcp\n    host: x\n    port: 80\n    url: http://x\n',
      /:6: "url" is not a field of a tcp check/,
    ],
    [
      'outputs in a command line',
      'checks:\n  - name: a\n    kind: command\n    host: h\n    user: u\n    command: echo ${{ outputs.x }}\n',
      /:6: outputs are not substituted into a "command" line/,
    ],
  ])('%s', async (_n, text, message) => {
    const { dir, work } = tfModule();
    const spec = write(`${_n.replace(/\W/g, '-')}.yml`, text);
    const r = await runCli(args(dir, work, 1, ['--smoke-tests', spec, '--ssh-key', '/dev/null']));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(`error: ${spec}:`);
    expect(fs.existsSync(path.join(dir, '.terraform'))).toBe(false); // terraform never ran
  });

  it('rejects a bad AMI id and a missing module before terraform runs', async () => {
    const bad = await runCli([
      'verify',
      '--ami-id',
      'ami-12',
      '--terraform-dir',
      'examples/ubuntu-22.04-cis/local/terraform',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Input "ami-id": "ami-12" is not an AMI id/);
    const badTag = await runCli([
      'verify',
      '--ami-id',
      AMI,
      '--terraform-dir',
      'examples/ubuntu-22.04-cis/local/terraform',
      '--tag-ami',
      'maybe',
    ]);
    expect(badTag.code).toBe(2);
    expect(badTag.stderr).toMatch(/Input "tag-ami": "maybe" is not true, false or auto/);
    const missing = await runCli(['verify', '--ami-id', AMI, '--terraform-dir', 'nope/env']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Input "terraform-dir": "nope\/env" does not exist/);
  });
});

describe('verify: command checks over ssh (real sshd on 127.0.0.1)', () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  it('runs the command on the host and checks its exit code and output; argv gets outputs, quoted', async () => {
    const { dir, work } = tfModule();
    const port = await freePort();
    const spec = path.join(work, 'smoke.yml');
    fs.writeFileSync(
      spec,
      [
        'checks:',
        '  - name: ami marker via ssh',
        '    kind: command',
        '    host: ${{ outputs.public_ip }}',
        `    port: ${sshd.port}`,
        '    user: root',
        '    argv: [cat, "${{ outputs.instance_id }}/ami.txt"]',
        `    stdout-regex: '^${AMI}$'`,
        '  - name: shell pipeline',
        '    kind: command',
        '    host: 127.0.0.1',
        `    port: ${sshd.port}`,
        '    user: root',
        "    command: echo 'MaxAuthTries 4' | grep -c MaxAuthTries",
        '    stdout-contains: "1"',
        '',
      ].join('\n'),
    );
    // instance_id is abused here to carry the work dir through an output into argv
    const r = await runCli(
      args(
        dir,
        work,
        port,
        [
          '--smoke-tests',
          spec,
          '--ssh-key',
          fs.readFileSync(sshd.clientKey, 'utf8'),
          '--ssh-known-hosts',
          sshd.hostPublicKey,
        ],
        [`instance_id=${work}`],
      ),
    );
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({ passed: '2', failed: '0' });
    expect(sshd.log()).toContain('Accepted publickey for root');
  });
});

describe('verify: waits for EC2 status checks (EC2 sandbox, real SDK)', () => {
  let sandbox: Ec2Sandbox;
  beforeAll(async () => {
    sandbox = new Ec2Sandbox();
    await sandbox.start();
  });
  afterAll(() => sandbox.stop());

  it('polls until the instance is ok, logging progress', async () => {
    const creds = sandbox.addAccount('333333333333');
    const inst = sandbox.putInstance('333333333333', 'us-east-2', AMI, 0, 'running', 2);
    const { dir, work } = tfModule();
    const port = await freePort();
    const r = await runCli(
      args(
        dir,
        work,
        port,
        ['--tag-ami', 'auto', '--aws-region', 'us-east-2'],
        [`instance_id=${inst.instanceId}`],
      ),
      {
        env: sandbox.env(creds, 'us-east-2'),
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${inst.instanceId}: running, system initializing, instance initializing`);
    expect(r.stdout).toContain(`${inst.instanceId}: running, system ok, instance ok`);
    expect(sandbox.calls.some((c) => c.action === 'DescribeInstanceStatus' && c.region === 'us-east-2')).toBe(
      true,
    );
    // tag-ami auto: this AMI id is not in the sandbox, so it says so and carries on.
    expect(r.stderr).toMatch(/Not tagged ami-bakery:verify=passed on ami-0123456789abcdef0 \(us-east-2\)/);
  });

  it('pins SSH to the host keys EC2 printed on the console, and refuses a host whose key is not there (issue 24)', async () => {
    const sshd = await startSshd();
    try {
      const creds = sandbox.addAccount('555555555555');
      const cloudInit = (key: string) =>
        `[  11.2] cloud-init[501]: ok\n-----BEGIN SSH HOST KEY KEYS-----\n${key.trim()}\n-----END SSH HOST KEY KEYS-----\n`;
      const spec = path.join(tmpDir(), 'smoke.yml');
      fs.writeFileSync(
        spec,
        `checks:\n  - name: login\n    kind: command\n    host: 127.0.0.1\n    port: ${sshd.port}\n    user: root\n    command: "true"\n    retries: 0\n`,
      );
      const run = async (consoleKey: string, extra: string[] = []) => {
        const inst = sandbox.putInstance('555555555555', 'us-east-2', AMI);
        inst.console = consoleKey ? cloudInit(consoleKey) : '[  11.2] cloud-init[501]: ok\n';
        const { dir, work } = tfModule();
        return runCli(
          args(
            dir,
            work,
            await freePort(),
            [
              '--aws-region',
              'us-east-2',
              '--tag-ami',
              'false',
              '--smoke-tests',
              spec,
              '--ssh-key',
              fs.readFileSync(sshd.clientKey, 'utf8'),
              ...extra,
            ],
            [`instance_id=${inst.instanceId}`],
          ),
          { env: sandbox.env(creds, 'us-east-2') },
        );
      };
      const ok = await run(sshd.hostPublicKey);
      expect(ok.code, ok.stderr + ok.stdout).toBe(0);
      expect(ok.stdout).toMatch(/: 1 SSH host key\(s\) from its console output \(ssh-ed25519\)/);
      expect(ok.outputs['host-keys']).toBe(
        `127.0.0.1 ${sshd.hostPublicKey.trim().split(' ').slice(0, 2).join(' ')}`,
      );
      expect(ok.stderr).not.toMatch(/host key of .* is not verified/);
      // another host's key on the console: the connection is refused, the check fails
      const other = path.join(tmpDir(), 'other');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
      const refused = await run(fs.readFileSync(`${other}.pub`, 'utf8'));
      expect(refused.code).toBe(1);
      expect(refused.stdout + refused.stderr).toMatch(/does not match ssh-known-hosts/);
      // no key on the console and none given: nothing to check it against, so the check fails, saying why
      const none = await run('');
      expect(none.code).toBe(1);
      expect(none.stdout + none.stderr).toMatch(
        /no host key to check 127\.0\.0\.1:\d+ against: ssh-known-hosts is empty/,
      );
      // accepting any host key is a choice the workflow says out loud
      const any = await run('', ['--ssh-known-hosts', 'accept-any']);
      expect(any.code, any.stderr + any.stdout).toBe(0);
      expect(any.stdout + any.stderr).toMatch(
        /ssh-known-hosts: accept-any: the host key of 127\.0\.0\.1 is not verified/,
      );
    } finally {
      await sshd.stop();
    }
  });

  const withAmi = (ami: string, dir: string, work: string, port: number, extra: string[] = []) => [
    'verify',
    '--ami-id',
    ami,
    '--terraform-dir',
    dir,
    '--vars',
    `port=${port}\nwork_dir=${work}`,
    ...extra,
  ];

  it("tags the AMI verify=passed, or verify=failed when a smoke check fails, for promote's gate", async () => {
    const creds = sandbox.addAccount('444444444444');
    const good = sandbox.putImage('444444444444', 'us-east-2');
    const bad = sandbox.putImage('444444444444', 'us-east-2');
    let m = tfModule();
    const ok = await runCli(
      withAmi(good.imageId, m.dir, m.work, await freePort(), [
        '--smoke-tests',
        'test/fixtures/terraform/smoke-ok.yml',
      ]),
      { env: sandbox.env(creds, 'us-east-2') },
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(good.tags.get('ami-bakery:verify')).toBe('passed');
    m = tfModule();
    const failing = await runCli(
      withAmi(bad.imageId, m.dir, m.work, await freePort(), [
        '--smoke-tests',
        'test/fixtures/terraform/smoke-failing.yml',
      ]),
      { env: sandbox.env(creds, 'us-east-2') },
    );
    expect(failing.code).toBe(1);
    expect(bad.tags.get('ami-bakery:verify')).toBe('failed');
    expect(stateResources(m.dir)).toBe(0);
  });

  it('nothing checked is not passed: no smoke tests and no instance output tag nothing (issue 22: 6)', async () => {
    const creds = sandbox.addAccount('666666666666');
    const img = sandbox.putImage('666666666666', 'us-east-2');
    let m = tfModule();
    const r = await runCli(withAmi(img.imageId, m.dir, m.work, await freePort()), {
      env: sandbox.env(creds, 'us-east-2'),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs.verdict).toBe('unchecked');
    expect(r.stderr).toMatch(
      /warning: Nothing was checked: no smoke tests, and the module outputs no instance_id/,
    );
    expect(img.tags.has('ami-bakery:verify')).toBe(false);
    // asked for a verdict, it refuses to give one
    m = tfModule();
    const strict = await runCli(
      withAmi(img.imageId, m.dir, m.work, await freePort(), ['--tag-ami', 'true']),
      {
        env: sandbox.env(creds, 'us-east-2'),
      },
    );
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/tag-ami: true asks for a verdict .* nothing was checked/);
    expect(img.tags.has('ami-bakery:verify')).toBe(false);
    expect(stateResources(m.dir)).toBe(0);
  });

  it('tag-ami true: an AMI that does not exist is an error naming the input', async () => {
    const creds = sandbox.addAccount('555555555555');
    const m = tfModule();
    const r = await runCli(withAmi(AMI, m.dir, m.work, await freePort(), ['--tag-ami', 'true']), {
      env: sandbox.env(creds, 'us-east-2'),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Input "ami-id": ami-0123456789abcdef0 does not exist in this account\/region/);
    expect(stateResources(m.dir)).toBe(0);
  });
});
