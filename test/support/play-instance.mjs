// The workflow play's "instance" (test/fixtures/workflow-play/test-env): `up` launches it, `down`
// removes it. Test support, run by Terraform's local-exec; every value comes from the environment.
//
// up: RunInstances on the EC2 sandbox (AWS_ENDPOINT_URL, the job's credentials), then boots the
// AMI's disk (the directory AMI_BAKERY_PLAY_IMAGES/<ami-id> names) as an overlay, so the instance's
// changes never reach the image; does what cloud-init does at first boot (the distribution's default
// user with the run's key and sudo, fresh host keys printed on the console); starts the image's own sshd, chrooted,
// in a network namespace of its own at PUBLIC_IP (a veth to HOST_IP on this machine), with the
// image's net.* sysctl settings applied there as at boot.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import {
  DescribeImagesCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';

const env = process.env;
const sh = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
/** A command inside the instance's root, with the image's own PATH. */
const inImage = (root, args) =>
  sh('chroot', [
    root,
    '/usr/bin/env',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ...args,
  ]);
const state = env.STATE_DIR;
const saved = () => JSON.parse(fs.readFileSync(path.join(state, 'instance.json'), 'utf8'));

async function up() {
  const ec2 = new EC2Client({});
  // an instance type of the AMI's own architecture, as the example's test environment picks it
  const [image] = (await ec2.send(new DescribeImagesCommand({ ImageIds: [env.AMI_ID] }))).Images ?? [];
  const type = { x86_64: 't3.micro', arm64: 't4g.micro' }[image?.Architecture];
  if (!type) throw new Error(`${env.AMI_ID}: no instance type for architecture ${image?.Architecture}`);
  const r = await ec2.send(
    new RunInstancesCommand({
      ImageId: env.AMI_ID,
      MinCount: 1,
      MaxCount: 1,
      InstanceType: type,
      ClientToken: env.CLIENT_TOKEN,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'ami-bakery-verify' }] }],
    }),
  );
  const id = r.Instances[0].InstanceId;
  if (id !== env.INSTANCE_ID)
    throw new Error(`RunInstances answered ${id}, Terraform expected ${env.INSTANCE_ID}`);
  const disk = fs.readFileSync(path.join(env.AMI_BAKERY_PLAY_IMAGES, env.AMI_ID), 'utf8').trim();
  const ns = `abk-${env.INSTANCE_ID.slice(2, 10)}`;
  const [host, peer] = [`abh${env.INSTANCE_ID.slice(2, 10)}`, `abi${env.INSTANCE_ID.slice(2, 10)}`];
  const root = path.join(state, 'root');
  for (const d of ['upper', 'work', 'root']) fs.mkdirSync(path.join(state, d), { recursive: true });
  fs.writeFileSync(
    path.join(state, 'instance.json'),
    JSON.stringify({ id, ns, host, root, region: env.AWS_REGION }),
  );
  sh('mount', [
    '-t',
    'overlay',
    'overlay',
    '-o',
    `lowerdir=${disk},upperdir=${state}/upper,workdir=${state}/work`,
    root,
  ]);
  sh('mount', ['--bind', '/dev', `${root}/dev`]);
  // with /dev/pts, as a booted instance has it (sshd gives sudo its terminal there); private
  // first, so the mount does not propagate back to this machine's /dev
  sh('mount', ['--make-private', `${root}/dev`]);
  sh('mount', ['--bind', '/dev/pts', `${root}/dev/pts`]);
  sh('mount', ['-t', 'proc', 'proc', `${root}/proc`]);
  // cloud-init's first boot: the default user with the run's key and sudo, new host keys. The
  // default user is the distribution's, as its cloud images have it: ubuntu on Ubuntu, admin on Debian
  const osId = /^ID="?([^"\n]*)/m.exec(fs.readFileSync(`${root}/etc/os-release`, 'utf8'))?.[1];
  const user = { ubuntu: 'ubuntu', debian: 'admin' }[osId];
  if (!user) throw new Error(`the play's instance knows no default user of os-release ID ${osId}`);
  inImage(root, ['/bin/sh', '-c', `id ${user} >/dev/null 2>&1 || useradd -m -s /bin/bash ${user}`]);
  fs.mkdirSync(`${root}/home/${user}/.ssh`, { recursive: true, mode: 0o700 });
  fs.writeFileSync(`${root}/home/${user}/.ssh/authorized_keys`, `${env.SSH_PUBLIC_KEY}\n`, { mode: 0o600 });
  inImage(root, ['chown', '-R', `${user}:${user}`, `/home/${user}/.ssh`]);
  fs.writeFileSync(`${root}/etc/sudoers.d/90-cloud-init-users`, `${user} ALL=(ALL) NOPASSWD:ALL\n`, {
    mode: 0o440,
  });
  for (const f of fs.readdirSync(`${root}/etc/ssh`))
    if (f.startsWith('ssh_host_')) fs.rmSync(`${root}/etc/ssh/${f}`);
  inImage(root, ['ssh-keygen', '-A']);
  fs.mkdirSync(`${root}/run/sshd`, { recursive: true });
  // its own network: PUBLIC_IP in a namespace, HOST_IP on this side
  sh('ip', ['netns', 'add', ns]);
  sh('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', peer]);
  sh('ip', ['link', 'set', peer, 'netns', ns]);
  sh('ip', ['addr', 'add', `${env.HOST_IP}/30`, 'dev', host]);
  sh('ip', ['link', 'set', host, 'up']);
  sh('ip', ['netns', 'exec', ns, 'ip', 'addr', 'add', `${env.PUBLIC_IP}/30`, 'dev', peer]);
  sh('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', peer, 'up']);
  sh('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  // systemd-sysctl at boot, for the keys a network namespace has of its own (net.*): the kernel
  // itself is this machine's, so kernel.* and fs.* are not the image's to set here
  const sysctlFiles = [
    ...(fs.existsSync(`${root}/etc/sysctl.d`)
      ? fs
          .readdirSync(`${root}/etc/sysctl.d`)
          .sort()
          .map((f) => `${root}/etc/sysctl.d/${f}`)
      : []),
    `${root}/etc/sysctl.conf`,
  ].filter((f) => fs.existsSync(f) && fs.statSync(f).isFile());
  for (const f of sysctlFiles)
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      const m = /^\s*(net\.[\w.-]+)\s*=\s*(\S+)\s*$/.exec(line);
      if (m) sh('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-e', '-w', `${m[1]}=${m[2]}`]);
    }
  const log = fs.openSync(path.join(state, 'sshd.log'), 'a');
  const sshd = spawn('ip', ['netns', 'exec', ns, 'chroot', root, '/usr/sbin/sshd', '-D', '-e'], {
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    detached: true,
    stdio: ['ignore', log, log],
  });
  sshd.unref();
  fs.writeFileSync(path.join(state, 'sshd.pid'), String(sshd.pid));
  const keys = fs
    .readdirSync(`${root}/etc/ssh`)
    .filter((f) => /^ssh_host_.*_key\.pub$/.test(f))
    .map((f) => fs.readFileSync(`${root}/etc/ssh/${f}`, 'utf8').trim());
  const text = `Cloud-init v. 24.1 finished\n-----BEGIN SSH HOST KEY KEYS-----\n${keys.join('\n')}\n-----END SSH HOST KEY KEYS-----\n`;
  const res = await fetch(`${env.AWS_ENDPOINT_URL}/_sandbox/console/${env.AWS_REGION}/${id}`, {
    method: 'POST',
    body: text,
  });
  if (res.status !== 204) throw new Error(`the sandbox did not take the console output (${res.status})`);
  for (let i = 0; i < 100; i++) {
    if (await open(env.PUBLIC_IP, 22)) return console.log(`instance ${id} up at ${env.PUBLIC_IP}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `sshd did not listen on ${env.PUBLIC_IP}:22: ${fs.readFileSync(path.join(state, 'sshd.log'), 'utf8')}`,
  );
}

function open(host, port) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 500 });
    s.once('connect', () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** Everything up made, removed; what is already gone is no error (a second destroy). */
async function down() {
  if (!fs.existsSync(path.join(state, 'instance.json'))) return;
  const s = saved();
  const quiet = (cmd, args) => {
    try {
      sh(cmd, args);
    } catch {}
  };
  const pid = Number(
    fs.existsSync(path.join(state, 'sshd.pid')) ? fs.readFileSync(path.join(state, 'sshd.pid'), 'utf8') : 0,
  );
  if (pid) quiet('kill', [String(pid)]);
  quiet('pkill', ['-f', `chroot ${s.root} /usr/sbin/sshd`]);
  quiet('ip', ['netns', 'del', s.ns]);
  quiet('ip', ['link', 'del', s.host]);
  for (const m of ['proc', 'dev/pts', 'dev', '']) quiet('umount', ['-l', path.join(s.root, m)]);
  await new EC2Client({ region: s.region }).send(new TerminateInstancesCommand({ InstanceIds: [s.id] }));
  fs.rmSync(state, { recursive: true, force: true });
  console.log(`instance ${s.id} terminated, its network and disk removed`);
}

// A failed create leaves a tainted resource, whose destroy-time provisioner Terraform never runs:
// a failed up removes what it made itself.
const what = process.argv[2];
const act =
  what === 'up'
    ? () =>
        up().catch((e) =>
          down().then(
            () => Promise.reject(e),
            () => Promise.reject(e),
          ),
        )
    : what === 'down'
      ? down
      : () => Promise.reject(new Error('up or down'));
act().catch((e) => {
  console.error(`play-instance ${what}: ${e.message}`);
  process.exit(1);
});
