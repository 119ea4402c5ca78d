/**
 * Bake only when something changed: the fingerprint of this bake's inputs, and (skip-unchanged) the
 * golden image of the template that has the same one. When there is none, what changed since the
 * newest golden image: its base AMI, its Packer version, the files (git diff against its commit).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Image } from '@aws-sdk/client-ec2';
import { imageTags, TAG } from '../../shared/src/aws/tags.js';
import { hasAwsCredentials, regionFromEnv } from '../../shared/src/aws/validate.js';
import type { ChangeMap } from '../../shared/src/cis-map.js';
import { InputError } from '../../shared/src/errors.js';
import { exec } from '../../shared/src/exec.js';
import type { Io } from '../../shared/src/io.js';
import { insideRoot, repoRoot } from '../../shared/src/workspace.js';
import { selectBuilds } from './builds.js';
import {
  fingerprintOf,
  provisionerPaths,
  type SourceSpec,
  sha256,
  sourceSpecsOf,
  variableDefaults,
  whatChanged,
} from './fingerprint.js';

/** What of the bake's configuration the fingerprint reads (bake.ts's BakeConfig has it). */
export interface FingerprintConfig {
  template: string;
  templateFiles: string[];
  kind: 'hcl' | 'json';
  workingDirectory: string;
  varFiles: string[];
  /** input source-ami's resolved id is added here as variable source_ami */
  vars: Array<{ key: string; value: string }>;
  only: string[];
  except: string[];
  awsRegion?: string;
  skipUnchanged: boolean;
  sourceAmi?: SourceSpec;
}

/** One build's fingerprint: a template with an x86_64 and an arm64 source has one per build. */
export interface BuildFingerprint {
  build: string;
  value: string;
  sourceAmi: string;
  spec?: SourceSpec;
}

export interface Fingerprint {
  /** the one build's fingerprint; with several builds, a hash of theirs (output fingerprint) */
  value: string;
  packerVersion: string;
  /** per build, in template order (at least one: a template of no named source has build "") */
  builds: BuildFingerprint[];
  /** repository path → sha256 */
  files: Map<string, string>;
  region?: string;
}

/** Files of a path: itself, or every file under a directory. */
function filesUnder(p: string): string[] {
  if (!fs.existsSync(p)) return [];
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs
    .readdirSync(p, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(p, f))
    .filter((f) => fs.statSync(f).isFile());
}

/** Every file the build reads, by repository path (absolute outside it), with its sha256. */
function hashInputs(cfg: FingerprintConfig, map: ChangeMap, root: string): Map<string, string> {
  const texts = cfg.templateFiles.map((f) => fs.readFileSync(f, 'utf8'));
  const provisioners = provisionerPaths(texts, path.dirname(cfg.template)).map((p) =>
    path.resolve(cfg.workingDirectory, p),
  );
  const all = [
    ...cfg.templateFiles,
    ...cfg.varFiles,
    ...map.files.map((f) => path.join(root, f)),
    ...provisioners.flatMap(filesUnder),
  ];
  const out = new Map<string, string>();
  for (const f of all) {
    const abs = path.resolve(f);
    out.set(insideRoot(root, abs) ?? abs, sha256(fs.readFileSync(abs)));
  }
  return out;
}

/**
 * The fingerprint, with the source AMI resolved through the SDK (and, from input source-ami, handed
 * to Packer as variable source_ami). Undefined when the base image cannot be resolved (no AWS
 * credentials) and skip-unchanged does not need it.
 */
export async function computeFingerprint(
  io: Io,
  cfg: FingerprintConfig,
  map: ChangeMap,
  packerVersion: string,
): Promise<Fingerprint | undefined> {
  const root = repoRoot(io.env);
  const texts = cfg.templateFiles.map((f) => fs.readFileSync(f, 'utf8'));
  const vars = variableDefaults(cfg.kind, texts, cfg.vars);
  const all = sourceSpecsOf(cfg.kind, texts, vars);
  const chosen = selectBuilds(
    all.map((b) => b.build),
    cfg.only,
    cfg.except,
  );
  const picked: Array<{ build: string; spec?: SourceSpec }> = all.filter((b) => chosen.includes(b.build));
  const builds = (picked.length ? picked : [{ build: '', spec: all[0]?.spec }]).map((b) => ({
    build: b.build,
    spec: cfg.sourceAmi ?? b.spec,
  }));
  const region = regionFromEnv(cfg.awsRegion, io.env);
  if (cfg.skipUnchanged && (!hasAwsCredentials(io.env) || !region))
    throw new InputError(
      'skip-unchanged',
      `looking for a golden image with the same fingerprint needs AWS credentials and a region (${region ? 'no credentials' : 'no aws-region'}).`,
      'run aws-actions/configure-aws-credentials first and set aws-region, or set skip-unchanged: false.',
    );
  const withSpec = builds.filter((b) => b.spec);
  if (withSpec.length && (!hasAwsCredentials(io.env) || !region)) {
    if (cfg.skipUnchanged || cfg.sourceAmi)
      throw new InputError(
        cfg.sourceAmi ? 'source-ami' : 'skip-unchanged',
        `resolving the source AMI (${withSpec[0].spec!.from}) needs AWS credentials and a region (${region ? 'no credentials' : 'no aws-region'}).`,
        'run aws-actions/configure-aws-credentials first and set aws-region.',
      );
    io.info('Fingerprint not computed: no AWS credentials to resolve the source AMI with.');
    return undefined;
  }
  const resolved = new Map<string, string>();
  if (withSpec.length) {
    const { ec2Client, ssmClient } = await import('../../shared/src/aws/ec2.js');
    const { resolveSourceAmi } = await import('./fingerprint-aws.js');
    const ec2 = ec2Client(region!);
    const ssm = ssmClient(region!);
    for (const b of withSpec) {
      const key = JSON.stringify(b.spec);
      if (!resolved.has(key)) resolved.set(key, await resolveSourceAmi(ec2, ssm, b.spec!));
      const spec = b.spec!;
      io.info(
        `Source AMI${builds.length > 1 ? ` of ${b.build}` : ''}: ${resolved.get(key)} (${spec.kind === 'ssm' ? `SSM ${spec.name}` : spec.kind === 'filter' ? 'newest match of source_ami_filter' : spec.from})`,
      );
    }
    if (cfg.sourceAmi)
      cfg.vars.push({ key: 'source_ami', value: resolved.get(JSON.stringify(cfg.sourceAmi))! });
  }
  const files = hashInputs(cfg, map, root);
  const several = builds.length > 1;
  const perBuild = builds.map((b) => {
    const sourceAmi = b.spec ? resolved.get(JSON.stringify(b.spec))! : '';
    // one build: the fingerprint as it always was. Several: each its own base image and name (the
    // build filters only choose among them, so they are not part of it)
    const value = fingerprintOf({
      sourceAmi,
      packerVersion,
      vars: cfg.vars,
      only: several ? [] : cfg.only,
      except: several ? [] : cfg.except,
      files,
      ...(several ? { build: b.build } : {}),
    });
    return { build: b.build, value, sourceAmi, spec: b.spec };
  });
  const value = several ? sha256(perBuild.map((b) => `${b.build}=${b.value}`).join('\n')) : perBuild[0].value;
  io.info(
    `Fingerprint ${value.slice(0, 16)}… over the source AMI${several ? ` of each of ${perBuild.length} builds` : ''}, Packer ${packerVersion}, the variables and ${files.size} file(s)`,
  );
  return {
    value,
    packerVersion,
    builds: perBuild,
    files,
    region,
  };
}

/** A build skip-unchanged reuses: the golden image of its fingerprint. */
export interface Reused {
  build: string;
  image: Image;
  reason: string;
}

/** Per build, the golden image to reuse; for the others, what changed (they are baked). */
export interface UnchangedResult {
  reused: Reused[];
  changes: string[];
}

/**
 * Why a golden image of the same inputs must not be reused (a later re-scan found it failing or
 * vulnerable, it was quarantined or deprecated), or undefined when it may be: a rebuild is the fix.
 */
export function notReusable(image: Image, now: Date): string | undefined {
  const t = imageTags(image);
  if (t[TAG.status] !== 'golden') return `it is ${t[TAG.status] ?? 'untagged'}, not golden`;
  if (t[TAG.vulnerable] === 'true') return `a re-scan marked it vulnerable (${TAG.vulnerable}=true)`;
  if (t[TAG.scan] !== undefined && t[TAG.scan] !== 'passed') return `its scan is ${t[TAG.scan]}, not passed`;
  if (image.DeprecationTime && Date.parse(image.DeprecationTime) <= now.getTime())
    return `it is deprecated since ${image.DeprecationTime}`;
  return undefined;
}

/**
 * Per build, the golden image with its fingerprint, or what changed since the build's newest golden
 * image (the template's newest, for images baked before the build was tagged).
 */
export async function findUnchanged(io: Io, template: string, fp: Fingerprint): Promise<UnchangedResult> {
  if (!fp.region)
    throw new InputError('aws-region', 'skip-unchanged needs the region to look in.', 'set aws-region.');
  const { ec2Client } = await import('../../shared/src/aws/ec2.js');
  const { goldenImagesOf } = await import('./fingerprint-aws.js');
  const golden = await goldenImagesOf(ec2Client(fp.region), template);
  const several = fp.builds.length > 1;
  const reused: Reused[] = [];
  const changes: string[] = [];
  for (const b of fp.builds) {
    const matching = golden.filter((i) => imageTags(i)[TAG.fingerprint] === b.value);
    const same = matching.find((i) => !notReusable(i, new Date()));
    const refused = matching.filter((i) => i !== same);
    const of = several ? ` of ${b.build}` : '';
    for (const i of refused)
      io.info(
        `Not reusing ${i.ImageId}${of} (same fingerprint): ${notReusable(i, new Date())}; baking anew.`,
      );
    if (same) {
      reused.push({
        build: b.build,
        image: same,
        reason: `golden image ${same.ImageId}${of} (${same.Name ?? ''}, ${same.CreationDate?.slice(0, 10) ?? ''}) has the same fingerprint: ${b.sourceAmi ? `same base AMI ${b.sourceAmi}` : 'no base AMI in the template'}, same files, variables and Packer version`,
      });
      continue;
    }
    const newest = (several && golden.find((i) => imageTags(i)[TAG.build] === b.build)) || golden[0];
    const why = refused.length
      ? refused.map((i) => `golden image ${i.ImageId} has the same inputs but ${notReusable(i, new Date())}`)
      : await changedSinceNewest(io, newest, fp, b.sourceAmi);
    changes.push(...why.map((c) => (several ? `${b.build}: ${c}` : c)));
  }
  return { reused, changes };
}

async function changedSinceNewest(
  io: Io,
  newest: Image | undefined,
  fp: Fingerprint,
  sourceAmi: string,
): Promise<string[]> {
  const tags = imageTags(newest);
  const files = newest ? await changedSince(io, tags[TAG.commit], [...fp.files.keys()]) : undefined;
  return whatChanged(
    newest
      ? {
          imageId: newest.ImageId,
          sourceAmi: tags[TAG.baseAmi],
          packerVersion: tags[TAG.packerVersion],
          fingerprint: tags[TAG.fingerprint],
        }
      : undefined,
    { sourceAmi, packerVersion: fp.packerVersion },
    files,
  ).map((c) =>
    c === 'the build variables or filters changed' && files === undefined
      ? `the inputs changed (commit ${tags[TAG.commit] ?? '?'} of ${newest?.ImageId} is not in this clone to name the files)`
      : c,
  );
}

/** The build's files that differ from a commit (working tree included); undefined without that commit. */
async function changedSince(
  io: Io,
  commit: string | undefined,
  files: string[],
): Promise<string[] | undefined> {
  if (!commit || !/^[0-9a-f]{7,40}$/.test(commit)) return undefined;
  const root = repoRoot(io.env);
  const rel = files.filter((f) => !path.isAbsolute(f));
  const diff = () =>
    exec('git', ['diff', '--name-only', commit, '--', ...rel], { cwd: root, maxBuffer: 4 * 1024 * 1024 });
  let r = await diff().catch(() => undefined);
  if (r && r.code !== 0) {
    await exec('git', ['fetch', '--no-tags', '--depth=1', 'origin', commit], {
      cwd: root,
      timeoutMs: 60_000,
    }).catch(() => undefined);
    r = await diff().catch(() => undefined);
  }
  return r?.code === 0 ? r.stdout.split('\n').filter(Boolean) : undefined;
}
