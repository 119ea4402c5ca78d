/**
 * The reusable workflow played job by job (issue 24, item 7): .github/workflows/golden-ami.yml read
 * with @actions/workflow-parser, its expressions evaluated with @actions/expressions
 * (test/support/workflow-player.ts), every `uses: ./…` action run from its committed bundle, the
 * third-party steps replaced by their effects (test/support/play-world.ts). Against the EC2
 * sandbox with real Packer (amazon-ebs), Terraform and OpenSCAP: the image is the suite's root
 * filesystem hardened by the example's scripts, its "instance" the image's own sshd in a network
 * namespace. Needs root (mounts, chroot, network namespaces), as .ci/run runs.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { ROOT, tmpDir } from './helpers.js';
import { Ec2Sandbox } from './sandbox/ec2-sandbox.js';
import { type GithubApi, startGithubApi } from './support/github-api.js';
import { effects, type Role, runnerBin, startOidc, toolCache } from './support/play-world.js';
import { type JobRecord, WorkflowPlayer } from './support/workflow-player.js';

const EX = 'examples/ubuntu-22.04-cis';
/** the fleet's second family: another OS and benchmark (Debian 11, ANSSI BP-028) */
const DEB = 'examples/debian-11-anssi';
/** the family golden-ami.yml derives from working-directory and template */
const FAMILY = 'examples-ubuntu-22.04-cis-play.pkr.hcl';
const BASE_ROOTFS = process.env.AMI_BAKERY_ROOTFS ?? '/var/tmp/ami-bakery/rootfs';
const WORLD = '/var/tmp/ami-bakery-play';
const REPO = 'my-org/images';
const SELF = { repository: 'my-org/ami-bakery-fork', ref: 'refs/heads/main', dir: ROOT };
const ACCOUNT = '111111111111';
const CANONICAL = '099720109477';
const sh = (cmd: string, args: string[], cwd?: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const mounts: string[] = [];
function overlay(lower: string, name: string): string {
  const dir = path.join(WORLD, name);
  for (const d of ['upper', 'work', 'root']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  sh('mount', [
    '-t',
    'overlay',
    'overlay',
    '-o',
    `lowerdir=${lower},upperdir=${dir}/upper,workdir=${dir}/work`,
    `${dir}/root`,
  ]);
  mounts.push(`${dir}/root`);
  return dir;
}

/**
 * The base AMI's disk: the suite's root filesystem (Ubuntu 22.04 by its os-release) with sudo, as
 * Ubuntu's cloud images have it: a layer of its own, so images and instances stack on it.
 */
async function baseDisk(): Promise<string> {
  const layer = overlay(BASE_ROOTFS, 'base');
  const debs = tmpDir();
  // awaited, not execFileSync: a long synchronous call (a download) stalls vitest's worker RPC
  const run = promisify(execFile);
  await run('apt-get', ['download', 'sudo', 'libapparmor1'], { cwd: debs });
  fs.mkdirSync(`${layer}/root/tmp/debs`, { recursive: true });
  for (const f of fs.readdirSync(debs)) fs.copyFileSync(path.join(debs, f), `${layer}/root/tmp/debs/${f}`);
  await run('chroot', [
    `${layer}/root`,
    'sh',
    '-c',
    'dpkg -i /tmp/debs/*.deb >/dev/null && rm -rf /tmp/debs',
  ]);
  sh('umount', [`${layer}/root`]);
  mounts.pop();
  return `${layer}/upper:${BASE_ROOTFS}`;
}

/** The consumer's repository: the example, the play's template, test environment and smoke checks. */
function consumerRepo(): string {
  const dir = tmpDir('ami-bakery-play-repo-');
  fs.cpSync(path.join(ROOT, EX), path.join(dir, EX), { recursive: true });
  const fx = path.join(ROOT, 'test/fixtures/workflow-play');
  fs.copyFileSync(path.join(fx, 'play.pkr.hcl'), path.join(dir, EX, 'play.pkr.hcl'));
  fs.cpSync(path.join(fx, 'test-env'), path.join(dir, 'test-env'), { recursive: true });
  fs.copyFileSync(path.join(fx, 'smoke-tests.yml'), path.join(dir, 'smoke-tests.yml'));
  // the fleet: the Debian family beside it, each with its play template (test/fixtures/workflow-play/fleet)
  fs.cpSync(path.join(ROOT, DEB), path.join(dir, DEB), { recursive: true });
  fs.copyFileSync(path.join(fx, 'fleet/ubuntu.pkr.hcl'), path.join(dir, EX, 'play-fleet.pkr.hcl'));
  fs.copyFileSync(path.join(fx, 'fleet/debian.pkr.hcl'), path.join(dir, DEB, 'play.pkr.hcl'));
  fs.mkdirSync(path.join(dir, DEB, 'local'));
  fs.copyFileSync(path.join(ROOT, EX, 'local/in-image.sh'), path.join(dir, DEB, 'local/in-image.sh'));
  fs.copyFileSync(
    path.join(ROOT, 'test/fixtures/debian/00-as-debian-11.sh'),
    path.join(dir, DEB, 'local/00-as-debian-11.sh'),
  );
  for (const f of ['debian-smoke-tests.yml', 'debian-waivers-play.yml'])
    fs.copyFileSync(path.join(fx, 'fleet', f), path.join(dir, f));
  // the example's caller workflow, calling this fork's golden-ami.yml as a fork's user would
  fs.mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, '.github/workflows/golden-fleet.yml'),
    fs
      .readFileSync(path.join(ROOT, 'examples/workflows/golden-fleet.yml'), 'utf8')
      .replaceAll('ami-bakery/ami-bakery', SELF.repository)
      .replace('golden-ami.yml@v1', `golden-ami.yml@${SELF.ref}`)
      .replace(/ref: v1$/m, `ref: ${SELF.ref}`),
  );
  const git = (...a: string[]) =>
    sh(
      'git',
      ['-c', 'user.name=Play', '-c', 'user.email=play@example.com', '-c', 'commit.gpgsign=false', ...a],
      dir,
    );
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'golden images');
  return dir;
}

let sandbox: Ec2Sandbox;
let api: GithubApi;
let oidc: Awaited<ReturnType<typeof startOidc>>;
let repo: string;
let lowerOfImages: string;
let roles: Role[];
/** which disk each AMI holds (the instance stand-in boots it): AMI id → directory */
let images: string;
/** the runner's tool cache and PATH, the same for every play */
let cache: string;
let bin: string;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('the workflow play needs root (mounts, chroot, ip netns)');
  // what a killed earlier play may have left: its instances' network namespaces and mounts
  for (const ns of sh('ip', ['netns', 'list']).match(/^abk-[0-9a-f]+/gm) ?? [])
    sh('ip', ['netns', 'del', ns]);
  for (const m of sh('sh', [
    '-c',
    'grep -o " /var/tmp/ami-bakery-play[^ ]*\\| /tmp/ami-bakery-play-instance-[^ ]*" /proc/mounts || true',
  ])
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean)
    .reverse())
    sh('umount', ['-l', m]);
  fs.rmSync(WORLD, { recursive: true, force: true });
  lowerOfImages = await baseDisk();
  cache = toolCache(tmpDir('ami-bakery-play-tool-cache-'));
  bin = runnerBin(path.join(tmpDir('ami-bakery-play-bin-'), 'bin'), '10.213.0.1');
  repo = consumerRepo();
  images = tmpDir('ami-bakery-play-images-');
  sandbox = new Ec2Sandbox();
  await sandbox.start();
  sandbox.addAccount(CANONICAL);
  roles = [
    {
      arn: `arn:aws:iam::${ACCOUNT}:role/ami-bakery-build`,
      trustFile: path.join(ROOT, 'examples/iam/build-role-trust.json'),
      credentials: sandbox.addAccount(ACCOUNT),
    },
    {
      arn: `arn:aws:iam::${ACCOUNT}:role/ami-bakery-promote`,
      trustFile: path.join(ROOT, 'examples/iam/promote-role-trust.json'),
      credentials: sandbox.addAccount(ACCOUNT),
    },
  ];
  api = await startGithubApi(REPO, 1);
  oidc = await startOidc(() => ({
    job_workflow_ref: `${SELF.repository}/.github/workflows/golden-ami.yml@${SELF.ref}`,
  }));
}, 180_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) c();
  for (const m of mounts.reverse()) sh('umount', ['-l', m]);
  await sandbox?.stop();
  await api?.close();
  await oidc?.close();
  fs.rmSync(WORLD, { recursive: true, force: true });
  for (const d of [repo, images, cache, path.dirname(bin)])
    if (d) fs.rmSync(d, { recursive: true, force: true });
});

interface Play {
  jobs: Map<string, JobRecord>;
  problems: string[];
  assumed: Map<string, string>;
  artifacts: Map<string, string[]>;
  sarif: Array<{ job: string; category: string; results: number }>;
  log: string[];
  /** the workflow's concurrency group for this call */
  group?: string;
}

/** `run`: another call's record in the same workflow run (its artifacts and SARIF are the run's). */
async function play(
  github: Record<string, unknown>,
  inputs: Record<string, string | boolean>,
  run?: Omit<Play, 'jobs' | 'problems' | 'group'>,
  file = path.join(ROOT, '.github/workflows/golden-ami.yml'),
): Promise<Play> {
  const world = tmpDir('ami-bakery-play-run-');
  // each job's workspace holds the repository and the bundles (about 200 MB a play): removed after
  cleanups.push(() => fs.rmSync(world, { recursive: true, force: true }));
  const out: Omit<Play, 'jobs' | 'problems' | 'group'> = {
    assumed: new Map(),
    artifacts: run?.artifacts ?? new Map(),
    sarif: run?.sarif ?? [],
    log: [],
  };
  const event = path.join(world, 'event.json');
  fs.writeFileSync(event, JSON.stringify(github.event));
  const gh = {
    ...github,
    event_path: event,
    api_url: api.url,
    server_url: 'https://github.com',
    repository: REPO,
    token: 'ghs_play',
  };
  let n = 0;
  const player = new WorkflowPlayer({
    file,
    inputs,
    // a caller's `uses:` of the reusable workflow: this checkout's, as the fork SELF names it
    workflows: {
      [`${SELF.repository}/.github/workflows/golden-ami.yml`]: path.join(
        ROOT,
        '.github/workflows/golden-ami.yml',
      ),
    },
    github: gh,
    newJobDirs: (job) => {
      const d = path.join(world, `${++n}-${job}`);
      for (const x of ['workspace', 'temp']) fs.mkdirSync(path.join(d, x), { recursive: true });
      return { workspace: path.join(d, 'workspace'), temp: path.join(d, 'temp') };
    },
    runnerPath: bin,
    env: {
      RUNNER_TOOL_CACHE: cache,
      AMI_BAKERY_PLAY_INSTANCE: path.join(ROOT, 'test/support/play-instance.mjs'),
      AMI_BAKERY_PLAY_IMAGES: images,
      AWS_EC2_METADATA_DISABLED: 'true',
      // Packer's own waiter knob: poll every second, not every 15 s
      AWS_POLL_DELAY_SECONDS: '1',
    },
    effects: effects({ repo: REPO, consumer: repo, self: SELF, roles, sandbox, github: gh, ...out }),
    oidc: () => ({ url: oidc.url, token: 'oidc-request-token' }),
    afterJob: (job, ctx) => {
      // which disk each AMI holds: the build's manifest says (custom_data.image_dir); a copy holds its source's
      for (const dir of [EX, DEB]) {
        const manifest = path.join(ctx.workspace, dir, 'packer-manifest.json');
        if (job.id !== 'bake' || !fs.existsSync(manifest)) continue;
        for (const b of JSON.parse(fs.readFileSync(manifest, 'utf8')).builds) {
          const ami = String(b.artifact_id).split(':')[1];
          fs.writeFileSync(path.join(images, ami), `${b.custom_data.image_dir}\n`);
        }
      }
      for (const img of sandbox.images.values()) {
        const from = img.sourceImageId && path.join(images, img.sourceImageId);
        if (from && fs.existsSync(from)) fs.copyFileSync(from, path.join(images, img.imageId));
      }
    },
    log: (l) => out.log.push(l),
  });
  const jobs = await player.play();
  return { jobs, problems: player.problems, ...out, group: player.concurrencyGroup };
}

const results = (p: Play) => Object.fromEntries([...p.jobs].map(([k, j]) => [k, j.result]));
/** Every failed step of the jobs, and of the workflows they (or their matrix instances) called. */
function failedSteps(jobs: Iterable<JobRecord>, at = ''): string[] {
  return [...jobs].flatMap((j) => [
    ...j.steps
      .filter((s) => s.outcome === 'failure')
      .map((s) => `${at}${j.id} / ${s.name}:\n${s.log.slice(-3000)}`),
    ...(j.instances ?? [j]).flatMap((i) => (i.called ? failedSteps(i.called.values(), `${i.id} › `) : [])),
  ]);
}
const failures = (p: Play) => failedSteps(p.jobs.values()).join('\n\n');

const event = (name: string, runId: string, extra: Record<string, unknown> = {}) => ({
  event_name: name,
  ref: 'refs/heads/main',
  sha: sh('git', ['rev-parse', 'HEAD'], repo).trim(),
  run_id: runId,
  run_attempt: '1',
  event: { repository: { default_branch: 'main', full_name: REPO } },
  ...extra,
});

/** A pull request (number n) of the repository's HEAD onto itself. */
const prEvent = (runId: string, n: number) => {
  const head = sh('git', ['rev-parse', 'HEAD'], repo).trim();
  return event('pull_request', runId, {
    ref: `refs/pull/${n}/merge`,
    event: {
      number: n,
      pull_request: { number: n, head: { sha: head }, base: { sha: head } },
      repository: { default_branch: 'main', full_name: REPO },
    },
  });
};

/** The caller's `with:` (examples/workflows/golden-ami.yml's shape) for the play's image. */
const callerInputs = (imageRoot: string, baseAmi: string, over: Record<string, string | boolean> = {}) => ({
  template: 'play.pkr.hcl',
  'working-directory': EX,
  'packer-vars': `ec2_endpoint=${sandbox.endpoint}\nimage_dir=${imageRoot}`,
  'hardening-scripts': `${EX}/scripts/**`,
  'source-ami': baseAmi,
  'terraform-dir': 'test-env',
  'smoke-tests': 'smoke-tests.yml',
  waivers: `${EX}/compliance/waivers.yml\n${EX}/local/waivers-offline.yml`,
  'aws-region': 'us-east-1',
  'role-to-assume': roles[0].arn,
  'promote-role-to-assume': roles[1].arn,
  'promote-regions': 'us-east-1,eu-west-1',
  'ssm-parameter': '/golden/ubuntu-22.04-cis/latest',
  ...over,
});

/** every job of a push to main whose image passes */
const PUSH_RAN = {
  setup: 'success',
  bake: 'success',
  'find-in-use': 'skipped',
  'verify-and-scan': 'success',
  stage: 'success',
  promote: 'success',
  quarantine: 'skipped',
  discard: 'skipped',
};

const NONE_RAN = {
  setup: 'success',
  bake: 'skipped',
  'find-in-use': 'skipped',
  'verify-and-scan': 'skipped',
  stage: 'skipped',
  promote: 'skipped',
  quarantine: 'skipped',
  discard: 'skipped',
};

describe('golden-ami.yml played job by job', () => {
  let baseAmi = '';
  let imageRoot = '';
  let golden = '';

  it('a push to main: bake → verify-and-scan → stage → publish, each job with the role its trust admits', async () => {
    const base = sandbox.putImage(CANONICAL, 'us-east-1', {
      name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20261101',
    });
    base.launchPermissions.add('all');
    baseAmi = base.imageId;
    imageRoot = `${overlay(lowerOfImages, 'image-1')}/root`;
    const p = await play(event('push', '4242'), callerInputs(imageRoot, baseAmi));
    expect(results(p), `${p.log.join('\n')}\n${failures(p)}`).toEqual(PUSH_RAN);
    expect(p.problems).toEqual([]);
    // pull-request code ran with the build role; only the golden-ami environment reached the promote role
    expect(Object.fromEntries(p.assumed)).toEqual({
      bake: roles[0].arn,
      'verify-and-scan': roles[0].arn,
      stage: roles[1].arn,
      promote: roles[1].arn,
    });
    const ami = p.jobs.get('bake')!.outputs['ami-id'];
    expect(sandbox.image('us-east-1', ami)?.tags.get('ami-bakery:scan')).toBe('passed');
    expect(Number(p.jobs.get('verify-and-scan')!.outputs.score)).toBeGreaterThanOrEqual(80);
    const amis = JSON.parse(p.jobs.get('promote')!.outputs.amis);
    expect(Object.keys(amis[ACCOUNT]).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(sandbox.parameter(ACCOUNT, 'us-east-1', '/golden/ubuntu-22.04-cis/latest')?.value).toBe(
      amis[ACCOUNT]['us-east-1'],
    );
    expect(p.sarif).toEqual([
      {
        job: 'verify-and-scan',
        category: `ami-bakery-${FAMILY}-cis_level1_server`,
        results: expect.any(Number),
      },
    ]);
    // without a family input, the family is working-directory/template as a name
    expect([...p.artifacts.keys()].sort()).toEqual([
      `bake-${FAMILY}-4242`,
      `scan-${FAMILY}-4242`,
      `scan-report-${FAMILY}-4242`,
    ]);
    // every job summary says what happened, and the scan's links both reports
    const summary = (job: string) => p.jobs.get(job)!.summary;
    expect(summary('stage')).toMatch(/## ami-bakery promote \(stage\)[\s\S]*\| started \|/);
    expect(summary('promote')).toContain('All 2 destination(s) are golden.');
    expect(summary('verify-and-scan')).toContain(
      '[HTML report](https://github.com/my-org/images/actions/artifacts/',
    );
    expect(summary('verify-and-scan')).toContain(
      '[Code-scanning alerts](https://github.com/my-org/images/security/code-scanning',
    );
    // the test instance is gone: terminated, its network and disk removed
    expect(sandbox.build.leftovers(ACCOUNT)).toEqual([]);
    expect(sh('ip', ['netns', 'list'])).not.toMatch(/abk-/);
    golden = amis[ACCOUNT]['us-east-1'];
  }, 900_000);

  it('the scheduled rebake with nothing changed: bake reuses the golden image and every later job is skipped', async () => {
    expect(golden).not.toBe('');
    const before = sandbox.images.size;
    const p = await play(event('schedule', '4243'), callerInputs(imageRoot, baseAmi));
    expect(results(p), `${p.log.join('\n')}\n${failures(p)}`).toEqual({ ...NONE_RAN, bake: 'success' });
    expect(p.problems).toEqual([]);
    expect(p.jobs.get('bake')!.outputs).toMatchObject({ skipped: 'true', 'ami-id': golden });
    // no Packer build: no new image, no instance
    expect(sandbox.images.size).toBe(before);
    expect(sandbox.build.leftovers(ACCOUNT)).toEqual([]);
  }, 300_000);

  it('a push to main whose image fails the gate: stage had started the copies, discard removes them, nothing is published', async () => {
    const root = `${overlay(lowerOfImages, 'image-3')}/root`;
    const p = await play(event('push', '4247'), callerInputs(root, baseAmi, { 'min-score': '99' }));
    expect(results(p), `${p.log.join('\n')}\n${failures(p)}`).toEqual({
      ...NONE_RAN,
      bake: 'success',
      'verify-and-scan': 'failure',
      stage: 'success',
      discard: 'success',
    });
    expect(p.problems).toEqual([]);
    expect(p.jobs.get('verify-and-scan')!.outputs.gate).toBe('failed');
    expect(Object.fromEntries(p.assumed)).toEqual({
      bake: roles[0].arn,
      'verify-and-scan': roles[0].arn,
      stage: roles[1].arn,
      discard: roles[1].arn,
    });
    const candidate = p.jobs.get('bake')!.outputs['ami-id'];
    expect(sandbox.image('us-east-1', candidate)?.tags.get('ami-bakery:scan')).toBe('failed');
    // the encrypted copies stage started in both regions are gone; the SSM parameter still names the golden image
    const copies = [...sandbox.images.values()].filter((i) => i.sourceImageId === candidate);
    expect(copies.map((i) => [i.region, sandbox.stateOf(i)]).sort()).toEqual([
      ['eu-west-1', 'deregistered'],
      ['us-east-1', 'deregistered'],
    ]);
    expect(p.jobs.get('discard')!.summary).toMatch(/removed with their snapshots: \*\*2\*\*/);
    expect(sandbox.parameter(ACCOUNT, 'us-east-1', '/golden/ubuntu-22.04-cis/latest')?.value).toBe(golden);
    expect(sandbox.build.leftovers(ACCOUNT)).toEqual([]);
  }, 900_000);

  it('a pull request: bake, verify and scan with the build role; nothing is staged, published or discarded', async () => {
    const root = `${overlay(lowerOfImages, 'image-2')}/root`;
    const p = await play(prEvent('4244', 1), callerInputs(root, baseAmi));
    expect(results(p), `${p.log.join('\n')}\n${failures(p)}`).toEqual({
      ...NONE_RAN,
      bake: 'success',
      'verify-and-scan': 'success',
    });
    expect(p.problems).toEqual([]);
    expect(Object.fromEntries(p.assumed)).toEqual({ bake: roles[0].arn, 'verify-and-scan': roles[0].arn });
    const candidate = p.jobs.get('bake')!.outputs['ami-id'];
    expect(sandbox.image('us-east-1', candidate)?.tags.get('ami-bakery:scan')).toBe('passed');
    // the check run on the pull request's head commit: the gate passed, with failing controls it does not gate on
    const posted = api.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/check-runs')).at(-1);
    expect(posted?.body.head_sha).toBe(sh('git', ['rev-parse', 'HEAD'], repo).trim());
    expect(api.checkRuns.at(-1)?.conclusion).toBe('neutral');
    expect(sandbox.build.leftovers(ACCOUNT)).toEqual([]);
  }, 900_000);

  it('one run calls the workflow for two families (x86_64, arm64): no artifact, SARIF category, check run or concurrency group is shared; without family inputs the second call clashes', async () => {
    const pr = prEvent('4250', 2);
    const checksBefore = api.checkRuns.length;
    const x86 = await play(
      pr,
      callerInputs(`${overlay(lowerOfImages, 'image-5')}/root`, baseAmi, {
        family: 'ubuntu-22.04-cis-x86_64',
      }),
    );
    const arm = await play(
      pr,
      callerInputs(`${overlay(lowerOfImages, 'image-6')}/root`, baseAmi, {
        family: 'ubuntu-22.04-cis-arm64',
      }),
      x86,
    );
    for (const p of [x86, arm]) {
      expect(results(p), `${p.log.join('\n')}\n${failures(p)}`).toEqual({
        ...NONE_RAN,
        bake: 'success',
        'verify-and-scan': 'success',
      });
      expect(p.problems).toEqual([]);
    }
    expect([...arm.artifacts.keys()].sort()).toEqual(
      ['ubuntu-22.04-cis-arm64', 'ubuntu-22.04-cis-x86_64']
        .flatMap((f) => [`bake-${f}-4250`, `scan-${f}-4250`, `scan-report-${f}-4250`])
        .sort(),
    );
    expect(arm.sarif.map((s) => s.category).sort()).toEqual([
      'ami-bakery-ubuntu-22.04-cis-arm64-cis_level1_server',
      'ami-bakery-ubuntu-22.04-cis-x86_64-cis_level1_server',
    ]);
    expect(
      api.checkRuns
        .slice(checksBefore)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['ami-bakery scan (ubuntu-22.04-cis-arm64)', 'ami-bakery scan (ubuntu-22.04-cis-x86_64)']);
    expect(x86.group).toBe('golden-ami-refs/pull/2/merge-ubuntu-22.04-cis-x86_64-false');
    expect(arm.group).not.toBe(x86.group);
    // the same two calls without a family: one name for both, so the second bake's upload fails
    const run = { ...x86, artifacts: new Map(), sarif: [] };
    const first = await play(pr, callerInputs(`${overlay(lowerOfImages, 'image-7')}/root`, baseAmi), run);
    expect(first.jobs.get('bake')!.result).toBe('success');
    const second = await play(pr, callerInputs(`${overlay(lowerOfImages, 'image-8')}/root`, baseAmi), run);
    expect(second.group).toBe(first.group);
    expect(failures(second)).toMatch(
      /an artifact named bake-examples-ubuntu-22\.04-cis-play\.pkr\.hcl-4250 already exists/,
    );
    expect(sandbox.build.leftovers(ACCOUNT)).toEqual([]);
  }, 900_000);

  it('the weekly re-scan of the image in use fails a tightened gate: quarantined, with an issue, by the promote role', async () => {
    expect(golden).not.toBe('');
    const fleet = sandbox.putInstance(ACCOUNT, 'us-east-1', golden, 0, 'running');
    try {
      const p = await play(
        event('schedule', '4246'),
        callerInputs(imageRoot, baseAmi, { rescan: true, quarantine: true, 'min-score': '99' }),
      );
      expect(results(p), `${p.log.join('\n')}\n${failures(p)}`).toEqual({
        ...NONE_RAN,
        'find-in-use': 'success',
        'verify-and-scan': 'failure',
        quarantine: 'success',
      });
      expect(p.problems).toEqual([]);
      expect(p.jobs.get('find-in-use')!.outputs['ami-id']).toBe(golden);
      expect(p.jobs.get('verify-and-scan')!.outputs.gate).toBe('failed');
      expect(Object.fromEntries(p.assumed)).toEqual({
        'find-in-use': roles[0].arn,
        'verify-and-scan': roles[0].arn,
        quarantine: roles[1].arn,
      });
      const img = sandbox.image('us-east-1', golden)!;
      expect(img.deprecationTime).toBeDefined();
      expect(img.tags.get('ami-bakery:vulnerable')).toBe('true');
      expect(api.issues.filter((i) => i.state === 'open')).toHaveLength(1);
      expect(p.jobs.get('quarantine')!.summary).toMatch(/taken out of use: \*\*\d+\*\* now/);
      expect(sandbox.build.leftovers(ACCOUNT)).toEqual([`instance ${fleet.instanceId} (running)`]);
    } finally {
      fleet.state = 'terminated';
    }
  }, 900_000);

  it.each(['../x', 'a b', '$(id)', 'x'.repeat(65), '-lead', 'ünï'])(
    'a family that cannot name artifacts and caches (%j): setup refuses, so nothing runs',
    async (family) => {
      const p = await play(event('push', '4251'), callerInputs(imageRoot, baseAmi, { family }));
      expect(results(p)).toEqual({ ...NONE_RAN, setup: 'failure' });
      const setup = p.jobs.get('setup')!;
      expect(setup.steps[0].outcome).toBe('failure');
      expect(setup.steps[0].log).toMatch(/::error title=Bad family::/);
      expect(setup.steps[0].log).not.toMatch(/uid=/);
    },
    60_000,
  );

  it('one role for every job without one-role-for-all: setup refuses, so nothing runs', async () => {
    const p = await play(
      event('push', '4245'),
      callerInputs(imageRoot, baseAmi, { 'promote-role-to-assume': roles[0].arn }),
    );
    expect(results(p)).toEqual({ ...NONE_RAN, setup: 'failure' });
    const setup = p.jobs.get('setup')!;
    expect(setup.steps.map((s) => s.outcome)).toEqual(['success', 'success', 'failure']);
    expect(setup.steps[2].log).toMatch(/::error title=One role for every job::/);
    expect(p.assumed.size).toBe(0);
  }, 120_000);
});

/**
 * The example's caller workflow, golden-fleet.yml, played as GitHub runs it (issue 25): the plan
 * job runs the real `ami-bakery fleet` over the consumer's images.yml, and the matrix job calls
 * golden-ami.yml once per entry: Ubuntu 22.04 CIS in x86_64 and arm64 (one template, two builds,
 * base AMIs of each architecture) and Debian 11 ANSSI BP-028, all in one workflow run.
 */
describe('golden-fleet.yml played: images.yml as a matrix of golden-ami.yml calls', () => {
  const FLEET = ['ubuntu-22.04-cis-x86_64', 'ubuntu-22.04-cis-arm64', 'debian-11-anssi'];
  let bases: Record<string, string>;
  let n = 0;

  beforeAll(() => {
    const base = (owner: string, name: string, architecture: string) => {
      const img = sandbox.putImage(owner, 'us-east-1', { name, architecture });
      img.launchPermissions.add('all');
      return img.imageId;
    };
    sandbox.addAccount('136693071363');
    bases = {
      x86_64: base(CANONICAL, 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20261101', 'x86_64'),
      arm64: base(CANONICAL, 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-arm64-server-20261101', 'arm64'),
      debian: base('136693071363', 'debian-11-amd64-20261101-1500', 'x86_64'),
    };
  });

  /** images.yml of the consumer (the example's shape, the play's templates), committed; its builds' disks */
  function fleetRepo(over: { ubuntu?: Record<string, unknown>; debian?: Record<string, unknown> } = {}) {
    const root = tmpDir('ami-bakery-play-disks-');
    for (const build of ['ubuntu', 'ubuntu-arm64', 'debian'])
      fs.symlinkSync(`${overlay(lowerOfImages, `fleet-${++n}`)}/root`, path.join(root, build));
    const vars = (more: string[]) => [`ec2_endpoint=${sandbox.endpoint}`, `image_root=${root}`, ...more];
    const images = {
      defaults: {
        'aws-region': 'us-east-1',
        'role-to-assume': roles[0].arn,
        'promote-role-to-assume': roles[1].arn,
        'promote-regions': ['us-east-1', 'eu-west-1'],
        'terraform-dir': 'test-env',
      },
      families: {
        'ubuntu-22.04-cis': {
          'working-directory': EX,
          template: 'play-fleet.pkr.hcl',
          architectures: { x86_64: 'amazon-ebs.ubuntu', arm64: 'amazon-ebs.ubuntu-arm64' },
          'packer-vars': vars([`source_ami_x86_64=${bases.x86_64}`, `source_ami_arm64=${bases.arm64}`]),
          'hardening-scripts': `${EX}/scripts/**`,
          'smoke-tests': 'smoke-tests.yml',
          'scan-profile': 'cis_level1_server',
          waivers: [`${EX}/compliance/waivers.yml`, `${EX}/local/waivers-offline.yml`],
          'ssm-parameter': '/golden/ubuntu-22.04-cis/{arch}',
          ...over.ubuntu,
        },
        'debian-11-anssi': {
          'working-directory': DEB,
          template: 'play.pkr.hcl',
          'packer-vars': vars([`source_ami=${bases.debian}`]),
          'hardening-scripts': `${DEB}/scripts/**`,
          'smoke-tests': 'debian-smoke-tests.yml',
          'ssh-user': 'admin',
          'scan-profile': 'anssi_np_nt28_average',
          waivers: [`${DEB}/compliance/waivers.yml`, 'debian-waivers-play.yml'],
          'min-score': '70',
          'ssm-parameter': '/golden/debian-11-anssi/latest',
          ...over.debian,
        },
      },
    };
    fs.writeFileSync(path.join(repo, 'images.yml'), stringifyYaml(images));
    const git = (...a: string[]) =>
      sh('git', ['-c', 'user.name=Play', '-c', 'user.email=play@example.com', ...a], repo);
    git('add', 'images.yml');
    git('commit', '-q', '-m', `images.yml ${n}`);
  }
  const instances = (p: Play) => p.jobs.get('golden')!.instances!;
  const byFamily = (p: Play) => Object.fromEntries(instances(p).map((i) => [String(i.matrix!.family), i]));
  const called = (j: JobRecord) => Object.fromEntries([...j.called!].map(([k, c]) => [k, c.result]));

  it('a push to main: three calls bake, verify, scan and promote, each image on its own architecture, no name, group, category, check run or parameter shared', async () => {
    fleetRepo();
    const checksBefore = api.checkRuns.length;
    const p = await play(
      event('push', '4260'),
      {},
      undefined,
      path.join(repo, '.github/workflows/golden-fleet.yml'),
    );
    expect(p.jobs.get('plan')!.result, `${p.log.join('\n')}\n${failures(p)}`).toBe('success');
    expect(p.jobs.get('plan')!.outputs.count).toBe('3');
    const fam = byFamily(p);
    expect(Object.keys(fam)).toEqual(FLEET);
    for (const f of FLEET)
      expect([f, called(fam[f])], `${p.log.join('\n')}\n${failures(p)}`).toEqual([f, PUSH_RAN]);
    expect(p.jobs.get('golden')!.result).toBe('success');
    // no two calls held one concurrency group, no step read an unset output
    expect(p.problems).toEqual([]);
    expect(new Set(instances(p).map((i) => i.group)).size).toBe(3);
    expect([...p.artifacts.keys()].sort()).toEqual(
      FLEET.flatMap((f) => [`bake-${f}-4260`, `scan-${f}-4260`, `scan-report-${f}-4260`]).sort(),
    );
    expect(p.sarif.map((s) => s.category).sort()).toEqual(
      [
        'ami-bakery-ubuntu-22.04-cis-x86_64-cis_level1_server',
        'ami-bakery-ubuntu-22.04-cis-arm64-cis_level1_server',
        'ami-bakery-debian-11-anssi-anssi_np_nt28_average',
      ].sort(),
    );
    expect(
      api.checkRuns
        .slice(checksBefore)
        .map((c) => c.name)
        .sort(),
    ).toEqual(FLEET.map((f) => `ami-bakery scan (${f})`).sort());
    // each call baked only its build, of its architecture, from the base AMI of that architecture
    const baked = (f: string) => fam[f].called!.get('bake')!.outputs['ami-id'];
    const arch = {
      'ubuntu-22.04-cis-x86_64': 'x86_64',
      'ubuntu-22.04-cis-arm64': 'arm64',
      'debian-11-anssi': 'x86_64',
    };
    for (const f of FLEET) {
      const img = sandbox.image('us-east-1', baked(f))!;
      expect([f, img.architecture, img.tags.get('ami-bakery:scan')]).toEqual([
        f,
        arch[f as keyof typeof arch],
        'passed',
      ]);
    }
    expect(sandbox.image('us-east-1', baked('ubuntu-22.04-cis-arm64'))!.tags.get('ami-bakery:base-ami')).toBe(
      bases.arm64,
    );
    // the Debian image was scanned against its own benchmark, and passed its own gate
    const deb = fam['debian-11-anssi'].called!.get('verify-and-scan')!;
    expect(Number(deb.outputs.score)).toBeGreaterThanOrEqual(70);
    expect(deb.summary).toMatch(/anssi_np_nt28_average/);
    // one SSM parameter per architecture and family, each naming that call's golden copy
    const golden = (f: string) =>
      JSON.parse(fam[f].called!.get('promote')!.outputs.amis)[ACCOUNT]['us-east-1'];
    for (const [name, f] of [
      ['/golden/ubuntu-22.04-cis/x86_64', 'ubuntu-22.04-cis-x86_64'],
      ['/golden/ubuntu-22.04-cis/arm64', 'ubuntu-22.04-cis-arm64'],
      ['/golden/debian-11-anssi/latest', 'debian-11-anssi'],
    ])
      expect([name, sandbox.parameter(ACCOUNT, 'us-east-1', name)?.value]).toEqual([name, golden(f)]);
    expect(sandbox.image('us-east-1', golden('ubuntu-22.04-cis-arm64'))!.tags.get('ami-bakery:arch')).toBe(
      'arm64',
    );
    expect(sandbox.build.leftovers(ACCOUNT)).toEqual([]);
  }, 900_000);

  it('a pull request whose Ubuntu family fails its gate: both its calls fail, the Debian call still runs and passes (fail-fast: false)', async () => {
    fleetRepo({ ubuntu: { 'min-score': '99' } });
    const pr = prEvent('4261', 3);
    const p = await play(pr, {}, undefined, path.join(repo, '.github/workflows/golden-fleet.yml'));
    const fam = byFamily(p);
    expect(instances(p).map((i) => [i.matrix!.family, i.result])).toEqual([
      ['ubuntu-22.04-cis-x86_64', 'failure'],
      ['ubuntu-22.04-cis-arm64', 'failure'],
      ['debian-11-anssi', 'success'],
    ]);
    for (const f of FLEET.slice(0, 2)) {
      expect(fam[f].called!.get('verify-and-scan')!.outputs.gate).toBe('failed');
      expect(fam[f].called!.get('stage')!.result).toBe('skipped');
    }
    expect(called(fam['debian-11-anssi']), failures(p)).toEqual({
      ...PUSH_RAN,
      stage: 'skipped',
      promote: 'skipped',
    });
    expect(p.jobs.get('golden')!.result).toBe('failure');
    expect(p.problems).toEqual([]);
    expect(sandbox.build.leftovers(ACCOUNT)).toEqual([]);
  }, 900_000);
});
