import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';
import { parseFileCommands } from './support/file-commands.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
/** The local test environment (an HTTP server on 127.0.0.1 stands for the instance): the demo's module. */
export const LOCAL_TF_MODULE = path.join(ROOT, 'examples', 'ubuntu-22.04-cis', 'local', 'terraform');
export const ARF_FIXTURE = path.join(FIXTURES, 'oscap', 'ubuntu2204-cis-l1-arf.xml.gz');
export const TESTRESULT_FIXTURE = path.join(FIXTURES, 'oscap', 'ubuntu2204-cis-l1-testresult.xml');
export const UBUNTU2204_DS = '/usr/share/xml/scap/ssg/content/ssg-ubuntu2204-ds.xml';

export function tmpDir(prefix = 'ami-bakery-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

/** The `name=value` lines the CLI prints at the end (its outputs). */
export function parseCliOutputs(stdout: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^([a-z][a-z0-9_-]*)=(.*)$/.exec(line);
    if (m) outputs[m[1]] = m[2];
  }
  return outputs;
}

export interface CliProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved */
  log(): string;
  result: Promise<CliResult>;
}

/** tsx's loader by URL: `--import tsx` would resolve from the child's cwd, often a temp dir. */
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/**
 * Start the real CLI in a child process, e.g. to signal it mid-run. It runs from its sources
 * (cli/src/main.ts through tsx), so the suite tests the code as edited; test/cli-bundle.test.ts runs
 * the committed bundle behind bin/ami-bakery.mjs, which users run.
 */
export function startCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  for (const k of Object.keys(env)) {
    // keep the child out of any surrounding GitHub Actions context unless a test sets it
    if (/^(GITHUB_|RUNNER_|ACTIONS_)/.test(k) && !(opts.env && k in opts.env)) delete env[k];
  }
  const child = spawn(
    process.execPath,
    ['--import', TSX_LOADER, path.join(ROOT, 'cli', 'src', 'main.ts'), ...args],
    {
      cwd: opts.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  let log = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
    log += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
    log += d;
  });
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, outputs: parseCliOutputs(stdout) }));
  });
  return { child, log: () => log, result };
}

/** Run the real CLI (from its sources, see startCli) in a child process. */
export function runCli(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return startCli(args, opts).result;
}

/** The base root filesystem built by test/setup/make-rootfs.sh (.ci/run builds it). */
export function baseRootfs(): string {
  const dir = process.env.AMI_BAKERY_TEST_ROOTFS ?? '/var/tmp/ami-bakery/rootfs';
  if (!fs.existsSync(path.join(dir, '.ami-bakery-rootfs'))) {
    throw new Error(
      `No test root filesystem at ${dir}: run test/setup/make-rootfs.sh ${dir} (as root) first.`,
    );
  }
  return dir;
}

export function unzipToString(file: string): string {
  return zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
}

export interface BundleResult {
  code: number | null;
  stdout: string;
  outputs: string;
  summary: string;
  /** What the step saved with core.saveState (GITHUB_STATE), as the runner hands it to the post step. */
  state: Record<string, string>;
}

/** Run an action's committed dist/index.js the way the runner does: INPUT_* variables, GITHUB_OUTPUT/STEP_SUMMARY files. */
export function runActionBundle(
  action: string,
  inputs: Record<string, string>,
  extraEnv: Record<string, string> = {},
  opts: { cwd?: string } = {},
): Promise<BundleResult> {
  return startActionBundle(action, inputs, extraEnv, opts).result;
}

/** The same, started: the child is there to signal (the runner's cancel sequence), `log()` is its output so far. */
export function startActionBundle(
  action: string,
  inputs: Record<string, string>,
  extraEnv: Record<string, string> = {},
  opts: { cwd?: string } = {},
): { child: ChildProcess; log: () => string; result: Promise<BundleResult> } {
  const dir = tmpDir();
  const files = {
    out: path.join(dir, 'output'),
    summary: path.join(dir, 'summary.md'),
    state: path.join(dir, 'state'),
  };
  fs.writeFileSync(files.out, '');
  fs.writeFileSync(files.summary, '');
  fs.writeFileSync(files.state, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_OUTPUT: files.out,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
    ...extraEnv,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const child = spawn(process.execPath, [path.join(ROOT, action, 'dist/index.js')], {
    cwd: opts.cwd ?? ROOT,
    env,
  });
  let stdout = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stdout += d;
  });
  const result = new Promise<BundleResult>((resolve) => {
    child.on('close', (code) => {
      const state = parseFileCommands(fs.readFileSync(files.state, 'utf8'));
      resolve({
        code,
        stdout,
        outputs: fs.readFileSync(files.out, 'utf8'),
        summary: fs.readFileSync(files.summary, 'utf8'),
        state,
      });
    });
  });
  return { child, log: () => stdout, result };
}

/** What the runner hands the post step: the main step's saved state as STATE_* variables. */
export function postStepEnv(state: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
}

/** The value of one output in a GITHUB_OUTPUT file. */
export function outputValue(file: string, name: string): string | undefined {
  const m = new RegExp(`^${name}<<(\\S+)\\n([\\s\\S]*?)\\n\\1$`, 'm').exec(file);
  return m?.[2];
}

/** Whether something listens on 127.0.0.1:port (the local test environment's "instance"). */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * A private copy of the local test environment (terraform writes .terraform and state next to it),
 * with the extra resources of a fixture overlay (test/fixtures/terraform/<overlay>) added.
 */
export function tfModule(overlay?: 'slow' | 'apply-fails' | 'secrets'): { dir: string; work: string } {
  const dir = tmpDir('ami-bakery-tf-');
  fs.cpSync(LOCAL_TF_MODULE, dir, { recursive: true });
  if (overlay) fs.cpSync(path.join(FIXTURES, 'terraform', overlay), dir, { recursive: true });
  return { dir, work: tmpDir('ami-bakery-work-') };
}

/** Resources left in a module's local state. */
export function stateResources(dir: string): number {
  const f = path.join(dir, 'terraform.tfstate');
  return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')).resources ?? []).length : 0;
}
