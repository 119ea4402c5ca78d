/**
 * A bake's images per build and architecture (issue 25): a template with an x86_64 and an arm64
 * source yields two AMIs in the same region, which a map by region alone would lose one of. Pure:
 * Packer's artifacts and log lines, and the architectures EC2 reports, come in; outputs go out.
 */
import { wildcardRegExp } from '../../shared/src/regexp.js';
import { type Artifact, amisFromArtifactId } from './machine-readable.js';

/** One build's images: its AMI per region, its architecture (from EC2), where it started from. */
export interface BuiltImage {
  build: string;
  /** region → AMI id */
  amis: Record<string, string>;
  /** EC2's `Architecture` of the AMI (x86_64, arm64, …); undefined when it could not be read */
  architecture?: string;
  /** the base AMI Packer started from (its log's "Found Image ID") */
  sourceAmi?: string;
  /** this build's input fingerprint, when it holds */
  fingerprint?: string;
  /** skip-unchanged reused this golden image instead of building */
  reused?: boolean;
}

/**
 * Whether Packer's name for a build (artifact target, log prefix) is a source's `type.name`: a
 * named HCL build block makes it `<build name>.<type>.<name>` (`build { name = "web" … }`).
 */
export function isBuildOf(packerName: string, source: string): boolean {
  return packerName === source || packerName.endsWith(`.${source}`);
}

/** The template's builds that -only/-except leave, in template order. */
export function selectBuilds(
  names: readonly string[],
  only: readonly string[],
  except: readonly string[],
): string[] {
  const matches = (patterns: readonly string[], n: string) => patterns.some((p) => wildcardRegExp(p).test(n));
  return names.filter((n) => (!only.length || matches(only, n)) && !matches(except, n));
}

/** Each build's AMIs (region → id) from Packer's artifacts; builds without an AMI are left out. */
export function amisByBuild(artifacts: readonly Artifact[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const a of artifacts) {
    const amis = amisFromArtifactId(a.id);
    if (!Object.keys(amis).length) continue;
    out.set(a.build, { ...out.get(a.build), ...amis });
  }
  return out;
}

/**
 * The base image each build found, from its log line (amazon-ebs: `amazon-ebs.ubuntu: Found Image
 * ID: ami-…`, as a message or a say line).
 */
export function sourceAmiOfLine(text: string): { build: string; ami: string } | undefined {
  const m = /^\s*(?:==> )?([\w.-]+): Found Image ID: (ami-[0-9a-f]{8,17})\b/m.exec(text);
  return m ? { build: m[1], ami: m[2] } : undefined;
}

export interface BakeOutputs {
  /** the build region's AMI (the first build's, by name, when there are several) */
  amiId: string;
  /** region → AMI, or undefined when two builds made an AMI in the same region */
  amis?: Record<string, string>;
  /** build → its images, the `builds` output */
  builds: Record<string, { architecture?: string; 'ami-id': string; amis: Record<string, string> }>;
  /** architecture → the build region's AMI of the one build of that architecture */
  byArch: Record<string, string>;
  architectures: string[];
  /** what an output cannot say, for a warning */
  problems: string[];
}

/** What the bake outputs for its images, with the build region's AMI of each. */
export function bakeOutputs(images: readonly BuiltImage[], buildRegion?: string): BakeOutputs {
  const sorted = [...images].sort((a, b) => (a.build < b.build ? -1 : a.build > b.build ? 1 : 0));
  const inRegion = (i: BuiltImage) => (buildRegion && i.amis[buildRegion]) || Object.values(i.amis)[0] || '';
  const problems: string[] = [];
  const builds: BakeOutputs['builds'] = {};
  for (const i of sorted)
    builds[i.build] = {
      ...(i.architecture ? { architecture: i.architecture } : {}),
      'ami-id': inRegion(i),
      amis: i.amis,
    };
  let amis: Record<string, string> | undefined = {};
  for (const i of sorted)
    for (const [region, ami] of Object.entries(i.amis)) {
      if (amis && amis[region] && amis[region] !== ami) {
        problems.push(
          `output amis (region → AMI) is empty: more than one build made an AMI in ${region} (${sorted.map((x) => x.build).join(', ')}); read output builds or ami-id-<arch>.`,
        );
        amis = undefined;
      } else if (amis) amis[region] = ami;
    }
  const byArch: Record<string, string> = {};
  const archBuilds = new Map<string, string[]>();
  for (const i of sorted)
    if (i.architecture) archBuilds.set(i.architecture, [...(archBuilds.get(i.architecture) ?? []), i.build]);
  for (const [arch, names] of archBuilds) {
    if (names.length === 1) byArch[arch] = inRegion(sorted.find((i) => i.build === names[0])!);
    else
      problems.push(
        `output ami-id-${arch} is not set: builds ${names.join(' and ')} are both ${arch}; read output builds.`,
      );
  }
  const unknown = sorted.filter((i) => !i.architecture && Object.keys(i.amis).length);
  if (unknown.length && sorted.length > 1)
    problems.push(
      `the architecture of ${unknown.map((i) => i.build).join(', ')} could not be read from EC2: no ami-id-<arch> for ${unknown.length === 1 ? 'it' : 'them'}.`,
    );
  return {
    amiId: sorted.length ? inRegion(sorted[0]) : '',
    amis,
    builds,
    byArch,
    architectures: [...archBuilds.keys()].sort(),
    problems,
  };
}
