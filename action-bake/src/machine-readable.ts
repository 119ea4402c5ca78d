/**
 * Packer's `-machine-readable` output: `timestamp,target,type,data...` per line. Commas inside data
 * are escaped as `%!(PACKER_COMMA)`, newlines as a literal `\n`. Pure: no I/O.
 */
import { REGION_FORM } from '../../shared/src/aws/validate.js';
export interface MachineLine {
  timestamp: number;
  target: string;
  type: string;
  data: string[];
}

export function unescapeData(s: string): string {
  return s
    .replace(/%!\(PACKER_COMMA\)/g, ',')
    .replace(/\\n/g, '\n')
    .replace(/\\r/g, '\r');
}

export function parseMachineLine(line: string): MachineLine | undefined {
  const m = /^(\d+),([^,]*),([^,]+),?(.*)$/.exec(line);
  if (!m) return undefined;
  return {
    timestamp: Number(m[1]),
    target: m[2],
    type: m[3],
    data: m[4] === '' ? [] : m[4].split(',').map(unescapeData),
  };
}

export interface Artifact {
  build: string;
  index: number;
  builderId?: string;
  id?: string;
  string?: string;
  files: string[];
}

/** Collects `artifact,N,<key>,<value>` lines into artifacts (per build target). */
export class ArtifactCollector {
  private readonly byKey = new Map<string, Artifact>();

  add(l: MachineLine): void {
    if (l.type !== 'artifact' || l.data.length < 2) return;
    const index = Number(l.data[0]);
    const key = `${l.target}#${index}`;
    let a = this.byKey.get(key);
    if (!a) {
      a = { build: l.target, index, files: [] };
      this.byKey.set(key, a);
    }
    const [, field, ...rest] = l.data;
    const value = rest.join(',');
    if (field === 'builder-id') a.builderId = value;
    else if (field === 'id') a.id = value;
    else if (field === 'string') a.string = value;
    else if (field === 'file') a.files.push(rest.slice(1).join(','));
  }

  /**
   * One entry per artifact: a post-processor that passes the builder's artifact through (manifest)
   * makes Packer report the same artifact again under the next index.
   */
  get artifacts(): Artifact[] {
    const seen = new Set<string>();
    return [...this.byKey.values()]
      .sort((a, b) => (a.build < b.build ? -1 : a.build > b.build ? 1 : a.index - b.index))
      .filter((a) => {
        const key = `${a.build}\0${a.builderId ?? ''}\0${a.id ?? ''}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  }
}

const AMI_PAIR = new RegExp(`^(${REGION_FORM}):(ami-[0-9a-f]{8,17})$`);

/** amazon-ebs (and -chroot, -ebssurrogate, ...) artifact ids: `region:ami-...` pairs joined by commas. */
export function amisFromArtifactId(id: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (id ?? '').split(',')) {
    const m = AMI_PAIR.exec(part.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** The script a provisioner step runs, from its "say" line, e.g. "==> b: Provisioning with shell script: x.sh". */
export function stepOf(text: string): { build: string; step: string; script?: string } | undefined {
  const m = /^==> ([^:]+): (.*)$/.exec(text.trim());
  if (!m) return undefined;
  const [, build, rest] = m;
  const script =
    /^(?:Provisioning with shell script|Running local shell script|Provisioning with Powershell|Uploading) ?:?\s*(\S+)/.exec(
      rest,
    )?.[1] ?? /^Provisioning with Ansible/.exec(rest)?.[0];
  if (
    /^(Provisioning with|Running local shell script|Running post-processor|Launching a source|Creating AMI|Waiting for AMI|Copying\/Encrypting AMI|Stopping the source|Terminating the source|Deleting temporary)/.test(
      rest,
    )
  ) {
    return { build, step: rest, script };
  }
  return undefined;
}
