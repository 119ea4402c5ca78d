/** Which image an in-use re-scan scans, and which images a failed re-scan marks: pure. */
import { describe, expect, it } from 'vitest';
import {
  chooseInUseImage,
  type InUseImage,
  outdatedImages,
  parseInUseTags,
  vulnerableImages,
} from '../../action-scan/src/in-use.js';

const img = (
  imageId: string,
  region: string,
  creationDate: string,
  tags: Record<string, string> = {},
): InUseImage => ({
  imageId,
  region,
  creationDate,
  instances: 1,
  known: true,
  tags: { 'ami-bakery:status': 'golden', 'ami-bakery:family': 'web-', ...tags },
});

describe('in-use selection', () => {
  const images = [
    img('ami-old-eu', 'eu-west-1', '2026-01-01'),
    img('ami-new-us', 'us-east-1', '2026-03-01'),
    img('ami-new-eu', 'eu-west-1', '2026-02-01'),
    { ...img('ami-theirs', 'eu-west-1', '2026-09-01'), tags: {} },
  ];
  it('scans the newest golden image in the scan region, else the newest anywhere; never a non-golden one', () => {
    expect(chooseInUseImage(images, 'eu-west-1')?.imageId).toBe('ami-new-eu');
    expect(chooseInUseImage(images, 'ap-south-1')?.imageId).toBe('ami-new-us');
    expect(chooseInUseImage(images.slice(3), 'eu-west-1')).toBeUndefined();
  });
  it("in-use-tags: a fleet's family re-scans only its own images (template and build), never the newest of another", () => {
    const fleet = [
      img('ami-ubuntu-x86', 'us-east-1', '2026-03-01', {
        'ami-bakery:template': 'images/ubuntu/ubuntu.pkr.hcl',
        'ami-bakery:build': 'amazon-ebs.ubuntu',
      }),
      img('ami-ubuntu-arm', 'us-east-1', '2026-03-02', {
        'ami-bakery:template': 'images/ubuntu/ubuntu.pkr.hcl',
        'ami-bakery:build': 'amazon-ebs.ubuntu-arm64',
      }),
      img('ami-debian', 'us-east-1', '2026-03-03', { 'ami-bakery:template': 'images/debian/debian.pkr.hcl' }),
    ];
    expect(chooseInUseImage(fleet, 'us-east-1')?.imageId).toBe('ami-debian');
    const tags = parseInUseTags([
      'ami-bakery:template=./images/ubuntu/../ubuntu/ubuntu.pkr.hcl',
      'ami-bakery:build=amazon-ebs.ubuntu',
    ]);
    expect(tags).toEqual({
      'ami-bakery:template': 'images/ubuntu/ubuntu.pkr.hcl',
      'ami-bakery:build': 'amazon-ebs.ubuntu',
    });
    expect(chooseInUseImage(fleet, 'us-east-1', tags)?.imageId).toBe('ami-ubuntu-x86');
    expect(
      chooseInUseImage(
        fleet,
        'us-east-1',
        parseInUseTags(['ami-bakery:template=images/debian/debian.pkr.hcl']),
      )?.imageId,
    ).toBe('ami-debian');
    expect(
      chooseInUseImage(fleet, 'us-east-1', parseInUseTags(['ami-bakery:template=other.pkr.hcl'])),
    ).toBeUndefined();
  });
  it.each([
    ['no =', 'ami-bakery:build', /is not key=value/],
    ['no value', 'ami-bakery:build=', /is not key=value/],
    ['no key', '=x', /is not key=value/],
    ['aws: key', 'aws:cloudformation:stack=x', /cannot be an EC2 tag/],
    ['a key over 128', `${'k'.repeat(129)}=x`, /cannot be an EC2 tag/],
    ['a value over 256', `k=${'v'.repeat(257)}`, /cannot be an EC2 tag/],
    [
      'a template outside the repository',
      'ami-bakery:template=../../etc/passwd',
      /not a path inside the repository/,
    ],
    ['an absolute template', 'ami-bakery:template=/etc/passwd', /not a path inside the repository/],
  ])('in-use-tags refuses %s', (_, line, message) => {
    expect(() => parseInUseTags([line])).toThrow(message);
  });
  it('in-use-tags refuses a key given twice', () => {
    expect(() => parseInUseTags(['a=1', 'a=2'])).toThrow(/gives a twice/);
  });
  it('outdated: an older golden image in use next to a newer one of its family in the same region', () => {
    expect(outdatedImages(images).map((i) => i.imageId)).toEqual(['ami-old-eu']);
  });
  it('a failed scan marks the image, its copies elsewhere, and older ones of its family; not newer ones', () => {
    const copy = img('ami-copy-us', 'us-east-1', '2026-04-01', { 'ami-bakery:source-ami': 'ami-new-eu' });
    const marked = vulnerableImages([...images, copy], 'ami-new-eu').map((i) => i.imageId);
    expect(marked.sort()).toEqual(['ami-copy-us', 'ami-new-eu', 'ami-old-eu']);
    expect(vulnerableImages(images, 'ami-unknown')).toEqual([]);
  });
});
