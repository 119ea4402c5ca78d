/**
 * Re-scanning the images in use (the AMI Factory practice): which AMIs running instances use,
 * which of those are our golden images, the newest golden one to scan, and which to tag when that
 * scan fails. Pure: the EC2 calls are in in-use-aws.ts.
 */
import * as path from 'node:path';
import { EC2_TAG_LIMITS, TAG } from '../../shared/src/aws/tags.js';
import { InputError } from '../../shared/src/errors.js';

export interface InUseImage {
  region: string;
  imageId: string;
  name?: string;
  creationDate?: string;
  tags: Record<string, string>;
  /** running instances using it */
  instances: number;
  /** those instances (for the issue a failed re-scan opens) */
  instanceList?: RunningInstance[];
  /** false when DescribeImages no longer knows it (deregistered, or another account's private image) */
  known: boolean;
}

export interface RunningInstance {
  account?: string;
  region: string;
  instanceId: string;
  name?: string;
  launchTime?: string;
}

export const isGolden = (i: InUseImage): boolean => i.tags[TAG.status] === 'golden';
const familyOf = (i: InUseImage) => i.tags[TAG.family] ?? '';

/** The newest golden image in use (by creation date; ties by image id for determinism). */
export function newestGolden(images: InUseImage[]): InUseImage | undefined {
  return images
    .filter(isGolden)
    .sort(
      (a, b) =>
        (b.creationDate ?? '').localeCompare(a.creationDate ?? '') || a.imageId.localeCompare(b.imageId),
    )[0];
}

/**
 * in-use-tags: `key=value` lines the image a re-scan picks must carry, so one fleet's families
 * (golden-ami.yml passes its template and build) never re-scan, tag or quarantine each other's
 * images. ami-bakery:template is compared as a normalised repository path (`./a/../t.pkr.hcl` is
 * `t.pkr.hcl`), as bake wrote it. Keys and values are checked against EC2's tag limits.
 */
export function parseInUseTags(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    let value = eq > 0 ? line.slice(eq + 1).trim() : '';
    if (!key || !value)
      throw new InputError(
        'in-use-tags',
        `"${line}" is not key=value.`,
        'e.g. ami-bakery:build=amazon-ebs.ubuntu-arm64',
      );
    if (
      key.length > EC2_TAG_LIMITS.keyLength ||
      value.length > EC2_TAG_LIMITS.valueLength ||
      /^aws:/i.test(key)
    )
      throw new InputError(
        'in-use-tags',
        `"${key}" cannot be an EC2 tag (keys up to 128 characters, not aws:, values up to 256).`,
      );
    if (key in out) throw new InputError('in-use-tags', `gives ${key} twice.`, 'give each tag once.');
    if (key === TAG.template) value = normalisePath(value);
    out[key] = value;
  }
  return out;
}

/** A template path as one form: posix separators, normalised, no leading ./ (the input and the tag alike). */
const tidyPath = (p: string) => path.posix.normalize(p.replace(/\\/g, '/')).replace(/^\.\//, '');

function normalisePath(p: string): string {
  const n = tidyPath(p);
  if (n.startsWith('../') || n === '..' || n.startsWith('/'))
    throw new InputError('in-use-tags', `${TAG.template}=${p} is not a path inside the repository.`);
  return n;
}

const carries = (i: InUseImage, tags: Record<string, string>) =>
  Object.entries(tags).every(
    ([k, v]) => (k === TAG.template && i.tags[k] !== undefined ? tidyPath(i.tags[k]) : i.tags[k]) === v,
  );

/**
 * The image an in-use re-scan scans: the newest golden one in use that carries `tags`, in
 * `region`, else anywhere.
 */
export function chooseInUseImage(
  images: InUseImage[],
  region?: string,
  tags: Record<string, string> = {},
): InUseImage | undefined {
  const ours = images.filter((i) => carries(i, tags));
  return newestGolden(ours.filter((i) => i.region === region)) ?? newestGolden(ours);
}

/**
 * When the scan of `scanned` failed: it, and every golden image in use of the same family that is
 * not newer (it carries at most the same hardening), are vulnerable. Newer images are left alone.
 */
export function vulnerableImages(images: InUseImage[], scanned: string): InUseImage[] {
  const s = images.find((i) => i.imageId === scanned);
  if (!s) return [];
  // Copies of the scanned image in other regions/accounts are the same image, whatever their date.
  const lineage = (i: InUseImage) => i.tags[TAG.sourceAmi] ?? i.imageId;
  return images.filter(
    (i) =>
      i.imageId === scanned ||
      lineage(i) === lineage(s) ||
      i.imageId === lineage(s) ||
      (isGolden(i) && familyOf(i) === familyOf(s) && (i.creationDate ?? '') <= (s.creationDate ?? '')),
  );
}

/**
 * Older golden images still in use while a newer one of the same family is in use in the same
 * region (each region has its own copy, so dates are compared within a region).
 */
export function outdatedImages(images: InUseImage[]): InUseImage[] {
  const key = (i: InUseImage) => `${i.region}\u0000${familyOf(i)}`;
  const newest = new Map<string, string>();
  for (const i of images.filter(isGolden)) {
    if ((i.creationDate ?? '') > (newest.get(key(i)) ?? '')) newest.set(key(i), i.creationDate ?? '');
  }
  return images.filter((i) => isGolden(i) && (i.creationDate ?? '') < (newest.get(key(i)) ?? ''));
}

/** The summary table; `vulnerable`: images tagged so by this run (earlier runs' tags show too). */
export function inUseTable(images: InUseImage[], scanned?: string, vulnerable = new Set<string>()): string {
  const outdated = new Set(outdatedImages(images).map((i) => i.imageId));
  const rows = [...images].sort(
    (a, b) => a.region.localeCompare(b.region) || (b.creationDate ?? '').localeCompare(a.creationDate ?? ''),
  );
  return [
    '| region | AMI | name | created | instances | golden | note |',
    '|---|---|---|---|---:|---|---|',
    ...rows.map(
      (i) =>
        `| ${i.region} | \`${i.imageId}\` | ${i.name ?? (i.known ? '' : '(not visible)')} | ${(i.creationDate ?? '').slice(0, 10)} | ${i.instances} | ${isGolden(i) ? 'yes' : 'no'} | ${[i.imageId === scanned ? 'scanned' : '', outdated.has(i.imageId) ? 'outdated' : '', vulnerable.has(i.imageId) || i.tags[TAG.vulnerable] === 'true' ? 'vulnerable' : ''].filter(Boolean).join(', ')} |`,
    ),
  ].join('\n');
}
