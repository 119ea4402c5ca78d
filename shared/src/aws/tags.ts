/**
 * The `ami-bakery:*` tags: the contract between the stages (bake writes provenance, verify and scan
 * write verdicts, promote reads them as its gate and marks copies). Every key is named here once.
 * No AWS SDK import: these are plain values, cheap to load before inputs are validated.
 */
import type { Image } from '@aws-sdk/client-ec2';

export const TAG_PREFIX = 'ami-bakery:';

export const TAG = {
  /** bake: the commit, run and template the image was built from. */
  commit: 'ami-bakery:commit',
  runUrl: 'ami-bakery:run-url',
  template: 'ami-bakery:template',
  /** bake: how many CIS changes the hardening files carry, and their hash. */
  cisChanges: 'ami-bakery:cis-changes',
  hardeningSha: 'ami-bakery:hardening-sha',
  /** bake: the input fingerprint (source AMI, Packer version, vars, every file the build reads) and the Packer version. */
  fingerprint: 'ami-bakery:fingerprint',
  packerVersion: 'ami-bakery:packer-version',
  /**
   * bake: the base image Packer started from. Unlike source-ami it keeps that meaning on promoted
   * copies (promote copies it with the provenance), so skip-unchanged can say "new base AMI".
   */
  baseAmi: 'ami-bakery:base-ami',
  /**
   * The image this one came from. On a baked AMI: the base (source) AMI Packer started from.
   * On a promoted copy: the baked AMI it was copied from (promote finds its copies by it).
   */
  sourceAmi: 'ami-bakery:source-ami',
  /**
   * bake: the build (`amazon-ebs.ubuntu-arm64`) and EC2's architecture of the image; promote keeps
   * both on copies, and keeps retention, quarantine and SSM apart per architecture.
   */
  build: 'ami-bakery:build',
  arch: 'ami-bakery:arch',
  /** verify / scan verdicts, read by promote's gate. */
  verify: 'ami-bakery:verify',
  scan: 'ami-bakery:scan',
  cisScore: 'ami-bakery:cis-score',
  cisProfile: 'ami-bakery:cis-profile',
  /** scan: the sha256 of the image's SBOM (CycloneDX JSON, the scan's sbom-file). */
  sbomSha256: 'ami-bakery:sbom-sha256',
  /** scan: active, unwaived CVEs of each severity (Inspector), beside the vulnerable mark. */
  cvesCritical: 'ami-bakery:cves-critical',
  cvesHigh: 'ami-bakery:cves-high',
  /** promote: candidate → golden on copies; promoted on an encrypted promote's build AMI. */
  status: 'ami-bakery:status',
  sourceRegion: 'ami-bakery:source-region',
  family: 'ami-bakery:family',
  /** promote: `none` when the provenance gate was turned off explicitly. */
  gate: 'ami-bakery:gate',
  /**
   * scan: the vulnerability gate failed (a CVE at or above fail-on-severity); in-use: a re-scan
   * failed. Promote refuses it; a later pass never clears it.
   */
  vulnerable: 'ami-bakery:vulnerable',
  vulnerableSince: 'ami-bakery:vulnerable-since',
  vulnerableReason: 'ami-bakery:vulnerable-reason',
} as const;

export type TagKey = (typeof TAG)[keyof typeof TAG];

/** What EC2 enforces on a resource's tags (user guide, "Tag restrictions"). */
export const EC2_TAG_LIMITS = { perResource: 50, keyLength: 128, valueLength: 256 } as const;

/**
 * Why EC2 would refuse these tags on one resource, if it would: more than 50, a key longer than 128
 * characters (or empty, or starting with the reserved `aws:`), a value longer than 256. Lengths are
 * counted in Unicode characters, as EC2 counts them.
 */
export function tagLimitProblems(tags: Record<string, string>): string[] {
  const problems: string[] = [];
  const n = Object.keys(tags).length;
  if (n > EC2_TAG_LIMITS.perResource)
    problems.push(`${n} tags, more than the ${EC2_TAG_LIMITS.perResource} EC2 allows on a resource`);
  for (const [k, v] of Object.entries(tags)) {
    const kl = [...k].length;
    const vl = [...v].length;
    if (!kl || kl > EC2_TAG_LIMITS.keyLength)
      problems.push(
        `the key "${k.slice(0, 40)}${kl > 40 ? '…' : ''}" has ${kl} characters (1 to ${EC2_TAG_LIMITS.keyLength})`,
      );
    if (/^aws:/i.test(k)) problems.push(`the key "${k.slice(0, 40)}" starts with aws:, which AWS reserves`);
    if (vl > EC2_TAG_LIMITS.valueLength)
      problems.push(
        `the value of "${k.slice(0, 40)}" has ${vl} characters (at most ${EC2_TAG_LIMITS.valueLength})`,
      );
  }
  return problems;
}

/** `{ key: value }` → the SDK's `[{ Key, Value }]`. */
export function toAwsTags(tags: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** An image's tags as a plain object. */
export function imageTags(img: Pick<Image, 'Tags'> | undefined): Record<string, string> {
  return Object.fromEntries((img?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

/** The EBS snapshots behind an image. */
export function snapshotIdsOf(img: Pick<Image, 'BlockDeviceMappings'> | undefined): string[] {
  return (img?.BlockDeviceMappings ?? [])
    .map((b) => b.Ebs?.SnapshotId)
    .filter((s): s is string => Boolean(s));
}

/** The error code of an AWS SDK error (`name`, or `Code` on some XML errors); '' for anything else. */
export function awsErrorName(e: unknown): string {
  return (e as { name?: string }).name ?? (e as { Code?: string }).Code ?? '';
}

/** Whether `e` is an AWS error whose code matches `code` (e.g. /InvalidAMIID/ or 'ResourceLimitExceeded'). */
export function isAwsError(e: unknown, code: RegExp | string): boolean {
  const name = awsErrorName(e);
  return typeof code === 'string' ? name === code : code.test(name);
}
