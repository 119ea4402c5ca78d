/**
 * action-bake: run Packer on a template that hardens a source image, stream its log readably,
 * output the AMI id per region, record which CIS changes the image carries (cis-manifest.json),
 * tag the AMIs with their provenance, and make sure a cancelled or timed-out build cleans up.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { imageTags, TAG } from '../../shared/src/aws/tags.js';
import { hasAwsCredentials, regionFromEnv, validateRegion } from '../../shared/src/aws/validate.js';
import { benchmarkLabel, sameBenchmark } from '../../shared/src/benchmark.js';
import {
  type ChangeMap,
  compareCisIds,
  declaredBenchmarks,
  loadChangeMap,
  refKey,
} from '../../shared/src/cis-map.js';
import { InputError } from '../../shared/src/errors.js';
import { exec, groupAlive, reapGroup } from '../../shared/src/exec.js';
import { runUrl } from '../../shared/src/github-env.js';
import { checkPath, Inputs } from '../../shared/src/inputs.js';
import type { Io } from '../../shared/src/io.js';
import { checkOutputFile, writeOutputFile } from '../../shared/src/outputs.js';
import { wildcardRegExp } from '../../shared/src/regexp.js';
import { parseVars } from '../../shared/src/vars.js';
import { insideRoot, repoPath, repoRoot } from '../../shared/src/workspace.js';
import { amisByBuild, type BuiltImage, bakeOutputs, isBuildOf, sourceAmiOfLine } from './builds.js';
import { parseSourceAmiInput, type SourceSpec, sourceSpecsOf, variableDefaults } from './fingerprint.js';
import { type Artifact, ArtifactCollector, parseMachineLine, stepOf } from './machine-readable.js';
import { initPlugins, type PackerBinary, resolvePacker } from './packer.js';
import { analyseFailure } from './packer-failure.js';
import {
  type BuildFingerprint,
  computeFingerprint,
  type Fingerprint,
  findUnchanged,
  type Reused,
} from './unchanged.js';

export const PACKER_PGID_KEY = 'packer-pgid';
export const PACKER_LOG_KEY = 'packer-log';
export const PACKER_INTERRUPTED_KEY = 'packer-interrupted';

/**
 * The post step (post-if: always()): when the main step was killed outright while Packer ran,
 * Packer is still running in its own process group (it writes to a log file, so it survived):
 * interrupt it so that it cancels the build and deletes what it created, and wait for that.
 */
export async function runBakePost(io: Io, waitMs = 10 * 60_000): Promise<void> {
  const pgid = Number(io.getState(PACKER_PGID_KEY));
  if (!(pgid > 1) || !groupAlive(pgid)) {
    io.info('Packer is not running: nothing to clean up.');
    return;
  }
  const log = io.getState(PACKER_LOG_KEY);
  if (io.getState(PACKER_INTERRUPTED_KEY) === 'true') {
    io.warning(
      `The main step ended while Packer (process group ${pgid}) was still cleaning up after the cancel: waiting for it to finish.`,
    );
  } else {
    io.warning(
      `The main step ended while Packer (process group ${pgid}) was still building: interrupting it so it cancels the build and cleans up (instance, key pair, security group).`,
    );
    try {
      process.kill(pgid, 'SIGINT');
    } catch {
      // gone meanwhile
    }
  }
  const deadline = Date.now() + waitMs;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  const tail = log && fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-40) : [];
  const ui = tail
    .map((l) => parseMachineLine(l))
    .filter((l) => l?.type === 'ui')
    .map((l) => l!.data[1] ?? '');
  for (const line of ui.slice(-15)) io.info(line);
  if (groupAlive(pgid)) {
    await reapGroup(pgid, 10_000);
    throw new Error(
      `Packer did not finish its cleanup within ${Math.round(waitMs / 60_000)} min and was killed: check for a leftover instance tagged by this build.`,
    );
  }
  io.info(
    `Packer stopped${ui.some((l) => /Cleanly cancelled|cancelled/i.test(l)) ? ' and cancelled the build cleanly' : ''}.`,
  );
}

export interface BakeConfig {
  workingDirectory: string;
  template: string;
  templateFiles: string[];
  kind: 'hcl' | 'json';
  varFiles: string[];
  vars: Array<{ key: string; value: string }>;
  only: string[];
  except: string[];
  packerVersion: string;
  hardeningScripts: string[];
  timeoutMs: number;
  cisManifestFile: string;
  awsRegion?: string;
  /** the template builds AMIs (an amazon-* builder): a build that yields none is a failure */
  expectsAmi: boolean;
  /** reuse the golden image of the same fingerprint instead of building */
  skipUnchanged: boolean;
  /** input source-ami: the base image, resolved before the build and passed as variable source_ami */
  sourceAmi?: SourceSpec;
}

/** Build names as -only/-except see them: HCL `type.name` of each source, JSON builder names. */
export function buildNames(kind: 'hcl' | 'json', files: string[]): string[] {
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  return sourceSpecsOf(kind, texts, new Map())
    .map((b) => b.build)
    .filter(Boolean);
}

function jsonError(file: string, text: string, e: Error): InputError {
  const pos = Number(/position (\d+)/.exec(e.message)?.[1]);
  let where = '';
  if (Number.isFinite(pos)) {
    const before = text.slice(0, pos).split('\n');
    where = ` at line ${before.length}, column ${before[before.length - 1].length + 1}`;
  }
  return new InputError(
    'template',
    `${file} is not valid JSON${where}: ${e.message}.`,
    'fix the template syntax (packer validate shows the same).',
  );
}

export function readConfig(io: Io): BakeConfig {
  const inp = new Inputs(io);
  const workingDirectory = inp.existingPath('working-directory', 'directory') ?? '.';
  const templateRaw = inp.required('template', 'packer/ubuntu.pkr.hcl');
  const template = path.resolve(workingDirectory, templateRaw);
  if (!fs.existsSync(template)) {
    throw new InputError(
      'template',
      `"${templateRaw}" does not exist (looked in ${path.resolve(workingDirectory)}).`,
      'give the .pkr.hcl/.json file or the directory of .pkr.hcl files, relative to working-directory.',
    );
  }
  // the template is the repository's, like every file a stage reads (a link out of it included)
  repoPath(repoRoot(io.env), template, 'template');
  repoPath(repoRoot(io.env), workingDirectory, 'working-directory');
  let templateFiles: string[];
  let kind: 'hcl' | 'json';
  if (fs.statSync(template).isDirectory()) {
    templateFiles = fs
      .readdirSync(template)
      .filter((f) => f.endsWith('.pkr.hcl'))
      .map((f) => path.join(template, f));
    if (!templateFiles.length)
      throw new InputError(
        'template',
        `directory "${templateRaw}" has no *.pkr.hcl files.`,
        'point it at an HCL2 template directory or file.',
      );
    kind = 'hcl';
  } else {
    templateFiles = [template];
    kind = template.endsWith('.json') ? 'json' : 'hcl';
  }
  if (kind === 'json') {
    const text = fs.readFileSync(template, 'utf8');
    try {
      JSON.parse(text);
    } catch (e) {
      throw jsonError(templateRaw, text, e as Error);
    }
  }
  const varFiles = inp
    .list('var-files')
    .map((f) => checkPath('var-files', path.resolve(workingDirectory, f), 'file'));
  const timeoutMin = inp.number('timeout', 0.05, 24 * 60) ?? 120;
  const cisManifestFile = inp.string('cis-manifest-file') || 'cis-manifest.json';
  checkOutputFile('cis-manifest-file', cisManifestFile, repoRoot(io.env));
  const only = inp.list('only');
  const except = inp.list('except');
  const names = buildNames(kind, templateFiles);
  for (const [input, list] of [
    ['only', only],
    ['except', except],
  ] as const) {
    for (const pattern of list) {
      // build names are HCL labels (type.name) or JSON builder names, with * wildcards
      if (!/^[\w.*-]{1,200}$/.test(pattern))
        throw new InputError(
          input,
          `"${pattern}" is not a build name pattern (letters, digits, _ . - and *, at most 200).`,
          'use a build name from the template, e.g. amazon-ebs.ubuntu (wildcards: *).',
        );
      const re = wildcardRegExp(pattern);
      if (names.length && !names.some((n) => re.test(n)))
        throw new InputError(
          input,
          `"${pattern}" matches no build of the template (it has ${names.join(', ')}).`,
          'use a build name from the template, e.g. amazon-ebs.ubuntu (wildcards: *).',
        );
    }
  }
  const awsRegion = inp.string('aws-region')
    ? validateRegion('aws-region', inp.string('aws-region'))
    : undefined;
  const sourceAmiRaw = inp.string('source-ami');
  const sourceAmi = parseSourceAmiInput(sourceAmiRaw);
  if (sourceAmiRaw && !sourceAmi)
    throw new InputError(
      'source-ami',
      `"${sourceAmiRaw}" is not an AMI id or an SSM parameter.`,
      'give ami-0123456789abcdef0, or ssm:/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id.',
    );
  if (sourceAmi && !declaresVariable(kind, templateFiles, 'source_ami'))
    throw new InputError(
      'source-ami',
      'the template declares no variable "source_ami" to take the resolved base image.',
      'add variable "source_ami" and use it as the builder\'s source_ami, or leave source-ami empty.',
    );
  return {
    workingDirectory,
    template,
    templateFiles,
    kind,
    varFiles,
    vars: parseVars(inp.string('vars')),
    only,
    except,
    packerVersion: inp.string('packer-version'),
    hardeningScripts: inp.list('hardening-scripts'),
    timeoutMs: timeoutMin * 60_000,
    cisManifestFile,
    awsRegion,
    expectsAmi: names.some((n) => /^amazon-(ebs|chroot|ebssurrogate|ebsvolume|instance)\b/.test(n)),
    skipUnchanged: inp.boolean('skip-unchanged'),
    sourceAmi,
  };
}

/** Whether the template declares a variable (HCL `variable "x"`, JSON `variables.x`). */
function declaresVariable(kind: 'hcl' | 'json', files: string[], name: string): boolean {
  return files.some((f) => {
    const text = fs.readFileSync(f, 'utf8');
    return kind === 'json'
      ? Object.hasOwn(JSON.parse(text).variables ?? {}, name)
      : new RegExp(`^\\s*variable\\s+"${name}"`, 'm').test(text);
  });
}

function commonArgs(cfg: BakeConfig): string[] {
  const args: string[] = [];
  for (const f of cfg.varFiles) args.push(`-var-file=${f}`);
  for (const v of cfg.vars) args.push('-var', `${v.key}=${v.value}`);
  if (cfg.only.length) args.push(`-only=${cfg.only.join(',')}`);
  if (cfg.except.length) args.push(`-except=${cfg.except.join(',')}`);
  return args;
}

/** A path as the reviewer sees it: relative to the repository root (absolute when outside it). */
const rel = (p: string) => insideRoot(repoRoot(), path.resolve(p)) ?? path.resolve(p);

/** `packer validate`: a template Packer rejects is bad input (exit 2), annotated where Packer says. */
async function validate(io: Io, packer: PackerBinary, cfg: BakeConfig): Promise<void> {
  const r = await exec(packer.path, ['validate', ...commonArgs(cfg), cfg.template], {
    cwd: cfg.workingDirectory,
    timeoutMs: 120_000,
  });
  if (r.code === 0) {
    io.info(`packer validate: ${rel(cfg.template)} is valid`);
    return;
  }
  const text = `${r.stdout}\n${r.stderr}`.trim();
  const at = /on (\S+\.pkr\.hcl) line (\d+)/.exec(text) ?? /At line (\d+), column/.exec(text);
  if (at) {
    const file = at.length === 3 ? path.resolve(cfg.workingDirectory, at[1]) : cfg.template;
    const line = Number(at.length === 3 ? at[2] : at[1]);
    io.annotate({
      level: 'error',
      file: rel(file),
      line,
      title: 'Packer template is invalid',
      message: text.slice(0, 4000),
    });
  }
  throw new InputError(
    'template',
    `packer validate rejected ${rel(cfg.template)}:\n${text.split('\n').slice(0, 20).join('\n')}\n`,
    'fix the template, variables or var-files as Packer says.',
  );
}

/** Variable values for simple interpolation: template defaults, overridden by the vars input. */
function variableValues(cfg: Pick<BakeConfig, 'kind' | 'templateFiles' | 'vars'>): Map<string, string> {
  return variableDefaults(
    cfg.kind,
    cfg.templateFiles.map((f) => fs.readFileSync(f, 'utf8')),
    cfg.vars,
  );
}

/** Where the manifest post-processor writes, if the template has one (`${var.x}` / {{user `x`}} resolved). */
export function manifestOutput(
  cfg: Pick<BakeConfig, 'kind' | 'templateFiles' | 'workingDirectory' | 'vars'>,
): string | undefined {
  const values = variableValues(cfg);
  const resolve = (p: string) =>
    p
      .replace(/\$\{var\.([\w-]+)\}/g, (_, n) => values.get(n) ?? '')
      .replace(/\{\{\s*user\s+`([\w-]+)`\s*\}\}/g, (_, n) => values.get(n) ?? '');
  if (cfg.kind === 'json') {
    const doc = JSON.parse(fs.readFileSync(cfg.templateFiles[0], 'utf8'));
    const pps = (doc['post-processors'] ?? []).flat(2) as Array<{ type?: string; output?: string }>;
    const m = pps.find((p) => p && typeof p === 'object' && p.type === 'manifest');
    return m ? path.resolve(cfg.workingDirectory, resolve(m.output ?? 'packer-manifest.json')) : undefined;
  }
  for (const f of cfg.templateFiles) {
    const text = fs.readFileSync(f, 'utf8');
    const block = /post-processor\s+"manifest"\s*\{([\s\S]*?)\n\s*\}/.exec(text);
    if (block) {
      // output = "path/${var.x}" or a bare output = var.x
      const out =
        /^\s*output\s*=\s*"([^"]+)"/m.exec(block[1])?.[1] ??
        /^\s*output\s*=\s*var\.([\w-]+)\s*$/m.exec(block[1])?.[1]?.replace(/^.*$/, (n) => `\${var.${n}}`);
      return path.resolve(cfg.workingDirectory, resolve(out ?? 'packer-manifest.json'));
    }
  }
  return undefined;
}

interface BuildRun {
  code: number | null;
  aborted: boolean;
  timedOut: boolean;
  reaped?: boolean;
  artifacts: Artifact[];
  ui: Array<{ kind: string; text: string }>;
  /** build → the base AMI it found */
  sourceAmis: Map<string, string>;
  seconds: number;
}

async function build(io: Io, packer: PackerBinary, cfg: BakeConfig, signal?: AbortSignal): Promise<BuildRun> {
  const args = [
    'build',
    '-machine-readable',
    '-color=false',
    '-on-error=cleanup',
    ...commonArgs(cfg),
    cfg.template,
  ];
  io.info(`$ ${packer.path} ${args.join(' ')}`);
  const collector = new ArtifactCollector();
  const ui: Array<{ kind: string; text: string }> = [];
  const sourceAmis = new Map<string, string>();
  let inGroup = false;
  const group = (name: string) => {
    if (inGroup) io.endGroup();
    io.startGroup(name);
    inGroup = true;
  };
  group('packer build');
  const t0 = Date.now();
  const onLine = (raw: string) => {
    const l = parseMachineLine(raw);
    if (!l) {
      if (raw.trim()) io.info(raw);
      return;
    }
    if (l.type === 'artifact') collector.add(l);
    if (l.type !== 'ui') return;
    const [kind, text = ''] = l.data;
    ui.push({ kind, text });
    if (ui.length > 5000) ui.splice(0, ui.length - 5000);
    const found = sourceAmiOfLine(text);
    if (found && !sourceAmis.has(found.build)) sourceAmis.set(found.build, found.ami);
    const step = kind === 'say' ? stepOf(text) : undefined;
    // A step's first line is its group's title: it is not printed again inside the group.
    if (step) group(`${step.build}: ${step.step}`);
    const lines = text.replace(/^\n+/, '').split('\n');
    for (const line of step ? lines.slice(1) : lines) io.info(line);
  };
  // Packer writes to a log file, not a pipe: if this step is killed outright, Packer is not killed
  // with it (by a broken pipe) halfway through; the post step lets it finish its cleanup.
  const logFile = path.join(
    io.env.RUNNER_TEMP || os.tmpdir(),
    `ami-bakery-packer-${process.pid}-${Date.now()}.log`,
  );
  io.saveState(PACKER_LOG_KEY, logFile);
  // Packer is interrupted once (a second interrupt can make it quit without cleaning up).
  signal?.addEventListener('abort', () => io.saveState(PACKER_INTERRUPTED_KEY, 'true'), { once: true });
  const r = await exec(packer.path, args, {
    cwd: cfg.workingDirectory,
    logFile,
    onSpawn: (pid) => io.saveState(PACKER_PGID_KEY, String(pid)),
    env: { ...process.env, PACKER_NO_COLOR: '1', CHECKPOINT_DISABLE: '1' },
    onStdoutLine: onLine,
    onStderrLine: onLine,
    timeoutMs: cfg.timeoutMs,
    signal,
    processGroup: true,
    killGraceMs: 5 * 60_000,
    maxBuffer: 256 * 1024,
  });
  if (inGroup) io.endGroup();
  io.saveState(PACKER_PGID_KEY, '');
  fs.rmSync(logFile, { force: true });
  return {
    code: r.code,
    aborted: r.aborted,
    timedOut: r.timedOut,
    reaped: r.reaped,
    artifacts: collector.artifacts,
    ui,
    sourceAmis,
    seconds: Math.round((Date.now() - t0) / 1000),
  };
}

function gitCommit(env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_SHA) return env.GITHUB_SHA;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

export function provenanceTags(
  env: NodeJS.ProcessEnv,
  template: string,
  map: ChangeMap,
  sourceAmi?: string,
): Record<string, string> {
  return {
    [TAG.commit]: gitCommit(env),
    [TAG.runUrl]: (runUrl(env) ?? 'local').slice(0, 256),
    [TAG.template]: template.slice(0, 256),
    [TAG.cisChanges]: String(map.changes.length),
    [TAG.hardeningSha]: map.sha256,
    ...(sourceAmi ? { [TAG.sourceAmi]: sourceAmi } : {}),
  };
}

/**
 * Tag each build's AMIs in their own regions, reading the architecture EC2 gives the image first
 * (it goes in the tags and the outputs).
 */
export async function tagBuilds(
  io: Io,
  images: BuiltImage[],
  tagsOf: (image: BuiltImage) => Record<string, string>,
): Promise<void> {
  const { describeImage, ec2Client, tagImages } = await import('../../shared/src/aws/ec2.js');
  for (const image of images)
    for (const [region, ami] of Object.entries(image.amis)) {
      const client = ec2Client(region);
      try {
        image.architecture ??= (await describeImage(client, ami))?.Architecture;
        await tagImages(client, [ami], tagsOf(image));
        io.info(
          `tagged ${ami} in ${region}${image.build ? ` (${image.build}${image.architecture ? `, ${image.architecture}` : ''})` : ''}`,
        );
      } finally {
        client.destroy();
      }
    }
}

export function writeCisManifest(file: string, template: string, map: ChangeMap): void {
  const cis = map.changes.filter((c) => !c.scheme);
  const idsOf = (cs: typeof cis) => [...new Set(cs.map((c) => c.cisId))].sort(compareCisIds);
  // CIS ids that declare no benchmark (the scan reads them in its content's numbering), and per
  // declared benchmark its own: numbers of two benchmark versions are never listed as one.
  const controls = idsOf(cis.filter((c) => !c.benchmark));
  const byBenchmark: Record<string, string[]> = {};
  for (const b of declaredBenchmarks(map))
    byBenchmark[benchmarkLabel(b)] = idsOf(cis.filter((c) => c.benchmark && sameBenchmark(c.benchmark, b)));
  const otherControls = [
    ...new Set(map.changes.filter((c) => c.scheme).map((c) => refKey(c.scheme!, c.cisId))),
  ].sort();
  const doc = {
    schema: 'ami-bakery/cis-manifest@1',
    generatedAt: new Date().toISOString(),
    template,
    hardeningSha256: map.sha256,
    files: map.files,
    controls,
    ...(Object.keys(byBenchmark).length ? { benchmarks: byBenchmark } : {}),
    ...(otherControls.length ? { otherControls } : {}),
    changes: map.changes,
  };
  writeOutputFile(file, `${JSON.stringify(doc, null, 2)}\n`);
}

export async function runBake(io: Io, signal?: AbortSignal): Promise<void> {
  const cfg = readConfig(io);
  const map = await loadChangeMap(cfg.hardeningScripts, { root: repoRoot(io.env), cwd: process.cwd() });
  io.info(
    `CIS change map: ${map.changes.length} change(s) for ${map.byId.size} control(s) in ${map.files.length} file(s)`,
  );
  const packer = await resolvePacker(io, cfg.packerVersion);
  // before validate: input source-ami becomes the variable source_ami
  const fp = await computeFingerprint(io, cfg, map, packer.version);
  const env = { ...process.env };
  if (cfg.kind === 'hcl')
    await initPlugins(io, packer, cfg.template, cfg.templateFiles, cfg.workingDirectory, env);
  await validate(io, packer, cfg);
  const manifest = manifestOutput(cfg);
  if (manifest) checkOutputFile('template', manifest, repoRoot(io.env));
  let changes: string[] = [];
  let reused: Reused[] = [];
  if (cfg.skipUnchanged && fp) {
    const u = await io.group('Unchanged since the last golden image?', () =>
      findUnchanged(io, rel(cfg.template), fp),
    );
    reused = u.reused;
    if (reused.length === fp.builds.length) return reportSkipped(io, cfg, map, fp, reused);
    // some builds are unchanged: Packer builds only the others
    if (reused.length) {
      cfg.only = fp.builds.filter((b) => !reused.some((r) => r.build === b.build)).map((b) => b.build);
      for (const r of reused) io.info(`Not baking ${r.build}: ${r.reason}.`);
    }
    changes = u.changes;
    io.info(`Baking${reused.length ? ` ${cfg.only.join(', ')}` : ''}: ${changes.join('; ')}`);
  }
  const started = Date.now();

  const run = await build(io, packer, cfg, signal);
  if (run.reaped) io.warning('Packer left processes running in its process group; they were terminated.');
  if (run.aborted || run.timedOut) {
    const why = run.timedOut
      ? `did not finish within timeout (${cfg.timeoutMs / 60_000} min)`
      : 'was cancelled';
    const cleaned = run.ui.some((l) => /Cleanly cancelled builds|Cancelling build/.test(l.text));
    throw new Error(
      `packer build ${why}; Packer ${cleaned ? 'cancelled the build and ran its cleanup' : `exited with ${run.code}`} before this step exited.`,
    );
  }
  if (run.code !== 0) {
    const f = analyseFailure(run.ui, map, (script) => {
      const abs = path.resolve(cfg.workingDirectory, script);
      return fs.existsSync(abs) && !abs.startsWith('/tmp/packer-') ? rel(abs) : undefined;
    });
    const where = f.script ? `${f.script}${f.line ? `:${f.line}` : ''}` : rel(cfg.template);
    const cis = f.cis ? ` (CIS ${f.cis.cisId}, the change at line ${f.cis.line})` : '';
    io.annotate({
      level: 'error',
      file: f.script && !f.script.startsWith('/') ? f.script : rel(cfg.template),
      line: f.line ?? 1,
      title: `Packer build failed in ${where}${cis}`,
      message: f.lastErrors.length ? f.lastErrors.join('\n') : `packer build exited with ${run.code}`,
    });
    throw new Error(
      `packer build failed (exit ${run.code}) in ${where}${cis}: ${f.lastErrors.slice(-1)[0] ?? ''}`,
    );
  }

  const manifestFile =
    manifest && fs.existsSync(manifest) && fs.statSync(manifest).mtimeMs >= started - 1000
      ? rel(manifest)
      : '';
  writeCisManifest(cfg.cisManifestFile, rel(cfg.template), map);
  const built = await settleImages(io, cfg, map, packer.version, run, fp);
  const images = [...built, ...reused.map((r) => reusedImage(r, fp!))];
  const out = writeImageOutputs(io, images, regionFromEnv(cfg.awsRegion, io.env));
  io.setOutput('artifact-ids', JSON.stringify(run.artifacts.map((a) => a.id ?? '')));
  io.setOutput('manifest-file', manifestFile);
  io.setOutput('build-time', run.seconds);
  io.setOutput('cis-manifest', cfg.cisManifestFile);
  io.setOutput('cis-changes', map.changes.length);
  io.setOutput('packer-version', packer.version);
  io.setOutput('skipped', 'false');
  io.setOutput('fingerprint', fp?.value ?? '');
  io.setOutput('changes', changes.join('\n'));
  const several = images.length > 1;
  await io.appendSummary(
    [
      '## ami-bakery bake',
      '',
      `Template \`${rel(cfg.template)}\` built in ${run.seconds} s with packer ${packer.version}.`,
      '',
      images.some((i) => Object.keys(i.amis).length)
        ? [
            `| ${several ? 'build | architecture | ' : ''}region | AMI |`,
            `|${several ? '---|---|' : ''}---|---|`,
            ...images.flatMap((i) =>
              Object.entries(i.amis).map(
                ([r, ami]) =>
                  `| ${several ? `${i.build} | ${i.architecture ?? '?'} | ` : ''}${r} | \`${ami}\`${i.reused ? ' (unchanged, reused)' : ''} |`,
              ),
            ),
          ].join('\n')
        : `Artifacts: ${run.artifacts.map((a) => `\`${a.id}\``).join(', ') || 'none'}`,
      '',
      ...out.problems.map((p) => `⚠️ ${p}`),
      `CIS changes carried: ${map.changes.length} for ${map.byId.size} control(s) (${cfg.cisManifestFile}).`,
      '',
      ...(changes.length ? ['Baked because:', '', ...changes.map((c) => `- ${c}`), ''] : []),
    ].join('\n'),
  );
}

/**
 * The run's images per build: their AMIs (Packer's artifacts), base AMI (its log), architecture
 * (EC2) and tags. A run that built no AMI though the template has an amazon builder failed.
 */
async function settleImages(
  io: Io,
  cfg: BakeConfig,
  map: ChangeMap,
  packerVersion: string,
  run: BuildRun,
  fp: Fingerprint | undefined,
): Promise<BuiltImage[]> {
  const byBuild = amisByBuild(run.artifacts);
  if (!run.artifacts.length)
    throw new Error(
      `packer build finished but built nothing (no artifact)${cfg.only.length ? ` with only: ${cfg.only.join(', ')}` : ''}: check the build filters and the template.`,
    );
  if (cfg.expectsAmi && !byBuild.size)
    throw new Error(
      `packer build finished with no AMI, though the template has an amazon builder (artifacts: ${run.artifacts.map((a) => a.id ?? '?').join(', ')}).`,
    );
  const one = fp?.builds.length === 1 ? fp.builds[0] : undefined;
  const images: BuiltImage[] = [...byBuild].map(([build, amis]) => {
    const f = fp?.builds.find((b) => isBuildOf(build, b.build)) ?? one;
    const sourceAmi =
      run.sourceAmis.get(build) ?? (run.sourceAmis.size === 1 ? [...run.sourceAmis.values()][0] : undefined);
    if (f?.sourceAmi && sourceAmi && f.sourceAmi !== sourceAmi)
      io.warning(
        `Packer started ${build} from ${sourceAmi}, not ${f.sourceAmi} the fingerprint resolved (a newer base image appeared meanwhile?): the AMI is not tagged with a fingerprint, so skip-unchanged will not reuse it.`,
      );
    const tags = inputTags(packerVersion, sourceAmi, f);
    return { build, amis, sourceAmi, fingerprint: tags[TAG.fingerprint] };
  });
  if (!byBuild.size) return images;
  if (!hasAwsCredentials(io.env)) {
    io.info('No AWS credentials in the environment: AMIs were not tagged with their provenance.');
    return images;
  }
  const count = images.reduce((n, i) => n + Object.keys(i.amis).length, 0);
  await io.group(`Tagging ${count} AMI(s)`, () =>
    tagBuilds(io, images, (i) => ({
      ...provenanceTags(io.env, rel(cfg.template), map, i.sourceAmi),
      ...inputTags(packerVersion, i.sourceAmi, fp?.builds.find((b) => isBuildOf(i.build, b.build)) ?? one),
      ...(i.build ? { [TAG.build]: i.build.slice(0, 256) } : {}),
      ...(i.architecture ? { [TAG.arch]: i.architecture } : {}),
    })),
  );
  return images;
}

/** A build skip-unchanged reused: its golden image, in the region it was looked for in. */
function reusedImage(r: Reused, fp: Fingerprint): BuiltImage {
  return {
    build: r.build,
    amis: { [fp.region!]: r.image.ImageId ?? '' },
    architecture: r.image.Architecture,
    sourceAmi: imageTags(r.image)[TAG.baseAmi],
    fingerprint: fp.builds.find((b) => b.build === r.build)?.value,
    reused: true,
  };
}

/** Outputs ami-id, amis, builds, architectures and ami-id-<arch>; what they cannot say is warned. */
function writeImageOutputs(io: Io, images: readonly BuiltImage[], buildRegion?: string) {
  const out = bakeOutputs(images, buildRegion);
  io.setOutput('ami-id', out.amiId);
  io.setOutput('amis', JSON.stringify(out.amis ?? {}));
  io.setOutput('builds', JSON.stringify(out.builds));
  io.setOutput('architectures', JSON.stringify(out.architectures));
  io.setOutput('ami-ids', JSON.stringify(out.byArch));
  for (const [arch, ami] of Object.entries(out.byArch)) io.setOutput(`ami-id-${arch}`, ami);
  for (const p of out.problems) io.warning(p);
  return out;
}

/** What the image was made from: Packer's version, the base image, the fingerprint (when it holds). */
export function inputTags(
  packerVersion: string,
  started: string | undefined,
  fp: Pick<BuildFingerprint, 'value' | 'sourceAmi'> | undefined,
): Record<string, string> {
  const base = started || fp?.sourceAmi;
  return {
    [TAG.packerVersion]: packerVersion,
    ...(base ? { [TAG.baseAmi]: base } : {}),
    // the fingerprint holds only if Packer started from the AMI it was computed with
    ...(fp && (!fp.sourceAmi || !started || fp.sourceAmi === started) ? { [TAG.fingerprint]: fp.value } : {}),
  };
}

/** skip-unchanged found the golden image of every build's fingerprint: no Packer, they are the output. */
async function reportSkipped(
  io: Io,
  cfg: BakeConfig,
  map: ChangeMap,
  fp: Fingerprint,
  reused: Reused[],
): Promise<void> {
  const reason = reused.map((r) => r.reason).join('; ');
  io.info(`Not baking: ${reason}.`);
  writeCisManifest(cfg.cisManifestFile, rel(cfg.template), map);
  const out = writeImageOutputs(
    io,
    reused.map((r) => reusedImage(r, fp)),
    fp.region,
  );
  io.setOutput('artifact-ids', '[]');
  io.setOutput('manifest-file', '');
  io.setOutput('build-time', 0);
  io.setOutput('cis-manifest', cfg.cisManifestFile);
  io.setOutput('cis-changes', map.changes.length);
  io.setOutput('skipped', 'true');
  io.setOutput('skip-reason', reason);
  io.setOutput('fingerprint', fp.value);
  io.setOutput('changes', '');
  await io.appendSummary(
    [
      '## ami-bakery bake: skipped, nothing changed',
      '',
      `Packer did not run: ${reason}.`,
      '',
      `Output \`ami-id\` is that golden image, \`${out.amiId}\` in ${fp.region}; \`skipped\` is true.`,
      '',
    ].join('\n'),
  );
}
