/**
 * `npm run demo`: the whole pipeline on this machine, no AWS account, told as a team lives it (issue
 * 23). Starts the EC2/STS/SSM sandbox and a GitHub-like API on 127.0.0.1, makes a git repository
 * of the example, and runs the four stages through the CLI (the same code the actions run):
 *
 *   1. a pull request sets `MaxAuthTries 6` under `# CIS 5.2.6`. Real Packer bakes it (the example's
 *      scripts with chroot on an overlay of a real root filesystem), Terraform verifies it, real
 *      OpenSCAP scans it: the gate fails on exactly that control, on that line, and the scan posts
 *      a suggested change it first tried in a copy of the image. Promote refuses the image.
 *   2. what the scripts cannot cause offline, or what ComplianceAsCode 0.1.65 gets wrong on Ubuntu,
 *      is classified and waived with its reason, owner and upstream change (two waiver files).
 *   3. the suggestion is applied and merged; the new image passes, and promote makes it golden in
 *      3 regions × 2 accounts, with SSM parameters and the launch template rolled out.
 *   4. a later pull request turns a marker into a plain comment: the ratchet fails it ("dropped").
 *   5. lifecycle: a second bake of the same inputs skips Packer; the images in use are re-scanned;
 *      the team quarantines today's image and everything rolls back to last month's golden image,
 *      built from other inputs, which passed.
 *
 * Writes demo-output/: index.md (the page to open), each stage's job summary and log, the
 * annotations, SARIF, JSON and HTML reports, the suggested script. Needs root and the Debian
 * packages of .ci/run (packer, oscap, oscap-chroot, terraform, sshd); without them it says so.
 * The images are overlays under AMI_BAKERY_DEMO_IMAGE, removed at the end unless
 * AMI_BAKERY_DEMO_KEEP=1 (then the page says where they are and how big).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { escapeMarkdown } from '../shared/src/markdown.js';
import { parseCliOutputs } from '../test/helpers.js';
import { Ec2Sandbox } from '../test/sandbox/ec2-sandbox.js';
import { freePort } from '../test/sshd.js';
import { type GithubApi, startGithubApi } from '../test/support/github-api.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const OUT = path.resolve(process.env.AMI_BAKERY_DEMO_OUT ?? path.join(ROOT, 'demo-output'));
const EX = 'examples/ubuntu-22.04-cis';
const SSH_SCRIPT = `${EX}/scripts/hardening/50-ssh.sh`;
const ACCOUNTS_SCRIPT = `${EX}/scripts/hardening/60-accounts.sh`;
const BASE_ROOTFS = process.env.AMI_BAKERY_ROOTFS ?? '/var/tmp/ami-bakery/rootfs';
const IMAGES = path.resolve(process.env.AMI_BAKERY_DEMO_IMAGE ?? '/var/lib/ami-bakery-demo/image');
const KEEP = process.env.AMI_BAKERY_DEMO_KEEP === '1';
const BUILD = '111111111111';
const PROD = '222222222222';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const REPO = 'acme/golden-images';
const WAIVERS = `${EX}/compliance/waivers.yml\n${EX}/local/waivers-offline.yml`;

interface StageRun {
  stage: string;
  label: string;
  code: number | null;
  outputs: Record<string, string>;
  seconds: number;
  log: string;
  errors: string;
}

const t0 = Date.now();
const say = (s: string) => console.log(`\n\x1b[1m▶ ${s}\x1b[0m`);
const has = (cmd: string, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const read = (f: string) =>
  fs.existsSync(path.join(OUT, f)) ? fs.readFileSync(path.join(OUT, f), 'utf8') : '';

/** The demo's repository: the example, committed, with the pull requests of the story. */
class Workspace {
  readonly dir = fs.mkdtempSync('/tmp/ami-bakery-demo-repo-');
  sha = '';
  constructor() {
    fs.cpSync(path.join(ROOT, EX), path.join(this.dir, EX), { recursive: true });
    this.git('init', '-q', '-b', 'main');
    this.commit('The ubuntu-22.04-cis example');
  }
  git(...args: string[]): string {
    const r = spawnSync(
      'git',
      ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.com', '-c', 'commit.gpgsign=false', ...args],
      { cwd: this.dir, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  }
  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    this.sha = this.git('rev-parse', 'HEAD');
    return this.sha;
  }
  edit(file: string, change: (text: string) => string): void {
    const p = path.join(this.dir, file);
    const before = fs.readFileSync(p, 'utf8');
    const after = change(before);
    if (after === before) throw new Error(`the demo's change to ${file} changed nothing`);
    fs.writeFileSync(p, after);
  }
  /** A pull_request event file for a pull request from the current branch onto `base`. */
  pullRequest(number: number, base: string): string {
    const event = path.join(OUT, `event-pr-${number}.json`);
    fs.writeFileSync(
      event,
      JSON.stringify({
        number,
        pull_request: { number, head: { sha: this.sha }, base: { sha: base } },
        repository: { full_name: REPO, default_branch: 'main' },
      }),
    );
    return event;
  }
}

/** Image root filesystems: overlays of the base root filesystem, one per bake. */
class Images {
  private mounts: string[] = [];
  make(name: string): string {
    const dir = path.join(IMAGES, name);
    fs.rmSync(dir, { recursive: true, force: true });
    for (const d of ['upper', 'work', 'root']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    const root = path.join(dir, 'root');
    const r = spawnSync(
      'mount',
      [
        '-t',
        'overlay',
        'overlay',
        '-o',
        `lowerdir=${BASE_ROOTFS},upperdir=${dir}/upper,workdir=${dir}/work`,
        root,
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`cannot mount the image overlay at ${root}: ${r.stderr}`);
    this.mounts.push(root);
    return root;
  }
  /** Unmounts every image; removes them unless asked to keep them. Says what it did. */
  cleanUp(): string {
    for (const m of this.mounts.reverse()) spawnSync('umount', [m]);
    this.mounts = [];
    if (!fs.existsSync(IMAGES)) return '';
    if (KEEP) {
      const size = spawnSync('du', ['-sh', IMAGES], { encoding: 'utf8' }).stdout.split('\t')[0];
      return `The images' overlays are kept in \`${IMAGES}\` (${size}; each \`upper/\` is what its bake changed over \`${BASE_ROOTFS}\`). Remove them with \`rm -rf ${IMAGES}\`.`;
    }
    fs.rmSync(IMAGES, { recursive: true, force: true });
    return `The images' overlays in \`${IMAGES}\` were removed (set AMI_BAKERY_DEMO_KEEP=1 to keep them).`;
  }
}

function runStage(
  stage: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ws: Workspace,
  label = stage,
): Promise<StageRun> {
  const summary = path.join(OUT, `summary-${label}.md`);
  fs.writeFileSync(summary, '');
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/ami-bakery.mjs'), stage, ...args], {
      cwd: ws.dir,
      env: {
        ...process.env,
        GITHUB_WORKSPACE: ws.dir,
        // outputs go to the demo's folder, as the runner's temp folder
        RUNNER_TEMP: OUT,
        GITHUB_SHA: ws.sha,
        ...env,
        GITHUB_STEP_SUMMARY: summary,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    let errors = '';
    child.stdout.on('data', (d) => {
      log += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      errors += d;
      process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      fs.writeFileSync(
        path.join(OUT, `log-${label}.txt`),
        log + (errors ? `\n--- stderr ---\n${errors}` : ''),
      );
      const outputs = parseCliOutputs(log);
      resolve({ stage, label, code, outputs, seconds: (Date.now() - start) / 1000, log, errors });
    });
  });
}

/** A stage that must stop the pipeline: exit 1 (a gate), not 0 and not 2 (bad input). */
function mustRefuse(r: StageRun, what: string): StageRun {
  if (r.code !== 1) {
    console.error(`\n${r.label} should have failed its gate (exit 1) but exited ${r.code}: ${what}.`);
    process.exitCode = 1;
    throw new Error(`${r.label} did not refuse`);
  }
  return r;
}

function must(r: StageRun, what: string): StageRun {
  if (r.code !== 0) {
    console.error(
      `\n${r.label} failed (exit ${r.code}): ${what}. Its log is in ${path.join(OUT, `log-${r.label}.txt`)}.`,
    );
    process.exitCode = r.code ?? 1;
    throw new Error(`${r.label} failed`);
  }
  return r;
}

/** What the demo needs to be real; it does not pretend otherwise. */
function missingTools(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (chroot and overlay mounts)');
  for (const [cmd, args] of [
    ['packer', ['version']],
    ['terraform', ['version']],
    ['oscap', ['--version']],
    ['oscap-chroot', ['--help']],
    ['unshare', ['--version']],
  ] as const)
    if (!has(cmd, [...args])) missing.push(cmd);
  if (!fs.existsSync('/usr/sbin/sshd'))
    missing.push('sshd (openssh-server: a suggested fix is tried by a login)');
  return missing;
}

interface Story {
  sandbox: Ec2Sandbox;
  api: GithubApi;
  ws: Workspace;
  images: Images;
  env: NodeJS.ProcessEnv;
  simulated: string[];
  runs: StageRun[];
  page: string[];
  /** the check-run annotations each pull request's scan published (what a reviewer sees) */
  checkAnnotations: Record<string, CheckAnnotation[]>;
  /** last month's golden image: its commit, AMI and scan report */
  lastMonth?: { sha: string; imageId: string; report: string };
}

interface CheckAnnotation {
  path: string;
  start_line: number;
  annotation_level: string;
  title?: string;
  message: string;
}

/** The annotations the scans published on check runs since request `from` of the GitHub-like API. */
function publishedSince(api: GithubApi, from: number): CheckAnnotation[] {
  return api.requests
    .slice(from)
    .filter((q) => q.url.includes('/check-runs'))
    .flatMap((q) => (q.body?.output?.annotations ?? []) as CheckAnnotation[]);
}

async function main() {
  const missing = missingTools();
  if (missing.length) {
    console.error(
      `npm run demo bakes and scans a real root filesystem; this machine lacks: ${missing.join(', ')}. Run it as root after .ci/run's apt packages are installed (see docs/development.md).`,
    );
    process.exitCode = 1;
    return;
  }
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  if (!fs.existsSync(path.join(BASE_ROOTFS, 'etc/os-release'))) {
    console.log(`Building the base root filesystem (debootstrap, once) in ${BASE_ROOTFS}…`);
    const r = spawnSync('bash', [path.join(ROOT, 'test/setup/make-rootfs.sh'), BASE_ROOTFS], {
      stdio: 'inherit',
    });
    if (r.status !== 0)
      throw new Error('test/setup/make-rootfs.sh failed (needs debootstrap and the Debian mirror)');
  }
  const sandbox = new Ec2Sandbox({ copyLatencyMs: 1500 });
  await sandbox.start();
  const creds = sandbox.addAccount(BUILD);
  sandbox.addAccount(PROD);
  sandbox.addRole(PROD, 'ami-promoter');
  const api = await startGithubApi(REPO, 12);
  const images = new Images();
  const s: Story = {
    sandbox,
    api,
    ws: new Workspace(),
    images,
    env: sandbox.env(creds, 'us-east-1'),
    simulated: [],
    runs: [],
    page: [],
    checkAnnotations: {},
  };
  let cleanup = '';
  try {
    await story(s);
  } finally {
    await sandbox.stop();
    await api.close();
    cleanup = images.cleanUp();
    fs.rmSync(s.ws.dir, { recursive: true, force: true });
  }
  writePage(s, cleanup);
  console.log(`\n${cleanup}`);
  console.log(
    `\nDone in ${((Date.now() - t0) / 1000).toFixed(0)} s. Open demo-output/index.md (the story, job summaries, annotations, reports).`,
  );
}

/** Bake one image from the workspace as it is, and register it in the sandbox (Packer's null builder makes no AMI). */
async function bakeImage(s: Story, label: string, canonical: string) {
  const root = s.images.make(label);
  const bakeArgs = [
    '--working-directory',
    EX,
    '--template',
    'local/local.pkr.hcl',
    '--vars',
    `image_dir=${root}\nmanifest=${path.join(OUT, `packer-manifest-${label}.json`)}`,
    '--hardening-scripts',
    `${EX}/scripts/**`,
    '--cis-manifest-file',
    path.join(OUT, `cis-manifest-${label}.json`),
    '--aws-region',
    'us-east-1',
  ];
  const bake = must(await runStage('bake', bakeArgs, s.env, s.ws, `bake-${label}`), 'Packer build');
  s.runs.push(bake);
  const manifest = JSON.parse(read(`cis-manifest-${label}.json`)) as {
    template: string;
    hardeningSha256: string;
  };
  const image = s.sandbox.putImage(BUILD, 'us-east-1', {
    name: `ubuntu-22.04-cis-${label}-${s.ws.sha.slice(0, 7)}`,
    description: 'Ubuntu 22.04 hardened to CIS Level 1 Server (ami-bakery demo)',
    encrypted: true,
    tags: {
      'ami-bakery:source-ami': canonical,
      'ami-bakery:cis-changes': bake.outputs['cis-changes'] ?? '',
      'ami-bakery:hardening-sha': manifest.hardeningSha256,
      'ami-bakery:template': manifest.template,
      'ami-bakery:fingerprint': bake.outputs.fingerprint ?? '',
      'ami-bakery:commit': s.ws.sha,
    },
  });
  return { root, image, bake, bakeArgs, template: manifest.template };
}

async function verifyImage(s: Story, label: string, amiId: string) {
  const instance = s.sandbox.putInstance(BUILD, 'us-east-1', amiId, 0, 'running', 2);
  const work = fs.mkdtempSync('/tmp/ami-bakery-demo-env-');
  const tfDir = fs.mkdtempSync('/tmp/ami-bakery-demo-tf-');
  fs.cpSync(path.join(s.ws.dir, EX, 'local/terraform'), tfDir, { recursive: true });
  // a port nothing listens on now (a random one collided with the suite's servers: Errno 98)
  const port = await freePort();
  const r = must(
    await runStage(
      'verify',
      [
        '--ami-id',
        amiId,
        '--terraform-dir',
        tfDir,
        '--vars',
        `port=${port}\nwork_dir=${work}\ninstance_id=${instance.instanceId}`,
        '--smoke-tests',
        `${EX}/local/smoke-tests.yml`,
        '--timeout',
        '3',
      ],
      s.env,
      s.ws,
      `verify-${label}`,
    ),
    'verify',
  );
  s.runs.push(r);
  fs.rmSync(tfDir, { recursive: true, force: true });
  return r;
}

const scanArgs = (target: string, amiId: string | undefined, over: string[]) => [
  '--target',
  target,
  '--hardening-scripts',
  `${EX}/scripts/**`,
  '--template',
  `${EX}/ubuntu-22.04-cis.pkr.hcl`,
  ...(amiId ? ['--ami-id', amiId] : []),
  '--waivers',
  WAIVERS,
  ...over,
];

/** The GitHub side of a pull request's scan: the event, the token, the local API. */
const pullEnv = (s: Story, event: string): NodeJS.ProcessEnv => ({
  ...s.env,
  GITHUB_REPOSITORY: REPO,
  // the check run and suggestions go on the event's head commit; with no GITHUB_SHA the HTML
  // report links no file to a repository that exists only here
  GITHUB_SHA: '',
  GITHUB_API_URL: s.api.url,
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: event,
});

function promoteArgs(ami: string, extra: string[] = []): string[] {
  return [
    '--ami-id',
    ami,
    '--source-region',
    'us-east-1',
    '--regions',
    REGIONS.join(','),
    '--accounts',
    `${BUILD},${PROD}`,
    '--role-name',
    'ami-promoter',
    '--name',
    'golden-ubuntu-22.04-cis-{sha}',
    '--ssm-parameter',
    '/golden/ubuntu-22.04-cis/latest',
    '--launch-templates',
    `${BUILD}:us-east-1:web-servers`,
    '--launch-template-default',
    'true',
    '--require',
    'verify=passed,scan=passed,score>=75',
    ...extra,
  ];
}

async function story(s: Story): Promise<void> {
  const { sandbox, ws } = s;
  const canonical = sandbox.putImage(BUILD, 'us-east-1', {
    name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20261101',
    description: 'Canonical, Ubuntu, 22.04 LTS (stand-in in the sandbox)',
  });
  console.log(
    `EC2/STS/SSM sandbox on ${sandbox.endpoint} (accounts ${BUILD}, ${PROD}); GitHub-like API on ${s.api.url}; repository ${ws.dir}`,
  );
  s.simulated.push(
    "Packer's null builder makes no AMI: each bake's hardened root filesystem (an overlay of a Debian 12 root filesystem dressed as Ubuntu 22.04) was registered in the sandbox as the AMI, and a sandbox \"instance\" launched from it for verify's status checks.",
  );

  // ---- before the story: last month's golden image is what production runs ----
  s.lastMonth = await lastMonthsImage(s, canonical.imageId);
  const suggestion = await pullRequestWithBug(s, canonical.imageId);
  const merged = await mergeAndPromote(s, canonical.imageId, suggestion);
  await goldenDiff(s, merged.imageId);
  await dropMarker(s, merged.fixSha);
  await lifecycle(s, merged.bakeArgs, merged.amis);
}

/**
 * Last month's golden image: the example as it was before the shell timeout (CIS 5.4.5) was added,
 * baked, verified, scanned and promoted like any other; then today's code adds the timeout back.
 */
async function lastMonthsImage(
  s: Story,
  canonical: string,
): Promise<{ sha: string; imageId: string; report: string }> {
  const { ws } = s;
  const today = ws.sha;
  say("Last month's golden image: the code before the shell timeout, baked, verified, scanned, promoted");
  ws.edit(ACCOUNTS_SCRIPT, (t) => t.replace(/\n# CIS 5\.4\.5 [^\n]*\n[\s\S]*?\nTMO\n/, '\n'));
  const sha = ws.commit('accounts: profile defaults (last month)');
  const image = await bakeImage(s, 'last-month', canonical);
  await verifyImage(s, 'last-month', image.image.imageId);
  const report = path.join(OUT, 'last-month-scan-report.json');
  const scan = must(
    await runStage(
      'scan',
      scanArgs(`chroot:${image.root}`, image.image.imageId, ['--report-file', report, '--sarif-file', '']),
      s.env,
      ws,
      'scan-last-month',
    ),
    "the scan of last month's image must pass its gate",
  );
  s.runs.push(scan);
  s.sandbox.putLaunchTemplate(BUILD, 'us-east-1', image.image.imageId, 'web-servers');
  const promoted = must(
    await runStage('promote', promoteArgs(image.image.imageId), s.env, ws, 'promote-last-month'),
    "promote of last month's build",
  );
  s.runs.push(promoted);
  ws.git('checkout', today, '--', ACCOUNTS_SCRIPT);
  ws.commit('accounts: log idle shells out after 10 minutes (CIS 5.4.5)');
  return { sha, imageId: image.image.imageId, report };
}

/**
 * What changed between last month's golden image and today's: `ami-bakery diff` by AMI id, over the
 * two scan reports kept in the repository (as a team keeps its family's reports).
 */
async function goldenDiff(s: Story, today: string): Promise<void> {
  const dir = path.join(s.ws.dir, 'reports');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(s.lastMonth!.report, path.join(dir, 'last-month.json'));
  fs.copyFileSync(path.join(OUT, 'scan-report.json'), path.join(dir, 'today.json'));
  say("What changed since last month's golden image: ami-bakery diff");
  const diff = must(
    await runStage('diff', [s.lastMonth!.imageId, today, '--history', 'reports/*.json'], s.env, s.ws, 'diff'),
    'the diff of the two golden images',
  );
  s.runs.push(diff);
  fs.writeFileSync(path.join(OUT, 'golden-diff.txt'), diff.log);
  s.page.push(
    "## What changed since last month's golden image",
    '',
    `\`ami-bakery diff ${s.lastMonth!.imageId} ${today} --history 'reports/*.json'\` ([golden-diff.txt](golden-diff.txt)): last month's code had no shell timeout (CIS 5.4.5); today's has it, and the pull request's fix.`,
    '',
    '```',
    // foreign text in a fence: only a fence of its own could end it
    ...diff.log
      .trim()
      .split('\n')
      .map((l) => l.replace(/```/g, "'''")),
    '```',
    '',
  );
}

/** 1. A pull request sets MaxAuthTries 6: the gate fails on that line; the suggested change it posts. */
async function pullRequestWithBug(
  s: Story,
  canonical: string,
): Promise<{ line: number; replacement: string }> {
  const { ws } = s;
  const mainSha = ws.sha;
  ws.git('checkout', '-q', '-b', 'relax-ssh');
  ws.edit(SSH_SCRIPT, (t) => t.replace(/^set_option MaxAuthTries 4$/m, 'set_option MaxAuthTries 6'));
  ws.commit('ssh: allow 6 authentication attempts (our jump host tries several keys)');
  const pr = ws.pullRequest(12, mainSha);
  say('1. Pull request #12 sets MaxAuthTries 6 under # CIS 5.2.6: bake, verify, scan');
  const before12 = s.api.requests.length;
  const prImage = await bakeImage(s, 'pr-12', canonical);
  await verifyImage(s, 'pr-12', prImage.image.imageId);
  const prScan = mustRefuse(
    await runStage(
      'scan',
      scanArgs(`chroot:${prImage.root}`, prImage.image.imageId, [
        '--report-file',
        path.join(OUT, 'pr-12-scan-report.json'),
        '--sarif-file',
        path.join(OUT, 'pr-12-scan.sarif'),
        '--github-token',
        'ghs_demo_token_not_a_secret',
        '--suggest',
        'true',
      ]),
      pullEnv(s, pr),
      ws,
      'scan-pr-12',
    ),
    'the pull request breaks CIS 5.2.6',
  );
  s.runs.push(prScan);
  s.checkAnnotations['pr-12'] = publishedSince(s.api, before12);
  fs.writeFileSync(
    path.join(OUT, 'pr-12-annotations.json'),
    JSON.stringify(s.checkAnnotations['pr-12'], null, 2),
  );
  const refused = mustRefuse(
    await runStage('promote', promoteArgs(prImage.image.imageId), s.env, ws, 'promote-pr-12'),
    'promote must refuse an image whose scan failed',
  );
  s.runs.push(refused);
  const suggestion = s.api.comments.find((c) => c.path === SSH_SCRIPT);
  const replacement = /```suggestion\n([\s\S]*?)\n```/.exec(suggestion?.body ?? '')?.[1];
  if (!suggestion || replacement === undefined)
    throw new Error(`the scan posted no suggested change on ${SSH_SCRIPT}: see log-scan-pr-12.txt`);
  return { line: suggestion.line, replacement };
}

/** 3. The suggestion applied and merged: bake, verify, scan (passes), promote everywhere. */
async function mergeAndPromote(
  s: Story,
  canonical: string,
  suggestion: { line: number; replacement: string },
) {
  const { ws } = s;
  say(
    `3. The suggested change (${SSH_SCRIPT}:${suggestion.line}) is applied and merged: bake, verify, scan, promote`,
  );
  ws.edit(SSH_SCRIPT, (t) => {
    const lines = t.split('\n');
    lines[suggestion.line - 1] = suggestion.replacement;
    return lines.join('\n');
  });
  ws.commit('Apply suggestion from ami-bakery (CIS 5.2.6)');
  ws.git('checkout', '-q', 'main');
  ws.git('merge', '-q', '--ff-only', 'relax-ssh');
  const fixed = await bakeImage(s, 'main', canonical);
  await verifyImage(s, 'main', fixed.image.imageId);
  const scan = must(
    await runStage(
      'scan',
      scanArgs(`chroot:${fixed.root}`, fixed.image.imageId, [
        '--report-file',
        path.join(OUT, 'scan-report.json'),
        '--sarif-file',
        path.join(OUT, 'scan.sarif'),
        '--results-file',
        path.join(OUT, 'scan-results-arf.xml'),
        '--suggest-file',
        path.join(OUT, 'suggested-hardening.sh'),
        '--history',
        path.join(OUT, 'pr-12-scan-report.json'),
      ]),
      s.env,
      ws,
      'scan',
    ),
    'the scan of the merged code must pass its gate',
  );
  s.runs.push(scan);
  fs.writeFileSync(path.join(OUT, 'annotations.txt'), scan.errors);
  const promote = must(
    await runStage('promote', promoteArgs(fixed.image.imageId), s.env, ws, 'promote'),
    'promote of the image that passed',
  );
  s.runs.push(promote);
  return {
    fixSha: ws.sha,
    bakeArgs: fixed.bakeArgs,
    imageId: fixed.image.imageId,
    amis: JSON.parse(promote.outputs.amis ?? '{}') as Record<string, Record<string, string>>,
  };
}

/** 4. A pull request turns a marker into a plain comment: the ratchet fails it, on that line. */
async function dropMarker(s: Story, fixSha: string): Promise<void> {
  const { ws } = s;
  say('4. Pull request #13 turns the # CIS 5.2.4 marker into a plain comment: the ratchet');
  ws.git('checkout', '-q', '-b', 'tidy-comments');
  ws.edit(SSH_SCRIPT, (t) => t.replace(/^# CIS 5\.2\.4 (Ensure SSH LogLevel is appropriate)$/m, '# $1'));
  ws.commit('ssh: tidy the comments');
  const pr13 = ws.pullRequest(13, fixSha);
  const before13 = s.api.requests.length;
  // a comment changes nothing in the image: the scan reads the merged image's results again
  const dropped = mustRefuse(
    await runStage(
      'scan',
      scanArgs('results', undefined, [
        '--results',
        path.join(OUT, 'scan-results-arf.xml'),
        '--baseline',
        path.join(OUT, 'scan-report.json'),
        '--report-file',
        path.join(OUT, 'pr-13-scan-report.json'),
        '--report-html',
        'none',
        '--sarif-file',
        '',
        '--github-token',
        'ghs_demo_token_not_a_secret',
      ]),
      pullEnv(s, pr13),
      ws,
      'scan-pr-13',
    ),
    'deleting a marker must fail the ratchet',
  );
  s.runs.push(dropped);
  s.checkAnnotations['pr-13'] = publishedSince(s.api, before13);
  fs.writeFileSync(
    path.join(OUT, 'pr-13-annotations.json'),
    JSON.stringify(s.checkAnnotations['pr-13'], null, 2),
  );
  ws.git('checkout', '-q', 'main');
}

/** 5. A second bake of the same inputs skips; the images in use are re-scanned; a quarantine rolls back. */
async function lifecycle(
  s: Story,
  bakeArgs: string[],
  amis: Record<string, Record<string, string>>,
): Promise<void> {
  const { sandbox, ws } = s;
  say('5. Bake again with skip-unchanged: the inputs are those of the golden image, Packer does not run');
  const again = must(
    await runStage('bake', [...bakeArgs, '--skip-unchanged', 'true'], s.env, ws, 'bake-again'),
    'second bake',
  );
  s.runs.push(again);
  const inUse = amis[BUILD]?.['us-east-1'];
  if (!inUse) throw new Error(`promote output no copy in ${BUILD}/us-east-1`);
  sandbox.putInstance(BUILD, 'us-east-1', inUse);
  say("5. The weekly re-scan of the images in use; then the team quarantines today's image");
  s.simulated.push(
    "The weekly re-scan of the image in use reads the OpenSCAP results of today's scan of that image (it stands for a scan of the running instance).",
  );
  const rescan = must(
    await runStage(
      'scan',
      [
        '--in-use',
        'true',
        '--regions',
        REGIONS.join(','),
        '--results',
        path.join(OUT, 'scan-results-arf.xml'),
        '--hardening-scripts',
        `${EX}/scripts/**`,
        '--template',
        `${EX}/ubuntu-22.04-cis.pkr.hcl`,
        '--waivers',
        WAIVERS,
        '--report-file',
        '',
        '--report-html',
        path.join(OUT, 'rescan-report.html'),
        '--history',
        `${path.join(OUT, 'pr-12-scan-report.json')}\n${path.join(OUT, 'scan-report.json')}`,
        '--sarif-file',
        '',
      ],
      s.env,
      ws,
      'rescan',
    ),
    'the re-scan of the image in use',
  );
  s.runs.push(rescan);
  const quarantine = must(
    await runStage('promote', promoteArgs(inUse, ['--mode', 'quarantine']), s.env, ws, 'quarantine'),
    'quarantine',
  );
  s.runs.push(quarantine);
  const lt = [...sandbox.launchTemplates.values()].find((t) => t.name === 'web-servers')!;
  const param = sandbox.parameter(BUILD, 'us-east-1', '/golden/ubuntu-22.04-cis/latest')?.value;
  const lastMonthCopy = sandbox
    .imagesOf(BUILD, 'us-east-1')
    .find(
      (i) =>
        i.tags.get('ami-bakery:commit') === s.lastMonth?.sha && i.tags.get('ami-bakery:status') === 'golden',
    );
  const n = JSON.parse(quarantine.outputs.quarantined ?? '[]').reduce(
    (k: number, d: { quarantined: string[] }) => k + d.quarantined.length,
    0,
  );
  s.page.push(
    '## 5. The image lifecycle',
    '',
    `- **Bake again with \`skip-unchanged\`:** ${again.outputs.skipped === 'true' ? `skipped, Packer did not run: ${again.outputs['skip-reason']}.` : `baked: ${again.outputs.changes}`}`,
    `- **The weekly re-scan** of the images in use (an instance runs \`${inUse}\`, today's golden copy): ${rescan.outputs.gate === 'passed' ? 'passed its gate; nothing was tagged vulnerable' : `gate ${rescan.outputs.gate}`} (vulnerable-images=${rescan.outputs['vulnerable-images'] ?? ''}). [rescan-report.html](rescan-report.html) shows the score trend.`,
    `- **Quarantine:** a week later the team takes today's image out of use (say its TMOUT of 600 s logs out a long migration): \`promote --mode quarantine\`. ${n} image(s) were deprecated, unshared and tagged quarantined; the SSM parameter \`/golden/ubuntu-22.04-cis/latest\` in ${BUILD}/us-east-1 now names \`${param}\`${param && param === lastMonthCopy?.imageId ? ` (last month's golden copy: built from other inputs, commit ${s.lastMonth?.sha.slice(0, 7)}, and it passed)` : ''}, and \`web-servers\` launches \`${lt.versions[lt.defaultVersion - 1].imageId}\` (default version ${lt.defaultVersion}).`,
    '',
    read('summary-quarantine.md'),
    '',
  );
}

/** A link from the page to a file of the repository (the page may be written anywhere). */
const repoLink = (file: string) => path.relative(OUT, path.join(ROOT, file)).split(path.sep).join('/');

/** The page's account of the waivers that applied and of the suggested script. */
function waiversAndFixes(): string[] {
  const report = JSON.parse(read('scan-report.json') || '{"findings":[]}') as {
    findings: Array<{
      ruleId: string;
      cisIds: string[];
      title: string;
      failureClass?: string;
      waiver?: { reason: string; owner: string; expires: string; file: string; line: number };
    }>;
  };
  const waived = report.findings.filter((f) => f.waiver);
  const byFile = new Map<string, typeof waived>();
  for (const f of waived) byFile.set(f.waiver!.file, [...(byFile.get(f.waiver!.file) ?? []), f]);
  const suggested = read('suggested-hardening.sh');
  return [
    '## 2. What the scripts cannot cause, told apart and waived on the record',
    '',
    `${waived.length} failing rules are waived, each by a reviewed entry with a reason, an owner and an expiry; they count neither passed nor failed. The scan classes each failure the code cannot cause (install did not run, content does not fit the platform) and still fails on it until a waiver names it.`,
    '',
    ...[...byFile].flatMap(([file, fs_]) => [
      `- [\`${file}\`](${repoLink(file)}) (${file.includes('offline') ? 'the offline demo build only: never passed for a real build' : "the example's own, for every build"}):`,
      ...fs_.map(
        (f) =>
          `  - CIS ${f.cisIds[0] ?? '—'} \`${f.ruleId.replace(/^xccdf_org\.ssgproject\.content_rule_/, '')}\`${f.failureClass ? ` [${f.failureClass}]` : ''}: ${f.waiver!.reason} (line ${f.waiver!.line}, until ${f.waiver!.expires}, ${f.waiver!.owner})`,
      ),
    ]),
    '',
    `**Suggested fixes** for failing controls no script implements: [suggested-hardening.sh](suggested-hardening.sh) holds ${(suggested.match(/^# CIS /gm) ?? []).length} remediation(s), each first run in a copy of the image (the control passed, the image's sshd still accepted a key login); ${(suggested.match(/^# {3}/gm) ?? []).length} more were not verified and are only listed at its end, with the reason.`,
    '',
  ];
}

function stageRow(r: StageRun): string {
  const outputs = Object.entries(r.outputs)
    .filter(([, v]) => v.length < 90)
    .map(([k, v]) => `\`${k}=${v.replace(/\|/g, '\\|')}\``)
    .join('<br>');
  return `| ${r.label} | ${r.code === 0 ? '✅' : `❌ exit ${r.code}`} | ${r.seconds.toFixed(1)} s | ${outputs} |`;
}

/** A line of a log, as Markdown text: no markup of its own. */
const escapeText = (x: string) => escapeMarkdown(x.replace(/^error: /, ''));

/** The failures of a pull request's check run, one line each, as a reviewer reads them. */
function failureLines(list: CheckAnnotation[] = []): string[] {
  return list
    .filter((a) => a.annotation_level === 'failure')
    .map(
      (a) =>
        `${a.path}:${a.start_line}: ${a.title ?? ''}\n    ${a.message.split('\n').slice(0, 3).join('\n    ')}`,
    );
}

function writePage(s: Story, cleanup: string) {
  const run = (label: string) => s.runs.find((r) => r.label === label);
  const prScan = run('scan-pr-12');
  const prErrors = failureLines(s.checkAnnotations['pr-12']);
  const prControls = new Set(
    (s.checkAnnotations['pr-12'] ?? []).filter((a) => a.annotation_level === 'failure').map((a) => a.title),
  );
  const suggestion = s.api.comments.find((c) => c.path === SSH_SCRIPT);
  const promote = run('promote');
  const amis = JSON.parse(promote?.outputs.amis ?? '{}') as Record<string, Record<string, string>>;
  const copies = Object.values(amis).reduce((n, r) => n + Object.keys(r).length, 0);
  const dropErrors = failureLines(s.checkAnnotations['pr-13']);
  const page = [
    '# ami-bakery demo',
    '',
    `Built, verified, scanned and promoted on this machine at ${new Date().toISOString()}. A pull request's hardening bug was caught on its line and fixed with a change the scan had tried first; the fixed image became golden in ${REGIONS.length} regions × 2 accounts; a deleted marker was refused; and a quarantine rolled production back to last month's image.`,
    '',
    '## What was real, what was simulated',
    '',
    "- **Real:** Packer 1.6.6 running the example's hardening scripts (with chroot into each image's root filesystem), Terraform creating and destroying the test environment, the smoke checks, OpenSCAP with the ComplianceAsCode CIS Level 1 Server profile, each suggested fix run in a copy of the image with its own sshd tested by a key login, git diffs of real commits, the AWS SDK calls (to the local EC2/STS/SSM sandbox over HTTP), the GitHub REST calls (to a local GitHub-like API), every line of ami-bakery code.",
    ...s.simulated.map((x) => `- **Simulated:** ${x}`),
    '- **Simulated:** AWS and GitHub themselves: the sandbox on 127.0.0.1 answers EC2/STS/SSM like AWS (copies take 1.5 s); the GitHub-like API records check runs and review comments.',
    '',
    '## 1. A pull request with a real bug',
    '',
    `Pull request #12 changes [\`${SSH_SCRIPT}\`](${repoLink(SSH_SCRIPT)}): \`set_option MaxAuthTries 6\` under \`# CIS 5.2.6 Ensure SSH MaxAuthTries is set to 4 or less\`. The scan of its image failed the gate (exit ${prScan?.code}): ${escapeText(prScan?.errors.trim() ?? '')}. ${prControls.size === 1 ? `Exactly one failure is on the check run, on the line that implements the control:` : `${prErrors.length} failures are on the check run:`} ([pr-12-scan-report.html](pr-12-scan-report.html) is the report a reviewer opens; every annotation is in [pr-12-annotations.json](pr-12-annotations.json) and [pr-12-scan.sarif](pr-12-scan.sarif)):`,
    '',
    '```',
    ...prErrors,
    '```',
    '',
    suggestion
      ? `The scan posted one suggested change on the pull request (\`${suggestion.path}:${suggestion.line}\`), after running the edited file in a copy of the image:\n\n${suggestion.body
          .split('\n')
          .filter((l) => !l.startsWith('<!--'))
          .map((l) => `> ${l}`)
          .join('\n')}`
      : 'No suggested change was posted.',
    '',
    `Promote refused the image (exit ${run('promote-pr-12')?.code}): nothing was copied or tagged golden.`,
    '',
    ...waiversAndFixes(),
    '## 3. The fix merged: golden everywhere',
    '',
    `The suggestion was applied and merged. The new image's scan: gate **${run('scan')?.outputs.gate}**, score ${run('scan')?.outputs.score}%. Promote made it golden: ${copies} copies in ${REGIONS.join(', ')} × ${BUILD}, ${PROD}, the SSM parameter \`/golden/ubuntu-22.04-cis/latest\` and the launch template \`web-servers\` pointed at them. Reports: [scan-report.html](scan-report.html) (open it in a browser, no network needed), [scan-report.json](scan-report.json) (the next scan's baseline), [scan.sarif](scan.sarif), [annotations.txt](annotations.txt).`,
    '',
    '## 4. Deleting a marker is refused: the ratchet',
    '',
    `Pull request #13 turns \`# CIS 5.2.4 …\` into a plain comment. The image would be the same (a comment changes nothing), so the gate would otherwise pass; with the golden image's report as the baseline, the ratchet failed it (exit ${run('scan-pr-13')?.code}): ${escapeText(run('scan-pr-13')?.errors.trim() ?? '')}. On its check run ([pr-13-annotations.json](pr-13-annotations.json)):`,
    '',
    '```',
    ...dropErrors,
    '```',
    '',
    ...s.page,
    '## Stages',
    '',
    '| stage | result | time | outputs |',
    '|---|---|---:|---|',
    ...s.runs.map(stageRow),
    '',
    '## Job summaries',
    '',
    ...['scan-pr-12', 'scan', 'promote', 'scan-pr-13'].flatMap((x) => [read(`summary-${x}.md`), '']),
    '## Files',
    '',
    "- `summary-<stage>.md`: each stage's job summary; `log-<stage>.txt`: its log",
    '- [pr-12-scan-report.html](pr-12-scan-report.html), [pr-12-annotations.json](pr-12-annotations.json), [pr-12-scan-report.json](pr-12-scan-report.json), [pr-12-scan.sarif](pr-12-scan.sarif): the pull request with the bug',
    '- [scan-report.html](scan-report.html), [scan-report.json](scan-report.json), [scan.sarif](scan.sarif), [annotations.txt](annotations.txt), [scan-results-arf.xml](scan-results-arf.xml): the merged image',
    '- [pr-13-annotations.json](pr-13-annotations.json), [pr-13-scan-report.json](pr-13-scan-report.json): the deleted marker',
    '- [rescan-report.html](rescan-report.html): the re-scan of the image in use, with the score trend',
    '- [cis-manifest-main.json](cis-manifest-main.json): the CIS changes the golden image carries',
    '- [suggested-hardening.sh](suggested-hardening.sh): verified remediations for controls no script implements, each under its `# CIS` marker (read them before you use them)',
    '',
    cleanup,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(OUT, 'index.md'), page);
}

main().catch((e) => {
  if (!process.exitCode) {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  }
});
